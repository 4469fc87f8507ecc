package config_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"

	"github.com/interlude-bot/interlude/config"
	"github.com/interlude-bot/interlude/store"
)

func TestUnknownVariablesNameTheNearestKnownOne(t *testing.T) {
	environ := []string{
		"PATH=/usr/bin",
		"INTERLUDE_TELEGRAM_TOKN=x",
		"INTERLUDE_LOGLEVEL=debug",
		"INTERLUDE_REDIS_URL=redis://r:6379",
		"INTERLUDE_SOMETHING_ELSE_ENTIRELY=1",
		"INTERLUDE_ENCRYPTON_KEY=k",
	}
	want := []config.UnknownVar{
		{Name: "INTERLUDE_ENCRYPTON_KEY", Nearest: "INTERLUDE_ENCRYPTION_KEY"},
		{Name: "INTERLUDE_LOGLEVEL", Nearest: "INTERLUDE_LOG_LEVEL"},
		{Name: "INTERLUDE_SOMETHING_ELSE_ENTIRELY", Nearest: ""},
		{Name: "INTERLUDE_TELEGRAM_TOKN", Nearest: "INTERLUDE_TELEGRAM_TOKEN"},
	}
	if diff := cmp.Diff(want, config.Unknown(environ)); diff != "" {
		t.Errorf("Unknown (-want +got):\n%s", diff)
	}
}

func TestStrayTokenWithoutAPlatform(t *testing.T) {
	const tgToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	tests := []struct {
		name    string
		environ []string
		want    string // "" for no error
	}{
		{"misspelt telegram variable", []string{"INTERLUDE_TELEGRAM_TOKN=" + tgToken}, "INTERLUDE_TELEGRAM_TOKN: looks like a platform token but is not a variable the bot reads, and no platform is configured; did you mean INTERLUDE_TELEGRAM_TOKEN?"},
		{"misspelt discord variable, any value", []string{"INTERLUDE_DISCORD_TOKNE=abc"}, "INTERLUDE_DISCORD_TOKNE: looks like a platform token but is not a variable the bot reads, and no platform is configured; did you mean INTERLUDE_DISCORD_TOKEN?"},
		{"token value under an odd name", []string{"INTERLUDE_BOT=" + tgToken}, "INTERLUDE_BOT: looks like a platform token but is not a variable the bot reads, and no platform is configured; did you mean INTERLUDE_TELEGRAM_TOKEN or INTERLUDE_DISCORD_TOKEN?"},
		{"discord-shaped value", []string{"INTERLUDE_X=MTA5ODc2NTQzMjEwOTg3NjU0.GaBcDe.abcdefghijklmnopqrstuvwxyz0123"}, "INTERLUDE_X: looks like a platform token"},
		{"misspelt but empty, as in a fresh .env", []string{"INTERLUDE_TELEGRAM_TOKN="}, ""},
		{"an unrelated unknown variable", []string{"INTERLUDE_COLOUR=blue"}, ""},
		{"a token outside our prefix is not ours to judge", []string{"TELEGRAM_TOKEN=" + tgToken}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Load(env(nil))
			if err != nil {
				t.Fatal(err)
			}
			err = c.StrayToken(tt.environ)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Fatalf("got %v, want %q…", err, tt.want)
			}
			if err != nil && (strings.Contains(err.Error(), tgToken) || strings.Contains(err.Error(), "\n")) {
				t.Errorf("not one line without the token: %q", err)
			}
		})
	}
	// With a platform configured, a stray variable is only a warning (Unknown).
	c, err := config.Load(env(map[string]string{"INTERLUDE_TELEGRAM_TOKEN": tgToken}))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.StrayToken([]string{"INTERLUDE_DISCORD_TOKNE=abc"}); err != nil {
		t.Errorf("with Telegram configured: %v", err)
	}
}

func TestValuesOperatorsGetSlightlyWrong(t *testing.T) {
	const tgToken = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
	// A token pasted with its line end, or with spaces around it, is the token.
	for _, v := range []string{tgToken + "\n", tgToken + "\r\n", "  " + tgToken + " \t"} {
		c, err := config.Load(env(map[string]string{"INTERLUDE_TELEGRAM_TOKEN": v}))
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		if c.TelegramToken != tgToken {
			t.Errorf("%q: token read as %q", v, c.TelegramToken)
		}
	}
	// A Redis password with @ and : in it, as a password generator makes them.
	for _, u := range []string{"redis://:p@ss:w0rd@redis:6379/0", "redis://default:p%40ss%3Aw0rd@redis:6379/0"} {
		if _, err := config.Load(env(map[string]string{"INTERLUDE_REDIS_URL": u})); err != nil {
			t.Errorf("%s: %v", u, err)
		}
		rdb, _, err := store.NewClient(u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		o := rdb.(*redis.Client).Options()
		if o.Password != "p@ss:w0rd" || o.Addr != "redis:6379" {
			t.Errorf("%s: password %q, addr %q", u, o.Password, o.Addr)
		}
		rdb.Close()
	}
	for _, a := range []string{"8080", "localhost", ":http-alt", ":99999"} {
		_, err := config.Load(env(map[string]string{"INTERLUDE_HTTP_ADDR": a}))
		if err == nil || !strings.HasPrefix(err.Error(), "INTERLUDE_HTTP_ADDR: must") {
			t.Errorf("INTERLUDE_HTTP_ADDR=%s: got %v", a, err)
		}
	}
	for _, a := range []string{":8080", "127.0.0.1:9090", "[::1]:8080", ":0"} {
		if _, err := config.Load(env(map[string]string{"INTERLUDE_HTTP_ADDR": a})); err != nil {
			t.Errorf("INTERLUDE_HTTP_ADDR=%s: %v", a, err)
		}
	}
}

// Every variable the code reads is known, so that a new setting is never warned about as a
// typo. The sources are read as text: a variable read anywhere in the module counts.
func TestKnownListsEveryVariableTheCodeReads(t *testing.T) {
	known := map[string]bool{}
	for _, k := range config.Known {
		known[k] = true
	}
	quoted := regexp.MustCompile(`"(INTERLUDE_[A-Z0-9_]+)"`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range quoted.FindAllStringSubmatch(string(src), -1) {
			if !known[m[1]] {
				t.Errorf("%s reads %s, which config.Known lacks (it would be warned about as unknown)", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
