package flows_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
)

func TestCrisisInTheMiddleOfACheckinWaitsAndOffersHelp(t *testing.T) {
	var logs bytes.Buffer
	e, st, _ := newEngine(t, flows.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	c := onboarded(t, e, "hard-evening")
	c.send("/checkin")
	c.press("3")
	c.press("Sad")
	before, _ := st.Load(context.Background(), c.user, "")

	const words = "honestly I don't want to live anymore"
	outs := c.send(words)
	if len(outs) != 1 {
		t.Fatalf("crisis reply: %q", joined(outs))
	}
	// Care first, then human help for the client's country, then the bot's limits.
	if !inOrder(outs[0].Text, "I'm really glad you told me.", "you deserve support from a person right now",
		"112", "TelefonSeelsorge", "0800 111 0 111", "findahelpline.com",
		"I'm an automated bot and nobody reads this in real time, so please reach one of them.") {
		t.Errorf("crisis reply not in the order care, help, limits:\n%s", outs[0].Text)
	}
	want := []string{"I've reached someone", "Go on with what we were doing", "Stop for now", "Not your country?"}
	if diff := cmp.Diff(want, buttonLabels(outs)); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
	after, _ := st.Load(context.Background(), c.user, "")
	b, a := decoded(t, before.State), decoded(t, after.State)
	if b.Flow != a.Flow || b.Step != a.Step || b.Ask != a.Ask || !cmp.Equal(b.Vars, a.Vars) {
		t.Errorf("the check-in did not wait: %s/%s → %s/%s", b.Flow, b.Step, a.Flow, a.Step)
	}
	// The log says that the crisis path ran, not who it was nor what matched.
	var crisisLines []string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "crisis") {
			crisisLines = append(crisisLines, l)
		}
	}
	if diff := cmp.Diff([]string{`{"time":"`}, []string{crisisLines[0][:9]}); len(crisisLines) != 1 || diff != "" {
		t.Fatalf("crisis log lines: %q", crisisLines)
	}
	for _, secret := range []string{"want to live", string(c.user.ID), "not_alive", "direct", "rule", "user"} {
		if strings.Contains(crisisLines[0], secret) {
			t.Errorf("the crisis log line holds %q: %s", secret, crisisLines[0])
		}
	}
	if strings.Contains(logs.String(), "want to live") {
		t.Error("what the client wrote reached the logs")
	}

	// Going on says where it picks up, and asks the question the client was at.
	// The safety plan is offered once, after the first crisis reply.
	outs = c.press("Go on with what we were doing")
	if !inOrder(joined(outs), "pick up your check-in where we left off", "/safetyplan", "moment this week") {
		t.Errorf("go on: %q", joined(outs))
	}
	c.send(words)
	if outs := c.press("I've reached someone"); !strings.Contains(joined(outs), "glad you reached someone") ||
		strings.Contains(joined(outs), "/safetyplan") {
		t.Errorf("reached: %q", joined(outs))
	}
	if outs := c.press("Stop for now"); !strings.Contains(joined(outs), "stop here") || strings.Contains(joined(outs), "/safetyplan") {
		t.Errorf("stop (the plan is offered once only): %q", joined(outs))
	}
	if outs := c.send("anything"); !strings.Contains(joined(outs), "not waiting") {
		t.Errorf("after stop, still in a flow: %q", joined(outs))
	}
}

func TestRedeliveredCrisisMessageGetsHelpFirst(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "again")
	c.send("/checkin")
	in := flows.Inbound{User: c.user, UpdateID: "risk-1", Text: "I want to end my life"}
	for i := range 2 {
		outs, err := e.Handle(context.Background(), in)
		if err != nil || len(outs) == 0 || !strings.Contains(outs[0].Text, "TelefonSeelsorge") {
			t.Errorf("delivery %d: %v %q", i+1, err, joined(outs))
		}
	}
}

// TestTypedGoOnAfterACrisisReplyIsNotAnAnswer: "go on" typed under a crisis reply means the
// button; it must never be kept as the answer to the question the flow waits at.
func TestTypedGoOnAfterACrisisReplyIsNotAnAnswer(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "typed-go-on")
	c.send("/checkin")
	c.press("3")
	c.press("Sad")
	c.send("i dont want to be alive anymore")
	c.press("I've reached someone")
	outs := c.send("go on")
	if !inOrder(joined(outs), "pick up your check-in", "moment this week") {
		t.Errorf("typed go on: %q", joined(outs))
	}
	sn, _ := st.Load(context.Background(), c.user, "")
	if s := decoded(t, sn.State); s.Vars["moment"] != "" || s.Step != "moment" {
		t.Errorf("go on was kept as an answer: step %s, vars %v", s.Step, s.Vars)
	}
	// Once past it, "go on" is an answer like any other.
	if outs := c.send("weiter"); strings.Contains(joined(outs), "pick up") {
		t.Errorf("a second typed word was taken for the buttons: %q", joined(outs))
	}
}
