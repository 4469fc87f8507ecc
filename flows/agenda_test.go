package flows_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

// clock is a test clock that the test moves on.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time       { return c.now }
func (c *clock) wait(d time.Duration) { c.now = c.now.Add(d) }
func (c *clock) at(y int, m time.Month, d, h, min int) {
	c.now = time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

func exportOf(t *testing.T, c *client) flows.Export {
	t.Helper()
	outs := c.send("/export")
	var x flows.Export
	for _, o := range outs {
		if o.File != nil && o.File.MIME == "application/json" {
			if err := json.Unmarshal(o.File.Data, &x); err != nil {
				t.Fatal(err)
			}
			return x
		}
	}
	t.Fatalf("no JSON export in %q", joined(outs))
	return x
}

// TestAgendaLivesUntilTheSessionIsPast: an item noted in a check-in is in every /prepare until
// the appointment it was prepared for is past; the export says when and for which session it
// was prepared and when it was closed.
func TestAgendaLivesUntilTheSessionIsPast(t *testing.T) {
	clk := &clock{}
	clk.at(2026, 11, 30, 9, 0) // a Monday
	e, _ := newMemEngine(t, flows.Options{Now: clk.Now})
	c := onboarded(t, e, "agenda")
	item := "Talk about freezing when my boss yells"
	c.send("/checkin")
	c.press("5")
	c.send("/skip")
	c.send("/skip")
	c.send("/skip")
	c.send(item)

	clk.wait(time.Hour)
	if got := joined(c.send("/prepare")); !strings.Contains(got, item) {
		t.Fatalf("first /prepare does not show the item:\n%s", got)
	}
	c.send("/skip")
	c.send("/skip")
	c.send("/skip")
	clk.wait(24 * time.Hour) // Tuesday: the session (Thursday 10:00 Berlin) is still ahead
	if got := joined(c.send("/prepare")); !strings.Contains(got, item) {
		t.Fatalf("a second /prepare before the session lost the item:\n%s", got)
	}
	c.send("/cancel")
	x := exportOf(t, c)
	if len(x.Agenda) != 1 {
		t.Fatalf("agenda in export: %+v", x.Agenda)
	}
	a := x.Agenda[0]
	session := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC) // Thursday 10:00 in Berlin
	if a.Done || !a.Closed.IsZero() || !a.For.Equal(session) || a.Prepared.IsZero() {
		t.Errorf("before the session the item is %+v; want open, prepared for %v", a, session)
	}

	clk.at(2026, 12, 3, 12, 0) // the session is past
	if got := joined(c.send("/prepare")); strings.Contains(got, item) {
		t.Errorf("/prepare after the session still shows the item:\n%s", got)
	}
	c.send("/cancel")
	a = exportOf(t, c).Agenda[0]
	if !a.Closed.Equal(session) || a.ClosedBy != "session" {
		t.Errorf("after the session the item is %+v; want closed by the session at %v", a, session)
	}
}

// TestReflectRecordsWithoutAdviceAndFeedsTheNextPrepare: /reflect says nothing the client
// should do; what they noted opens the next /prepare; the intention is recalled in one
// check-in only; and an item without a session can be ticked off.
func TestReflectRecordsWithoutAdviceAndFeedsTheNextPrepare(t *testing.T) {
	clk := &clock{}
	clk.at(2026, 11, 30, 9, 0)
	e, _ := newMemEngine(t, flows.Options{Now: clk.Now})
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: "reflect"}}
	c.send("/start")
	c.press("Yes, keep my answers")
	c.press("Berlin")
	c.press("I'll tell you later")
	c.press("Sunday evening (19:00)")
	c.send("/checkin")
	c.press("6")
	c.send("/skip")
	c.send("/skip")
	c.send("/skip")
	c.send("Ask about the holidays")

	clk.wait(time.Hour)
	c.send("/reflect")
	c.press("4")
	c.press("3")
	c.press("4")
	c.send("/skip")
	var said []string
	said = append(said, joined(c.press("Yes")))
	said = append(said, joined(c.send("She looked at the clock while I was talking")))
	c.send("Say no once")
	said = append(said, joined(c.press("No")))
	for _, s := range said {
		for _, advice := range []string{"It can really help", "should", "makes the work stronger", "try to"} {
			if strings.Contains(s, advice) {
				t.Errorf("/reflect advises (%q):\n%s", advice, s)
			}
		}
	}
	if !strings.Contains(said[2], "Ask about the holidays") {
		t.Fatalf("no tick-off question for an item without a session:\n%s", said[2])
	}
	c.press("Yes, tick it off")

	clk.wait(time.Hour)
	got := joined(c.send("/prepare"))
	for _, w := range []string{"After your last session you noted:", "How it felt (heard · what matters · the way you work, 1–5): 4 · 3 · 4", "She looked at the clock while I was talking", "Say no once"} {
		if !strings.Contains(got, w) {
			t.Errorf("the next /prepare does not show %q:\n%s", w, got)
		}
	}
	if strings.Contains(got, "Ask about the holidays") {
		t.Errorf("a ticked-off item is still on the list:\n%s", got)
	}
	c.send("/cancel")
	if a := exportOf(t, c).Agenda[0]; a.ClosedBy != "reflect" || a.Closed.IsZero() {
		t.Errorf("ticked-off item in the export: %+v", a)
	}

	first := joined(c.send("/checkin"))
	c.send("/cancel")
	second := joined(c.send("/checkin"))
	if !strings.Contains(first, "Say no once") {
		t.Errorf("the next check-in does not recall the intention:\n%s", first)
	}
	if strings.Contains(second, "Say no once") {
		t.Errorf("the intention is recalled a second time:\n%s", second)
	}
}
