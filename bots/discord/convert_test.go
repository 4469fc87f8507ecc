package discord

import (
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/flows"
)

func TestEscapeShowsTextAsWritten(t *testing.T) {
	in := "*bold* _it_ `code` @everyone <@123> [link](http://x) > quote \\ back"
	got := escape(in)
	r := []rune(got)
	var plain []rune
	for i := 0; i < len(r); i++ {
		if r[i] == '\\' && i+1 < len(r) {
			i++
			plain = append(plain, r[i])
			continue
		}
		if strings.ContainsRune(markdownSpecial, r[i]) {
			t.Errorf("%q: %q at %d is not escaped", got, r[i], i)
		}
		plain = append(plain, r[i])
	}
	if string(plain) != in {
		t.Errorf("unescaped %q, want %q", string(plain), in)
	}
}

func TestRenderFitsDiscordLimits(t *testing.T) {
	long := strings.Repeat("a.b_c*d ", 600) // 4,800 characters, most of them escaped
	msgs := render(flows.Outbound{Text: long, Buttons: []flows.Button{{ID: "q1.0", Label: "Yes"}}})
	var joined strings.Builder
	for i, m := range msgs {
		if n := len([]rune(m.Content)); n > maxContent {
			t.Errorf("message %d has %d characters", i, n)
		}
		if m.AllowedMentions == nil || len(m.AllowedMentions.Parse) != 0 {
			t.Errorf("message %d may mention people", i)
		}
		if i < len(msgs)-1 && len(m.Components) > 0 {
			t.Errorf("buttons on a message before the last")
		}
		joined.WriteString(m.Content)
	}
	if len(msgs[len(msgs)-1].Components) != 1 {
		t.Error("the buttons are not on the last message")
	}
	if got := strings.ReplaceAll(joined.String(), "\\", ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(long, " ", "") {
		t.Error("text lost in rendering")
	}
}

func TestComponentsLayout(t *testing.T) {
	var scale, words []flows.Button
	for i := range 10 {
		scale = append(scale, flows.Button{ID: "q1." + string(rune('0'+i)), Label: string(rune('1' + i))})
	}
	for i := range 8 {
		words = append(words, flows.Button{ID: "q2." + string(rune('0'+i)), Label: "A longer label"})
	}
	if rows := components(scale); len(rows) != 2 {
		t.Errorf("a 1-10 scale in %d rows, want 2", len(rows))
	}
	rows := components(words)
	if len(rows) > maxRows {
		t.Errorf("%d rows, Discord allows %d", len(rows), maxRows)
	}
	for _, r := range rows {
		if n := len(r.(discordgo.ActionsRow).Components); n > maxButtonsInRow {
			t.Errorf("a row of %d buttons", n)
		}
	}
}

func TestNonceIsShortAndStable(t *testing.T) {
	a, b := nonce("sched:checkin:1764442800/0", 0), nonce("sched:checkin:1764442800/0", 0)
	if a != b || len(a) > 25 || a == nonce("sched:checkin:1764442800/0", 1) {
		t.Errorf("nonce %q %q", a, b)
	}
}
