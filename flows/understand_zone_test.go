package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

func TestPlacesAtTheZoneQuestion(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	e, st, _ := newEngine(t, flows.Options{Now: func() time.Time { return now }})
	zone := func(c *client) string {
		t.Helper()
		snap, err := st.Load(context.Background(), c.user, "")
		if err != nil {
			t.Fatal(err)
		}
		return mustState(t, snap.State).Zone
	}
	c := onboarded(t, e, "places")
	for in, want := range map[string]string{
		"I live in Tokyo":   "Asia/Tokyo",
		"Ich wohne in Wien": "Europe/Vienna",
		"near Munich":       "Europe/Berlin",
		"NYC":               "America/New_York",
		"São Paulo":         "America/Sao_Paulo",
		"zurich":            "Europe/Zurich",
	} {
		if outs := c.send("/timezone " + in); len(outs) == 0 || zone(c) != want {
			t.Errorf("%q: zone %q, want %q (%q)", in, zone(c), want, joined(outs))
		}
	}

	outs := c.send("/timezone Portland")
	if got := strings.Join(buttonLabels(outs), "|"); got != "Portland, Oregon|Portland, Maine" {
		t.Fatalf("Portland: %q %q", got, joined(outs))
	}
	c.press("Portland, Maine")
	if zone(c) != "America/New_York" {
		t.Errorf("after Portland, Maine: %q", zone(c))
	}

	// A fixed offset is explained before it is kept.
	outs = c.send("/timezone UTC+2")
	if !strings.Contains(joined(outs), "does not follow daylight saving time") || zone(c) != "America/New_York" {
		t.Fatalf("UTC+2 taken silently: %q, zone %q", joined(outs), zone(c))
	}
	labels := buttonLabels(outs)
	if len(labels) < 2 || labels[len(labels)-1] != "Keep UTC+02:00" {
		t.Fatalf("UTC+2 buttons: %v", labels)
	}
	c.press("Keep UTC+02:00")
	if zone(c) != "UTC+02:00" {
		t.Errorf("kept offset: %q", zone(c))
	}
	outs = c.send("/timezone GMT+1")
	c.press(buttonLabels(outs)[0]) // the likely place instead
	if z := zone(c); !strings.Contains(z, "/") {
		t.Errorf("the place offered for GMT+1 gave %q", z)
	}

	// Bad input gets a short answer that says what works, with the buttons.
	for _, in := range []string{strings.Repeat("I moved last year and the weather is nice here. ", 1000), "🙂🙂🙂", "مرحبا بكم"} {
		outs := c.send("/timezone " + in)
		text := joined(outs)
		if len(text) > 2000 || !strings.Contains(text, "for example") && !strings.Contains(text, "such as") {
			t.Errorf("%.30q: %d characters: %.200q", in, len(text), text)
		}
	}
}

func TestZoneChoicesInGerman(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := germanOnboarded(t, e, "mez")
	outs := c.send("/timezone MEZ")
	if got := strings.Join(buttonLabels(outs), "|"); got != "Berlin|Wien|Zürich" || !strings.Contains(joined(outs), "Welche davon meinst du?") {
		t.Errorf("MEZ: %q %q", got, joined(outs))
	}
	outs = c.send("/timezone UTC+1")
	if !strings.Contains(joined(outs), "folgt nicht der Sommerzeit") || !strings.Contains(strings.Join(buttonLabels(outs), "|"), "Bei UTC+01:00 bleiben") {
		t.Errorf("UTC+1 in German: %q %v", joined(outs), buttonLabels(outs))
	}
}

// An offset typed at the zone question is not the number of a button ("+2" is not London).
func TestOffsetIsNotAButtonNumber(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: "plus"}}
	c.send("/start")
	c.press("Yes, keep my answers")
	outs := c.send("+2")
	if !strings.Contains(joined(outs), "does not follow daylight saving time") {
		t.Errorf("+2: %q", joined(outs))
	}
	if outs := c.send("2"); !strings.Contains(joined(outs), "When is your usual therapy appointment?") {
		t.Errorf("2 after the offers: %q", joined(outs))
	}
}
