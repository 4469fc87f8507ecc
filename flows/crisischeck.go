package flows

import (
	"context"
	"strconv"
	"strings"
)

// The question for a worrying message that is not explicit ("are you thinking of ending your
// life or hurting yourself?"), and what the client answers to it.

// unsure answers a worrying message that is not explicit: it asks the client, directly and
// kindly, whether they are thinking of ending their life or hurting themselves. When the
// question cannot be kept (Redis down), it gives the crisis reply instead: err towards help.
func (e *Engine) unsure(ctx context.Context, in Inbound) []Outbound {
	escalate := false
	outs, err := e.apply(ctx, in.User, "", func(t *turn) {
		if t.st.Locale == "" {
			t.st.Locale = t.e.localeFor(in.LanguageHint)
		}
		t.st.Active = t.now
		switch sf := &t.st.Safety; {
		case sf.Check != 0 && in.UpdateID != "" && in.UpdateID == sf.CheckUpdate:
			t.askCheck() // the same message again: the same question again
		case sf.Check != 0:
			escalate = true // a second worrying message before an answer: help, not a second question
			t.crisis()
		default:
			sf.Seq++
			sf.Check, sf.CheckUpdate, sf.Held = sf.Seq, in.UpdateID, ""
			if s := t.current(); s != nil && s.Kind == KindText && t.st.consented(t.e.opts.ConsentVersion) {
				sf.Held = in.Text
			}
			t.askCheck()
		}
	})
	if err != nil {
		e.log.Error("crisis question could not be kept; crisis reply instead", "error", ErrorKind(err))
		return e.crisisReply(ctx, in)
	}
	if escalate {
		e.log.Warn("crisis path: reply")
		e.opts.Observer.CrisisEvent("reply")
	} else {
		e.log.Warn("crisis path: question")
		e.opts.Observer.CrisisEvent("question")
	}
	return outs
}

// askCheck asks the pending question, with its three buttons.
func (t *turn) askCheck() {
	n := strconv.Itoa(t.st.Safety.Check)
	t.say(t.str("check_question"),
		Button{ID: checkYes + n, Label: t.str("check_yes")},
		Button{ID: checkNo + n, Label: t.str("check_no")},
		Button{ID: checkRather + n, Label: t.str("check_rather")})
}

// crisisPending handles a message while the crisis path waits for an answer (the question, or
// the client's country), and reports whether it did. A command is not an answer: it goes on as
// usual, and the question is let go.
func (t *turn) crisisPending(in Inbound) bool {
	sf := &t.st.Safety
	if sf.Paused && in.Button == "" {
		sf.Paused = false
		switch {
		case inWords(goOnWords, in.Text):
			t.crisisAnswer(crisisGo)
			return true
		case inWords(stopWords, in.Text):
			t.crisisAnswer(crisisStop)
			return true
		}
	}
	if in.Button != "" && isCrisisButton(in.Button) && in.Button != crisisReached && in.Button != crisisCountry {
		sf.Paused = false
	}
	if sf.Check == 0 && !sf.AskCountry {
		return false
	}
	if in.Button != "" {
		if !isCrisisButton(in.Button) {
			// A button of the flow: the client went on; the question is let go.
			sf.Check, sf.CheckUpdate, sf.Held, sf.AskCountry = 0, "", "", false
		}
		return false
	}
	if strings.HasPrefix(in.Text, "/") {
		sf.Check, sf.CheckUpdate, sf.Held, sf.AskCountry = 0, "", "", false
		return false
	}
	if sf.Check != 0 {
		t.checkAnswer(in.Text)
		return true
	}
	t.countryAnswer(in.Text)
	return true
}

// checkAnswer takes a typed answer to the pending question. It already went through the
// detector; a clear "no" goes back to where the client was, anything else gets help.
func (t *turn) checkAnswer(text string) {
	if isNo(text) {
		t.e.opts.Observer.CrisisEvent("answer_no")
		t.checkNo()
		return
	}
	if isYes(text) {
		t.e.opts.Observer.CrisisEvent("answer_yes")
	} else {
		t.e.opts.Observer.CrisisEvent("answer_other")
	}
	t.crisis()
}

// checkNo thanks the client and goes back to where they were.
func (t *turn) checkNo() {
	held := t.st.Safety.Held
	t.st.Safety.Check, t.st.Safety.CheckUpdate, t.st.Safety.Held = 0, "", ""
	s := t.current()
	if s == nil || !s.Waits() {
		t.say(t.str("check_thanks_idle"))
		return
	}
	t.say(t.str("check_thanks"))
	if held != "" && s.Kind == KindText {
		t.text(held) // what they wrote answers the question they were at
		return
	}
	t.reask()
}

// goOnWords and stopWords are what people type instead of pressing the buttons under a
// crisis reply.
var (
	goOnWords = []string{"go on", "continue", "lets go on", "let s go on", "ok go on", "keep going", "carry on", "weiter", "weitermachen", "mach weiter", "lass uns weitermachen", "ok weiter", "go"}
	stopWords = []string{"stop", "stop for now", "stop now", "enough", "aufhören", "aufhoeren", "für jetzt aufhören", "stopp", "schluss", "genug"}
)

// yes and no words, in the languages of the library, as people type them.
var (
	crisisYes = []string{"yes", "y", "yeah", "yep", "yup", "ya", "yea", "sort of", "kind of", "kinda", "maybe", "sometimes", "a bit", "a little", "i think so", "ja", "jo", "jap", "jein", "vielleicht", "manchmal", "ein bisschen", "irgendwie", "schon"}
	crisisNo  = []string{"no", "n", "nope", "nah", "no i am not", "no im not", "not at all", "no not at all", "no thanks", "no thank you", "definitely not", "nein", "ne", "nee", "nö", "no", "auf keinen fall", "gar nicht", "nein gar nicht", "nein danke", "überhaupt nicht", "nein nein"}
)

func isYes(text string) bool { return inWords(crisisYes, text) }

func isNo(text string) bool { return inWords(crisisNo, text) }

func inWords(words []string, text string) bool {
	k := strings.Join(strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return r == ' ' || r == ',' || r == '.' || r == '!' || r == '\'' || r == '’' || r == '\n'
	}), " ")
	for _, w := range words {
		if k == w {
			return true
		}
	}
	return false
}
