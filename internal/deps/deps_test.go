// Package deps holds a test that keeps the project's dependencies pointing one way.
package deps

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// rules: a package, and the packages it must never link (directly or through others).
var rules = []struct {
	pkg     string
	never   []string
	because string
}{
	{"github.com/interlude-bot/interlude/flows", []string{
		"github.com/redis/go-redis/v9", "github.com/bwmarrin/discordgo", "github.com/go-telegram/bot",
		"github.com/prometheus/client_golang/prometheus", "github.com/alicebob/miniredis/v2",
		"github.com/interlude-bot/interlude/store", "github.com/interlude-bot/interlude/metrics",
	}, "the engine defines what it needs (Store, Sender, Observer); storage, platforms and metrics plug in"},
	{"github.com/interlude-bot/interlude/flows/safety", []string{
		"github.com/redis/go-redis/v9", "github.com/interlude-bot/interlude/flows",
	}, "the crisis path works from memory alone, and is a leaf"},
	{"github.com/interlude-bot/interlude/when", []string{
		"github.com/interlude-bot/interlude/flows", "github.com/interlude-bot/interlude/store",
		"github.com/interlude-bot/interlude/scheduler", "github.com/redis/go-redis/v9",
	}, "time parsing is a leaf that anything may use"},
	{"github.com/interlude-bot/interlude/config", []string{
		"github.com/interlude-bot/interlude/store", "github.com/interlude-bot/interlude/flows",
		"github.com/alicebob/miniredis/v2", "github.com/prometheus/client_golang/prometheus",
		"gonum.org/v1/plot",
	}, "checking a setting is parsing it (internal/storeconf), never building the store"},
	{"github.com/interlude-bot/interlude/metrics", []string{
		"github.com/redis/go-redis/v9", "github.com/interlude-bot/interlude/store",
		"github.com/interlude-bot/interlude/flows",
	}, "metrics implement the observers of the store and the engine without importing them"},
	{"github.com/interlude-bot/interlude/store", []string{
		"github.com/prometheus/client_golang/prometheus", "github.com/interlude-bot/interlude/metrics",
	}, "the store reports command times through store.Observer"},
	{"github.com/interlude-bot/interlude/leader", []string{
		"github.com/redis/go-redis/v9", "github.com/interlude-bot/interlude/store",
	}, "the elector defines the Lease it needs; the store implements it"},
	{"github.com/interlude-bot/interlude/bots/adapter", []string{
		"github.com/redis/go-redis/v9", "github.com/bwmarrin/discordgo", "github.com/go-telegram/bot",
		"github.com/interlude-bot/interlude/store",
	}, "the policy the adapters share knows no platform and no store; each adapter converts"},
	{"github.com/interlude-bot/interlude/bots/telegram", []string{
		"github.com/redis/go-redis/v9", "github.com/bwmarrin/discordgo", "github.com/interlude-bot/interlude/store",
	}, "an adapter converts: what it keeps (the group notices' marks) it keeps through an interface the store implements"},
	{"github.com/interlude-bot/interlude/bots/discord", []string{
		"github.com/redis/go-redis/v9", "github.com/go-telegram/bot", "github.com/interlude-bot/interlude/store",
	}, "an adapter converts, and keeps nothing of its own"},
	{"github.com/interlude-bot/interlude/bots/console", []string{
		"github.com/redis/go-redis/v9", "github.com/bwmarrin/discordgo", "github.com/go-telegram/bot",
		"github.com/interlude-bot/interlude/store",
	}, "the console converts terminal lines like the other adapters convert platform events"},
	{"github.com/interlude-bot/interlude/scheduler", []string{
		"github.com/redis/go-redis/v9", "github.com/interlude-bot/interlude/store",
	}, "the dispatcher defines the Queue it needs, and the Claim and Pace it speaks; the store implements it"},
	{"github.com/interlude-bot/interlude/internal/storeconf", []string{
		"github.com/interlude-bot/interlude/store", "github.com/interlude-bot/interlude/flows",
		"github.com/alicebob/miniredis/v2",
	}, "the store's settings are read by pure functions that config and store both use"},
}

func TestDependenciesPointOneWay(t *testing.T) {
	readSources(t)
	for _, r := range rules {
		out, err := exec.Command("go", "list", "-deps", r.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", r.pkg, err)
		}
		deps := map[string]bool{}
		for _, d := range strings.Fields(string(out)) {
			deps[d] = true
		}
		if len(deps) < 5 {
			t.Fatalf("go list -deps %s listed only %d packages", r.pkg, len(deps))
		}
		for _, n := range r.never {
			if deps[n] {
				t.Errorf("%s links %s: %s", r.pkg, n, r.because)
			}
		}
	}
}

// readSources opens every Go file of the module and go.mod. What go list reads is not known to
// go test's cache; what the test opens is, so that a new import anywhere runs the test again
// instead of reporting the result cached before it.
func readSources(t *testing.T) {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata"):
			return filepath.SkipDir
		case d.IsDir() || !(strings.HasSuffix(path, ".go") || d.Name() == "go.mod"):
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		n++
		return f.Close()
	})
	if err != nil || n < 50 {
		t.Fatalf("read %d files of the module: %v", n, err)
	}
}
