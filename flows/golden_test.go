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
		if at, ok := strings.CutPrefix(line, "#at "); ok {
			when, err := time.Parse(time.RFC3339, at)
			if err != nil {
				t.Fatal(err)
			}
			*now = when
			fmt.Fprintf(&b, "~~ %s ~~\n\n", when.Format("Mon 2 Jan 2006 15:04 MST"))
			continue
		}
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
	// Issue 15: everything said is true, warm and said once; everything kept is in the export.
	// Each case in both languages.
	truth := func(lang string) []string {
		l := func(en, de string) string {
			if lang == "de" {
				return de
			}
			return en
		}
		var script []string
		if lang == "de" {
			script = append(script, "/language", "[Deutsch]")
		}
		return append(script,
			"#at 2026-11-30T08:00:00Z", // Monday 09:00 in Berlin
			"/start", l("[Yes, keep my answers]", "[Ja, Antworten aufbewahren]"), "Berlin", l("Thursday 10:00", "Donnerstag 10:00"),
			// a check-in time inside quiet hours is called out, with a button to pick another
			l("Saturday 23:00", "Samstag 23:00"), l("[Pick another time]", "[Andere Zeit wählen]"), l("Wednesday 20:00", "Mittwoch 20:00"),
			"/help",
			// a new client's /prepare says "since you started"
			"/prepare", "/cancel",
			"/checkin", "[4]", l("[Tired]", "[Müde]"), l("My boss yelled and I froze", "Mein Chef hat geschrien und ich bin erstarrt"), "/skip",
			l("Talk about freezing when my boss yells", "Über das Erstarren reden, wenn mein Chef schreit"),
			"#wait 2h",
			"/checkin", "[5]", "/skip", "/skip", "/skip", "/skip", // the second one this week: numbers in the client's language
			"#wait 24h",
			"/prepare", l("How I freeze", "Wie ich erstarre"), "/skip", "/skip",
			"#wait 2h",
			"/prepare", "/cancel", // the item is still on the list before the session
			"/settings", "/schedule", "/cancel", "/session", "/cancel",
			"#at 2026-12-03T13:00:00Z", // after Thursday's session
			"/reflect", "[3]", "[4]", "[3]", "/skip", l("[Yes]", "[Ja]"), l("She looked at the clock", "Sie hat auf die Uhr geschaut"),
			l("Say no once", "Einmal Nein sagen"), l("[No]", "[Nein]"),
			"#wait 1h",
			"/prepare", "/cancel", // the reflection opens the next /prepare; the item is gone
			"#at 2026-12-09T05:27:00Z", // Wednesday 06:27: a check-in by hand skips tonight's
			"/checkin", "[7]", "/skip", "/skip", "/skip", "/skip",
			"/checkin", "/cancel", // the intention was recalled once, not again
			"/pause until 2027-01-06", "/start",
			"/export",
		)
	}
	scripts["truth_en"] = truth("en")
	scripts["truth_de"] = truth("de")
	declined := func(lang string) []string {
		l := func(en, de string) string {
			if lang == "de" {
				return de
			}
			return en
		}
		var script []string
		if lang == "de" {
			script = append(script, "/language", "[Deutsch]")
		}
		script = append(script, "/start", l("[No]", "[Nein]"))
		if lang == "de" {
			script = append(script, "/language", "[Deutsch]") // nothing was kept, the language neither
		}
		return append(script, "/start", l("I want to kill myself", "Ich will nicht mehr leben"),
			l("[Stop for now]", "[Für jetzt aufhören]"), "/start")
	}
	scripts["declined_en"] = declined("en")
	scripts["declined_de"] = declined("de")
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
