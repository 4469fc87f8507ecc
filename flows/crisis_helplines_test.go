package flows_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/when"
)

func TestCountryFromTheZoneTableAndChosenByTheClient(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "knox")
	c.send("/timezone America/Indiana/Knox")
	if outs := c.send("/crisis"); !strings.Contains(joined(outs), "988") || !strings.Contains(joined(outs), "911") {
		t.Errorf("/crisis in Knox, Indiana: %q", joined(outs))
	}
	c.send("/timezone UTC")
	outs := c.send("/crisis")
	if !strings.Contains(joined(outs), "local emergency number") || !slices.Contains(buttonLabels(outs), "Not your country?") {
		t.Errorf("/crisis on UTC: %q %q", joined(outs), buttonLabels(outs))
	}
	if outs := c.press("Not your country?"); !strings.Contains(joined(outs), "Which country are you in?") {
		t.Errorf("not your country: %q", joined(outs))
	}
	if outs := c.send("Narnia"); !strings.Contains(joined(outs), "I don't know that country") {
		t.Errorf("unknown country: %q", joined(outs))
	}
	if outs := c.send("Österreich"); !strings.Contains(joined(outs), "142") || !strings.Contains(joined(outs), "Austria") {
		t.Errorf("Österreich: %q", joined(outs))
	}
	outs = c.send("/crisis")
	if !strings.Contains(joined(outs), "142") || slices.Contains(buttonLabels(outs), "Not your country?") {
		t.Errorf("/crisis after choosing Austria: %q %q", joined(outs), buttonLabels(outs))
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

// TestEveryHelplineCountryIsReachedByItsZones: a country in helplines.yaml that no zone maps to
// would never be shown to anyone who did not choose it by hand.
func TestEveryHelplineCountryIsReachedByItsZones(t *testing.T) {
	c, err := flows.LoadCrisis("")
	if err != nil {
		t.Fatal(err)
	}
	reached := map[string]bool{}
	for _, z := range when.Zones() {
		if code, ok := when.Country(z); ok {
			reached[code] = true
		}
	}
	for _, code := range c.Helplines.Countries() {
		if !reached[code] {
			t.Errorf("no zone reaches %s", code)
		}
	}
}
