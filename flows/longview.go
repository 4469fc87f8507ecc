package flows

import (
	"strconv"
	"strings"
)

// The long-term view (/history → [Last 3 months] [Last year]): the mood chart over the span,
// goals started and closed, the ratings' trend and how many sessions were prepared, as a
// picture and a short text, so that the client can see their own growth.

// Long-view buttons only read: they work whatever the client is doing, and any time later.
const (
	longView3m  = "hist.3m"
	longView12m = "hist.12m"
)

func (t *turn) longViewButtons() []Button {
	return []Button{{ID: longView3m, Label: t.str("long_button_3m")}, {ID: longView12m, Label: t.str("long_button_12m")}}
}

// pressBetween handles the long-view buttons; it reports whether id was one.
func (t *turn) pressBetween(id string) bool {
	switch id {
	case longView3m:
		t.longView("3m")
	case longView12m:
		t.longView("12m")
	default:
		return false
	}
	if t.err == nil {
		t.reask()
	}
	return true
}

// longViewCommand handles "/history 3m" and "/history year"; it reports whether arg was one.
func (t *turn) longViewCommand(arg string) bool {
	switch strings.ToLower(arg) {
	case "3m", "3", "3 months", "3 monate", "quarter", "quartal":
		return t.pressBetween(longView3m)
	case "12m", "12", "year", "1y", "jahr":
		return t.pressBetween(longView12m)
	}
	return false
}

// historyMore adds the session ratings to /history's text.
func (t *turn) historyMore(entries []Entry) string {
	if r := t.ratingsLines(ratings(entries), 5); r != "" {
		return "\n\n" + r
	}
	return ""
}

// longView renders the span ("3m" or "12m") as a text and a mood chart.
func (t *turn) longView(span string) {
	weeks, key := 13, "long_title_3m"
	if span == "12m" {
		weeks, key = 52, "long_title_12m"
	}
	entries := t.loadEntries()
	if t.err != nil {
		return
	}
	from := t.now.AddDate(0, 0, -7*weeks)
	var b strings.Builder
	b.WriteString(fill(t.str(key), map[string]string{"from": t.day(from), "to": t.day(t.now)}))

	var moods []float64
	prepared := 0
	for _, e := range entries {
		if e.At.Before(from) {
			continue
		}
		if v, err := strconv.ParseFloat(e.Answers["mood"], 64); err == nil {
			moods = append(moods, v)
		}
		if e.Flow == "prepare" && e.Complete {
			prepared++
		}
	}
	nothing := true
	if len(moods) > 0 {
		nothing = false
		line := fill(t.str("long_checkins"), map[string]string{"n": strconv.Itoa(len(moods)), "avg": t.decimal(mean(moods))})
		if len(moods) >= 4 {
			half := len(moods) / 2
			line += " " + fill(t.str("long_halves"), map[string]string{"first": t.decimal(mean(moods[:half])), "second": t.decimal(mean(moods[half:]))})
		}
		b.WriteString("\n• " + line)
	}
	var started, closed []string
	for _, g := range t.st.Goals {
		if !g.Started.Before(from) {
			started = append(started, t.q(g.Text, 60))
		}
		if !g.Closed.IsZero() && !g.Closed.Before(from) {
			closed = append(closed, t.q(g.Text, 60))
		}
	}
	if len(started)+len(closed) > 0 {
		nothing = false
		b.WriteString("\n• " + fill(t.str("long_goals"), map[string]string{"started": strconv.Itoa(len(started)), "closed": strconv.Itoa(len(closed))}))
		if len(closed) > 0 {
			b.WriteString(": " + strings.Join(closed, ", "))
		}
	}
	var rs []Rating
	for _, r := range ratings(entries) {
		if !r.At.Before(from) {
			rs = append(rs, r)
		}
	}
	if len(rs) > 0 {
		nothing = false
		if len(rs) == 1 {
			b.WriteString("\n• " + fill(t.str("long_rating_one"), map[string]string{"scores": t.meanScores(rs)}))
		} else {
			half := (len(rs) + 1) / 2
			b.WriteString("\n• " + fill(t.str("long_ratings"), map[string]string{"first": t.meanScores(rs[:len(rs)-half]), "last": t.meanScores(rs[len(rs)-half:]), "n": strconv.Itoa(len(rs))}))
		}
	}
	if prepared > 0 {
		nothing = false
	}
	b.WriteString("\n• " + fill(t.str("long_prepared"), map[string]string{"n": strconv.Itoa(prepared)}))
	if nothing {
		b.WriteString("\n\n" + t.str("long_nothing"))
	}
	out := Outbound{Text: b.String()}
	if png, err := t.moodChart(entries, weeks); err == nil {
		out.Image = &File{Name: "mood-" + span + "-" + t.now.In(t.zone()).Format("2006-01-02") + ".png", MIME: "image/png", Data: png}
	} else {
		t.e.log.Error("mood chart", "user", t.user.String(), "error", ErrorKind(err))
	}
	t.out = append(t.out, out)
}

func mean(vs []float64) float64 {
	s := 0.0
	for _, v := range vs {
		s += v
	}
	return s / float64(len(vs))
}

// meanScores averages each rated statement over the ratings: "3.5 · 4 · 4.5".
func (t *turn) meanScores(rs []Rating) string {
	parts := make([]string, len(ratingDims))
	for d := range ratingDims {
		var vs []float64
		for _, r := range rs {
			if r.Scores[d] != 0 {
				vs = append(vs, float64(r.Scores[d]))
			}
		}
		parts[d] = "–"
		if len(vs) > 0 {
			parts[d] = t.decimal(mean(vs))
		}
	}
	return strings.Join(parts, " · ")
}

// decimal writes a number with one decimal at most, with the client's decimal mark.
func (t *turn) decimal(v float64) string {
	s := strconv.FormatFloat(float64(int(v*10+0.5))/10, 'f', -1, 64)
	if t.locale() == "de" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}
