package flows_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/flows"
)

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

func TestUnsureWithRedisDownGetsTheCrisisReply(t *testing.T) {
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, downStore{}, flows.Options{Logger: slog.New(slog.DiscardHandler)})
	outs, err := e.Handle(context.Background(), flows.Inbound{User: flows.UserKey{Platform: flows.Telegram, ID: "1"}, Text: "i've counted out the tablets in the bathroom"})
	if err != nil || len(outs) != 1 || !strings.HasPrefix(outs[0].Text, "I'm really glad you told me.") {
		t.Errorf("with Redis down: %v %q", err, joined(outs))
	}
}

func TestRedisDownHelpFollowsTheLanguageCode(t *testing.T) {
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, downStore{}, flows.Options{Logger: slog.New(slog.DiscardHandler)})
	for _, tt := range []struct{ hint, want string }{
		{"de-AT", "142"},
		{"de", "0800 111 0 111"},
		{"en-GB", "116 123"},
		{"en", "findahelpline.com"},
	} {
		outs, err := e.Handle(context.Background(), flows.Inbound{User: flows.UserKey{Platform: flows.Telegram, ID: "9"}, Text: "/crisis", LanguageHint: tt.hint})
		if err != nil || len(outs) != 1 || !strings.Contains(outs[0].Text, tt.want) {
			t.Errorf("%s with Redis down: %v %q", tt.hint, err, joined(outs))
		}
	}
}

func TestCrisisReplyWorksWithRedisDown(t *testing.T) {
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, downStore{}, flows.Options{Logger: slog.New(slog.DiscardHandler)})
	for _, tt := range []struct{ text, lang, want string }{
		{"i want to kill myself", "en", "nobody reads this in real time"},
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
