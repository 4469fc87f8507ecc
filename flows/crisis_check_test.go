package flows_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
)

func TestUnsureMessageGetsADirectKindQuestion(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "unsure")
	c.send("/checkin")
	c.press("4")
	c.press("Tired")

	// A moment of the week that is worrying but not explicit.
	const moment = "I've been counting the tablets"
	outs := c.send(moment)
	if len(outs) != 1 || !strings.Contains(outs[0].Text, "are you having thoughts of ending your life or of hurting yourself?") {
		t.Fatalf("no question: %q", joined(outs))
	}
	if diff := cmp.Diff([]string{"Yes", "No", "I'd rather not say"}, buttonLabels(outs)); diff != "" {
		t.Errorf("buttons (-want +got):\n%s", diff)
	}
	question := outs
	// A second worrying message before an answer: help, not the question twice.
	outs = c.send("I wrote letters to everyone today")
	if !strings.HasPrefix(joined(outs), "I'm really glad you told me.") {
		t.Errorf("second worrying message: %q", joined(outs))
	}
	// The old [No] changes nothing now; a fresh question is answered with No.
	c.last = question
	if outs := c.press("No"); !strings.Contains(joined(outs), "no longer") && strings.Contains(joined(outs), "Thank you for answering") {
		t.Errorf("a stale No went through: %q", joined(outs))
	}
	c.send(moment)
	outs = c.press("No")
	if !strings.Contains(joined(outs), "Thank you for answering") {
		t.Errorf("no: %q", joined(outs))
	}
	// What they wrote answered the question they were at: the check-in went on.
	sn, _ := st.Load(context.Background(), c.user, "")
	if s := decoded(t, sn.State); s.Vars["moment"] != moment || s.Safety.Check != 0 {
		t.Errorf("after No: moment %q, pending %d", s.Vars["moment"], s.Safety.Check)
	}

	for _, tt := range []struct{ answer, want string }{
		{"Yes", "I'm really glad you told me."},
		{"I'd rather not say", "I'm really glad you told me."},
	} {
		c.send("i can't do this anymore")
		if outs := c.press(tt.answer); !strings.HasPrefix(joined(outs), tt.want) {
			t.Errorf("%s: %q", tt.answer, joined(outs))
		}
	}
	// Typed answers: a clear no goes back, yes or anything else gets help.
	for _, tt := range []struct{ typed, want string }{
		{"nope", "Thank you for answering"},
		{"yeah kind of", "I'm really glad you told me."},
		{"I don't know", "I'm really glad you told me."},
	} {
		c.send("what's the point")
		if outs := c.send(tt.typed); !strings.Contains(joined(outs), tt.want) {
			t.Errorf("typed %q: %q", tt.typed, joined(outs))
		}
	}
}

func TestUnsureQuestionSurvivesARestartAndARedelivery(t *testing.T) {
	e, st, srv := newEngine(t, flows.Options{})
	c := onboarded(t, e, "restart")
	in := flows.Inbound{User: c.user, UpdateID: "u-77", Text: "Ich kann nicht mehr"}
	first, err := e.Handle(context.Background(), in)
	if err != nil || len(first) != 1 || !strings.Contains(first[0].Text, "thoughts of ending your life") {
		t.Fatalf("question: %v %q", err, joined(first))
	}
	// The same update again (the reply may not have gone out): the same question, not help.
	again, err := e.Handle(context.Background(), in)
	if err != nil || !cmp.Equal(first, again) {
		t.Errorf("redelivered: %v %q", err, joined(again))
	}
	// Another engine on the same Redis (a restart): the typed answer is still understood.
	lib, _ := flows.Load("testdata/lib")
	e2 := flows.New(lib, st, flows.Options{Logger: slog.New(slog.DiscardHandler)})
	_ = srv
	outs, err := e2.Handle(context.Background(), flows.Inbound{User: c.user, Text: "nein"})
	if err != nil || !strings.Contains(joined(outs), "Thank you for answering") {
		t.Errorf("after restart: %v %q", err, joined(outs))
	}
}

func TestForgedHelpButtonsGetHelpAndForgedNoDoesNothing(t *testing.T) {
	e, _, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "forged")
	for _, id := range []string{"k.y.999", "k.r.1", "k.y.x"} {
		outs, err := e.Handle(context.Background(), flows.Inbound{User: c.user, Button: id})
		if err != nil || !strings.HasPrefix(joined(outs), "I'm really glad you told me.") {
			t.Errorf("%s: %v %q", id, err, joined(outs))
		}
	}
	outs, err := e.Handle(context.Background(), flows.Inbound{User: c.user, Button: "k.n.3"})
	if err != nil || strings.Contains(joined(outs), "Thank you for answering") {
		t.Errorf("forged No: %v %q", err, joined(outs))
	}
}

func TestCrisisWhileTheQuestionWaitsAndAFlowButtonLetsItGo(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "pending")
	// Outside a conversation, No does not pretend there is somewhere to go back to.
	c.send("nobody would miss me")
	if outs := c.press("No"); !strings.Contains(joined(outs), "Thank you for answering") || strings.Contains(joined(outs), "go on where we were") {
		t.Errorf("no, outside a flow: %q", joined(outs))
	}
	// An explicit message while the question waits gets the reply, and the question is done.
	c.send("nobody would miss me")
	if outs := c.send("i want to end my life"); !strings.HasPrefix(joined(outs), "I'm really glad you told me.") {
		t.Errorf("crisis while pending: %q", joined(outs))
	}
	sn, _ := st.Load(context.Background(), c.user, "")
	if s := decoded(t, sn.State); s.Safety.Check != 0 {
		t.Errorf("the question still waits after the crisis reply: %d", s.Safety.Check)
	}
	// A button of the check-in while the question waits: the client went on.
	mood := c.send("/checkin")
	c.send("what's the point")
	c.last = mood
	c.press("5")
	if outs := c.send("calm"); strings.Contains(joined(outs), "I'm really glad you told me.") {
		t.Errorf("an answer after a flow button was taken for the question: %q", joined(outs))
	}
}
