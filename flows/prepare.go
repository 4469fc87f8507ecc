package flows

import (
	"strconv"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/flows/chart"
)

// Session preparation (/prepare): what the client collected since their last session, and
// the summary, message and files, that ends it.

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
