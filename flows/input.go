package flows

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Understanding what the client sent at the pending question: commands, buttons and typed
// answers, each checked before it is accepted.

// command handles "/name arg": the engine's own commands, else the flow the command starts.
func (t *turn) command(text string) {
	name, arg, _ := strings.Cut(strings.TrimPrefix(text, "/"), " ")
	name = strings.ToLower(name)
	arg = strings.TrimSpace(arg)
	switch name {
	case "help":
		t.say(fill(t.str("help"), map[string]string{"storage": t.str("storage_line")}))
		t.reask()
		return
	case "crisis":
		t.crisis()
		return
	case "cancel":
		if t.st.Flow == "" {
			t.say(t.str("nothing_to_cancel"))
			return
		}
		t.leave(false)
		t.say(t.str("cancelled"))
		return
	case "skip":
		t.skip()
		return
	case "history":
		if t.longViewCommand(arg) {
			return
		}
		t.history()
		return
	case "settings":
		t.settings()
		return
	case "export":
		t.export()
		return
	case "pause":
		t.pause(arg)
		return
	case "resume":
		t.resume()
		return
	}
	if f := t.e.lib.ByCommand(name); f != nil {
		t.start(f.ID, "")
		if t.st.Flow == "checkin" && f.ID == "checkin" {
			t.st.Schedule.ManualFlow = t.st.FlowAt // started by hand
		}
		// "/session wed 17:00": the argument answers the flow's first question.
		// Messages before the question (the current value) are left out then.
		if s := t.current(); arg != "" && s != nil && s.Waits() && s == firstQuestion(f) && t.st.Flow == f.ID {
			t.out = t.out[:0]
			t.text(arg)
		}
		return
	}
	t.say(fill(t.str("unknown_command"), map[string]string{"command": "/" + name}))
	t.reask()
}

// firstQuestion is the first step of f that waits for the client, after any messages.
func firstQuestion(f *Flow) *Step {
	for _, s := range f.Steps {
		if s.Waits() {
			return s
		}
		if s.Kind != KindMessage {
			return nil
		}
	}
	return nil
}

// press handles a button. Its id must belong to the pending question; anything else (an old
// button, a forged id) changes nothing.
func (t *turn) press(id string) {
	if isCrisisButton(id) {
		t.crisisAnswer(id)
		return
	}
	if t.pressBetween(id) {
		return
	}
	if cmd, ok := strings.CutPrefix(id, commandButton); ok && greetingCommands[cmd] {
		t.command("/" + cmd)
		return
	}
	s := t.current()
	ask, idx, ok := parseButton(id)
	if s == nil || !s.Waits() || !ok || ask != t.st.Ask {
		t.say(t.str("stale_button"))
		t.reask()
		return
	}
	if i := idx - offerBase; i >= 0 && i < len(t.st.Offers) {
		answer := t.st.Offers[i].Answer
		t.st.Offers = nil
		t.validated(s, answer)
		return
	}
	switch s.Kind {
	case KindChoice:
		if s.OptionsFrom != "" {
			t.pressDynamic(s, idx)
			return
		}
		if idx < len(s.Options) {
			o := s.Options[idx]
			t.accept(s, o.StoredValue(), o.Next)
			return
		}
	case KindScale:
		if v := s.Min + idx; v <= s.Max {
			t.accept(s, strconv.Itoa(v), "")
			return
		}
	case KindText:
		if s.Prompt && idx == 0 {
			t.st.Prompt = t.nextPrompt()
			t.ask(s, true)
			return
		}
	}
	t.say(t.str("stale_button"))
	t.reask()
}

func parseButton(id string) (ask, idx int, ok bool) {
	rest, found := strings.CutPrefix(id, "q")
	if !found {
		return 0, 0, false
	}
	a, b, found := strings.Cut(rest, ".")
	if !found {
		return 0, 0, false
	}
	ask, err1 := strconv.Atoi(a)
	idx, err2 := strconv.Atoi(b)
	if err1 != nil || err2 != nil || idx < 0 {
		return 0, 0, false
	}
	return ask, idx, true
}

// text handles typed text: an answer to the pending question, or a hint when there is none.
func (t *turn) text(text string) {
	s := t.current()
	if t.joins(s, text) {
		return
	}
	if s == nil || !s.Waits() {
		if isGreeting(text) {
			t.greet()
			return
		}
		t.say(t.str("no_question"))
		return
	}
	if len(t.st.Offers) > 0 {
		labels, ids := make([]string, len(t.st.Offers)), make([]string, len(t.st.Offers))
		for i, o := range t.st.Offers {
			labels[i], ids[i] = o.Label, strconv.Itoa(i+1)
		}
		if i := labelMatch(labels, ids, text); i >= 0 {
			answer := t.st.Offers[i].Answer
			t.st.Offers = nil
			t.validated(s, answer)
			return
		}
		t.st.Offers = nil // something new: read it afresh
	}
	switch s.Kind {
	case KindChoice:
		if s.OptionsFrom != "" {
			t.textDynamic(s, text)
			return
		}
		if i, ok := matchOption(t, s, text); ok {
			o := s.Options[i]
			t.accept(s, o.StoredValue(), o.Next)
			return
		}
		if s.Validate != "" {
			t.validated(s, text)
			return
		}
		t.refuse(s, t.str("pick_button"))
	case KindScale:
		t.scale(s, text)
	case KindText:
		limit := s.MaxLen
		if limit == 0 {
			limit = DefaultMaxLen
		}
		n := utf8.RuneCountInString(text)
		if n > limit && (limit < longAnswer || s.Validate != "") {
			t.say(fill(t.str("too_long"), map[string]string{"max": strconv.Itoa(limit), "length": strconv.Itoa(n)}))
			return
		}
		if s.Validate != "" {
			t.validated(s, text)
			return
		}
		if n > limit {
			t.acceptLong(s, text, limit)
			return
		}
		t.remember(s, text)
		t.accept(s, text, "")
	}
}

// scale reads a number on the pending scale: "4", "maybe a 4", "vier", "4/10". Two numbers
// ("like 4 or 5") are asked back with their two buttons; anything else gets a short re-ask.
func (t *turn) scale(s *Step, text string) {
	nums := scaleAnswer(text)
	var in []int
	for _, n := range nums {
		if n >= s.Min && n <= s.Max {
			in = append(in, n)
		}
	}
	vals := map[string]string{"min": strconv.Itoa(s.Min), "max": strconv.Itoa(s.Max)}
	switch {
	case len(nums) == 1 && len(in) == 1:
		t.accept(s, strconv.Itoa(in[0]), "")
	case len(nums) == 2 && len(in) == 2:
		vals["a"], vals["b"] = strconv.Itoa(in[0]), strconv.Itoa(in[1])
		t.say(fill(t.str("pick_one_of_two"), vals),
			Button{ID: t.buttonID(in[0] - s.Min), Label: vals["a"]},
			Button{ID: t.buttonID(in[1] - s.Min), Label: vals["b"]})
	case len(nums) > 0 && len(in) == 0:
		t.refuse(s, fill(t.str("number_out_of_range"), vals))
	default:
		t.refuse(s, fill(t.str("pick_number"), vals))
	}
}

func matchOption(t *turn, s *Step, text string) (int, bool) {
	labels, ids := make([]string, len(s.Options)), make([]string, len(s.Options))
	for i, o := range s.Options {
		lbl := o.Label
		labels[i], ids[i] = t.e.lib.Render(&lbl, t.locale()), o.ID
	}
	i := labelMatch(labels, ids, text)
	return i, i >= 0
}

func (t *turn) validated(s *Step, text string) {
	value, err := validators[s.Validate](t, text)
	if err != nil {
		var r *reask
		if errors.As(err, &r) && len(r.choices) > 0 {
			t.st.Offers = r.choices
			t.say(r.text, t.buttons(s)...)
			return
		}
		msg := strings.TrimSpace(fill(t.str("invalid_"+s.Validate), map[string]string{"hint": err.Error()}))
		if s.Kind == KindChoice {
			t.refuse(s, msg)
			return
		}
		t.say(msg)
		return
	}
	t.accept(s, value, "")
}

// skip answers a skippable question with nothing.
func (t *turn) skip() {
	s := t.current()
	if s == nil || !s.Waits() {
		t.say(t.str("no_question"))
		return
	}
	if !s.Skippable {
		t.refuse(s, t.str("cannot_skip"))
		return
	}
	t.accept(s, "", "")
}

// cleanText drops what must never reach a flow or a stored answer: invalid UTF-8, control
// characters (but new lines and tabs), bidirectional overrides and invisible zero-width
// characters; and trims the ends. Joiners (U+200C, U+200D) stay: scripts and emoji need them.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\u200c' || r == '\u200d':
			return r
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}
