package telegram

import (
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
)

func TestCommandForThisBotOnly(t *testing.T) {
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"/help", "/help", true},
		{"/help@Interlude_Bot", "/help", true},
		{"/session@interlude_bot wed 17:00", "/session wed 17:00", true},
		{"/help@other_bot", "", false},
		{"hello @interlude_bot", "hello @interlude_bot", true},
	} {
		got, ok := command(tt.in, "interlude_bot")
		if got != tt.want || ok != tt.ok {
			t.Errorf("command(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSplitKeepsEverythingAndPrefersParagraphs(t *testing.T) {
	para := strings.TrimSpace(strings.Repeat("word ", 300)) // 1499 characters
	text := para + "\n\n" + para + "\n\n" + para + "\n\n" + para
	parts := flows.SplitText(text, maxText)
	if len(parts) != 2 {
		t.Fatalf("%d parts", len(parts))
	}
	for _, p := range parts {
		if n := len([]rune(p)); n > maxText {
			t.Errorf("a part of %d characters", n)
		}
	}
	if !strings.HasSuffix(parts[0], "word") || strings.Count(parts[0], "\n\n") != 1 {
		t.Errorf("not cut at a paragraph: ...%q", parts[0][len(parts[0])-20:])
	}
	if got := strings.Join(parts, "\n\n"); got != strings.TrimSpace(text) {
		t.Error("text lost in splitting")
	}
	// No paragraph or space at all: cut hard, still nothing lost.
	long := strings.Repeat("é", 9000)
	if got := strings.Join(flows.SplitText(long, maxText), ""); got != long {
		t.Error("a text without spaces lost characters")
	}
}

func TestKeyboardLayout(t *testing.T) {
	var scale []flows.Button
	for i := range 10 {
		scale = append(scale, flows.Button{ID: "q1." + string(rune('0'+i)), Label: string(rune('1' + i))})
	}
	kb := keyboard(scale)
	if len(kb.InlineKeyboard) != 2 || len(kb.InlineKeyboard[0]) != 5 {
		t.Errorf("a 1–10 scale is laid out as %d rows", len(kb.InlineKeyboard))
	}
	kb = keyboard([]flows.Button{{ID: "q2.0", Label: "Yes, keep my answers"}, {ID: "q2.1", Label: "No"}})
	var rows [][]string
	for _, r := range kb.InlineKeyboard {
		var row []string
		for _, b := range r {
			row = append(row, b.Text+"="+b.CallbackData)
		}
		rows = append(rows, row)
	}
	if diff := cmp.Diff([][]string{{"Yes, keep my answers=q2.0"}, {"No=q2.1"}}, rows); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEscapeLeavesNoMarkup(t *testing.T) {
	if got := escape(`<b>bold</b> & <a href="x">link</a>`); strings.ContainsAny(got, "<>") {
		t.Errorf("escape left markup: %q", got)
	}
}

func TestAnEmptyUpdateIsIgnored(t *testing.T) {
	if _, k, _ := inbound(&models.Update{ID: 5}, "bot"); k != kindIgnore {
		t.Errorf("an update with nothing in it: kind %v", k)
	}
}
