package telegram

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
)

// A check-in asks about each goal in one message, one row of buttons per goal.
func TestKeyboardKeepsOneRowPerGoal(t *testing.T) {
	var buttons []flows.Button
	for goal := 1; goal <= 3; goal++ {
		for _, a := range []string{"Often", "Sometimes", "Not this week", "Done with this"} {
			buttons = append(buttons, flows.Button{ID: "q9." + a[:1], Label: string(rune('0'+goal)) + " · " + a, Row: goal})
		}
	}
	var got [][]string
	for _, r := range keyboard(buttons).InlineKeyboard {
		var row []string
		for _, b := range r {
			row = append(row, b.Text)
		}
		got = append(got, row)
	}
	want := [][]string{
		{"1 · Often", "1 · Sometimes", "1 · Not this week", "1 · Done with this"},
		{"2 · Often", "2 · Sometimes", "2 · Not this week", "2 · Done with this"},
		{"3 · Often", "3 · Sometimes", "3 · Not this week", "3 · Done with this"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}
