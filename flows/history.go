package flows

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/interlude-bot/interlude/flows/chart"
)

// /history: the latest check-ins with a mood chart, read from the entries the client kept.

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
		t.e.log.Error("mood chart", "user", t.user.String(), "error", ErrorKind(err))
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
