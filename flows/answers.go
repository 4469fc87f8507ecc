package flows

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// This file keeps everything a client writes: long answers in parts, a paste that the platform
// split into several messages joined into one answer, and a greeting answered with a greeting.

// longAnswer is the limit from which a free-text step keeps longer answers in parts instead of
// refusing them; steps with a smaller limit are short fields (a word for a feeling) that say
// their limit.
const longAnswer = 1000

// joinWindow is how soon after a long free-text message another message still continues it.
// A platform that splits a long paste (Telegram at 4096 characters) sends its parts within a
// second or two; nobody reads the next question and answers it this fast.
const joinWindow = 5 * time.Second

// splitLength is how long a message must be for the next one to be taken as its continuation:
// only a message near the platform's limit was split by it. Short answers typed quickly one
// after another (or piped into the console by a script) stay answers to their own questions.
const splitLength = 3000

// reask is a validator's refusal with readings of the answer to offer as buttons.
type reask struct {
	text    string
	choices []Offer
}

func (r *reask) Error() string { return r.text }

// storeName is the name under which a step's answer is kept in the flow's answers.
func storeName(s *Step) string {
	if field, ok := strings.CutPrefix(s.Store, "profile."); ok {
		return field
	}
	return s.Store
}

// remember notes a long free-text message that the next few seconds may continue.
func (t *turn) remember(s *Step, text string) {
	t.st.Last = nil
	if utf8.RuneCountInString(text) < splitLength {
		return
	}
	limit := s.MaxLen
	if limit == 0 {
		limit = DefaultMaxLen
	}
	if s.Kind == KindText && s.Validate == "" && s.Store != "" && limit >= longAnswer && t.st.consented(t.e.opts.ConsentVersion) {
		t.st.Last = &LastAnswer{Var: storeName(s), At: t.now, Step: s.ID, Flow: t.st.Flow}
	}
}

// joins adds text to the last free-text answer when it comes within joinWindow of it, in the
// same flow, and reports whether it did.
func (t *turn) joins(s *Step, text string) bool {
	last := t.st.Last
	if last == nil || t.now.Sub(last.At) > joinWindow || t.now.Before(last.At) || strings.HasPrefix(text, "/") {
		return false
	}
	f := t.e.lib.Flow(last.Flow)
	if f == nil || f.Step(last.Step) == nil {
		return false
	}
	prev := f.Step(last.Step)
	if t.st.Flow == "" {
		// The answer ended the conversation, which is kept already: keep the rest beside it.
		t.entries = append(t.entries, Entry{Flow: f.ID, Started: t.now.Truncate(time.Second), At: t.now.Truncate(time.Second),
			Complete: true, Answers: map[string]string{partName(last.Var, 2): text}})
		if prev.Store == "profile.agenda" {
			profileFields["agenda"](t.st, text, t.now)
		}
		last.At = t.now
		if utf8.RuneCountInString(text) < splitLength {
			t.st.Last = nil
		}
		t.say(t.str("joined"))
		return true
	}
	if t.st.Flow != last.Flow || t.st.Vars[last.Var] == "" || s != nil && s.ID == last.Step {
		return false
	}
	limit := prev.MaxLen
	if limit == 0 {
		limit = DefaultMaxLen
	}
	// Continue the last part, or start a new one when it is full.
	k, name := 1, last.Var
	for t.st.Vars[partName(last.Var, k+1)] != "" {
		k++
		name = partName(last.Var, k)
	}
	joined := t.st.Vars[name] + "\n" + text
	parts := splitParts(joined, limit)
	for i, p := range parts {
		n := name
		if i > 0 {
			n = partName(last.Var, k+i)
		}
		t.st.Vars[n] = p
	}
	if prev.Store == "profile.agenda" && len(t.st.Agenda) > 0 {
		a := &t.st.Agenda[len(t.st.Agenda)-1]
		a.Text = parts[0]
		for _, p := range parts[1:] {
			profileFields["agenda"](t.st, p, t.now)
		}
	}
	last.At = t.now
	if utf8.RuneCountInString(text) < splitLength {
		t.st.Last = nil // the last part of the paste
	}
	t.say(t.str("joined"))
	return true
}

// partName is the name of the k-th part (from 2 on) of an answer kept in parts.
func partName(name string, k int) string {
	if k <= 1 {
		return name
	}
	return name + "_" + strconv.Itoa(k)
}

// acceptLong keeps an answer longer than limit in parts of at most limit characters (the
// answer, then answer_2, answer_3, …), tells the client so, and goes on.
func (t *turn) acceptLong(s *Step, text string, limit int) {
	parts := splitParts(text, limit)
	name := storeName(s)
	if t.st.consented(t.e.opts.ConsentVersion) && s.Store != "" {
		if t.st.Vars == nil {
			t.st.Vars = map[string]string{}
		}
		for i, p := range parts[1:] {
			t.st.Vars[partName(name, i+2)] = p
		}
		if s.Store == "profile.agenda" {
			defer func(rest []string) {
				for _, p := range rest {
					profileFields["agenda"](t.st, p, t.now)
				}
			}(parts[1:])
		}
	}
	t.say(fill(t.str("kept_in_parts"), map[string]string{"length": strconv.Itoa(utf8.RuneCountInString(text)), "parts": strconv.Itoa(len(parts))}))
	t.remember(s, text)
	t.accept(s, parts[0], "")
}

// splitParts cuts text into parts of at most limit characters, at a line break or a space
// where there is one in the last fifth of a part, and nowhere inside a character.
func splitParts(text string, limit int) []string {
	var parts []string
	rs := []rune(text)
	for len(rs) > limit {
		cut := limit
		for i := limit; i > limit*4/5; i-- {
			if unicode.IsSpace(rs[i]) {
				cut = i
				break
			}
		}
		parts = append(parts, strings.TrimRightFunc(string(rs[:cut]), unicode.IsSpace))
		rs = []rune(strings.TrimLeftFunc(string(rs[cut:]), unicode.IsSpace))
	}
	if len(rs) > 0 || len(parts) == 0 {
		parts = append(parts, string(rs))
	}
	return parts
}

// commandButton prefixes the id of a button that runs a command (under a greeting).
const commandButton = "cmd:"

// greetingCommands are the commands a greeting offers.
var greetingCommands = map[string]bool{"checkin": true, "prepare": true, "reflect": true}

// greet answers a greeting from a client with nothing pending: a friendly line and buttons for
// what they might want now. Someone new gets the start of onboarding instead.
func (t *turn) greet() {
	if !t.st.consented(t.e.opts.ConsentVersion) {
		t.start("onboarding", "")
		return
	}
	t.say(t.str("greeting"),
		Button{ID: commandButton + "checkin", Label: t.str("greeting_checkin")},
		Button{ID: commandButton + "prepare", Label: t.str("greeting_prepare")},
		Button{ID: commandButton + "reflect", Label: t.str("greeting_reflect")})
}

// answerInFull is an answer of the current flow with its continuation parts, if any.
func (t *turn) answerInFull(name string) string {
	v := t.st.Vars[name]
	for k := 2; t.st.Vars[partName(name, k)] != ""; k++ {
		v += "\n" + t.st.Vars[partName(name, k)]
	}
	return v
}

// excerpt shortens a long answer for a chat message (which has the platform's limits) and
// says that the file holds it in full.
func (t *turn) excerpt(v string, limit int) string {
	if utf8.RuneCountInString(v) <= limit {
		return v
	}
	return splitParts(v, limit)[0] + " … " + t.str("summary_in_file")
}
