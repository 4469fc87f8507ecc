package flows

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/interlude-bot/interlude/flows/brief"
)

// briefPDF sends the session summary also as a PDF: what matters most, the agenda, feedback
// for the therapist, goals with their weeks, the mood chart and the session ratings, with the
// footer that the client wrote it with an automated tool. It follows the Markdown file; when
// it cannot be drawn, the message and the Markdown file still went out, and the log says why.
func (t *turn) briefPDF(open []AgendaItem) {
	entries := t.loadEntries()
	if t.err != nil {
		return
	}
	heading := func(key string) string { return strings.TrimSuffix(t.str(key), ":") }
	// The title as in the message, with the day as German writes it.
	title := fill(t.str("summary_title"), map[string]string{"date": t.day(t.now)})
	doc := brief.Doc{Title: title, Footer: t.str("summary_disclaimer"), Created: t.now}
	doc.Sections = append(doc.Sections, brief.Section{Title: heading("summary_important"), Text: t.st.Vars["important"]})
	agenda := brief.Section{Title: heading("summary_agenda")}
	for _, a := range open {
		// A goal's weeks are drawn under "My goals"; as glyphs the half circle prints badly.
		agenda.Items = append(agenda.Items, goalMarks.ReplaceAllString(a.Text, ""))
	}
	doc.Sections = append(doc.Sections, agenda, brief.Section{Title: heading("summary_feedback"), Text: t.st.Vars["feedback"]})
	goals := brief.Section{Title: heading("brief_goals")}
	for _, g := range t.activeGoals() {
		tr := brief.Track{Text: g.Text + " · " + t.rhythmText(g.Rhythm), Empty: t.str("goal_no_weeks")}
		for _, w := range g.Weeks[max(0, len(g.Weeks)-8):] {
			switch w.Answer {
			case "often":
				tr.Weeks = append(tr.Weeks, brief.Often)
			case "sometimes":
				tr.Weeks = append(tr.Weeks, brief.Sometimes)
			case "not":
				tr.Weeks = append(tr.Weeks, brief.Not)
			}
		}
		goals.Tracks = append(goals.Tracks, tr)
	}
	goals.Legend = [3]string{t.str("goal_answer_often"), t.str("goal_answer_sometimes"), t.str("brief_not_that_week")}
	doc.Sections = append(doc.Sections, goals)
	rs := ratings(entries)
	rated := brief.Section{Title: heading("brief_ratings")}
	if len(rs) > 0 {
		rated.Text = t.str("brief_ratings_key")
	}
	for _, r := range rs[max(0, len(rs)-5):] {
		rated.Items = append(rated.Items, t.day(r.At)+": "+scores(r))
	}
	doc.Sections = append(doc.Sections, rated)
	hasMood := false
	for _, e := range entries {
		if _, err := strconv.ParseFloat(e.Answers["mood"], 64); err == nil {
			hasMood = true
		}
	}
	if hasMood {
		png, err := t.moodChart(entries, 12)
		if err != nil {
			t.e.log.Error("brief: mood chart", "user", t.user.String(), "error", ErrorKind(err))
		} else {
			doc.Chart = png // the chart has its own title
		}
	}
	pdf, err := brief.Render(doc)
	if err != nil {
		t.e.log.Error("brief: pdf", "user", t.user.String(), "error", ErrorKind(err))
		return
	}
	t.out = append(t.out, Outbound{
		Text: t.str("brief_pdf"),
		File: &File{Name: "session-brief-" + t.now.In(t.zone()).Format("2006-01-02") + ".pdf", MIME: "application/pdf", Data: pdf},
	})
}

// goalMarks are a goal's weeks at a glance at the end of an agenda item: " (●●◐○)".
var goalMarks = regexp.MustCompile(` \([●◐○✓]+\)$`)
