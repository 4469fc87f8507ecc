package discord

import (
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
)

// A check-in asks about each goal in one message, one action row per goal.
func TestComponentsKeepOneRowPerGoal(t *testing.T) {
	var buttons []flows.Button
	for goal := 1; goal <= 3; goal++ {
		for _, a := range []string{"Often", "Sometimes", "Not this week", "Done with this"} {
			buttons = append(buttons, flows.Button{ID: "q9." + a[:1], Label: string(rune('0'+goal)) + " · " + a, Row: goal})
		}
	}
	var got [][]string
	for _, r := range components(buttons) {
		var row []string
		for _, c := range r.(discordgo.ActionsRow).Components {
			row = append(row, c.(discordgo.Button).Label)
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
