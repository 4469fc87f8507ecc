package main

import (
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/internal/redistest"
)

// TestTelegramCrisisPath is journey step 9 on Telegram, through the real binary: a worrying
// message mid-check-in gets the direct question with its buttons, a No goes back to the
// check-in, an explicit message gets the reply that cares first, and the log says only that the
// crisis path ran.
func TestTelegramCrisisPath(t *testing.T) {
	r := startTelegram(t)
	const user = 9009
	r.onboard(user)
	r.say(user, "/checkin")
	r.press(user, r.expect(user, "How has your week been"), "3")
	r.press(user, r.expect(user, "a word for how you feel"), "Sad")
	r.expect(user, "moment this week")

	r.say(user, "I've been counting the tablets")
	q := r.expect(user, "are you having thoughts of ending your life or of hurting yourself?")
	r.press(user, q, "No")
	// The check-in went on: the moment was kept, and the next question follows the thanks.
	if m := visible(r.expect(user, "Thank you for answering")); !strings.Contains(m, "One question to think about") {
		t.Errorf("after No: %q", m)
	}

	r.say(user, "i want to kill myself")
	reply := r.expect(user, "I'm really glad you told me.")
	text := visible(reply)
	if !inOrderE2E(text, "deserve support from a person", "0800 111 0 111", "nobody reads this in real time") {
		t.Errorf("crisis reply on Telegram: %q", text)
	}
	r.press(user, reply, "Go on with what we were doing")
	r.expect(user, "pick up your check-in")

	out := r.proc.output()
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "crisis path") && (strings.Contains(line, "9009") || strings.Contains(line, "rule")) {
			t.Errorf("the crisis log line says who or why: %s", line)
		}
	}
	for _, secret := range []string{"counting the tablets", "kill myself"} {
		if strings.Contains(out, secret) {
			t.Errorf("the logs hold what the client wrote (%q)", secret)
		}
	}
}

// TestDiscordCrisisPath is the same on Discord, by direct message.
func TestDiscordCrisisPath(t *testing.T) {
	r := startDiscord(t, redistest.Start(t))
	const user = "424242"
	r.onboard(user, "Vienna")
	ch := r.dc.DMChannel(user)
	r.dm(user, "ich kann nicht mehr")
	q := r.expect(ch, "are you having thoughts of ending your life")
	r.click(user, ch, q, "I'd rather not say")
	reply := r.expect(ch, "I'm really glad you told me.")
	if text := unescape(reply["content"].(string)); !strings.Contains(text, "142") {
		t.Errorf("crisis reply for Vienna lacks Austria's 142: %q", text)
	}
}

func inOrderE2E(text string, parts ...string) bool {
	for _, p := range parts {
		i := strings.Index(text, p)
		if i < 0 {
			return false
		}
		text = text[i+len(p):]
	}
	return true
}
