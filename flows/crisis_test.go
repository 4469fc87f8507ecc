package flows_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/when"
)

// inOrder reports whether the parts appear in text in this order.
func inOrder(text string, parts ...string) bool {
	for _, p := range parts {
		i := strings.Index(text, p)
		if i < 0 {
			return false
		}
		text = text[i+len(p):]
	}
	return true
}

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

func TestUnsureWithRedisDownGetsTheCrisisReply(t *testing.T) {
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, downStore{}, flows.Options{Logger: slog.New(slog.DiscardHandler)})
	outs, err := e.Handle(context.Background(), flows.Inbound{User: flows.UserKey{Platform: flows.Telegram, ID: "1"}, Text: "i've counted out the tablets in the bathroom"})
	if err != nil || len(outs) != 1 || !strings.HasPrefix(outs[0].Text, "I'm really glad you told me.") {
		t.Errorf("with Redis down: %v %q", err, joined(outs))
	}
}

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

func TestSafetyPlanIsMadeShownInACrisisAndKept(t *testing.T) {
	// A minute between messages, so that none is taken as the continuation of a long answer.
	now := time.Date(2026, 12, 2, 18, 0, 0, 0, time.UTC)
	clock := func() time.Time { now = now.Add(time.Minute); return now }
	e, st, _ := newEngine(t, flows.Options{Now: clock})
	c := onboarded(t, e, "plan")
	outs := c.send("/safetyplan")
	if !strings.Contains(joined(outs), "seven parts") || !strings.Contains(joined(outs), "1 of 7") {
		t.Fatalf("start: %q", joined(outs))
	}
	long := strings.Repeat("walk along the river, ", 200)[:3990]
	c.send("when I stop answering messages") // warning signs
	c.send(long)                             // on my own
	c.send("/skip")                          // distraction
	c.send("my sister Anna, 0170 1234567")   // people
	if outs := c.last; !strings.Contains(joined(outs), "TelefonSeelsorge") {
		t.Errorf("professionals not prefilled with the client's helplines: %q", joined(outs))
	}
	c.press("Keep this list") // keep the prefilled professionals
	c.send("my partner keeps my tablets")
	outs = c.send("my cat, and the sea")
	if !inOrder(joined(outs), "Here is your safety plan", "Warning signs: when I stop answering", "People I can ask for help: my sister Anna", "TelefonSeelsorge", "What I live for: my cat") {
		t.Errorf("plan shown: %q", joined(outs))
	}
	sn, _ := st.Load(context.Background(), c.user, "")
	if p := decoded(t, sn.State).Plan; p == nil || p.Coping != long || p.Distract != "" {
		t.Errorf("plan kept: %+v", p)
	}
	// In a crisis: their steps, people and reason first after care, never their warning signs.
	outs = c.send("I want to kill myself")
	text := joined(outs)
	if !inOrder(text, "I'm really glad you told me.", "From your safety plan:", "People I can ask for help: my sister Anna", "What I live for: my cat", "0800 111 0 111", "automated bot") ||
		strings.Contains(text, "stop answering messages") {
		t.Errorf("crisis reply with a plan:\n%s", text)
	}
	// Edit one part; the rest stays.
	c.send("/safetyplan")
	c.press("What I live for")
	outs = c.send("my cat, the sea, and my niece")
	if !strings.Contains(joined(outs), "my niece") || !strings.Contains(joined(outs), "my sister Anna") {
		t.Errorf("edited: %q", joined(outs))
	}
	// In the export, and gone with /forget.
	outs = c.send("/export")
	if js := exportJSON(t, outs); !strings.Contains(js, `"reason_for_living": "my cat, the sea, and my niece"`) {
		t.Errorf("export lacks the plan:\n%s", js)
	}
}

func exportJSON(t *testing.T, outs []flows.Outbound) string {
	t.Helper()
	for _, o := range outs {
		if o.File != nil && o.File.MIME == "application/json" {
			return string(o.File.Data)
		}
	}
	t.Fatalf("no JSON export in %q", joined(outs))
	return ""
}

func TestRedisDownHelpFollowsTheLanguageCode(t *testing.T) {
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, downStore{}, flows.Options{Logger: slog.New(slog.DiscardHandler)})
	for _, tt := range []struct{ hint, want string }{
		{"de-AT", "142"},
		{"de", "0800 111 0 111"},
		{"en-GB", "116 123"},
		{"en", "findahelpline.com"},
	} {
		outs, err := e.Handle(context.Background(), flows.Inbound{User: flows.UserKey{Platform: flows.Telegram, ID: "9"}, Text: "/crisis", LanguageHint: tt.hint})
		if err != nil || len(outs) != 1 || !strings.Contains(outs[0].Text, tt.want) {
			t.Errorf("%s with Redis down: %v %q", tt.hint, err, joined(outs))
		}
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

// downStore is Redis being down.
type downStore struct{}

var errDown = errors.New("dial unix /tmp/redis.sock: connect: connection refused")

func (downStore) Load(context.Context, flows.UserKey, string) (flows.Snapshot, error) {
	return flows.Snapshot{}, errDown
}
func (downStore) Save(context.Context, flows.UserKey, flows.Change) error { return errDown }
func (downStore) Entries(context.Context, flows.UserKey) ([][]byte, error) {
	return nil, errDown
}

func TestCrisisReplyWorksWithRedisDown(t *testing.T) {
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, downStore{}, flows.Options{Logger: slog.New(slog.DiscardHandler)})
	for _, tt := range []struct{ text, lang, want string }{
		{"i want to kill myself", "en", "nobody reads this in real time"},
		{"Ich will nicht mehr leben", "de", "findahelpline.com"},
	} {
		outs, err := e.Handle(context.Background(), flows.Inbound{User: flows.UserKey{Platform: flows.Telegram, ID: "1"}, Text: tt.text, LanguageHint: tt.lang})
		if err != nil {
			t.Fatalf("%q: %v", tt.text, err)
		}
		if len(outs) != 1 || !strings.Contains(outs[0].Text, tt.want) {
			t.Errorf("%q with Redis down: %q", tt.text, joined(outs))
		}
	}
	// Anything else fails, so that the platform delivers it again later.
	if _, err := e.Handle(context.Background(), flows.Inbound{User: flows.UserKey{Platform: flows.Telegram, ID: "1"}, Text: "hello"}); !errors.Is(err, errDown) {
		t.Errorf("an ordinary message with Redis down: %v", err)
	}
}

func TestCrisisCommandAndCaptionsWithRedisDown(t *testing.T) {
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, downStore{}, flows.Options{Logger: slog.New(slog.DiscardHandler)})
	user := flows.UserKey{Platform: flows.Telegram, ID: "1"}
	for _, in := range []flows.Inbound{
		{User: user, Text: "/crisis"},
		{User: user, Caption: "i want to kill myself"},
	} {
		outs, err := e.Handle(context.Background(), in)
		if err != nil || len(outs) == 0 || !strings.Contains(outs[0].Text, "findahelpline.com") {
			t.Errorf("%+v with Redis down: %v %q", in, err, joined(outs))
		}
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
