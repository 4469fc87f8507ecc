package flows_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
)

func TestCrisisInTheMiddleOfACheckinWaitsAndOffersHelp(t *testing.T) {
	var logs bytes.Buffer
	e, st, _ := newEngine(t, flows.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	c := onboarded(t, e, "hard-evening")
	c.send("/checkin")
	c.press("3")
	c.press("Sad")
	before, _ := st.Load(context.Background(), c.user, "")

	const words = "honestly I don't want to live anymore"
	outs := c.send(words)
	if len(outs) != 2 {
		t.Fatalf("crisis reply: %q", joined(outs))
	}
	for _, want := range []string{"automated bot", "cannot help in an emergency", "nobody reads", "112", "TelefonSeelsorge", "0800 111 0 111", "findahelpline.com"} {
		if !strings.Contains(outs[0].Text, want) {
			t.Errorf("crisis reply lacks %q:\n%s", want, outs[0].Text)
		}
	}
	var labels []string
	for _, b := range outs[1].Buttons {
		labels = append(labels, b.Label)
	}
	if diff := cmp.Diff([]string{"Continue", "Stop for now"}, labels); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
	after, _ := st.Load(context.Background(), c.user, "")
	b, a := decoded(t, before.State), decoded(t, after.State)
	if diff := cmp.Diff(b, a); diff != "" {
		t.Errorf("the check-in did not wait (-before +after):\n%s", diff)
	}
	if strings.Contains(logs.String(), "want to live") {
		t.Error("the crisis message reached the logs")
	}
	if !strings.Contains(logs.String(), `"msg":"crisis path"`) {
		t.Error("the crisis path left no trace (rule id) in the logs")
	}

	if outs := c.press("Continue"); !strings.Contains(joined(outs), "moment this week") {
		t.Errorf("continue: %q", joined(outs))
	}
	c.send(words)
	if outs := c.press("Stop for now"); !strings.Contains(joined(outs), "stop here") {
		t.Errorf("stop: %q", joined(outs))
	}
	if outs := c.send("anything"); !strings.Contains(joined(outs), "not waiting") {
		t.Errorf("after stop, still in a flow: %q", joined(outs))
	}
}

func TestCrisisCommandAnyTime(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Telegram, ID: "new"}}
	outs := c.send("/crisis")
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "findahelpline.com") || !strings.Contains(outs[0].Text, "nobody reads") {
		t.Errorf("/crisis for someone unknown: %q", joined(outs))
	}
	us := onboarded(t, e, "us")
	us.send("/timezone America/Chicago")
	if outs := us.send("/crisis"); !strings.Contains(outs[0].Text, "988") || !strings.Contains(outs[0].Text, "911") {
		t.Errorf("/crisis in Chicago: %q", joined(outs))
	}
}

// downStore is Redis being down.
type downStore struct{}

var errDown = errors.New("dial unix /tmp/redis.sock: connect: connection refused")

func (downStore) Load(context.Context, flows.UserKey, string) (flows.Snapshot, error) {
	return flows.Snapshot{}, errDown
}
func (downStore) Save(context.Context, flows.UserKey, flows.Change) error { return errDown }
func (downStore) Entries(context.Context, flows.UserKey) ([][]byte, error) {
	return nil, errDown
}

func TestCrisisReplyWorksWithRedisDown(t *testing.T) {
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, downStore{}, flows.Options{Logger: slog.New(slog.DiscardHandler)})
	for _, tt := range []struct{ text, lang, want string }{
		{"i want to kill myself", "en", "nobody reads these messages"},
		{"Ich will nicht mehr leben", "de", "findahelpline.com"},
	} {
		outs, err := e.Handle(context.Background(), flows.Inbound{User: flows.UserKey{Platform: flows.Telegram, ID: "1"}, Text: tt.text, LanguageHint: tt.lang})
		if err != nil {
			t.Fatalf("%q: %v", tt.text, err)
		}
		if len(outs) != 1 || !strings.Contains(outs[0].Text, tt.want) {
			t.Errorf("%q with Redis down: %q", tt.text, joined(outs))
		}
	}
	// Anything else fails, so that the platform delivers it again later.
	if _, err := e.Handle(context.Background(), flows.Inbound{User: flows.UserKey{Platform: flows.Telegram, ID: "1"}, Text: "hello"}); !errors.Is(err, errDown) {
		t.Errorf("an ordinary message with Redis down: %v", err)
	}
}

func TestCrisisCommandAndCaptionsWithRedisDown(t *testing.T) {
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, downStore{}, flows.Options{Logger: slog.New(slog.DiscardHandler)})
	user := flows.UserKey{Platform: flows.Telegram, ID: "1"}
	for _, in := range []flows.Inbound{
		{User: user, Text: "/crisis"},
		{User: user, Caption: "i want to kill myself"},
	} {
		outs, err := e.Handle(context.Background(), in)
		if err != nil || len(outs) == 0 || !strings.Contains(outs[0].Text, "findahelpline.com") {
			t.Errorf("%+v with Redis down: %v %q", in, err, joined(outs))
		}
	}
}

func TestRedeliveredCrisisMessageGetsHelpFirst(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "again")
	c.send("/checkin")
	in := flows.Inbound{User: c.user, UpdateID: "risk-1", Text: "I want to end my life"}
	for i := range 2 {
		outs, err := e.Handle(context.Background(), in)
		if err != nil || len(outs) == 0 || !strings.Contains(outs[0].Text, "TelefonSeelsorge") {
			t.Errorf("delivery %d: %v %q", i+1, err, joined(outs))
		}
	}
}
