package flows_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// transcript renders what a client sees, as the console shows it, for golden files.
func transcript(t *testing.T, e *flows.Engine, user flows.UserKey, script []string, now *time.Time) string {
	t.Helper()
	var b strings.Builder
	var buttons []flows.Button
	for _, line := range script {
		if d, ok := strings.CutPrefix(line, "#wait "); ok {
			dur, err := time.ParseDuration(d)
			if err != nil {
				t.Fatal(err)
			}
			*now = now.Add(dur)
			fmt.Fprintf(&b, "~~ %s later ~~\n\n", d)
			continue
		}
		in := flows.Inbound{User: user, Text: line}
		if label, ok := strings.CutPrefix(line, "["); ok {
			label = strings.TrimSuffix(label, "]")
			in.Text = ""
			for _, btn := range buttons {
				if btn.Label == label {
					in.Button = btn.ID
				}
			}
			if in.Button == "" {
				t.Fatalf("no button %q", label)
			}
		}
		fmt.Fprintf(&b, "> %s\n\n", line)
		outs, err := e.Handle(context.Background(), in)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range outs {
			if o.Text != "" {
				b.WriteString(o.Text + "\n")
			}
			if len(o.Buttons) > 0 {
				buttons = o.Buttons
				var labels []string
				for _, btn := range o.Buttons {
					labels = append(labels, "["+btn.Label+"]")
				}
				b.WriteString(strings.Join(labels, " ") + "\n")
			}
			if o.Image != nil {
				fmt.Fprintf(&b, "<picture %s, %s>\n", o.Image.Name, o.Image.MIME)
			}
			if o.File != nil {
				fmt.Fprintf(&b, "<file %s, %s>\n", o.File.Name, o.File.MIME)
				if o.File.MIME == "text/markdown" {
					b.WriteString("| " + strings.ReplaceAll(strings.TrimSpace(string(o.File.Data)), "\n", "\n| ") + "\n")
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func TestGoldenConversations(t *testing.T) {
	scripts := map[string][]string{
		"checkin_prepare_reflect_en": {
			"/start", "[Yes, keep my answers]", "Berlin", "thursday", "thu 10:00", "[Sunday evening (19:00)]",
			"/checkin", "[6]", "[Something else]", "restless", "My friend cancelled again and I said nothing",
			"[Another question]", "I think I held back when she asked about work", "That I keep saying yes to everything",
			"#wait 72h",
			"/prepare", "How I keep saying yes", "The summaries at the end help me", "/skip",
			"#wait 26h",
			"/reflect", "[4]", "[3]", "[4]", "/skip", "[Yes]", "She looked at the clock while I was talking", "Say no once",
			"#wait 100h",
			"/checkin", "/cancel",
		},
		"checkin_de": {
			"/language", "[Deutsch]", "/start", "[Ja, Antworten aufbewahren]", "Wien", "[Sage ich später]", "Mittwoch 20 Uhr",
			"/checkin", "8", "ruhig", "/skip", "/skip", "Meine Mutter",
			"/forget", "[Ja, alles löschen]", "/checkin",
		},
	}
	for name, script := range scripts {
		t.Run(name, func(t *testing.T) {
			lib, err := flows.Load("")
			if err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
			e := flows.New(lib, newMemStore(), flows.Options{Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
			got := transcript(t, e, flows.UserKey{Platform: flows.Console, ID: "golden"}, script, &now)
			path := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./flows -run TestGolden -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}
