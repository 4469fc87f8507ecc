package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

func TestTelegramClientJourney(t *testing.T) {
	r := startTelegram(t)
	const ana = int64(4242)

	// The command menu was set in English and German.
	var langs []string
	for _, c := range r.tg.Calls("setMyCommands") {
		langs = append(langs, c.Fields["language_code"])
	}
	if strings.Join(langs, ",") != "de," && strings.Join(langs, ",") != ",de" {
		t.Errorf("setMyCommands languages %q", langs)
	}

	r.onboard(ana)

	// A check-in, whose agenda item shows up in /prepare.
	r.say(ana, "/checkin")
	mood := r.expect(ana, "How has your week been")
	r.press(ana, mood, "6")
	r.expect(ana, "word for how you feel")
	r.say(ana, "restless")
	r.expect(ana, "moment this week")
	r.say(ana, "My <b>boss</b> & I finally talked")
	r.expect(ana, "One question to think about")
	r.say(ana, "/skip")
	r.expect(ana, "bring to your next session")
	r.say(ana, "Talk about work")
	r.expect(ana, "that's it for this week")

	r.say(ana, "/prepare")
	if prep := r.expect(ana, "most important"); !strings.Contains(visible(prep), "Talk about work") {
		t.Errorf("the check-in's agenda item is not in /prepare: %q", visible(prep))
	}
	r.say(ana, "Work")
	r.expect(ana, "what helps you")
	r.say(ana, "/skip")
	r.expect(ana, "hard to bring up")
	r.say(ana, "/skip")
	summary := r.expect(ana, "Written by me with an automated tool")
	if summary.Method != "sendDocument" || !strings.Contains(string(summary.Files["document"].Data), "Talk about work") {
		t.Errorf("session summary: %s with %d bytes", summary.Method, len(summary.Files["document"].Data))
	}

	r.say(ana, "/export")
	export := r.expect(ana, "as JSON")
	if export.Method != "sendDocument" {
		t.Fatalf("/export sent %s", export.Method)
	}
	var x struct {
		Schema  string `json:"schema"`
		Entries []struct {
			Answers map[string]string `json:"answers"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(export.Files["document"].Data, &x); err != nil || x.Schema != "interlude.export/v1" {
		t.Fatalf("export JSON: %v", err)
	}
	if x.Entries[0].Answers["moment"] != "My <b>boss</b> & I finally talked" {
		t.Errorf("export lost the moment: %q", x.Entries[0].Answers["moment"])
	}

	r.say(ana, "/history")
	photo := r.expect(ana, "Your latest check-ins")
	if photo.Method != "sendPhoto" {
		t.Fatalf("/history sent %s", photo.Method)
	}
	if img, err := png.Decode(bytes.NewReader(photo.Files["photo"].Data)); err != nil || img.Bounds().Dx() < 400 {
		t.Errorf("the mood chart is not a picture: %v", err)
	}

	// What the client wrote comes back escaped, never as markup.
	for _, c := range r.tg.Sent(ana) {
		if strings.Contains(c.Fields["text"]+c.Fields["caption"], "<b>boss") {
			t.Errorf("client text sent as markup: %q", c.Fields["text"])
		}
	}

	// A crisis message, at once.
	r.say(ana, "/checkin")
	r.expect(ana, "How has your week been")
	r.say(ana, "I want to end my life")
	crisis := r.expect(ana, "TelefonSeelsorge")
	if text := visible(crisis); !strings.HasPrefix(text, "I'm really glad you told me.") || !strings.Contains(text, "nobody reads") {
		t.Errorf("crisis reply: %q", text)
	}
	r.press(ana, crisis, "Go on with what we were doing")
	r.expect(ana, "How has your week been")

	// /forget erases every key of the client.
	r.say(ana, "/forget")
	confirm := r.expect(ana, "Erase everything?")
	r.press(ana, confirm, "Yes, erase everything")
	r.expect(ana, "everything I kept about you is erased")
	keys, _ := r.srv.Client().Keys(context.Background(), "*tg:4242*").Result()
	if len(keys) != 0 {
		t.Errorf("keys left after /forget: %v", keys)
	}
	due, _ := r.srv.Client().ZRange(context.Background(), "interlude:{sched}:due", 0, -1).Result()
	for _, m := range due {
		if strings.Contains(m, "tg:4242") {
			t.Errorf("a reminder is still queued after /forget: %s", m)
		}
	}

	// Nothing the client wrote, and no token, reached the logs.
	out := r.proc.output()
	for _, secret := range []string{"boss", "restless", "Talk about work", "end my life", r.tg.Token, testKey} {
		if strings.Contains(out, secret) {
			t.Errorf("the logs hold %q", secret)
		}
	}
}

func TestTelegramRoughWeather(t *testing.T) {
	r := startTelegram(t)
	const bo = int64(777)
	r.onboard(bo)

	// A 429 storm: every send is refused three times, then goes through.
	r.tg.FailNext("sendMessage", 3, telegramtest.Fault{Status: 429, RetryAfter: 1})
	r.say(bo, "/help")
	r.expect(bo, "What you can do")

	// The same update delivered twice changes nothing and is answered once.
	before, counted := len(r.tg.Sent(bo)), r.inbound()
	u := telegramtest.PrivateText(bo, "/checkin")
	u.UpdateID = 99_000
	r.tg.Push(u)
	r.expect(bo, "How has your week been")
	r.tg.Push(u) // redelivered: nothing changes; the pending question is asked again
	r.expect(bo, "How has your week been")
	r.say(bo, "/help")
	r.expect(bo, "What you can do")
	if n := len(r.tg.Sent(bo)) - before; n != 3 {
		t.Errorf("%d messages for a duplicated update and /help, want 3", n)
	}
	// And the operator's count of messages from clients counts it once too.
	if n := r.inbound() - counted; n != 2 {
		t.Errorf("interlude_inbound_messages_total rose by %d for a duplicated update and /help, want 2", n)
	}
	r.say(bo, "/cancel")
	r.expect(bo, "Stopped here") // still at the first question: the duplicate started nothing new

	// Stickers, photos, voice and locations get a friendly answer.
	for _, u := range []telegramtest.Update{telegramtest.Sticker(bo), telegramtest.Photo(bo), telegramtest.Voice(bo, 3), telegramtest.Location(bo, 52.5, 13.4)} {
		r.tg.Push(u)
		r.expect(bo, "I can only read text and buttons")
	}

	// An edit changes nothing, unless it is a cry for help.
	r.tg.Push(telegramtest.EditedText(bo, 5, "7"))
	r.tg.Push(telegramtest.EditedText(bo, 5, "actually I want to kill myself"))
	r.expect(bo, "TelefonSeelsorge")

	// A group is told once that the bot talks only in private, and nothing is kept.
	r.tg.Push(telegramtest.GroupText(-100123, bo, "/checkin"))
	r.expect(-100123, "only talk in private chats")
	r.tg.Push(telegramtest.GroupText(-100123, bo, "my secret reflection"))
	r.say(bo, "/help")
	r.expect(bo, "What you can do")
	if n := len(r.tg.Sent(-100123)); n != 1 {
		t.Errorf("%d messages to the group, want the one notice", n)
	}
	// A group whose first writer uses Telegram in German is told in German first.
	r.tg.Push(telegramtest.GroupText(-100456, bo, "/checkin", telegramtest.WithLanguage("de-AT")))
	if m := r.expect(-100456, "Ich schreibe nur in privaten Chats"); !strings.HasPrefix(m.Fields["text"], "Ich schreibe") {
		t.Errorf("the group notice for a German writer begins %q", m.Fields["text"])
	}

	// A client who blocks the bot gets nothing more, and their reminders stop.
	r.tg.Push(telegramtest.Kicked(bo))
	waitNoReminders(t, r.srv, "%d reminders still queued after the client blocked the bot")
}

func TestTelegramBlockedOnSendMarksInactive(t *testing.T) {
	r := startTelegram(t)
	const cy = int64(31337)
	r.onboard(cy)
	r.tg.FailNext("sendMessage", 1, telegramtest.Fault{Status: 403, Description: "Forbidden: bot was blocked by the user"})
	r.say(cy, "/help")
	waitNoReminders(t, r.srv, "a 403 left %d reminders queued")
}
