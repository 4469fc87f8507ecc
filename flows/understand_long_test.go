package flows_test

import (
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

func TestLongAnswersAreKeptInParts(t *testing.T) {
	e, st, _ := newEngine(t, flows.Options{})
	c := onboarded(t, e, "long")
	c.send("/checkin")
	c.press("4")
	c.press("Calm")
	long := strings.Repeat("Today was hard and I wrote it all down. ", 250) // 10,000 characters
	outs := c.send(long)
	if !strings.Contains(joined(outs), "I've kept all of it, in 3 parts") || !strings.Contains(joined(outs), "One question to think about") {
		t.Fatalf("a long moment: %q", joined(outs))
	}
	c.send("/cancel")
	a := lastEntry(t, st, c.user).Answers
	got := a["moment"] + " " + a["moment_2"] + " " + a["moment_3"]
	if strings.Join(strings.Fields(got), " ") != strings.TrimSpace(long) || len([]rune(a["moment"])) > flows.DefaultMaxLen {
		t.Errorf("the parts do not add up to the answer: %d+%d+%d characters", len(a["moment"]), len(a["moment_2"]), len(a["moment_3"]))
	}

	// 4,000 characters are one answer.
	c.send("/checkin")
	c.press("4")
	c.press("Calm")
	four := strings.Repeat("x", 4000)
	if outs := c.send(four); strings.Contains(joined(outs), "parts") {
		t.Errorf("4,000 characters were split: %q", joined(outs))
	}

	// A short field says its limit, and the question's introduction does not come again.
	c.send("/checkin")
	c.press("4")
	c.press("Something else")
	outs = c.send(strings.Repeat("overwhelmed ", 5))
	if !strings.Contains(joined(outs), "at most 40 characters") || strings.Contains(joined(outs), "Which word would you use?") {
		t.Errorf("a long word: %q", joined(outs))
	}
}

func TestSplitPasteJoinsIntoOneAnswer(t *testing.T) {
	now := time.Date(2026, 12, 2, 20, 0, 0, 0, time.UTC)
	e, st, _ := newEngine(t, flows.Options{Now: func() time.Time { return now }})
	c := onboarded(t, e, "split")
	c.send("/checkin")
	c.press("4")
	c.press("Calm")
	first := strings.Repeat("a", 4096) // what Telegram sends of a long paste first
	c.send(first)
	now = now.Add(1500 * time.Millisecond)
	outs := c.send("and the end of it")
	if !strings.Contains(joined(outs), "added that to your previous answer") {
		t.Fatalf("the second part: %q", joined(outs))
	}
	// Later, a message answers the question that is waiting.
	now = now.Add(time.Minute)
	c.send("my reflection")
	c.send("/cancel")
	a := lastEntry(t, st, c.user).Answers
	if a["moment"]+"\n"+a["moment_2"] != first+"\nand the end of it" && a["moment"]+a["moment_2"] != first+"\nand the end of it" {
		t.Errorf("moment = %d characters + %q", len(a["moment"]), a["moment_2"])
	}
	if a["reflection"] != "my reflection" {
		t.Errorf("reflection = %q", a["reflection"])
	}

	// Short answers typed quickly (or piped by a script) stay answers to their own questions.
	c.send("/checkin")
	c.press("4")
	c.press("Calm")
	c.send("a short moment")
	now = now.Add(time.Second)
	c.send("a quick reflection")
	c.send("/cancel")
	a = lastEntry(t, st, c.user).Answers
	if a["moment"] != "a short moment" || a["reflection"] != "a quick reflection" {
		t.Errorf("quick short answers: %q, %q", a["moment"], a["reflection"])
	}
}
