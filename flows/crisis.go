package flows

import (
	"context"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/flows/safety"
	"github.com/interlude-bot/interlude/metrics"
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

// Button ids of the question after a crisis reply. They are not tied to a question number:
// they work whenever they are pressed.
const (
	crisisGo   = "c.go"
	crisisStop = "c.stop"
)

// crisisStateTimeout bounds how long the crisis reply waits for the client's state (for their
// language and country) before it goes out without it.
const crisisStateTimeout = 2 * time.Second

// crisisReply answers a message that signals risk: at once, with fixed text, with or without
// Redis. The flow the client is in waits; the message itself is not taken as an answer.
func (e *Engine) crisisReply(ctx context.Context, in Inbound, rule string) []Outbound {
	e.log.Warn("crisis path", "user", in.User.String(), "rule", rule)
	metrics.Crisis.Inc()
	sctx, cancel := context.WithTimeout(ctx, crisisStateTimeout)
	defer cancel()
	// No update id: a crisis message changes nothing in the state, and a redelivered one must
	// get the whole reply again, in the client's language and with their country's lines.
	outs, err := e.apply(sctx, in.User, "", func(t *turn) {
		if t.st.Locale == "" {
			t.st.Locale = e.localeFor(in.LanguageHint)
		}
		t.st.Active = t.now
		t.crisis()
	})
	if err != nil {
		e.log.Error("crisis reply sent without the client's state", "user", in.User.String(), "err", err)
		locale := e.localeFor(in.LanguageHint)
		return []Outbound{{Text: e.crisisText("", locale)}}
	}
	if len(outs) == 0 || !isCrisisText(e, outs[0].Text) {
		// A redelivered message: the state did not change, but the help is given again, first.
		outs = append([]Outbound{{Text: e.crisisText("", e.localeFor(in.LanguageHint))}}, outs...)
	}
	return outs
}

// isCrisisText reports whether a message is a crisis reply (in any language).
func isCrisisText(e *Engine, text string) bool {
	for _, loc := range e.lib.Locales() {
		if p := e.crisis.Helplines.Preamble(loc); p != "" && strings.HasPrefix(text, p) {
			return true
		}
	}
	return false
}

func (e *Engine) crisisText(zone, locale string) string {
	h := e.crisis.Helplines
	return h.Preamble(locale) + "\n" + h.For(safety.CountryForZone(zone)).Text(locale)
}

// crisis shows where to get human help now and, inside a flow, asks whether to go on.
func (t *turn) crisis() {
	t.say(t.e.crisisText(t.st.Zone, t.locale()))
	if s := t.current(); s != nil && s.Waits() {
		t.say(t.str("crisis_continue"),
			Button{ID: crisisGo, Label: t.str("crisis_go")},
			Button{ID: crisisStop, Label: t.str("crisis_stop")})
	}
}

// crisisAnswer handles the buttons after a crisis reply.
func (t *turn) crisisAnswer(id string) {
	switch {
	case id == crisisStop && t.st.Flow != "":
		t.leave(false)
		t.say(t.str("crisis_stopped"))
	case id == crisisGo && t.current() != nil:
		t.reask()
	default:
		t.say(t.str("crisis_stopped"))
	}
}

func isCrisisButton(id string) bool { return id == crisisGo || id == crisisStop }

// risky reports whether a message signals risk, and the rule that matched.
func (e *Engine) risky(text string) (bool, string) {
	if e.crisis == nil || strings.TrimSpace(text) == "" {
		return false, ""
	}
	m := e.crisis.Detector.Check(text)
	return m.Risk, m.Rule
}
