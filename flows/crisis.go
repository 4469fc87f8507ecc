package flows

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/flows/safety"
)

// Crisis is the crisis path: a phrase detector and a helpline directory, both in memory, so
// that the reply never depends on Redis.
type Crisis struct {
	Detector  *safety.Detector
	Helplines *safety.Directory
}

// LoadCrisis loads the embedded phrase lists and helplines, extended by an operator's files in
// dir (usually $INTERLUDE_FLOWS_DIR/safety; "" for the embedded data only).
func LoadCrisis(dir string) (*Crisis, error) {
	d, err := safety.LoadDetector(dir)
	if err != nil {
		return nil, err
	}
	h, err := safety.LoadDirectory(dir)
	if err != nil {
		return nil, err
	}
	return &Crisis{Detector: d, Helplines: h}, nil
}

// SafetyState is what the crisis path keeps between messages.
type SafetyState struct {
	// Check is the number of the pending question "are you having thoughts of ending your
	// life or of hurting yourself?"; 0 when none is pending. Its buttons carry the number.
	Check int `json:"check,omitempty" cbor:"1,keyasint,omitempty"`
	// Seq numbers the questions, so that a button of an earlier one is recognised.
	Seq int `json:"seq,omitempty" cbor:"2,keyasint,omitempty"`
	// CheckUpdate is the update that led to the pending question: when it comes again, the
	// question is asked again rather than taken as a second worrying message.
	CheckUpdate string `json:"check_update,omitempty" cbor:"3,keyasint,omitempty"`
	// Held is what the client wrote when the question was asked, if it answered a pending
	// text question of a flow: after "No" it is taken as that answer, so nothing is retyped.
	Held string `json:"held,omitempty" cbor:"4,keyasint,omitempty"`
	// Country is the country the client chose for helplines; "" means the one of their zone.
	Country string `json:"country,omitempty" cbor:"5,keyasint,omitempty"`
	// AskCountry means the client pressed [Not your country?]: the next text names it.
	AskCountry bool `json:"ask_country,omitempty" cbor:"6,keyasint,omitempty"`
	// PlanOffered is set once the safety plan was offered after a crisis reply.
	PlanOffered bool `json:"plan_offered,omitempty" cbor:"7,keyasint,omitempty"`
	// Paused is set while a flow waits under a crisis reply: a typed "go on" or "stop" then
	// means the buttons, not an answer to the flow's question.
	Paused bool `json:"paused,omitempty" cbor:"8,keyasint,omitempty"`
}

// Button ids of the crisis path. They are not tied to a question of a flow: they work
// whenever they are pressed.
const (
	crisisGo      = "c.go"   // go on with what we were doing
	crisisStop    = "c.stop" // stop for now
	crisisReached = "c.ok"   // I've reached someone
	crisisCountry = "c.cc"   // not your country?
	checkYes      = "k.y."   // + question number: yes, I am having such thoughts
	checkNo       = "k.n."   // + question number: no
	checkRather   = "k.r."   // + question number: I'd rather not say
	countryPick   = "c.cc."  // + country code: a country offered for the client's zone
)

// crisisStateTimeout bounds how long the crisis reply waits for the client's state (for their
// language, country and safety plan) before it goes out without it.
const crisisStateTimeout = 2 * time.Second

// crisisReply answers a message that signals risk: at once, with fixed text, with or without
// Redis. The flow the client is in waits; the message itself is not taken as an answer.
func (e *Engine) crisisReply(ctx context.Context, in Inbound) []Outbound {
	// Who it was and which words matched are health data: the log only says that it happened.
	e.log.Warn("crisis path: reply")
	e.opts.Observer.CrisisEvent("reply")
	sctx, cancel := context.WithTimeout(ctx, crisisStateTimeout)
	defer cancel()
	// No update id: a crisis message changes nothing in the flow, and a redelivered one must
	// get the whole reply again, in the client's language and with their country's lines.
	outs, err := e.apply(sctx, in.User, "", func(t *turn) {
		if t.st.Locale == "" {
			t.st.Locale = e.localeFor(in.LanguageHint)
		}
		t.st.Active = t.now
		t.crisis()
	})
	if err != nil {
		e.log.Error("crisis reply sent without the client's state", "error", ErrorKind(err))
		return []Outbound{e.statelessCrisis(in)}
	}
	if len(outs) == 0 || !e.isCrisisText(outs[0].Text) {
		// A redelivered message: the state did not change, but the help is given again, first.
		outs = append([]Outbound{e.statelessCrisis(in)}, outs...)
	}
	return outs
}

// statelessCrisis is the crisis reply from what the update itself tells: the client's
// language and, where the platform's language code names one ("de-AT"), their country.
func (e *Engine) statelessCrisis(in Inbound) Outbound {
	locale := e.localeFor(in.LanguageHint)
	return Outbound{Text: e.crisisText(locale, hintCountry(in.LanguageHint, locale), nil)}
}

// isCrisisText reports whether a message is a crisis reply (in any language).
func (e *Engine) isCrisisText(text string) bool {
	for _, loc := range e.lib.Locales() {
		if p := e.crisis.Helplines.Care(loc); p != "" && strings.HasPrefix(text, p) {
			return true
		}
	}
	return false
}

// crisisText is the crisis reply: care first, then the client's own safety plan (their steps,
// their people, their reason; not their warning signs), then human help for their country and
// the practice's out-of-hours contact, then the bot's limits.
func (e *Engine) crisisText(locale, country string, plan *SafetyPlan) string {
	h := e.crisis.Helplines
	var b strings.Builder
	b.WriteString(h.Care(locale))
	b.WriteString("\n\n")
	if s := plan.crisisText(e.lib, locale); s != "" {
		b.WriteString(s)
		b.WriteString("\n\n")
	}
	b.WriteString(h.For(country).Text(locale))
	b.WriteString("\n")
	b.WriteString(h.Limits(locale))
	return b.String()
}

// crisis shows where to get human help now, with the buttons that say what comes next.
func (t *turn) crisis() {
	t.st.Safety.Check, t.st.Safety.CheckUpdate, t.st.Safety.Held = 0, "", ""
	t.st.Safety.AskCountry = false
	buttons := []Button{{ID: crisisReached, Label: t.str("crisis_reached")}}
	if s := t.current(); s != nil && s.Waits() {
		buttons = append(buttons,
			Button{ID: crisisGo, Label: t.str("crisis_go")},
			Button{ID: crisisStop, Label: t.str("crisis_stop")})
		t.st.Safety.Paused = true
	}
	if t.st.Safety.Country == "" {
		buttons = append(buttons, Button{ID: crisisCountry, Label: t.str("crisis_country")})
	}
	t.say(t.e.crisisText(t.locale(), t.country(), t.st.Plan), buttons...)
}

// crisisAnswer handles the buttons under a crisis reply and the "No" of the question.
func (t *turn) crisisAnswer(id string) {
	switch {
	case id == crisisReached:
		t.e.opts.Observer.CrisisEvent("reached")
		t.say(t.str("crisis_reached_reply") + t.planOffer())
		if s := t.current(); s != nil && s.Waits() {
			t.say(t.str("crisis_continue"),
				Button{ID: crisisGo, Label: t.str("crisis_go")},
				Button{ID: crisisStop, Label: t.str("crisis_stop")})
		}
	case id == crisisStop && t.st.Flow != "":
		t.e.opts.Observer.CrisisEvent("stop")
		t.leave(false)
		t.say(t.str("crisis_stopped") + t.planOffer())
	case id == crisisGo && t.current() != nil:
		t.e.opts.Observer.CrisisEvent("go_on")
		t.say(fill(t.str("crisis_going_on"), map[string]string{"flow": t.flowName()}) + t.planOffer())
		t.reask()
	case id == crisisCountry:
		t.e.opts.Observer.CrisisEvent("country")
		t.st.Safety.AskCountry = true
		t.askCountry()
	case strings.HasPrefix(id, countryPick):
		t.setCountry(strings.TrimPrefix(id, countryPick))
	case strings.HasPrefix(id, checkNo):
		n, _ := strconv.Atoi(strings.TrimPrefix(id, checkNo))
		if n == 0 || n != t.st.Safety.Check {
			t.say(t.str("stale_button"))
			t.reask()
			return
		}
		t.e.opts.Observer.CrisisEvent("answer_no")
		t.checkNo()
	default:
		t.say(t.str("crisis_stopped"))
	}
}

// flowName names the conversation the client is in, for "let's go on with …".
func (t *turn) flowName() string {
	if t.st.Flow == "" {
		return ""
	}
	if name := t.str("flow_name_" + t.st.Flow); name != "" {
		return name
	}
	return t.st.Flow
}

// planOffer offers the safety plan once after a crisis reply, to a client who has none.
func (t *turn) planOffer() string {
	if t.st.Plan != nil || t.st.Safety.PlanOffered || !t.st.consented(t.e.opts.ConsentVersion) {
		return ""
	}
	t.st.Safety.PlanOffered = true
	return "\n\n" + t.str("plan_offer_after_crisis")
}

func isCrisisButton(id string) bool {
	switch id {
	case crisisGo, crisisStop, crisisReached, crisisCountry:
		return true
	}
	return strings.HasPrefix(id, checkNo) || strings.HasPrefix(id, countryPick)
}

// isHelpButton reports whether a button asks for the crisis reply: [Yes] and [I'd rather not
// say] under the question. Pressed at any time, even an old or forged one, they get help.
func isHelpButton(id string) bool {
	return strings.HasPrefix(id, checkYes) || strings.HasPrefix(id, checkRather)
}

// check runs the phrase detector on what the client wrote.
func (e *Engine) check(text string) safety.Tier {
	if e.crisis == nil || strings.TrimSpace(text) == "" {
		return safety.TierNone
	}
	return e.crisis.Detector.Check(text).Tier
}
