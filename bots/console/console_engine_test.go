package console_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/bots/console"
	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/store"
)

// TestConsoleSpeaksTheClientsLanguage: with a German terminal, the console's own words (the
// banner, the storage line, the log notice, the file notice) are German like the bot's, and two
// console clients never write into each other's files.
func TestConsoleSpeaksTheClientsLanguage(t *testing.T) {
	srv := redistest.Start(t)
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, store.New(srv.Client(), nil), flows.Options{Logger: slog.New(slog.DiscardHandler), Storage: flows.StoragePlaintext})
	dir := t.TempDir()
	run := func(id, input string) string {
		var out bytes.Buffer
		user := flows.UserKey{Platform: flows.Console, ID: flows.UserID(id)}
		a := console.New(e, user, strings.NewReader(input), &out, console.WithFilesDir(dir),
			console.WithLanguageHint("de_DE.UTF-8"), console.WithLogFile("/state/interlude/console.log"))
		if err := a.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	got := run("anna", "/start\n1\nBerlin\n1\n1\n/export\n/export\n")
	for _, w := range []string{
		"Interlude in der Konsole. Tippe /start, um anzufangen",
		"nicht verschlüsselt",
		"Technische Protokolle werden in /state/interlude/console.log geschrieben.",
		"Ich bin Interlude",
		"[Datei gespeichert: " + filepath.Join(dir, "anna", "interlude-export-"),
	} {
		if !strings.Contains(got, w) {
			t.Errorf("console does not say %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "file written") || strings.Contains(got, "Type /start") {
		t.Errorf("English in a German console:\n%s", got)
	}
	run("ben", "/start\n1\nBerlin\n1\n1\n/export\n")
	for _, who := range []string{"anna", "ben"} {
		files, _ := filepath.Glob(filepath.Join(dir, who, "interlude-export-*.json"))
		want := map[string]int{"anna": 2, "ben": 1}[who]
		if len(files) != want {
			t.Errorf("%s has %d JSON exports, want %d: %v", who, len(files), want, files)
		}
		for _, f := range files {
			if data, _ := os.ReadFile(f); !strings.Contains(string(data), `"id": "`+who+`"`) {
				t.Errorf("%s holds another client's export", f)
			}
		}
	}
}
