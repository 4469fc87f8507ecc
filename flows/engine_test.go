package flows_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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

func TestOldAndForgedButtonsChangeNothing(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	user := flows.UserKey{Platform: flows.Telegram, ID: "5"}
	c := &client{t: t, e: e, user: user}
	c.send("/start")
	consent := c.last
	c.press("Yes, keep my answers")
	before, _ := st.Load(context.Background(), user, "")

	for _, id := range []string{consent[1].Buttons[1].ID, "q999.0", "q1.-1", "garbage", "q2.77", ""} {
		if id == "" {
			continue
		}
		outs, err := e.Handle(context.Background(), flows.Inbound{User: user, Button: id})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(joined(outs), "earlier question") {
			t.Errorf("button %q: %q", id, joined(outs))
		}
	}
	after, _ := st.Load(context.Background(), user, "")
	if diff := cmp.Diff(decoded(t, before.State), decoded(t, after.State)); diff != "" {
		t.Errorf("state changed (-before +after):\n%s", diff)
	}
}

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

func TestDuplicateUpdateIsAppliedOnce(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	user := flows.UserKey{Platform: flows.Telegram, ID: "8"}
	ctx := context.Background()
	if _, err := e.Handle(ctx, flows.Inbound{User: user, UpdateID: "u1", Text: "/start"}); err != nil {
		t.Fatal(err)
	}
	snap, _ := st.Load(ctx, user, "")
	// The last update again (the bot may have crashed before answering): the pending question
	// is asked again, and nothing changes.
	outs, err := e.Handle(ctx, flows.Inbound{User: user, UpdateID: "u1", Text: "/start"})
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "Is that OK?") || strings.Contains(outs[0].Text, "not therapy") {
		t.Errorf("redelivered last update: %q, want only the pending question again", joined(outs))
	}
	again, _ := st.Load(ctx, user, "")
	if again.Rev != snap.Rev {
		t.Errorf("revision moved from %d to %d on a duplicate", snap.Rev, again.Rev)
	}
	// An older update again: nothing at all.
	if _, err := e.Handle(ctx, flows.Inbound{User: user, UpdateID: "u2", Text: "/help"}); err != nil {
		t.Fatal(err)
	}
	if outs, _ := e.Handle(ctx, flows.Inbound{User: user, UpdateID: "u1", Text: "/start"}); len(outs) != 0 {
		t.Errorf("an older redelivered update answered: %q", joined(outs))
	}
}

func TestConcurrentMessagesOfOneClientAreSerialised(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	user := flows.UserKey{Platform: flows.Telegram, ID: "9"}
	ctx := context.Background()
	const n = 20
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			_, err := e.Handle(ctx, flows.Inbound{User: user, UpdateID: "c" + string(rune('a'+i)), Text: "/help"})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil && !errors.Is(err, flows.ErrConflict) {
			t.Fatal(err)
		}
	}
	snap, _ := st.Load(ctx, user, "")
	if snap.Rev < 1 {
		t.Errorf("revision %d", snap.Rev)
	}
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

func TestEveryStepKindAndTheAnswersKept(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "walker")
	if outs := c.send("/probe"); len(outs[0].Buttons) != 5 {
		t.Fatalf("scale buttons: %+v", outs)
	}
	if outs := c.send("9"); !strings.Contains(joined(outs), "from 1 to 5") {
		t.Errorf("out-of-range number: %q", joined(outs))
	}
	if outs := c.press("2"); !strings.Contains(joined(outs), "Sorry to hear.\n---\nA word?") {
		t.Errorf("branch at_most 2: %q", joined(outs))
	}
	c.press("Something else")
	outs := c.send("a word much longer than twenty")
	if !strings.Contains(joined(outs), "For this answer I keep at most 20 characters, and yours has 30") {
		t.Errorf("over the limit: %q", joined(outs))
	}
	c.send("tender")
	if outs := c.send("/skip"); !strings.Contains(joined(outs), "Thanks, tender.") {
		t.Errorf("after skip: %q", joined(outs))
	}
	got := lastEntry(t, st, c.user)
	want := map[string]string{"mood": "2", "word": "tender"}
	if diff := cmp.Diff(want, got.Answers); diff != "" || !got.Complete || got.Flow != "probe" {
		t.Errorf("entry %+v; answers (-want +got):\n%s", got, diff)
	}
}

func TestCancelKeepsTheAnswersSoFar(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "leaver")
	c.send("/probe")
	c.press("4")
	c.send("calm")
	if outs := c.send("/cancel"); !strings.Contains(joined(outs), "kept") {
		t.Errorf("/cancel: %q", joined(outs))
	}
	got := lastEntry(t, st, c.user)
	if diff := cmp.Diff(map[string]string{"mood": "4", "word": "calm"}, got.Answers); diff != "" || got.Complete {
		t.Errorf("entry %+v (-want +got):\n%s", got, diff)
	}
}

func TestSkipOnlyWhereAllowed(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "skipper")
	c.send("/probe")
	if outs := c.send("/skip"); !strings.Contains(joined(outs), "can't be skipped") || len(outs[1].Buttons) != 5 {
		t.Errorf("/skip on a scale: %q", joined(outs))
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

func TestUnknownCommandRepeatsTheQuestion(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: "u"}}
	c.send("/start")
	outs := c.send("/frobnicate")
	if len(outs) != 2 || !strings.Contains(outs[0].Text, "/frobnicate") || len(outs[1].Buttons) != 2 {
		t.Errorf("unknown command: %q", joined(outs))
	}
	// The repeated question's buttons still work.
	if outs := c.press("Yes, keep my answers"); !strings.Contains(joined(outs), "time zone") {
		t.Errorf("after re-ask: %q", joined(outs))
	}
}

func TestCancelLeavesTheFlow(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: "c"}}
	c.send("/start")
	c.press("Yes, keep my answers")
	if outs := c.send("/cancel"); !strings.Contains(joined(outs), "Stopped here") {
		t.Errorf("/cancel: %q", joined(outs))
	}
	if outs := c.send("Berlin"); !strings.Contains(joined(outs), "not waiting") {
		t.Errorf("text after cancel: %q", joined(outs))
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
