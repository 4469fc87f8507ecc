package flows

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// Rendering: the question of a waiting step with its buttons, and texts with their
// placeholders filled, in the client's language.

// ask sends the question of a waiting step. fresh means a new question: its buttons get a new
// number, so that buttons of earlier questions are recognised as old.
func (t *turn) ask(s *Step, fresh bool) {
	if fresh {
		t.st.Ask++
		t.st.Offers = nil
	}
	text := t.render(s.Text)
	if s.Prompt {
		if fresh || t.st.Prompt == "" || t.e.lib.Prompt(t.st.Prompt) == nil {
			t.st.Prompt = t.nextPrompt()
		}
		if p := t.e.lib.Prompt(t.st.Prompt); p != nil {
			text += "\n\n" + t.e.lib.Render(&p.Text, t.locale())
		}
	}
	if s.Kind == KindText && s.Skippable {
		text += "\n" + t.str("skip_hint")
	}
	t.say(text, t.buttons(s)...)
}

// buttonID is the id of the i-th button of the pending question.
func (t *turn) buttonID(i int) string { return "q" + strconv.Itoa(t.st.Ask) + "." + strconv.Itoa(i) }

// offerBase is added to the index of an offered reading in its button's id, so that it never
// collides with the step's own buttons.
const offerBase = 100

// buttons are the buttons of the pending question: its options, its scale, or "another
// question" under a prompt; or, while readings of an unclear answer are offered, those.
func (t *turn) buttons(s *Step) []Button {
	var buttons []Button
	if len(t.st.Offers) > 0 {
		for i, o := range t.st.Offers {
			buttons = append(buttons, Button{ID: t.buttonID(offerBase + i), Label: o.Label})
		}
		return buttons
	}
	switch s.Kind {
	case KindChoice:
		if s.OptionsFrom != "" {
			return t.dynamicButtons(s, t.buttonID)
		}
		for i, o := range s.Options {
			lbl := o.Label
			buttons = append(buttons, Button{ID: t.buttonID(i), Label: t.e.lib.Render(&lbl, t.locale())})
		}
	case KindScale:
		for v := s.Min; v <= s.Max; v++ {
			buttons = append(buttons, Button{ID: t.buttonID(v - s.Min), Label: strconv.Itoa(v)})
		}
	}
	if s.Prompt {
		buttons = append(buttons, Button{ID: t.buttonID(0), Label: t.str("another_prompt")})
	}
	return buttons
}

// refuse says briefly what would work, with the pending question's buttons, without its
// introduction again.
func (t *turn) refuse(s *Step, text string) {
	t.say(text, t.buttons(s)...)
}

func (t *turn) render(txt *Text) string {
	vals := map[string]string{"zone": t.st.Zone, "language": t.e.lib.Languages[t.locale()], "intention": t.st.Intention}
	raw := t.e.lib.Render(txt, t.locale())
	if txt != nil && txt.Ref != "" {
		raw = t.str(txt.Ref) // the wording for this storage, where it differs
	}
	if strings.Contains(raw, "{agenda_list}") {
		var b strings.Builder
		for _, a := range t.openAgenda() {
			b.WriteString("• " + a.Text + "\n")
		}
		vals["agenda_list"] = strings.TrimSuffix(b.String(), "\n")
	}
	if strings.Contains(raw, "{settings}") {
		vals["settings"] = t.settingsText()
	}
	if strings.Contains(raw, "{quiet_note}") {
		vals["quiet_note"] = t.quietNote()
	}
	if strings.Contains(raw, "{storage}") {
		vals["storage"] = t.str("storage_line")
	}
	if strings.Contains(raw, "{next_checkin}") {
		vals["next_checkin"] = t.nextCheckin()
	}
	if strings.Contains(raw, "{schedule}") {
		vals["schedule"] = t.scheduleText()
	}
	if strings.Contains(raw, "{checkin_line}") || strings.Contains(raw, "{session_line}") {
		vals["checkin_line"], vals["session_line"], _ = strings.Cut(t.scheduleText(), "\n")
	}
	if strings.Contains(raw, "{session_time}") {
		if at, ok := t.st.Schedule.Appointment.Next(t.now, t.zone()); ok {
			vals["session_time"] = t.whenText(at)
		}
	}
	if vals["zone"] == "" {
		vals["zone"] = "UTC"
	}
	t.fillBetween(raw, vals)
	for k, v := range t.st.Vars {
		vals[k] = v
	}
	for k, v := range t.vals {
		vals[k] = v
	}
	return fill(raw, vals)
}

// nextPrompt picks the next reflective prompt: topics take turns, and within a topic no prompt
// comes again until all of that topic's prompts were asked.
func (t *turn) nextPrompt() string {
	topics := t.e.lib.TopicIDs()
	if len(topics) == 0 {
		return ""
	}
	r := &t.st.Rotation
	topic := topics[r.Next%len(topics)]
	r.Next = (r.Next + 1) % len(topics)
	pool := t.e.lib.TopicPrompts(topic)
	var fresh []string
	for _, id := range pool {
		if !slices.Contains(r.Used, id) {
			fresh = append(fresh, id)
		}
	}
	if len(fresh) == 0 {
		// The topic's pool is used up: start it again.
		r.Used = slices.DeleteFunc(r.Used, func(id string) bool { return slices.Contains(pool, id) })
		fresh = pool
	}
	// Drop ids of prompts the library no longer has, so the list stays bounded.
	r.Used = slices.DeleteFunc(r.Used, func(id string) bool { return t.e.lib.Prompt(id) == nil })
	r.Used = append(r.Used, fresh[0])
	return fresh[0]
}

// quote puts what the client wrote in their language's quotation marks (“…” or „…“), on one
// line and at most limit characters long.
func (t *turn) quote(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit-1]) + "…"
	}
	open, closing, ok := strings.Cut(t.str("quotes"), " ")
	if !ok {
		open, closing = "“", "”"
	}
	return open + s + closing
}

// number writes a mood (or an average of moods) the one way the client's language does: at
// most one decimal, with the language's decimal mark ("4.3", "4,3").
func (t *turn) number(v float64) string {
	s := strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	if mark := t.str("decimal_mark"); mark != "" {
		s = strings.Replace(s, ".", mark, 1)
	}
	return s
}
