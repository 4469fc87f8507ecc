package flows

import "time"

// The agenda's lifecycle: an item is added in a check-in, goes into a session summary (it is
// then prepared for the next appointment), and leaves the list when that appointment is past
// or when the client ticks it off in /reflect. Every step is dated, for the export.

// prepareAgenda marks the open items as prepared for the next session (a summary lists them).
// An item prepared before keeps the session it was first prepared for.
func (t *turn) prepareAgenda() {
	next, ok := t.st.Schedule.Appointment.Next(t.now, t.zone())
	for i := range t.st.Agenda {
		a := &t.st.Agenda[i]
		if !a.open() {
			continue
		}
		if a.Prepared.IsZero() {
			a.Prepared = t.now.UTC().Truncate(time.Second)
		}
		if a.For.IsZero() && ok {
			a.For = next.UTC().Truncate(time.Second)
		}
	}
}

// closePastAgenda closes the items whose session is past.
func (t *turn) closePastAgenda() {
	for i := range t.st.Agenda {
		a := &t.st.Agenda[i]
		if a.open() && !a.For.IsZero() && !a.For.After(t.now) {
			a.Closed, a.ClosedBy = a.For, "session"
		}
	}
}

// tickAgenda closes every open item: the client said after a session that it was dealt with.
func (t *turn) tickAgenda() {
	t.closePastAgenda()
	for i := range t.st.Agenda {
		if a := &t.st.Agenda[i]; a.open() {
			a.Closed, a.ClosedBy = t.now.UTC().Truncate(time.Second), "reflect"
		}
	}
}

// reflectionNote is what the client noted in their last /reflect since the last preparation,
// for the next /prepare ("After your last session you noted: …"); empty when nothing.
func (t *turn) reflectionNote(entries []Entry, since time.Time) string {
	var last *Entry
	for i := range entries {
		if e := &entries[i]; e.Flow == "reflect" && !e.At.Before(since) {
			last = e
		}
	}
	if last == nil {
		return ""
	}
	var lines []string
	if v := last.Answers["felt"]; v != "" {
		lines = append(lines, fill(t.str("reflected_felt"), map[string]string{"felt": t.answerLabel("reflect", "felt", v)}))
	}
	lines = append(lines, t.reflectedRatings(*last)...)
	if v := last.Answers["off_moment"]; v != "" {
		lines = append(lines, fill(t.str("reflected_off"), map[string]string{"moment": t.quote(v, 300)}))
	}
	if v := last.Answers["intention"]; v != "" {
		lines = append(lines, fill(t.str("reflected_intention"), map[string]string{"intention": t.quote(v, 300)}))
	}
	if len(lines) == 0 {
		return ""
	}
	out := t.str("reflected_title")
	for _, l := range lines {
		out += "\n• " + l
	}
	return out
}

// answerLabel renders a stored answer of a flow's step: an option's label in the client's
// language, or the answer itself.
func (t *turn) answerLabel(flowID, store, value string) string {
	return t.e.lib.answerLabel(flowID, store, value, t.locale())
}

func (l *Library) answerLabel(flowID, store, value, locale string) string {
	f := l.Flow(flowID)
	if f == nil {
		return value
	}
	for _, s := range f.Steps {
		if s.Store != store && s.Store != "profile."+store {
			continue
		}
		for _, o := range s.Options {
			if o.StoredValue() == value {
				lbl := o.Label
				return l.Render(&lbl, locale)
			}
		}
	}
	return value
}

func (t *turn) openAgenda() []AgendaItem {
	t.closePastAgenda()
	var open []AgendaItem
	for _, a := range t.st.Agenda {
		if a.open() {
			open = append(open, a)
		}
	}
	return open
}
