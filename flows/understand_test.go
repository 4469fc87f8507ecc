package flows_test

import (
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/flows"
)

const checkinIntro = "Time for your check-in"

func TestMoodTakesWhatPeopleType(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	for _, tt := range []struct{ in, want string }{
		{"4", "4"}, {"a 4", "4"}, {"maybe a 4", "4"}, {"pretty rough week honestly, maybe a 4", "4"},
		{"four", "4"}, {"4/10", "4"}, {"4 out of 10", "4"}, {"Ten!", "10"}, {"1", "1"},
	} {
		c := onboarded(t, e, "mood-"+tt.in)
		c.send("/checkin")
		outs := c.send(tt.in)
		if !strings.Contains(joined(outs), "Is there a word for how you feel") {
			t.Errorf("%q: the next question did not come: %q", tt.in, joined(outs))
			continue
		}
		c.send("/cancel")
		if got := lastEntry(t, st, c.user).Answers["mood"]; got != tt.want {
			t.Errorf("%q: mood %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMoodInGerman(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	c := germanOnboarded(t, e, "vier")
	c.send("/checkin")
	if outs := c.send("so eine vier, würde ich sagen"); !strings.Contains(joined(outs), "Gibt es ein Wort") {
		t.Fatalf("vier: %q", joined(outs))
	}
	c.send("/cancel")
	if got := lastEntry(t, st, c.user).Answers["mood"]; got != "4" {
		t.Errorf("mood %q, want 4", got)
	}
}

func TestMoodAsksBackShortlyWithTheButtons(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "between")
	c.send("/checkin")
	outs := c.send("like 4 or 5")
	if got := buttonLabels(outs); strings.Join(got, " ") != "4 5" || strings.Contains(joined(outs), checkinIntro) {
		t.Fatalf("like 4 or 5: buttons %v in %q", got, joined(outs))
	}
	c.press("5")
	c.send("/cancel")
	if got := lastEntry(t, st, c.user).Answers["mood"]; got != "5" {
		t.Errorf("mood %q, want 5", got)
	}

	c.send("/checkin")
	for _, in := range []string{"11", "0", "-3", "meh", "🙂🙂", "a rough one", "eine harte Woche"} {
		outs := c.send(in)
		text := joined(outs)
		if strings.Contains(text, checkinIntro) || len(buttonLabels(outs)) != 10 {
			t.Errorf("%q: the re-ask repeats the introduction or lacks the buttons: %q %v", in, text, buttonLabels(outs))
		}
		if !strings.Contains(text, "1 to 10") || !strings.Contains(text, "for example") {
			t.Errorf("%q: the re-ask does not say what works, with an example: %q", in, text)
		}
	}
}

func TestYesAndNoWordsAtEveryButtonQuestion(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	for _, tt := range []struct {
		in     string
		german bool
		erased bool
	}{
		{"ja", true, true}, {"Ja!", true, true}, {"jo", true, true}, {"klar", true, true}, {"ja, alles löschen", true, true},
		{"nein", true, false}, {"nö", true, false}, {"Nein, behalten", true, false}, {"lieber nicht", true, false},
		{"sure", false, true}, {"yes", false, true}, {"yep", false, true}, {"of course", false, true},
		{"nope", false, false}, {"no", false, false}, {"not now", false, false},
		{"yes", true, true}, {"nein", false, false}, // the other language works too
	} {
		var c *client
		if tt.german {
			c = germanOnboarded(t, e, "yn-de-"+tt.in)
		} else {
			c = onboarded(t, e, "yn-en-"+tt.in)
		}
		c.send("/forget")
		outs := c.send(tt.in)
		text := joined(outs)
		gone := strings.Contains(text, "everything I kept about you is erased") || strings.Contains(text, "gelöscht, und ich schreibe dir nicht mehr")
		kept := strings.Contains(text, "Nothing was erased") || strings.Contains(text, "Es wurde nichts gelöscht")
		if gone != tt.erased || kept == tt.erased {
			t.Errorf("%q (german %v) at /forget: %q", tt.in, tt.german, text)
		}
	}
}

func TestTypedLabelsAndNumbers(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: "labels"}}
	c.send("/start")
	c.send("yes, keep my answers")
	if outs := c.send("new york"); !strings.Contains(joined(outs), "When is your usual therapy appointment?") {
		t.Fatalf("zone by typed label: %q", joined(outs))
	}
	if outs := c.send("I'll tell you later"); !strings.Contains(joined(outs), "weekly check-in") {
		t.Fatalf("session by typed label: %q", joined(outs))
	}
	if outs := c.send("1"); !strings.Contains(joined(outs), "All set. Your time zone is America/New_York") || !strings.Contains(joined(outs), "Sundays at 19:00") {
		t.Fatalf("check-in by number: %q", joined(outs))
	}
	// Something that is not an option gets a short re-ask with the buttons.
	c.send("/forget")
	outs := c.send("perhaps")
	if strings.Contains(joined(outs), "This erases everything") || len(buttonLabels(outs)) != 2 {
		t.Errorf("unknown answer at /forget: %q %v", joined(outs), buttonLabels(outs))
	}
}

func TestGreetingGetsAGreeting(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "hello")
	for _, in := range []string{"hi", "Hello!", "hey there", "hallo 👋"} {
		outs := c.send(in)
		if !strings.Contains(joined(outs), "Good to hear from you") || strings.Join(buttonLabels(outs), "|") != "Check in|Prepare a session|Reflect on a session" {
			t.Errorf("%q: %q %v", in, joined(outs), buttonLabels(outs))
		}
	}
	if outs := c.press("Check in"); !strings.Contains(joined(outs), checkinIntro) {
		t.Errorf("the check-in button: %q", joined(outs))
	}
	c.send("/cancel")
	if outs := c.send("what now"); strings.Contains(joined(outs), "Good to hear from you") {
		t.Errorf("not a greeting, answered as one: %q", joined(outs))
	}

	g := germanOnboarded(t, e, "hallo")
	if outs := g.send("Hallo"); !strings.Contains(joined(outs), "Schön, von dir zu hören") || len(buttonLabels(outs)) != 3 {
		t.Errorf("German greeting: %q", joined(outs))
	}

	n := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: "new"}}
	if outs := n.send("hi"); !strings.Contains(joined(outs), "not a therapist") {
		t.Errorf("someone new saying hi: %q", joined(outs))
	}
}
