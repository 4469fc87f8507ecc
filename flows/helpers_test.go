package flows_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/store"
)

// client drives an engine as one client would, pressing buttons by their label.
type client struct {
	t    *testing.T
	e    *flows.Engine
	user flows.UserKey
	last []flows.Outbound
	seq  int
}

func newEngine(t *testing.T, opts flows.Options) (*flows.Engine, *store.Store, *redistest.Server) {
	t.Helper()
	srv := redistest.Start(t)
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	sealer, err := store.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	st := store.New(srv.Client(), sealer)
	lib, err := flows.Load("testdata/lib")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return flows.New(lib, st, opts), st, srv
}

func (c *client) send(text string) []flows.Outbound {
	c.t.Helper()
	c.seq++
	outs, err := c.e.Handle(context.Background(), flows.Inbound{User: c.user, Text: text})
	if err != nil {
		c.t.Fatalf("send %q: %v", text, err)
	}
	c.last = outs
	return outs
}

// press presses the button with the label among the buttons of the last replies.
func (c *client) press(label string) []flows.Outbound {
	c.t.Helper()
	for _, o := range c.last {
		for _, b := range o.Buttons {
			if b.Label == label {
				outs, err := c.e.Handle(context.Background(), flows.Inbound{User: c.user, Button: b.ID})
				if err != nil {
					c.t.Fatalf("press %q: %v", label, err)
				}
				c.last = outs
				return outs
			}
		}
	}
	c.t.Fatalf("no button %q in %v", label, texts(c.last))
	return nil
}

func texts(outs []flows.Outbound) []string {
	var s []string
	for _, o := range outs {
		s = append(s, o.Text)
	}
	return s
}

func joined(outs []flows.Outbound) string { return strings.Join(texts(outs), "\n---\n") }

func mustState(t *testing.T, b []byte) *flows.State {
	t.Helper()
	st, err := flows.DecodeState(b)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// decoded reads a stored state, leaving out when the client was last active.
func decoded(t *testing.T, b []byte) flows.State {
	t.Helper()
	st := mustState(t, b)
	st.Active = time.Time{}
	return *st
}

func onboarded(t *testing.T, e *flows.Engine, id string) *client {
	t.Helper()
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: flows.UserID(id)}}
	c.send("/start")
	c.press("Yes, keep my answers")
	c.press("Berlin")
	c.send("Thursday 10:00")
	c.press("Sunday evening (19:00)")
	return c
}

func lastEntry(t *testing.T, st *store.Store, user flows.UserKey) flows.Entry {
	t.Helper()
	recs, err := st.Entries(context.Background(), user)
	if err != nil || len(recs) == 0 {
		t.Fatalf("entries: %v (%d)", err, len(recs))
	}
	e, err := flows.DecodeEntry(recs[len(recs)-1])
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// germanOnboarded is a client whose platform says German, through onboarding.
func germanOnboarded(t *testing.T, e *flows.Engine, id string) *client {
	t.Helper()
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: flows.UserID(id)}}
	outs, err := e.Handle(context.Background(), flows.Inbound{User: c.user, Text: "/start", LanguageHint: "de"})
	if err != nil {
		t.Fatal(err)
	}
	c.last = outs
	c.press("Ja, Antworten aufbewahren")
	c.press("Berlin")
	c.send("Donnerstag 10:00")
	c.press("Sonntagabend (19:00)")
	return c
}

// appointment is the client's appointment as the bot describes it in English.
func appointment(t *testing.T, st interface {
	Load(context.Context, flows.UserKey, string) (flows.Snapshot, error)
}, user flows.UserKey) string {
	t.Helper()
	snap, err := st.Load(context.Background(), user, "")
	if err != nil {
		t.Fatal(err)
	}
	s := mustState(t, snap.State)
	a := s.Schedule.Appointment
	loc, err := time.LoadLocation(s.Zone) // the clients here live in Berlin
	if err != nil {
		t.Fatal(err)
	}
	a.Anchor = a.Anchor.In(loc)
	return a.Describe("en")
}

func buttonLabels(outs []flows.Outbound) []string {
	var l []string
	for _, o := range outs {
		for _, b := range o.Buttons {
			l = append(l, b.Label)
		}
	}
	return l
}

// inOrder reports whether the parts appear in text in this order.
func inOrder(text string, parts ...string) bool {
	for _, p := range parts {
		i := strings.Index(text, p)
		if i < 0 {
			return false
		}
		text = text[i+len(p):]
	}
	return true
}
