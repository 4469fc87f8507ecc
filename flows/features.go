package flows

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/flows/chart"
)

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

// loadEntries reads the client's history; a store failure fails the turn.
func (t *turn) loadEntries() []Entry {
	recs, err := t.e.store.Entries(t.ctx, t.user)
	if err != nil {
		t.err = fmt.Errorf("read history: %w", err)
		return nil
	}
	out := make([]Entry, 0, len(recs))
	for _, r := range recs {
		e, err := DecodeEntry(r)
		if err != nil {
			t.err = err
			return nil
		}
		out = append(out, e)
	}
	// A flow left in this very turn (/prepare in the middle of /reflect) is history already.
	return append(out, t.entries...)
}

func (t *turn) zone() *time.Location {
	if loc, err := zoneFor(t.st.Zone); err == nil {
		return loc
	}
	return time.UTC
}

// date formats a day in the client's zone and language: "26 Nov" (with the year when it is not
// this year's).
func (t *turn) date(at time.Time) string {
	at = at.In(t.zone())
	months := strings.Fields(t.str("months"))
	m := at.Month().String()[:3]
	if len(months) == 12 {
		m = months[at.Month()-1]
	}
	s := strconv.Itoa(at.Day()) + " " + m
	if at.Year() != t.now.In(t.zone()).Year() {
		s += " " + strconv.Itoa(at.Year())
	}
	return s
}

// history shows the latest check-ins and a mood chart.
func (t *turn) history() {
	entries := t.loadEntries()
	if t.err != nil {
		return
	}
	var checkins []Entry
	for _, e := range entries {
		if e.Answers["mood"] != "" || e.Flow == "checkin" {
			checkins = append(checkins, e)
		}
	}
	if len(checkins) == 0 {
		t.say(t.str("history_empty") + t.historyMore(entries))
		t.reask()
		return
	}
	var b strings.Builder
	b.WriteString(t.str("history_title"))
	for _, e := range checkins[max(0, len(checkins)-5):] {
		b.WriteString("\n• " + t.date(e.At))
		if m := e.Answers["mood"]; m != "" {
			b.WriteString(" · " + fill(t.str("history_mood"), map[string]string{"mood": m}))
		}
		if f := e.Answers["feeling"]; f != "" {
			b.WriteString(" · " + t.feeling(f))
		}
		if m := e.Answers["moment"]; m != "" {
			b.WriteString("\n  " + quote(m, 140))
		}
	}
	b.WriteString(t.historyMore(entries))
	out := Outbound{Text: b.String(), Buttons: t.longViewButtons()}
	if png, err := t.moodChart(entries, 12); err == nil {
		out.Image = &File{Name: "mood-" + t.now.Format("2006-01-02") + ".png", MIME: "image/png", Data: png}
	} else {
		t.e.log.Error("mood chart", "user", t.user.String(), "err", err)
	}
	t.out = append(t.out, out)
	t.reask()
}

// moodChart draws the mood of the last weeks, gaps for weeks without an answer.
func (t *turn) moodChart(entries []Entry, weeks int) ([]byte, error) {
	var answers []chart.Answer
	for _, e := range entries {
		if v, err := strconv.ParseFloat(e.Answers["mood"], 64); err == nil {
			answers = append(answers, chart.Answer{At: e.At, Mood: v})
		}
	}
	from := t.now.AddDate(0, 0, -7*(weeks-1))
	return chart.Mood(chart.WeeksFrom(answers, from, t.now, t.zone()), chart.Labels{
		Title:      t.str("chart_title"),
		XAxis:      t.str("chart_x"),
		YAxis:      t.str("chart_y"),
		NoData:     t.str("history_empty"),
		DateLayout: t.str("chart_date_layout"),
	})
}

// feeling renders a stored feeling id with its label when it is one of the offered words.
func (t *turn) feeling(v string) string {
	if lbl := t.e.lib.String("feeling_"+v, t.locale()); lbl != "" {
		return lbl
	}
	return quote(v, 40)
}

func quote(s string, limit int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit-1]) + "…"
	}
	return "“" + s + "”"
}

// sinceLastSession is where "what you collected" starts: the last session summary, else four
// weeks ago.
func sinceLastSession(entries []Entry, now time.Time) time.Time {
	since := now.AddDate(0, 0, -28)
	for _, e := range entries {
		if e.Flow == "prepare" && e.Complete && e.At.After(since) {
			since = e.At
		}
	}
	return since
}

// collect prepares {collected}: the agenda, the mood week by week and the moments noted since
// the last session.
func (t *turn) collect() {
	entries := t.loadEntries()
	if t.err != nil {
		return
	}
	since := sinceLastSession(entries, t.now)
	var b strings.Builder
	b.WriteString(fill(t.str("collected_since"), map[string]string{"date": t.date(since)}))
	open := t.openAgenda()
	if len(open) > 0 {
		b.WriteString("\n\n" + t.str("collected_agenda"))
		for _, a := range open {
			b.WriteString("\n• " + quote(a.Text, 300))
		}
	}
	var moods []string
	var moments []string
	var answers []chart.Answer
	for _, e := range entries {
		if !e.At.After(since) {
			continue
		}
		if v, err := strconv.ParseFloat(e.Answers["mood"], 64); err == nil {
			answers = append(answers, chart.Answer{At: e.At, Mood: v})
		}
		if m := e.Answers["moment"]; m != "" {
			moments = append(moments, quote(m, 200))
		}
	}
	for _, w := range chart.WeeksFrom(answers, since, t.now, t.zone()) {
		if w.Mood == nil {
			moods = append(moods, "–")
		} else {
			moods = append(moods, strconv.FormatFloat(*w.Mood, 'f', -1, 64))
		}
	}
	if len(answers) > 0 {
		b.WriteString("\n\n" + fill(t.str("collected_mood"), map[string]string{"moods": strings.Join(moods, " · ")}))
	}
	if len(moments) > 0 {
		b.WriteString("\n\n" + t.str("collected_moments"))
		for _, m := range moments[max(0, len(moments)-5):] {
			b.WriteString("\n• " + m)
		}
	}
	if len(open) == 0 && len(answers) == 0 && len(moments) == 0 {
		b.WriteString("\n\n" + t.str("collected_nothing"))
	}
	t.vals["collected"] = b.String()
}

func (t *turn) openAgenda() []AgendaItem {
	var open []AgendaItem
	for _, a := range t.st.Agenda {
		if !a.Done {
			open = append(open, a)
		}
	}
	return open
}

// summary ends session preparation: a tidy message and a Markdown file, marked as written by
// the client with an automated tool. The agenda items it lists are marked done.
func (t *turn) summary() {
	sections := []struct{ key, title string }{
		{"important", t.str("summary_important")},
		{"feedback", t.str("summary_feedback")},
		{"avoided", t.str("summary_avoided")},
	}
	title := fill(t.str("summary_title"), map[string]string{"date": t.date(t.now)})
	var msg, md strings.Builder
	msg.WriteString(title)
	md.WriteString("# " + title + "\n")
	for _, s := range sections {
		if v := t.st.Vars[s.key]; v != "" {
			msg.WriteString("\n\n" + s.title + "\n" + v)
			md.WriteString("\n## " + strings.TrimSuffix(s.title, ":") + "\n\n" + v + "\n")
		}
	}
	open := t.openAgenda()
	if len(open) > 0 {
		agendaTitle := t.str("summary_agenda")
		msg.WriteString("\n\n" + agendaTitle)
		md.WriteString("\n## " + strings.TrimSuffix(agendaTitle, ":") + "\n\n")
		for _, a := range open {
			msg.WriteString("\n• " + a.Text)
			md.WriteString("- " + a.Text + " (" + t.date(a.At) + ")\n")
		}
	}
	if m := t.vals["mood_line"]; m != "" {
		msg.WriteString("\n\n" + m)
	}
	disclaimer := t.str("summary_disclaimer")
	msg.WriteString("\n\n" + disclaimer)
	md.WriteString("\n---\n\n*" + disclaimer + "*\n")
	for i := range t.st.Agenda {
		t.st.Agenda[i].Done = true
	}
	t.out = append(t.out, Outbound{
		Text: msg.String(),
		File: &File{Name: "session-summary-" + t.now.In(t.zone()).Format("2006-01-02") + ".md", MIME: "text/markdown", Data: []byte(md.String())},
	})
	t.briefPDF(open)
}

// Export is the machine-readable export of everything kept about a client (schema
// "interlude.export/v1", documented in docs/PRIVACY.md).
type Export struct {
	Schema     string        `json:"schema"`
	ExportedAt time.Time     `json:"exported_at"`
	Client     ExportClient  `json:"client"`
	Profile    ExportProfile `json:"profile"`
	Agenda     []AgendaItem  `json:"agenda"`
	Intention  string        `json:"intention,omitempty"`
	// Goals are the client's goals, open and closed, with their check-in answers.
	Goals []Goal `json:"goals"`
	// Current is the conversation in progress, if any, with its answers so far.
	Current *Entry `json:"current,omitempty"`
	// Entries are the finished or left conversations, oldest first; prompt ids in answers are
	// resolved to their text under "<name>_prompt_text".
	Entries []Entry `json:"entries"`
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
}

// export sends everything kept about the client as JSON and as Markdown.
func (t *turn) export() {
	entries := t.loadEntries()
	if t.err != nil {
		return
	}
	for i := range entries {
		t.resolvePrompts(entries[i].Answers)
	}
	x := Export{
		Schema:     "interlude.export/v1",
		ExportedAt: t.now.UTC(),
		Client:     ExportClient{Platform: t.user.Platform, ID: t.user.ID},
		Profile:    ExportProfile{Locale: t.locale(), Zone: t.st.Zone, Consent: t.st.Consent, Since: t.st.Since},
		Agenda:     t.st.Agenda,
		Intention:  t.st.Intention,
		Goals:      t.st.Goals,
		Entries:    entries,
	}
	if x.Goals == nil {
		x.Goals = []Goal{}
	}
	if x.Agenda == nil {
		x.Agenda = []AgendaItem{}
	}
	if t.st.Flow != "" && len(t.st.Vars) > 0 {
		answers := map[string]string{}
		for k, v := range t.st.Vars {
			answers[k] = v
		}
		t.resolvePrompts(answers)
		x.Current = &Entry{Flow: t.st.Flow, Started: t.st.FlowAt, At: t.now, Answers: answers}
	}
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

func (t *turn) resolvePrompts(answers map[string]string) {
	for k, v := range answers {
		if strings.HasSuffix(k, "_prompt") {
			if p := t.e.lib.Prompt(v); p != nil {
				answers[k+"_text"] = t.e.lib.Render(&p.Text, t.locale())
			}
		}
	}
}

func (t *turn) exportMarkdown(x Export) string {
	var b strings.Builder
	b.WriteString("# " + t.str("export_title") + "\n\n")
	b.WriteString("*" + t.str("summary_disclaimer") + "*\n\n")
	fmt.Fprintf(&b, "- %s: %s\n- %s: %s\n", t.str("export_zone"), x.Profile.Zone, t.str("export_since"), t.date(x.Profile.Since))
	if len(x.Agenda) > 0 {
		b.WriteString("\n## " + strings.TrimSuffix(t.str("summary_agenda"), ":") + "\n\n")
		for _, a := range x.Agenda {
			mark := " "
			if a.Done {
				mark = "x"
			}
			fmt.Fprintf(&b, "- [%s] %s (%s)\n", mark, a.Text, t.date(a.At))
		}
	}
	if x.Intention != "" {
		b.WriteString("\n## " + t.str("export_intention") + "\n\n" + x.Intention + "\n")
	}
	t.goalsMarkdown(&b, x.Goals)
	all := x.Entries
	if x.Current != nil {
		all = append(slices.Clone(all), *x.Current)
	}
	for _, e := range all {
		fmt.Fprintf(&b, "\n## %s — %s\n\n", t.date(e.At), e.Flow)
		keys := make([]string, 0, len(e.Answers))
		for k := range e.Answers {
			if !strings.HasSuffix(k, "_prompt") {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "- **%s**: %s\n", k, e.Answers[k])
		}
	}
	return b.String()
}
