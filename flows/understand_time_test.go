package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

func TestTwoReadingsBecomeButtons(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC) // a Wednesday
	e, st, _ := newEngine(t, flows.Options{Now: func() time.Time { return now }})
	c := onboarded(t, e, "six")
	outs := c.send("/session Tuesday at 6")
	if got := strings.Join(buttonLabels(outs), " "); got != "18:00 06:00" {
		t.Fatalf("Tuesday at 6: buttons %q in %q", got, joined(outs))
	}
	if strings.Contains(joined(outs), "When is your usual therapy appointment") {
		t.Errorf("the question's introduction came again: %q", joined(outs))
	}
	c.press("18:00")
	if got := appointment(t, st, c.user); got != "every Tuesday at 18:00" {
		t.Errorf("after pressing 18:00: %q", got)
	}

	// The number of an offered reading works as well as its label.
	c.send("/session Tuesday at 6")
	c.send("2")
	if got := appointment(t, st, c.user); got != "every Tuesday at 06:00" {
		t.Errorf("typing 2: %q", got)
	}

	// A one-off appointment is confirmed with its exact date.
	for in, want := range map[string]string{
		"next friday 9am":         "on Friday, 4 December 2026 at 09:00",
		"tomorrow 3pm":            "on Thursday, 3 December 2026 at 15:00",
		"nächsten Freitag 9 Uhr":  "on Friday, 4 December 2026 at 09:00", // German words from an English client
		"übermorgen um 14:30 Uhr": "on Friday, 4 December 2026 at 14:30",
	} {
		c.send("/session " + in)
		if got := appointment(t, st, c.user); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
	if outs := c.send("/session 1.12.2026 10:00"); !strings.Contains(joined(outs), "already passed") {
		t.Errorf("a past date: %q", joined(outs))
	}
}

func TestTwoReadingsInGerman(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	e, st, _ := newEngine(t, flows.Options{Now: func() time.Time { return now }})
	c := germanOnboarded(t, e, "halb")
	outs := c.send("/session Dienstag halb sieben")
	if got := strings.Join(buttonLabels(outs), " "); got != "18:30 06:30" || !strings.Contains(joined(outs), "Welche Uhrzeit meinst du?") {
		t.Fatalf("halb sieben: %q %q", got, joined(outs))
	}
	c.press("18:30")
	if got := appointment(t, st, c.user); got != "every Tuesday at 18:30" {
		t.Errorf("after 18:30: %q", got)
	}
	c.send("/session next friday 9am") // English from a German client
	if got := appointment(t, st, c.user); got != "on Friday, 4 December 2026 at 09:00" {
		t.Errorf("next friday 9am: %q", got)
	}
}

func TestPauseUnderstandsPeople(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC) // a Wednesday
	e, _, _ := newEngine(t, flows.Options{Now: func() time.Time { return now }})
	c := onboarded(t, e, "pause")
	for in, want := range map[string]string{
		"/pause in 2 weeks":          "Paused until 16 Dec",
		"/pause in two weeks":        "Paused until 16 Dec",
		"/pause until next monday":   "Paused until 7 Dec",
		"/pause until 6 January":     "Paused until 6 Jan 2027",
		"/pause until January 6th":   "Paused until 6 Jan 2027",
		"/pause bis 6. Januar":       "Paused until 6 Jan 2027",
		"/pause übermorgen":          "Paused until 4 Dec",
		"/pause in zwei Monaten":     "Paused until 2 Feb 2027",
		"/pause until 2025-06-01":    "today or has passed",
		"/pause until 2028-06-01":    "up to a year",
		"/pause until whenever":      "For example “/pause until 6 January”",
		"/pause until 6th of jnuary": "Paused until 6 Jan 2027",
	} {
		if outs := c.send(in); !strings.Contains(joined(outs), want) {
			t.Errorf("%q: %q, want %q", in, joined(outs), want)
		}
	}
	g := germanOnboarded(t, e, "pause-de")
	if outs := g.send("/pause bis 6. Januar"); !strings.Contains(joined(outs), "Pausiert bis 6. Januar 2027.") {
		t.Errorf("German pause: %q", joined(outs))
	}
}

func TestNoDoubleFullStopAfterAnAbbreviatedMonth(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	e, _, _ := newEngine(t, flows.Options{Now: func() time.Time { return now }})
	c := germanOnboarded(t, e, "punkt")
	outs := c.send("/pause übermorgen")
	if text := joined(outs); !strings.Contains(text, "Pausiert bis 4. Dezember. Danach") || strings.Contains(text, "..") {
		t.Errorf("%q", text)
	}
}
