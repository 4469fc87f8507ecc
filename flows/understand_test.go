package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

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

func TestLongAnswersAreKeptInParts(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "long")
	c.send("/checkin")
	c.press("4")
	c.press("Calm")
	long := strings.Repeat("Today was hard and I wrote it all down. ", 250) // 10,000 characters
	outs := c.send(long)
	if !strings.Contains(joined(outs), "I've kept all of it, in 3 parts") || !strings.Contains(joined(outs), "One question to think about") {
		t.Fatalf("a long moment: %q", joined(outs))
	}
	c.send("/cancel")
	a := lastEntry(t, st, c.user).Answers
	got := a["moment"] + " " + a["moment_2"] + " " + a["moment_3"]
	if strings.Join(strings.Fields(got), " ") != strings.TrimSpace(long) || len([]rune(a["moment"])) > flows.DefaultMaxLen {
		t.Errorf("the parts do not add up to the answer: %d+%d+%d characters", len(a["moment"]), len(a["moment_2"]), len(a["moment_3"]))
	}

	// 4,000 characters are one answer.
	c.send("/checkin")
	c.press("4")
	c.press("Calm")
	four := strings.Repeat("x", 4000)
	if outs := c.send(four); strings.Contains(joined(outs), "parts") {
		t.Errorf("4,000 characters were split: %q", joined(outs))
	}

	// A short field says its limit, and the question's introduction does not come again.
	c.send("/checkin")
	c.press("4")
	c.press("Something else")
	outs = c.send(strings.Repeat("overwhelmed ", 5))
	if !strings.Contains(joined(outs), "at most 40 characters") || strings.Contains(joined(outs), "Which word would you use?") {
		t.Errorf("a long word: %q", joined(outs))
	}
}

func TestSplitPasteJoinsIntoOneAnswer(t *testing.T) {
	now := time.Date(2026, 12, 2, 20, 0, 0, 0, time.UTC)
	e, st, _ := newEngine(t, flows.Options{Now: func() time.Time { return now }})
	c := onboarded(t, e, "split")
	c.send("/checkin")
	c.press("4")
	c.press("Calm")
	first := strings.Repeat("a", 4096) // what Telegram sends of a long paste first
	c.send(first)
	now = now.Add(1500 * time.Millisecond)
	outs := c.send("and the end of it")
	if !strings.Contains(joined(outs), "added that to your previous answer") {
		t.Fatalf("the second part: %q", joined(outs))
	}
	// Later, a message answers the question that is waiting.
	now = now.Add(time.Minute)
	c.send("my reflection")
	c.send("/cancel")
	a := lastEntry(t, st, c.user).Answers
	if a["moment"]+"\n"+a["moment_2"] != first+"\nand the end of it" && a["moment"]+a["moment_2"] != first+"\nand the end of it" {
		t.Errorf("moment = %d characters + %q", len(a["moment"]), a["moment_2"])
	}
	if a["reflection"] != "my reflection" {
		t.Errorf("reflection = %q", a["reflection"])
	}

	// Short answers typed quickly (or piped by a script) stay answers to their own questions.
	c.send("/checkin")
	c.press("4")
	c.press("Calm")
	c.send("a short moment")
	now = now.Add(time.Second)
	c.send("a quick reflection")
	c.send("/cancel")
	a = lastEntry(t, st, c.user).Answers
	if a["moment"] != "a short moment" || a["reflection"] != "a quick reflection" {
		t.Errorf("quick short answers: %q, %q", a["moment"], a["reflection"])
	}
}
