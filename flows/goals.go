package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Goal is something the client and their therapist agreed to work on or try between sessions
// ("practise a relaxation exercise daily"). Goals live in the client's state, so they are sealed
// at rest with it, written in the same atomic change as the answer that made them, exported and
// erased with it.
type Goal struct {
	// ID numbers the client's goals; buttons carry it, never the goal's text.
	ID int `json:"id" cbor:"1,keyasint,omitempty"`
	// Text is the goal in the client's own words.
	Text string `json:"text" cbor:"2,keyasint,omitempty"`
	// Rhythm is how often the client means to do it: "daily", "few" (a few times a week),
	// "weekly" or "none".
	Rhythm string `json:"rhythm" cbor:"3,keyasint,omitempty"`
	// Started is when the client noted it.
	Started time.Time `json:"started" cbor:"4,keyasint,omitempty"`
	// Paused goals are not asked about in check-ins and do not count towards the limit.
	Paused bool `json:"paused,omitempty" cbor:"5,keyasint,omitempty"`
	// Closed is when the client closed the goal; closed goals stay in the history and export.
	Closed time.Time `json:"closed,omitzero" cbor:"6,keyasint,omitzero"`
	// Weeks are the client's answers in check-ins, oldest first.
	Weeks []GoalWeek `json:"weeks,omitempty" cbor:"7,keyasint,omitempty"`
}

// GoalWeek is one check-in's answer about a goal.
type GoalWeek struct {
	At time.Time `json:"at" cbor:"1,keyasint,omitempty"`
	// Answer is "often", "sometimes", "not" (not this week) or "done" (done with this).
	Answer string `json:"answer" cbor:"2,keyasint,omitempty"`
}

// Limits on goals.
const (
	// MaxActiveGoals is how many goals can be active (neither paused nor closed) at once.
	MaxActiveGoals = 3
	// MaxGoalLen bounds a goal's text, in characters (the goal_add flow's max_len says the same).
	MaxGoalLen = 200
	// maxGoalWeeks bounds the check-in answers kept per goal (a year of weekly check-ins).
	maxGoalWeeks = 53
	// maxGoals bounds the goals kept in the state; the oldest closed ones go first.
	maxGoals = 30
)

// goalAnswers are the answers a check-in offers for each goal, in button order.
var goalAnswers = []string{"often", "sometimes", "not", "done"}

// Active reports whether the goal is asked about in check-ins.
func (g *Goal) Active() bool { return !g.Paused && g.Closed.IsZero() }

// Glance renders the goal's last weeks as marks: ● often, ◐ sometimes, ○ not this week.
func (g *Goal) Glance(weeks int) string {
	var b strings.Builder
	ws := g.Weeks[max(0, len(g.Weeks)-weeks):]
	for _, w := range ws {
		b.WriteString(glanceMark[w.Answer])
	}
	return b.String()
}

var glanceMark = map[string]string{"often": "●", "sometimes": "◐", "not": "○", "done": "✓"}

func init() {
	actions["goals.add"] = func(t *turn) bool { t.addGoal(); return false }
	actions["goals.edit"] = func(t *turn) bool { t.editGoal(); return false }
	actions["goals.pause"] = func(t *turn) bool { t.pauseGoal(); return false }
	actions["goals.close"] = func(t *turn) bool { t.closeGoal(); return false }
	actions["goals.to_agenda"] = func(t *turn) bool { t.goalsToAgenda(); return false }
}

func (t *turn) activeGoals() []*Goal {
	var out []*Goal
	for i := range t.st.Goals {
		if t.st.Goals[i].Active() {
			out = append(out, &t.st.Goals[i])
		}
	}
	return out
}

func (t *turn) openGoals() []*Goal {
	var out []*Goal
	for i := range t.st.Goals {
		if t.st.Goals[i].Closed.IsZero() {
			out = append(out, &t.st.Goals[i])
		}
	}
	return out
}

func (t *turn) goal(id int) *Goal {
	for i := range t.st.Goals {
		if t.st.Goals[i].ID == id {
			return &t.st.Goals[i]
		}
	}
	return nil
}

// pickedGoal is the open goal the client picked in this flow (Vars["goal"]).
func (t *turn) pickedGoal() *Goal {
	id, err := strconv.Atoi(t.st.Vars["goal"])
	if err != nil {
		return nil
	}
	if g := t.goal(id); g != nil && g.Closed.IsZero() {
		return g
	}
	return nil
}

func (t *turn) rhythmText(r string) string {
	if s := t.str("goal_rhythm_text_" + r); s != "" {
		return s
	}
	return t.str("goal_rhythm_text_none")
}

func validRhythm(r string) string {
	switch r {
	case "daily", "few", "weekly":
		return r
	}
	return "none"
}

// addGoal notes the goal the client typed in this flow (Vars goal_text, goal_rhythm).
func (t *turn) addGoal() {
	text := strings.Join(strings.Fields(t.st.Vars["goal_text"]), " ")
	if text == "" {
		return
	}
	if len(t.activeGoals()) >= MaxActiveGoals {
		t.say(t.str("goal_full"))
		return
	}
	if r := []rune(text); len(r) > MaxGoalLen {
		text = string(r[:MaxGoalLen])
	}
	id := 1
	for _, g := range t.st.Goals {
		id = max(id, g.ID+1)
	}
	g := Goal{ID: id, Text: text, Rhythm: validRhythm(t.st.Vars["goal_rhythm"]), Started: t.now.Truncate(time.Second)}
	t.st.Goals = append(t.st.Goals, g)
	t.trimGoals()
	t.say(fill(t.str("goal_added"), map[string]string{"goal": t.q(g.Text, 80), "rhythm": t.rhythmText(g.Rhythm)}))
}

// trimGoals keeps the state bounded: the oldest closed goals go first.
func (t *turn) trimGoals() {
	for len(t.st.Goals) > maxGoals {
		i := slices.IndexFunc(t.st.Goals, func(g Goal) bool { return !g.Closed.IsZero() })
		if i < 0 {
			i = 0
		}
		t.st.Goals = slices.Delete(t.st.Goals, i, i+1)
	}
}

func (t *turn) editGoal() {
	g := t.pickedGoal()
	if g == nil {
		t.say(t.str("goal_gone"))
		return
	}
	if text := strings.Join(strings.Fields(t.st.Vars["goal_text"]), " "); text != "" {
		if r := []rune(text); len(r) > MaxGoalLen {
			text = string(r[:MaxGoalLen])
		}
		g.Text = text
	}
	if r := t.st.Vars["goal_rhythm"]; r != "" {
		g.Rhythm = validRhythm(r)
	}
	t.say(fill(t.str("goal_changed"), map[string]string{"goal": t.q(g.Text, 80), "rhythm": t.rhythmText(g.Rhythm)}))
}

// pauseGoal pauses the picked goal, or resumes it when it is paused and there is room.
func (t *turn) pauseGoal() {
	g := t.pickedGoal()
	switch {
	case g == nil:
		t.say(t.str("goal_gone"))
	case g.Paused && len(t.activeGoals()) >= MaxActiveGoals:
		t.say(t.str("goal_full"))
	case g.Paused:
		g.Paused = false
		t.say(fill(t.str("goal_resumed"), map[string]string{"goal": t.q(g.Text, 80)}))
	default:
		g.Paused = true
		t.say(fill(t.str("goal_paused"), map[string]string{"goal": t.q(g.Text, 80)}))
	}
}

func (t *turn) closeGoal() {
	g := t.pickedGoal()
	if g == nil {
		t.say(t.str("goal_gone"))
		return
	}
	g.Closed = t.now.Truncate(time.Second)
	g.Paused = false
	t.say(fill(t.str("goal_closed"), map[string]string{"goal": t.q(g.Text, 80)}))
}

// goalsList renders the client's open goals for /goals.
func (t *turn) goalsList() string {
	open := t.openGoals()
	if len(open) == 0 {
		return t.str("goals_none")
	}
	var b strings.Builder
	b.WriteString(t.str("goals_title"))
	for _, g := range open {
		b.WriteString("\n• " + t.q(g.Text, 80) + " · " + t.rhythmText(g.Rhythm))
		if m := g.Glance(4); m != "" {
			b.WriteString(" · " + m)
		}
		if g.Paused {
			b.WriteString(" " + t.str("goal_paused_mark"))
		}
	}
	return b.String()
}

// goalsGlance renders each active goal's last weeks for /prepare: "“relaxation exercise”: ●●◐○".
func (t *turn) goalsGlance() string {
	var lines []string
	for _, g := range t.activeGoals() {
		m := g.Glance(4)
		if m == "" {
			m = t.str("goal_no_weeks")
		}
		lines = append(lines, "• "+t.q(g.Text, 80)+": "+m)
	}
	if len(lines) == 0 {
		return ""
	}
	return t.str("goals_glance_title") + "\n" + strings.Join(lines, "\n") + "\n" + t.str("goals_glance_key")
}

// goalsToAgenda puts each active goal on the agenda, with its weeks at a glance.
func (t *turn) goalsToAgenda() {
	for _, g := range t.activeGoals() {
		item := fill(t.str("goal_agenda_item"), map[string]string{"goal": g.Text})
		if m := g.Glance(4); m != "" {
			item += " (" + m + ")"
		}
		if !slices.ContainsFunc(t.openAgenda(), func(a AgendaItem) bool { return a.Text == item }) {
			profileFields["agenda"](t.st, item, t.now)
		}
	}
}

// goalsLookup answers a branch's look at the client's goals.
func (t *turn) goalsLookup(name string) (string, bool) {
	switch name {
	case "profile.goals_active":
		return strconv.Itoa(len(t.activeGoals())), true
	case "profile.goals_open":
		return strconv.Itoa(len(t.openGoals())), true
	case "profile.goals_all":
		return strconv.Itoa(len(t.st.Goals)), true
	}
	return "", false
}

// goalsMarkdown writes the goals section of the Markdown export: every goal, open or closed,
// with its rhythm, dates and check-in answers.
func (t *turn) goalsMarkdown(b *strings.Builder, goals []Goal) {
	if len(goals) == 0 {
		return
	}
	b.WriteString("\n## " + strings.TrimSuffix(t.str("goals_title"), ":") + "\n\n")
	for _, g := range goals {
		line := "- " + g.Text + " · " + t.rhythmText(g.Rhythm) + " · " + fill(t.str("goal_since"), map[string]string{"date": t.day(g.Started)})
		switch {
		case !g.Closed.IsZero():
			line += " · " + fill(t.str("goal_closed_on"), map[string]string{"date": t.day(g.Closed)})
		case g.Paused:
			line += " " + t.str("goal_paused_mark")
		}
		b.WriteString(line + "\n")
		for _, w := range g.Weeks {
			b.WriteString("  - " + t.day(w.At) + ": " + t.str("goal_answer_"+w.Answer) + "\n")
		}
	}
}

func (t *turn) mdGoals(b *strings.Builder, x Export) { t.goalsMarkdown(b, x.Goals) }
