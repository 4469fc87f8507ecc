package flows_test

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestHistoryLongViewOverThreeMonthsAndAYear(t *testing.T) {
	e, now := clocked(t)
	c := onboarded(t, e, "long")
	// Five months of weekly check-ins, mood rising from 3 to 7; a goal started and closed in
	// the last three months; ratings; one prepared session.
	for week := range 20 {
		c.send("/checkin")
		c.press([]string{"3", "4", "5", "6", "7"}[week/4])
		c.send("/cancel")
		*now = now.Add(7 * 24 * time.Hour)
		if week == 14 {
			addGoal(c, "breathing exercise", "Daily")
		}
	}
	c.send("/goals")
	c.press("Close one")
	c.press("breathing exercise")
	rate(c, "3", "3", "4")
	*now = now.Add(7 * 24 * time.Hour)
	rate(c, "5", "4", "4")
	c.send("/prepare")
	c.send("What I noticed about my mornings")
	c.send("/skip")
	c.send("/skip")

	c.send("/history")
	if !hasButton(c.last, "Last 3 months") || !hasButton(c.last, "Last year") {
		t.Fatalf("/history offers no long view: %q", joined(c.last))
	}
	outs := c.press("Last 3 months")
	got := joined(outs)
	for _, want := range []string{
		"The last 3 months (",
		"Check-ins: 12, mood 6 on average (first half 5.3, second half 6.7)",
		"Goals started: 1 · closed: 1: “breathing exercise”",
		"How 2 sessions felt (heard · what matters · the way you work): 3 · 3 · 4 at first, 5 · 4 · 4 lately",
		"Sessions prepared: 1",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("3 months lacks %q:\n%s", want, got)
		}
	}
	if len(outs) == 0 || outs[0].Image == nil || !bytes.HasPrefix(outs[0].Image.Data, []byte("\x89PNG")) {
		t.Errorf("no chart picture with the 3 months")
	}
	if got := joined(c.send("/history year")); !strings.Contains(got, "Check-ins: 20, mood 5 on average") {
		t.Errorf("the year: %q", got)
	}

	c.send("/language")
	c.press("Deutsch")
	if got := joined(c.send("/history 3m")); !strings.Contains(got, "Check-ins: 12, Stimmung im Schnitt 6 (erste Hälfte 5,3, zweite Hälfte 6,7)") || !strings.Contains(got, "Vorbereitete Stunden: 1") || !strings.Contains(got, "abgeschlossen: 1: „breathing exercise“") || !strings.Contains(got, "(28. Dezember 2026 – 29. März)") {
		t.Errorf("3 Monate auf Deutsch: %q", got)
	}
}
