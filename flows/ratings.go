package flows

import (
	"strconv"
	"strings"
	"time"
)

// Session ratings: after a session (/reflect and the scheduled after-session message) the
// client rates three statements from 1 to 5, in our own wording. They are answers of the
// reflect flow, so they are kept as its history entry: sealed at rest, exported and erased with
// the rest of the history. Nothing of it is sent to anyone.

// ratingDims are the three rated statements, in the order they are asked, by answer name.
var ratingDims = []string{"rating_heard", "rating_matters", "rating_suits"}

// Rating is one session's three ratings (0 where the client skipped one).
type Rating struct {
	At     time.Time
	Scores [3]int
	Note   string
}

// ratings reads the session ratings from the history, oldest first.
func ratings(entries []Entry) []Rating {
	var out []Rating
	for _, e := range entries {
		var r Rating
		any := false
		for i, d := range ratingDims {
			if n, err := strconv.Atoi(e.Answers[d]); err == nil && n >= 1 && n <= 5 {
				r.Scores[i] = n
				any = true
			}
		}
		if !any {
			continue
		}
		r.At, r.Note = e.At, e.Answers["session_note"]
		out = append(out, r)
	}
	return out
}

// drop is one rated statement that went down: by two or more points since the session before
// (Two false), or lower two sessions running (Two true).
type drop struct {
	Dim int
	Two bool
}

// ratingDrops applies the drop rule to the latest ratings, when the latest is after since (the
// last session preparation): a notice is given once per new rating.
func ratingDrops(rs []Rating, since time.Time) []drop {
	n := len(rs)
	if n < 2 || !rs[n-1].At.After(since) {
		return nil
	}
	var out []drop
	for d := range ratingDims {
		last, prev := rs[n-1].Scores[d], rs[n-2].Scores[d]
		if last == 0 || prev == 0 {
			continue
		}
		if n >= 3 {
			if before := rs[n-3].Scores[d]; before != 0 && last < prev && prev < before {
				out = append(out, drop{Dim: d, Two: true})
				continue
			}
		}
		if last <= prev-2 {
			out = append(out, drop{Dim: d})
		}
	}
	return out
}

// ratingDropText says plainly which statements went down, without interpreting why; empty when
// none did.
func (t *turn) ratingDropText(drops []drop) string {
	var lines []string
	for _, d := range drops {
		key := "rating_drop_last"
		if d.Two {
			key = "rating_drop_two"
		}
		lines = append(lines, fill(t.str(key), map[string]string{"what": t.str(ratingDims[d.Dim] + "_less")}))
	}
	return strings.Join(lines, " ")
}

// currentDrops reads the history and applies the drop rule; a store failure fails the turn.
func (t *turn) currentDrops() []drop {
	entries := t.loadEntries()
	if t.err != nil {
		return nil
	}
	return ratingDrops(ratings(entries), sinceLastSession(entries, t.now))
}

func init() {
	// ratings.to_agenda puts the ratings that went down on the agenda, in the client's words.
	actions["ratings.to_agenda"] = func(t *turn) bool {
		for _, d := range t.currentDrops() {
			profileFields["agenda"](t.st, t.str(ratingDims[d.Dim]+"_agenda"), t.now)
		}
		return t.err != nil
	}
}

// ratingsLines renders the latest ratings for /history: "• 26 Nov: 4 · 5 · 3".
func (t *turn) ratingsLines(rs []Rating, limit int) string {
	if len(rs) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(t.str("ratings_title"))
	for _, r := range rs[max(0, len(rs)-limit):] {
		b.WriteString("\n• " + t.day(r.At) + ": " + scores(r))
	}
	return b.String()
}

func scores(r Rating) string {
	parts := make([]string, len(r.Scores))
	for i, s := range r.Scores {
		parts[i] = "–"
		if s != 0 {
			parts[i] = strconv.Itoa(s)
		}
	}
	return strings.Join(parts, " · ")
}

// reflectedRatings are a reflection's ratings and note for the next /prepare.
func (t *turn) reflectedRatings(e Entry) []string {
	var lines []string
	if rs := ratings([]Entry{e}); len(rs) == 1 {
		lines = append(lines, fill(t.str("reflected_ratings"), map[string]string{"scores": scores(rs[0])}))
	}
	if v := e.Answers["session_note"]; v != "" {
		lines = append(lines, fill(t.str("reflected_note"), map[string]string{"note": t.quote(v, 300)}))
	}
	return lines
}
