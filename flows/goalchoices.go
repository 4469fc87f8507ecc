package flows

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Choices whose buttons come from the client's goals (options_from): picking a goal, and the
// check-in's row of answers per goal.

// Dynamic choices: a choice step with options_from gets its buttons from the client's state.
var dynamicChoices = []string{"goals_open", "goals_checkin"}

// dynamicButtons builds the buttons of a choice with options_from. A button's index is the
// goal's id (goals_open) or id×4+answer (goals_checkin), so that it stays valid while the
// other goals are answered.
func (t *turn) dynamicButtons(s *Step, id func(int) string) []Button {
	var buttons []Button
	switch s.OptionsFrom {
	case "goals_open":
		for _, g := range t.openGoals() {
			lbl := []rune(strings.Join(strings.Fields(g.Text), " "))
			if len(lbl) > 40 {
				lbl = append(lbl[:39], '…')
			}
			buttons = append(buttons, Button{ID: id(g.ID), Label: string(lbl)})
		}
	case "goals_checkin":
		for i, g := range t.checkinGoals() {
			if t.answeredNow(g) {
				continue
			}
			for k, a := range goalAnswers {
				buttons = append(buttons, Button{ID: id(g.ID*len(goalAnswers) + k), Label: strconv.Itoa(i+1) + " · " + t.str("goal_answer_"+a), Row: i + 1})
			}
		}
	}
	return buttons
}

// pressDynamic handles a button of a choice with options_from.
func (t *turn) pressDynamic(s *Step, idx int) {
	switch s.OptionsFrom {
	case "goals_open":
		if g := t.goal(idx); g != nil && g.Closed.IsZero() {
			t.accept(s, strconv.Itoa(g.ID), "")
			return
		}
	case "goals_checkin":
		gid, k := idx/len(goalAnswers), idx%len(goalAnswers)
		for _, g := range t.checkinGoals() {
			if g.ID == gid {
				t.answerGoal(s, g, goalAnswers[k])
				return
			}
		}
	}
	t.say(t.str("stale_button"))
	t.reask()
}

// textDynamic handles typed text at a choice with options_from: a number picks the numbered
// button, as in the console; a button's label picks it; with one goal left in a check-in, the
// answer alone ("often", "oft") does.
func (t *turn) textDynamic(s *Step, text string) {
	buttons := t.dynamicButtons(s, strconv.Itoa)
	want := strings.TrimSpace(text)
	pick := -1
	if n, err := strconv.Atoi(want); err == nil && n >= 1 && n <= len(buttons) {
		pick = n - 1
	}
	for i, b := range buttons {
		if pick < 0 && strings.EqualFold(b.Label, want) {
			pick = i
		}
	}
	if pick < 0 && s.OptionsFrom == "goals_checkin" && len(buttons) == len(goalAnswers) {
		for k, a := range goalAnswers {
			if strings.EqualFold(t.str("goal_answer_"+a), want) {
				pick = k
			}
		}
	}
	if pick < 0 {
		t.say(t.str("pick_button"))
		t.ask(s, false)
		return
	}
	idx, _ := strconv.Atoi(buttons[pick].ID)
	t.pressDynamic(s, idx)
}

// checkinGoals are the goals a check-in asks about: active when it started (a goal closed in
// this check-in keeps its number).
func (t *turn) checkinGoals() []*Goal {
	var out []*Goal
	for i := range t.st.Goals {
		g := &t.st.Goals[i]
		if !g.Paused && (g.Closed.IsZero() || !g.Closed.Before(t.st.FlowAt.Truncate(time.Second))) {
			out = append(out, g)
		}
	}
	return out
}

// answeredNow reports whether the goal has an answer from the current check-in.
func (t *turn) answeredNow(g *Goal) bool {
	return len(g.Weeks) > 0 && !g.Weeks[len(g.Weeks)-1].At.Before(t.st.FlowAt.Truncate(time.Second))
}

// goalsCheckinText is the check-in's question about the goals, with a number per goal that the
// buttons of its row repeat.
func (t *turn) goalsCheckinText() string {
	var b strings.Builder
	for i, g := range t.checkinGoals() {
		mark := ""
		if t.answeredNow(g) {
			mark = " ✓"
		}
		b.WriteString("\n" + strconv.Itoa(i+1) + ". " + t.q(g.Text, 80) + mark)
	}
	return strings.TrimPrefix(b.String(), "\n")
}

// answerGoal records a check-in's answer about one goal; once every goal has one, the check-in
// goes on.
func (t *turn) answerGoal(s *Step, g *Goal, answer string) {
	if t.answeredNow(g) {
		t.say(t.str("goal_already_answered"))
		t.reask()
		return
	}
	g.Weeks = append(g.Weeks, GoalWeek{At: t.now.Truncate(time.Second), Answer: answer})
	if len(g.Weeks) > maxGoalWeeks {
		g.Weeks = slices.Delete(g.Weeks, 0, len(g.Weeks)-maxGoalWeeks)
	}
	if answer == "done" {
		g.Closed = t.now.Truncate(time.Second)
	}
	if t.st.consented(t.e.opts.ConsentVersion) {
		if t.st.Vars == nil {
			t.st.Vars = map[string]string{}
		}
		t.st.Vars["goal_"+strconv.Itoa(g.ID)] = answer
	}
	for _, o := range t.checkinGoals() {
		if !t.answeredNow(o) {
			t.say(t.str("goal_noted_more"))
			t.ask(s, false)
			return
		}
	}
	t.accept(s, "", "")
}
