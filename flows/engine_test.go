package flows_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
)

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
	if outs := c.send("/skip"); !strings.Contains(joined(outs), "can't be skipped") || len(outs[len(outs)-1].Buttons) != 5 {
		t.Errorf("/skip on a scale: %q", joined(outs))
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
