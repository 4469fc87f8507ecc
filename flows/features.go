package flows

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/flows/chart"
	"github.com/interlude-bot/interlude/when"
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
	if loc, err := when.Location(t.st.Zone); err == nil {
		return loc
	}
	return time.UTC
}

// date formats a day in the client's zone and language: "26 Nov", "26. November" (with the
// year when it is not this year's).
func (t *turn) date(at time.Time) string {
	at = at.In(t.zone())
	months := strings.Fields(t.str("months"))
	m := at.Month().String()[:3]
	if len(months) == 12 {
		m = months[at.Month()-1]
	}
	s := fill(t.str("date_format"), map[string]string{"day": strconv.Itoa(at.Day()), "month": m})
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
			b.WriteString("\n  " + t.quote(m, 140))
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
	// The chart starts at the first check-in, not with empty weeks before it.
	if len(answers) > 0 && answers[0].At.After(from) && !answers[0].At.After(t.now) {
		from = answers[0].At
	}
	return chart.Mood(chart.WeeksFrom(answers, from, t.now, t.zone()), chart.Labels{
		Title:      t.str("chart_title"),
		XAxis:      t.str("chart_x"),
		YAxis:      t.str("chart_y"),
		NoData:     t.str("history_empty"),
		DateLayout: t.str("chart_date_layout"),
		Low:        t.str("chart_low"),
		High:       t.str("chart_high"),
	})
}

// feeling renders a stored feeling id with its label when it is one of the offered words.
func (t *turn) feeling(v string) string {
	if lbl := t.e.lib.String("feeling_"+v, t.locale()); lbl != "" {
		return lbl
	}
	return t.quote(v, 40)
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
	if !t.st.Since.IsZero() && !t.st.Since.Before(since) {
		since = t.st.Since
		b.WriteString(t.str("collected_since_start"))
	} else {
		b.WriteString(fill(t.str("collected_since"), map[string]string{"date": t.date(since)}))
	}
	reflected := t.reflectionNote(entries, since)
	if reflected != "" {
		b.WriteString("\n\n" + reflected)
	}
	open := t.openAgenda()
	if len(open) > 0 {
		b.WriteString("\n\n" + t.str("collected_agenda"))
		for _, a := range open {
			b.WriteString("\n• " + t.quote(a.Text, 300))
		}
	}
	var moods []string
	var moments []string
	var answers []chart.Answer
	for _, e := range entries {
		if e.At.Before(since) || e.Flow == "prepare" {
			continue
		}
		if v, err := strconv.ParseFloat(e.Answers["mood"], 64); err == nil {
			answers = append(answers, chart.Answer{At: e.At, Mood: v})
		}
		if m := e.Answers["moment"]; m != "" {
			moments = append(moments, t.quote(m, 200))
		}
	}
	if len(answers) > 0 {
		// The line starts at the first check-in, not at an empty stretch before it.
		for _, w := range chart.WeeksFrom(answers, answers[0].At, t.now, t.zone()) {
			if w.Mood == nil {
				moods = append(moods, "–")
			} else {
				moods = append(moods, t.number(*w.Mood))
			}
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
	if len(open) == 0 && len(answers) == 0 && len(moments) == 0 && reflected == "" {
		b.WriteString("\n\n" + t.str("collected_nothing"))
	}
	t.vals["collected"] = b.String()
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

// summary ends session preparation: a tidy message and a Markdown file, marked as written by
// the client with an automated tool. The agenda items it lists are marked as prepared for the
// next session; they stay on the list until that session is past.
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
		if v := t.answerInFull(s.key); v != "" {
			msg.WriteString("\n\n" + s.title + "\n" + t.excerpt(v, longAnswer))
			md.WriteString("\n## " + strings.TrimSuffix(s.title, ":") + "\n\n" + v + "\n")
		}
	}
	open := t.openAgenda()
	if len(open) > 0 {
		agendaTitle := t.str("summary_agenda")
		msg.WriteString("\n\n" + agendaTitle)
		md.WriteString("\n## " + strings.TrimSuffix(agendaTitle, ":") + "\n\n")
		for _, a := range open {
			msg.WriteString("\n• " + t.excerpt(a.Text, 500))
			md.WriteString("- " + a.Text + " (" + t.date(a.At) + ")\n")
		}
	}
	if m := t.vals["mood_line"]; m != "" {
		msg.WriteString("\n\n" + m)
	}
	disclaimer := t.str("summary_disclaimer")
	msg.WriteString("\n\n" + disclaimer)
	md.WriteString("\n---\n\n*" + disclaimer + "*\n")
	t.prepareAgenda()
	t.out = append(t.out, Outbound{
		Text: msg.String(),
		File: &File{Name: "session-summary-" + t.now.In(t.zone()).Format("2006-01-02") + ".md", MIME: "text/markdown", Data: []byte(md.String())},
	})
	t.briefPDF(open)
}
