package flows_test

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/interlude-bot/interlude/flows"
)

// FuzzLoad feeds arbitrary files to the flow loader: it must return a library or problems,
// never panic.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"onboarding.yaml", "checkin.yaml", "session.yaml", "strings.yaml"} {
		data, err := os.ReadFile(filepath.Join("library", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("flows:\n  - id: a\n    steps:\n      - id: b\n        kind: goto\n        flow: a\n"))
	f.Add([]byte("languages: {en: English}\nflows: [{id: x, steps: [{id: y, kind: branch, on: z, cases: [{next: y}]}]}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lib, err := flows.LoadOnly(fstest.MapFS{"f.yaml": {Data: data}}, "fuzz/")
		if err == nil && lib == nil {
			t.Fatal("no library and no error")
		}
	})
}
