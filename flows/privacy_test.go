package flows_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/flows"
)

// words are what a client writes in the full flows below; none of it may reach Redis in the
// clear or any log line.
var words = []string{
	"quietly-furious-about-the-move",
	"told-my-brother-about-the-job",
	"held-back-when-she-asked",
	"bring-up-the-money-worries",
	"the-silence-in-minute-twenty",
	"the-worksheets-help-me",
	"afraid-to-mention-the-drinking",
	"felt-rushed-at-the-end",
	"walk-every-morning",
	"she-checked-her-phone-while-i-spoke",
	"practise-the-breathing-exercise",
}

// fullFlows walks a client through onboarding, a check-in, preparation, reflection, history
// and export, writing the words above.
func fullFlows(t *testing.T, e *flows.Engine, id string) *client {
	c := onboarded(t, e, id)
	c.send("/checkin")
	c.press("4")
	c.press("Something else")
	c.send(words[0])
	c.send(words[1])
	c.send(words[2])
	c.send(words[3])
	c.send("/prepare")
	c.send(words[4])
	c.send(words[5])
	c.send(words[6])
	c.send("/reflect")
	c.press("2")
	c.press("3")
	c.press("2")
	c.send(words[9])
	c.press("Yes")
	c.send(words[7])
	c.send(words[8])
	c.press("Yes, note it")
	c.send(words[10])
	c.press("Daily")
	c.press("Keep it on the list")
	c.send("/history")
	return c
}

func TestExportHoldsEveryAnswerAndParses(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := fullFlows(t, e, "exporter")
	outs := c.send("/export")
	if len(outs) != 2 || outs[0].File == nil || outs[1].File == nil {
		t.Fatalf("export sent %d messages: %q", len(outs), joined(outs))
	}
	var x flows.Export
	if err := json.Unmarshal(outs[0].File.Data, &x); err != nil {
		t.Fatalf("export JSON does not parse: %v", err)
	}
	if x.Schema != "interlude.export/v1" || x.Profile.Zone != "Europe/Berlin" || x.Profile.Consent == nil {
		t.Errorf("export header %+v", x)
	}
	for _, w := range words {
		if !bytes.Contains(outs[0].File.Data, []byte(w)) {
			t.Errorf("JSON export lacks the answer %q", w)
		}
		if !bytes.Contains(outs[1].File.Data, []byte(w)) {
			t.Errorf("Markdown export lacks the answer %q", w)
		}
	}
	if len(x.Entries) != 3 {
		t.Errorf("%d entries, want check-in, prepare and reflect", len(x.Entries))
	}
}

func TestNothingAClientWroteIsReadableInRedis(t *testing.T) {
	e, _, srv := newEngine(t, flows.Options{})
	fullFlows(t, e, "reader")
	c := onboarded(t, e, "second")
	c.send("/checkin")
	c.press("7")
	c.send(words[0]) // a check-in left in the middle: its answers sit in the state
	ctx := context.Background()
	keys, err := srv.Client().Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("no keys at all")
	}
	for _, k := range keys {
		dump := srv.Raw(k)
		for _, w := range append(words, "Europe/Berlin", "hopeful") {
			if strings.Contains(dump, w) || strings.Contains(k, w) {
				t.Errorf("key %s holds %q in the clear", k, w)
			}
		}
	}
}

func TestLogsHoldNothingAClientWrote(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e, _, _ := newEngine(t, flows.Options{Logger: logger})
	fullFlows(t, e, "logger")
	c := onboarded(t, e, "logger2")
	c.send("/forget")
	c.press("Yes, erase everything")
	if logs.Len() == 0 {
		t.Fatal("nothing was logged: the test would prove nothing")
	}
	for _, w := range words {
		if strings.Contains(logs.String(), w) {
			t.Errorf("a log line holds %q", w)
		}
	}
}

func TestForgetErasesEveryKeyOfOneClient(t *testing.T) {
	e, _, srv := newEngine(t, flows.Options{})
	fullFlows(t, e, "stayer")
	c := fullFlows(t, e, "leaver")
	c.send("/forget")
	outs := c.press("Yes, erase everything")
	if !strings.Contains(joined(outs), "everything I kept about you is erased") {
		t.Fatalf("forget: %q", joined(outs))
	}
	ctx := context.Background()
	var all []string
	iter := srv.Client().Scan(ctx, 0, "*", 100).Iterator()
	for iter.Next(ctx) {
		all = append(all, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	for _, k := range all {
		if strings.Contains(k, "leaver") {
			t.Errorf("key %s of the erased client remains", k)
		}
	}
	var stayer int
	for _, k := range all {
		if strings.Contains(k, "stayer") {
			stayer++
		}
	}
	if stayer != 2 { // state and entries (the console sends no update ids)
		t.Errorf("the other client has %d keys: %v", stayer, all)
	}
}
