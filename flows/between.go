package flows

import (
	"strings"
	"time"
)

// Hooks through which goals, ratings and the long-term view reach the engine's branches and
// placeholders (engine.go calls them from lookup and render).

// lookupBetween answers the profile facts about goals and ratings that branch steps look at.
func (t *turn) lookupBetween(name string) (string, bool) {
	if v, ok := t.goalsLookup(name); ok {
		return v, true
	}
	if name == "profile.rating_drop" {
		return t.ratingDrop(), true
	}
	return "", false
}

// ratingDrop is the notice about ratings that went down, computed once per turn.
func (t *turn) ratingDrop() string {
	if v, ok := t.vals["rating_drop"]; ok {
		return v
	}
	v := t.ratingDropText(t.currentDrops())
	t.vals["rating_drop"] = v
	return v
}

// fillBetween computes the placeholders about goals and ratings that a text uses.
func (t *turn) fillBetween(raw string, vals map[string]string) {
	if strings.Contains(raw, "{goals_list}") {
		vals["goals_list"] = t.goalsList()
	}
	if strings.Contains(raw, "{goals_glance}") {
		vals["goals_glance"] = t.goalsGlance()
	}
	if strings.Contains(raw, "{goals_checkin}") {
		vals["goals_checkin"] = t.goalsCheckinText()
	}
	if strings.Contains(raw, "{rating_drop}") {
		vals["rating_drop"] = t.ratingDrop()
	}
}

// q quotes what the client wrote with the quotation marks of their language.
func (t *turn) q(s string, limit int) string { return t.quote(s, limit) }

// day is t.date with the ordinal dot German writes after the day ("6. Jan."), unless t.date
// already writes it.
func (t *turn) day(at time.Time) string {
	s := t.date(at)
	if t.locale() == "de" {
		if d, rest, ok := strings.Cut(s, " "); ok && !strings.HasSuffix(d, ".") {
			s = d + ". " + rest
		}
	}
	return s
}
