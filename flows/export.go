package flows

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/when"
)

// Export is the machine-readable export of everything kept about a client (schema
// "interlude.export/v1", documented in docs/PRIVACY.md). Every field of the stored State is in
// it (a test compares the two); a new kind of record gets its own field here and its own
// section in the Markdown.
type Export struct {
	Schema     string         `json:"schema"`
	ExportedAt time.Time      `json:"exported_at"`
	Client     ExportClient   `json:"client"`
	Profile    ExportProfile  `json:"profile"`
	Schedule   ExportSchedule `json:"schedule"`
	Agenda     []AgendaItem   `json:"agenda"`
	Intention  string         `json:"intention,omitempty"`
	// Goals are the client's goals, open and closed, with their check-in answers.
	Goals []Goal `json:"goals"`
	// Current is the conversation in progress, if any, with its answers so far.
	Current *Entry `json:"current,omitempty"`
	// Entries are the finished or left conversations, oldest first; prompt ids in answers are
	// resolved to their text, in the language they were asked in, under "<name>_prompt_text".
	Entries []Entry `json:"entries"`
	// Bookkeeping is what the bot keeps to run well: where the client is in a conversation,
	// the prompt rotation, which reminders were handled.
	Bookkeeping ExportBookkeeping `json:"bookkeeping"`
	// SafetyPlan is the client's safety plan, if they made one.
	SafetyPlan *SafetyPlan `json:"safety_plan,omitempty"`
}

// ExportClient says whose export it is.
type ExportClient struct {
	Platform Platform `json:"platform"`
	ID       UserID   `json:"id"`
}

// ExportProfile is the client's settings.
type ExportProfile struct {
	Locale  string    `json:"locale"`
	Zone    string    `json:"zone,omitempty"`
	Consent *Consent  `json:"consent,omitempty"`
	Since   time.Time `json:"since"`
	// Active is when the client last wrote or pressed something.
	Active time.Time `json:"last_active,omitzero"`
	// Inactive is set while the client has blocked the bot.
	Inactive bool `json:"inactive,omitempty"`
	// Storage says how what the client writes is kept: "encrypted", "plaintext" or "trial".
	Storage Storage `json:"storage"`
}

// ExportSchedule is when the bot writes on its own.
type ExportSchedule struct {
	// Checkin is the weekly check-in time ("Sunday 19:00"), empty when off.
	Checkin string `json:"checkin,omitempty"`
	// Appointment is the therapy appointment, and Described the same in words.
	Appointment when.Appointment `json:"appointment"`
	Described   string           `json:"appointment_described"`
	// PrepHours and ReflectHours are the reminder choices (-1: no reflection).
	PrepHours    int       `json:"prep_hours"`
	ReflectHours int       `json:"reflect_hours"`
	Paused       bool      `json:"paused,omitempty"`
	PausedUntil  time.Time `json:"paused_until,omitzero"`
	// LastManual is when the client last finished a check-in by hand.
	LastManual time.Time `json:"last_checkin_by_hand,omitzero"`
}

// ExportBookkeeping is the rest of the state.
type ExportBookkeeping struct {
	Flow       string                 `json:"flow,omitempty"`
	Step       string                 `json:"step,omitempty"`
	Asked      int                    `json:"questions_asked,omitempty"`
	Prompt     string                 `json:"prompt,omitempty"`
	Rotation   Rotation               `json:"prompt_rotation"`
	Fired      map[Reminder]time.Time `json:"reminders_handled,omitempty"`
	Pending    *Pending               `json:"checkin_waiting,omitempty"`
	Sent       int                    `json:"checkins_sent,omitempty"`
	ManualFlow time.Time              `json:"checkin_by_hand_started,omitzero"`
	LastUpdate string                 `json:"last_update,omitempty"`
	Ended      string                 `json:"ended,omitempty"`
	// Safety is the crisis path's own state: the helpline country the client chose, a question
	// waiting for an answer, whether the safety plan was offered.
	Safety SafetyState `json:"crisis_path"`
	// Offers are the readings of an answer offered as buttons, Last the last free-text answer
	// that a message sent right after it continues.
	Offers []Offer     `json:"offers,omitempty"`
	Last   *LastAnswer `json:"last_answer,omitempty"`
}

// exportOf gathers everything kept about the client.
func (t *turn) exportOf(entries []Entry) Export {
	st := t.st
	for i := range entries {
		t.resolvePrompts(entries[i].Answers, entries[i].locale(t.locale()))
	}
	sc := st.Schedule
	x := Export{
		Schema:     "interlude.export/v1",
		ExportedAt: t.now.UTC(),
		Client:     ExportClient{Platform: t.user.Platform, ID: t.user.ID},
		Profile: ExportProfile{Locale: t.locale(), Zone: st.Zone, Consent: st.Consent, Since: st.Since,
			Active: st.Active.Truncate(time.Second), Inactive: st.Inactive, Storage: t.e.opts.Storage},
		Schedule: ExportSchedule{Appointment: sc.Appointment, Described: sc.Appointment.Describe(t.locale()),
			PrepHours: sc.prepHours(), ReflectHours: sc.reflectHours(), Paused: sc.Paused, PausedUntil: sc.PausedUntil,
			LastManual: sc.LastManual},
		Agenda:    st.Agenda,
		Intention: st.Intention,
		Goals:     st.Goals,
		Entries:   entries,
		Bookkeeping: ExportBookkeeping{Flow: st.Flow, Step: st.Step, Asked: st.Ask, Prompt: st.Prompt, Rotation: st.Rotation,
			Fired: sc.Fired, Pending: sc.Pending, Sent: sc.Sent, ManualFlow: sc.ManualFlow, LastUpdate: st.LastUpdate, Ended: st.Ended,
			Safety: st.Safety, Offers: st.Offers, Last: st.Last},
		SafetyPlan: st.Plan,
	}
	if sc.Checkin != nil {
		x.Schedule.Checkin = sc.Checkin.String()
	}
	if x.Agenda == nil {
		x.Agenda = []AgendaItem{}
	}
	if x.Goals == nil {
		x.Goals = []Goal{}
	}
	if x.Entries == nil {
		x.Entries = []Entry{}
	}
	if st.Flow != "" {
		answers := map[string]string{}
		for k, v := range st.Vars {
			answers[k] = v
		}
		t.resolvePrompts(answers, t.locale())
		x.Current = &Entry{Flow: st.Flow, Started: st.FlowAt, At: t.now, Answers: answers, Locale: t.locale()}
	}
	return x
}

// export sends everything kept about the client as JSON and as Markdown.
func (t *turn) export() {
	entries := t.loadEntries()
	if t.err != nil {
		return
	}
	x := t.exportOf(entries)
	data, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		t.err = err
		return
	}
	day := t.now.In(t.zone()).Format("2006-01-02")
	t.out = append(t.out,
		Outbound{Text: t.str("export_json"), File: &File{Name: "interlude-export-" + day + ".json", MIME: "application/json", Data: data}},
		Outbound{Text: t.str("export_md"), File: &File{Name: "interlude-export-" + day + ".md", MIME: "text/markdown", Data: []byte(t.exportMarkdown(x))}},
	)
	t.reask()
}

// locale is the language an entry was asked in (entries written before it was kept: def).
func (e Entry) locale(def string) string {
	if e.Locale != "" {
		return e.Locale
	}
	return def
}

func (t *turn) resolvePrompts(answers map[string]string, locale string) {
	for k, v := range answers {
		if strings.HasSuffix(k, "_prompt") {
			if p := t.e.lib.Prompt(v); p != nil {
				answers[k+"_text"] = t.e.lib.Render(&p.Text, locale)
			}
		}
	}
}

// longDate writes a day out in the client's zone and language: "Sunday, 22 November 2026",
// "Sonntag, 22. November 2026".
func (t *turn) longDate(at time.Time) string {
	at = at.In(t.zone())
	months := strings.Fields(t.str("months_long"))
	m := at.Month().String()
	if len(months) == 12 {
		m = months[at.Month()-1]
	}
	return fill(t.str("date_long"), map[string]string{"weekday": t.weekday(at.Weekday()), "day": strconv.Itoa(at.Day()), "month": m, "year": strconv.Itoa(at.Year())})
}

// exportMarkdown is the export as a diary a person would print: headings and labels in the
// client's language, dates written out, each question as it was asked. One section per kind
// of record.
func (t *turn) exportMarkdown(x Export) string {
	var b strings.Builder
	b.WriteString("# " + t.str("export_title") + "\n\n")
	b.WriteString("*" + t.str("summary_disclaimer") + "*\n\n")
	b.WriteString(fill(t.str("export_exported"), map[string]string{"date": t.longDate(x.ExportedAt)}) + "\n")
	for _, section := range []func(*strings.Builder, Export){t.mdSettings, t.mdAgenda, t.mdIntention, t.mdGoals, t.mdSafetyPlan, t.mdEntries} {
		section(&b, x)
	}
	return b.String()
}

func (t *turn) mdSettings(b *strings.Builder, x Export) {
	b.WriteString("\n## " + t.str("export_settings") + "\n\n")
	item := func(label, value string) { fmt.Fprintf(b, "- %s: %s\n", label, value) }
	zone := x.Profile.Zone
	if zone == "" {
		zone = "UTC"
	}
	item(t.str("export_language"), t.e.lib.Languages[x.Profile.Locale])
	item(t.str("export_zone"), zone)
	checkins := t.str("export_off")
	if c := t.st.Schedule.Checkin; c != nil {
		checkins = weeklyText(t, *c)
	}
	item(t.str("export_checkins"), checkins)
	sessions := t.str("export_no_session")
	if t.st.Schedule.Appointment.Kind != when.KindNone {
		a := t.st.Schedule.Appointment
		a.Anchor = a.Anchor.In(t.zone())
		sessions = a.Describe(t.locale())
	}
	item(t.str("export_sessions"), sessions)
	if t.st.Schedule.Appointment.Kind != when.KindNone {
		item(t.str("export_prep"), fill(t.str("export_hours_before"), map[string]string{"hours": strconv.Itoa(x.Schedule.PrepHours)}))
		reflect := t.str("export_reflect_off")
		if x.Schedule.ReflectHours > 0 {
			reflect = fill(t.str("export_hours_after"), map[string]string{"hours": strconv.Itoa(x.Schedule.ReflectHours)})
		}
		item(t.str("export_reflect"), reflect)
	}
	pause := t.str("export_no_pause")
	switch {
	case x.Schedule.Paused && x.Schedule.PausedUntil.IsZero():
		pause = t.str("export_paused")
	case x.Schedule.Paused:
		pause = fill(t.str("export_paused_until"), map[string]string{"date": t.longDate(x.Schedule.PausedUntil)})
	}
	item(t.str("export_pause"), pause)
	if c := x.Profile.Consent; c != nil {
		item(t.str("export_consent"), fill(t.str("export_consent_given"), map[string]string{"date": t.longDate(c.At), "version": strconv.Itoa(c.Version)}))
	}
	item(t.str("export_since"), t.longDate(x.Profile.Since))
	item(t.str("export_storage"), t.str("export_storage_value"))
}

func (t *turn) mdAgenda(b *strings.Builder, x Export) {
	if len(x.Agenda) == 0 {
		return
	}
	b.WriteString("\n## " + strings.TrimSuffix(t.str("summary_agenda"), ":") + "\n\n")
	for _, a := range x.Agenda {
		mark := " "
		if !a.open() {
			mark = "x"
		}
		var notes []string
		notes = append(notes, fill(t.str("export_agenda_noted"), map[string]string{"date": t.longDate(a.At)}))
		if !a.Prepared.IsZero() {
			n := fill(t.str("export_agenda_prepared"), map[string]string{"date": t.longDate(a.Prepared)})
			if !a.For.IsZero() {
				n = fill(t.str("export_agenda_prepared_for"), map[string]string{"date": t.longDate(a.Prepared),
					"session": fill(t.str("export_session_at"), map[string]string{"date": t.longDate(a.For), "time": a.For.In(t.zone()).Format("15:04")})})
			}
			notes = append(notes, n)
		}
		switch {
		case a.ClosedBy == "session":
			notes = append(notes, t.str("export_agenda_closed_session"))
		case a.ClosedBy == "reflect":
			notes = append(notes, fill(t.str("export_agenda_closed_reflect"), map[string]string{"date": t.longDate(a.Closed)}))
		case a.Done:
			notes = append(notes, t.str("export_agenda_done"))
		}
		fmt.Fprintf(b, "- [%s] %s  \n  *%s*\n", mark, a.Text, strings.Join(notes, "; "))
	}
}

func (t *turn) mdIntention(b *strings.Builder, x Export) {
	if x.Intention != "" {
		b.WriteString("\n## " + t.str("export_intention") + "\n\n" + x.Intention + "\n")
	}
}

func (t *turn) mdEntries(b *strings.Builder, x Export) {
	all := x.Entries
	if x.Current != nil {
		all = append(slices.Clone(all), *x.Current)
	}
	if len(all) == 0 {
		return
	}
	b.WriteString("\n## " + t.str("export_entries") + "\n")
	for i, e := range all {
		title := t.str("export_flow_" + e.Flow)
		if title == "" {
			title = e.Flow
		}
		fmt.Fprintf(b, "\n### %s – %s\n", t.longDate(e.At), title)
		if x.Current != nil && i == len(all)-1 {
			b.WriteString("\n*" + t.str("export_in_progress") + "*\n")
		} else if !e.Complete {
			b.WriteString("\n*" + t.str("export_left") + "*\n")
		}
		for _, qa := range t.e.lib.askedAnswers(e) {
			fmt.Fprintf(b, "\n**%s**\n\n%s\n", qa[0], qa[1])
		}
	}
}

// askedAnswers pairs each answer of an entry with its question as it was asked (the step's
// text, or the reflective prompt, in the entry's language), in the order of the flow's steps.
// Answers of steps the library no longer has come last, under their own name.
func (l *Library) askedAnswers(e Entry) [][2]string {
	locale := e.locale("en")
	var out [][2]string
	done := map[string]bool{}
	if f := l.Flow(e.Flow); f != nil {
		for _, s := range f.Steps {
			name := strings.TrimPrefix(s.Store, "profile.")
			v, ok := e.Answers[name]
			if s.Store == "" || !ok || done[name] {
				continue
			}
			done[name] = true
			q := l.Render(s.Text, locale)
			if id := e.Answers[name+"_prompt"]; id != "" {
				if p := l.Prompt(id); p != nil {
					q = l.Render(&p.Text, locale)
				}
			}
			out = append(out, [2]string{strings.Join(strings.Fields(q), " "), l.answerLabel(e.Flow, name, v, locale)})
		}
	}
	var rest []string
	for k := range e.Answers {
		if !done[k] && !strings.HasSuffix(k, "_prompt") && !strings.HasSuffix(k, "_prompt_text") {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	for _, k := range rest {
		out = append(out, [2]string{k, e.Answers[k]})
	}
	return out
}

func (t *turn) mdSafetyPlan(b *strings.Builder, x Export) {
	if plan := x.SafetyPlan.text(t.e.lib, t.locale()); plan != "" {
		b.WriteString("\n## " + t.str("flow_name_safetyplan_title") + "\n\n" + plan + "\n")
	}
}
