package flows_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
)

// clocked is an engine on Redis whose clock the test moves.
func clocked(t *testing.T) (*flows.Engine, *time.Time) {
	t.Helper()
	now := time.Date(2026, 11, 2, 18, 0, 0, 0, time.UTC)
	e, _, _ := newEngine(t, flows.Options{Now: func() time.Time { return now }})
	return e, &now
}

func addGoal(c *client, text, rhythm string) []flows.Outbound {
	c.t.Helper()
	c.send("/goals")
	for _, add := range []string{"Add a goal", "Ein Ziel hinzufügen"} {
		if hasButton(c.last, add) {
			c.press(add)
		}
	}
	c.send(text)
	return c.press(rhythm)
}

func hasButton(outs []flows.Outbound, label string) bool {
	for _, o := range outs {
		for _, b := range o.Buttons {
			if b.Label == label {
				return true
			}
		}
	}
	return false
}

func exportGoals(t *testing.T, c *client) []flows.Goal {
	t.Helper()
	outs := c.send("/export")
	var x flows.Export
	if err := json.Unmarshal(outs[0].File.Data, &x); err != nil {
		t.Fatal(err)
	}
	return x.Goals
}

func TestGoalsCanBeAddedChangedPausedAndClosed(t *testing.T) {
	e, _ := clocked(t)
	c := onboarded(t, e, "goals")
	outs := addGoal(c, "practise the breathing exercise", "Daily")
	if got := joined(outs); !strings.Contains(got, "Noted: “practise the breathing exercise”, daily.") {
		t.Fatalf("after adding: %q", got)
	}
	addGoal(c, "say no once", "Weekly")

	c.send("/goals")
	if got := joined(c.last); !strings.Contains(got, "“practise the breathing exercise” · daily") || !strings.Contains(got, "“say no once” · weekly") {
		t.Fatalf("/goals lists %q", got)
	}
	c.press("Change one")
	c.press("say no once")
	c.send("say no to my boss once")
	if got := joined(c.press("A few times a week")); !strings.Contains(got, "Changed: “say no to my boss once”, a few times a week.") {
		t.Fatalf("after changing: %q", got)
	}

	c.send("/goals")
	c.press("Pause or resume one")
	if got := joined(c.press("practise the breathing exercise")); !strings.Contains(got, "Paused") {
		t.Fatalf("after pausing: %q", got)
	}
	c.send("/goals")
	c.press("Close one")
	c.press("say no to my boss once")

	goals := exportGoals(t, c)
	if len(goals) != 2 {
		t.Fatalf("export holds %d goals, want the open and the closed one: %+v", len(goals), goals)
	}
	if !goals[0].Paused || goals[0].Text != "practise the breathing exercise" || goals[0].Rhythm != "daily" {
		t.Errorf("paused goal exported as %+v", goals[0])
	}
	if goals[1].Closed.IsZero() || goals[1].Text != "say no to my boss once" || goals[1].Rhythm != "few" {
		t.Errorf("closed goal exported as %+v", goals[1])
	}
	md := string(c.last[1].File.Data)
	if !strings.Contains(md, "say no to my boss once · a few times a week · since 2 Nov · closed on 2 Nov") {
		t.Errorf("Markdown export lacks the closed goal:\n%s", md)
	}
}

func TestAFourthActiveGoalIsRefused(t *testing.T) {
	e, _ := clocked(t)
	c := onboarded(t, e, "four")
	for _, g := range []string{"breathing", "walk", "journal"} {
		addGoal(c, g, "Daily")
	}
	c.send("/goals")
	outs := c.press("Add a goal")
	if got := joined(outs); !strings.Contains(got, "You already have three active goals") {
		t.Fatalf("a fourth goal: %q", got)
	}
	// /reflect does not offer to note one either.
	c.send("/reflect")
	c.press("4")
	c.press("4")
	c.press("4")
	c.send("/skip")
	c.press("No")
	if got := joined(c.send("/skip")); strings.Contains(got, "agree on something") {
		t.Errorf("/reflect offers a fourth goal: %q", got)
	}
	// Pausing one makes room; resuming it while three are active again is refused.
	c.send("/goals")
	c.press("Pause or resume one")
	c.press("walk")
	addGoal(c, "stretch", "Weekly")
	c.send("/goals")
	c.press("Pause or resume one")
	if got := joined(c.press("walk")); !strings.Contains(got, "You already have three active goals") {
		t.Errorf("resuming a fourth: %q", got)
	}
	if n := len(exportGoals(t, c)); n != 4 {
		t.Errorf("%d goals kept, want 4 (one paused)", n)
	}
}

func TestAGoalOf4000CharactersIsAskedToBeShorter(t *testing.T) {
	e, _ := clocked(t)
	c := onboarded(t, e, "long")
	c.send("/goals")
	c.press("Add a goal")
	outs := c.send(strings.Repeat("breathe ", 500))
	if got := joined(outs); !strings.Contains(got, "at most 200 characters, and yours has 3999") {
		t.Fatalf("a 4,000-character goal: %q", got)
	}
	// The question is still open: a shorter answer is taken.
	c.send("breathe slowly for five minutes")
	c.press("Daily")
	if goals := exportGoals(t, c); len(goals) != 1 || goals[0].Text != "breathe slowly for five minutes" {
		t.Errorf("goals kept: %+v", goals)
	}
}

// goalsMessage is the check-in's message about the goals.
func goalsMessage(t *testing.T, outs []flows.Outbound) flows.Outbound {
	t.Helper()
	for _, o := range outs {
		if strings.Contains(o.Text, "How did your goals go this week?") {
			return o
		}
	}
	t.Fatalf("no goals question in %q", joined(outs))
	return flows.Outbound{}
}

func TestCheckinAsksAboutEveryGoalInOneMessage(t *testing.T) {
	e, now := clocked(t)
	c := onboarded(t, e, "checkin")
	addGoal(c, "breathing exercise", "Daily")
	addGoal(c, "walk in the morning", "A few times a week")

	questions := 0
	outs := c.send("/checkin")
	if got := joined(outs); !strings.Contains(got, "six questions at most") {
		t.Errorf("the introduction does not say six questions: %q", got)
	}
	questions++
	outs = c.press("6")
	questions++
	outs = c.press("Calm")
	questions++
	msg := goalsMessage(t, c.send("A good talk with my sister"))
	questions++
	var rows [][]string
	for _, r := range flows.Rows(msg.Buttons) {
		var row []string
		for _, b := range r {
			row = append(row, b.Label)
		}
		rows = append(rows, row)
	}
	want := [][]string{
		{"1 · Often", "1 · Sometimes", "1 · Not this week", "1 · Done with this"},
		{"2 · Often", "2 · Sometimes", "2 · Not this week", "2 · Done with this"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Fatalf("one row per goal (-want +got):\n%s", diff)
	}
	if !strings.Contains(msg.Text, "1. “breathing exercise”\n2. “walk in the morning”") {
		t.Errorf("the goals are not numbered as their rows: %q", msg.Text)
	}
	// The second row first; the first row's buttons in the same message still work.
	first := msg.Buttons
	outs = c.press("2 · Sometimes")
	if got := joined(outs); !strings.Contains(got, "And the others?") || hasButton(outs, "2 · Often") || !hasButton(outs, "1 · Often") {
		t.Fatalf("after one goal: %q", got)
	}
	c.last = []flows.Outbound{{Buttons: first}}
	outs = c.press("1 · Often")
	if got := joined(outs); !strings.Contains(got, "One question to think about") {
		t.Fatalf("after both goals the check-in does not go on: %q", got)
	}
	questions++
	c.send("/skip")
	questions++
	outs = c.send("/skip")
	if got := joined(outs); !strings.Contains(got, "that's it for this week") {
		t.Fatalf("check-in did not end after %d questions: %q", questions, got)
	}
	if questions > 6 {
		t.Errorf("%d questions, want at most 6", questions)
	}

	// A week later: "Done with this" closes the goal; /prepare shows the weeks at a glance.
	*now = now.Add(7 * 24 * time.Hour)
	c.send("/checkin")
	c.press("5")
	c.press("Tired")
	goalsMessage(t, c.send("/skip"))
	c.press("1 · Not this week")
	c.press("2 · Done with this")
	c.send("/cancel")
	outs = c.send("/prepare")
	got := joined(outs)
	if !strings.Contains(got, "“breathing exercise”: ●○") {
		t.Errorf("/prepare glance: %q", got)
	}
	if strings.Contains(got, "walk in the morning”:") {
		t.Errorf("/prepare shows a closed goal: %q", got)
	}
	c.press("Yes, put them on my agenda")
	c.send("Everything")
	c.send("/skip")
	outs = c.send("/skip")
	if got := joined(outs); !strings.Contains(got, "How my goal went: breathing exercise (●○)") {
		t.Errorf("summary lacks the goal on the agenda: %q", got)
	}
	goals := exportGoals(t, c)
	if len(goals) != 2 || goals[1].Closed.IsZero() || len(goals[0].Weeks) != 2 {
		t.Errorf("goals after two check-ins: %+v", goals)
	}
}

func TestACheckinWithoutGoalsStaysAtFiveQuestions(t *testing.T) {
	e, _ := clocked(t)
	c := onboarded(t, e, "nogoals")
	if got := joined(c.send("/checkin")); !strings.Contains(got, "five questions at most") {
		t.Errorf("introduction: %q", got)
	}
	c.press("6")
	c.press("Calm")
	if got := joined(c.send("/skip")); strings.Contains(got, "goals") {
		t.Errorf("a client without goals is asked about goals: %q", got)
	}
}

func TestGoalAnswersCanBeTyped(t *testing.T) {
	e, _ := clocked(t)
	c := onboarded(t, e, "typed")
	addGoal(c, "breathing", "Daily")
	addGoal(c, "walk", "Weekly")
	c.send("/checkin")
	c.press("6")
	c.press("Calm")
	c.send("/skip")
	// With two goals a bare answer is ambiguous; the number of its button is not.
	if got := joined(c.send("often")); !strings.Contains(got, "Please pick one of the buttons") {
		t.Fatalf("an ambiguous typed answer: %q", got)
	}
	if got := joined(c.send("6")); !strings.Contains(got, "And the others?") {
		t.Fatalf("button 6 (2 · Sometimes): %q", got)
	}
	if got := joined(c.send("Often")); !strings.Contains(got, "One question to think about") {
		t.Fatalf("the last goal answered by word: %q", got)
	}
	goals := exportGoals(t, c)
	if goals[0].Weeks[0].Answer != "often" || goals[1].Weeks[0].Answer != "sometimes" {
		t.Errorf("answers kept: %+v", goals)
	}
}
