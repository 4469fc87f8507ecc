package flows_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/store"
)

func TestOnboardingSaysWhatItIsBeforeAskingConsent(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: "ana"}}
	outs := c.send("/start")
	if len(outs) != 2 {
		t.Fatalf("got %d messages, want the statement then the consent question: %q", len(outs), texts(outs))
	}
	for _, want := range []string{"bot", "not a therapist", "not therapy", "real time", "emergency", "/crisis"} {
		if !strings.Contains(outs[0].Text, want) {
			t.Errorf("first message lacks %q: %s", want, outs[0].Text)
		}
	}
	if len(outs[0].Buttons) != 0 {
		t.Errorf("the statement asks something: %v", outs[0].Buttons)
	}
	var labels []string
	for _, b := range outs[1].Buttons {
		labels = append(labels, b.Label)
	}
	if diff := cmp.Diff([]string{"Yes, keep my answers", "No"}, labels); diff != "" {
		t.Errorf("consent buttons (-want +got):\n%s", diff)
	}
}

func TestOnboardingCompletesAndIsRemembered(t *testing.T) {
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	e, st, _ := newEngine(t, flows.Options{Now: func() time.Time { return now }})
	user := flows.UserKey{Platform: flows.Telegram, ID: "42"}
	c := &client{t: t, e: e, user: user}
	c.send("/start")
	c.press("Yes, keep my answers")
	c.send("Europe/Vienna")
	outs := c.send("every other tuesday 6:30pm")
	if !strings.Contains(joined(outs), "When would a weekly check-in suit you?") {
		t.Fatalf("no check-in question: %q", joined(outs))
	}
	outs = c.press("Sunday evening (19:00)")
	for _, want := range []string{"All set. Your time zone is Europe/Vienna", "Check-ins: Sundays at 19:00.", "Your sessions: every other Tuesday at 18:30"} {
		if !strings.Contains(joined(outs), want) {
			t.Errorf("summary lacks %q: %q", want, joined(outs))
		}
	}

	snap, err := st.Load(context.Background(), user, "")
	if err != nil {
		t.Fatal(err)
	}
	got := mustState(t, snap.State)
	if got.Consent == nil || got.Consent.Version != 1 || !got.Consent.At.Equal(now) {
		t.Errorf("consent = %+v, want version 1 at %v", got.Consent, now)
	}
	if got.Zone != "Europe/Vienna" || got.Flow != "" {
		t.Errorf("state = %+v, want zone Europe/Vienna and no flow", got)
	}

	// A second /start does not ask consent again.
	outs = c.send("/start")
	if strings.Contains(joined(outs), "Is that OK?") || !strings.Contains(joined(outs), "Welcome back") {
		t.Errorf("second /start: %q", joined(outs))
	}
}

func TestDecliningConsentStoresNothing(t *testing.T) {
	e, _, srv := newEngine(t, flows.Options{})
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Telegram, ID: "7"}}
	c.send("/start")
	outs := c.press("No")
	if !strings.Contains(joined(outs), "I keep nothing") {
		t.Fatalf("decline reply: %q", joined(outs))
	}
	keys, err := srv.Client().Keys(context.Background(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 0 {
		t.Errorf("after declining, Redis holds %v", keys)
	}
	// Coming back later starts again from the statement.
	if outs := c.send("/start"); !strings.Contains(outs[0].Text, "not therapy") {
		t.Errorf("/start after declining: %q", joined(outs))
	}
}

func TestRaisedConsentVersionAsksAgain(t *testing.T) {
	srv := redistest.Start(t)
	st := store.New(srv.Client(), nil)
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	user := flows.UserKey{Platform: flows.Discord, ID: "99"}
	quiet := slog.New(slog.DiscardHandler)
	c := &client{t: t, e: flows.New(lib, st, flows.Options{ConsentVersion: 1, Logger: quiet}), user: user}
	c.send("/start")
	c.press("Yes, keep my answers")
	c.press("London")

	c.e = flows.New(lib, st, flows.Options{ConsentVersion: 2, Logger: quiet})
	outs := c.send("/start")
	if !strings.Contains(joined(outs), "Is that OK?") {
		t.Fatalf("after the version was raised, /start did not ask again: %q", joined(outs))
	}
	c.press("Yes, keep my answers")
	snap, _ := st.Load(context.Background(), user, "")
	got := mustState(t, snap.State)
	if got.Consent.Version != 2 {
		t.Errorf("consent version = %d, want 2", got.Consent.Version)
	}
}

func TestUnknownZoneGetsAHelpfulRetry(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: "z"}}
	c.send("/start")
	c.press("Yes, keep my answers")
	zoneQuestion := c.last
	outs := c.send("Atlantis")
	if !strings.Contains(joined(outs), "couldn't find that time zone") {
		t.Errorf("an unknown zone got %q", joined(outs))
	}
	c.last = zoneQuestion // the buttons are still on screen
	if outs := c.press("Sydney"); !strings.Contains(joined(outs), "usual therapy appointment") {
		t.Errorf("the zone buttons stopped working after a retry: %q", joined(outs))
	}
}

func TestControlAndBidiCharactersAreDropped(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	user := flows.UserKey{Platform: flows.Console, ID: "bidi"}
	c := &client{t: t, e: e, user: user}
	c.send("/start")
	c.press("Yes, keep my answers")
	outs := c.send("\u202eEurope/\u200bBerlin\x00\xff")
	if !strings.Contains(joined(outs), "usual therapy appointment") {
		t.Fatalf("cleaned zone not accepted: %q", joined(outs))
	}
	snap, _ := st.Load(context.Background(), user, "")
	got := mustState(t, snap.State)
	if got.Zone != "Europe/Berlin" {
		t.Errorf("zone = %q", got.Zone)
	}
}

func TestGermanClientGetsGerman(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	user := flows.UserKey{Platform: flows.Telegram, ID: "de1"}
	outs, err := e.Handle(context.Background(), flows.Inbound{User: user, Text: "/start", LanguageHint: "de-AT"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(outs[0].Text, "keine Therapie") {
		t.Errorf("German client got %q", outs[0].Text)
	}
}

// TestDecliningLeavesOnlyTheUpdateRecord: after "No", or "Stop for now" after a crisis reply
// before consent, no key of the client remains but the expiring record of update ids, and a
// redelivered update is not applied again.
func TestDecliningLeavesOnlyTheUpdateRecord(t *testing.T) {
	for _, how := range []string{"no", "stop", "cancel"} {
		t.Run(how, func(t *testing.T) {
			e, _, srv := newEngine(t, flows.Options{})
			ctx := context.Background()
			user := flows.UserKey{Platform: flows.Telegram, ID: "42"}
			seq := 0
			var last []flows.Outbound
			do := func(in flows.Inbound) []flows.Outbound {
				t.Helper()
				seq++
				in.User, in.UpdateID = user, strconv.Itoa(seq)
				outs, err := e.Handle(ctx, in)
				if err != nil {
					t.Fatal(err)
				}
				last = outs
				return outs
			}
			press := func(label string) flows.Inbound {
				for _, o := range last {
					for _, b := range o.Buttons {
						if b.Label == label {
							return flows.Inbound{Button: b.ID}
						}
					}
				}
				t.Fatalf("no button %q in %q", label, joined(last))
				return flows.Inbound{}
			}
			do(flows.Inbound{Text: "/start"})
			var final flows.Inbound
			switch how {
			case "no":
				final = press("No")
			case "stop":
				do(flows.Inbound{Text: "I want to kill myself"})
				final = press("Stop for now")
			case "cancel":
				final = flows.Inbound{Text: "/cancel"}
			}
			do(final)
			keys, err := srv.Client().Keys(ctx, "*").Result()
			if err != nil {
				t.Fatal(err)
			}
			if len(keys) != 1 || !strings.HasSuffix(keys[0], ":seen") {
				t.Fatalf("after declining (%s), Redis holds %v; want only the update record", how, keys)
			}
			if ttl := srv.Client().PTTL(ctx, keys[0]).Val(); ttl <= 0 || ttl > 26*time.Hour {
				t.Errorf("update record expires in %v", ttl)
			}
			// The same update again changes nothing and says nothing new.
			final.User, final.UpdateID = user, strconv.Itoa(seq)
			if outs, err := e.Handle(ctx, final); err != nil || len(outs) != 0 {
				t.Errorf("redelivered update: %q, %v", joined(outs), err)
			}
			if keys, _ := srv.Client().Keys(ctx, "*state*").Result(); len(keys) != 0 {
				t.Errorf("a redelivered update wrote %v", keys)
			}
		})
	}
}
