package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

// The session brief goes to the client's private chat as a PDF document, and never to a group:
// there the bot only says that it talks in private.
func TestTelegramBriefOnlyInThePrivateChat(t *testing.T) {
	r := startTelegram(t)
	const cl = int64(5151)
	const group = int64(-100777)
	r.onboard(cl)

	r.tg.Push(telegramtest.GroupText(group, cl, "/prepare"))
	r.expect(group, "only talk in private chats")

	r.say(cl, "/prepare")
	r.expect(cl, "most important to talk about")
	r.say(cl, "Über „Nähe“ sprechen")
	r.expect(cl, "what helps you")
	r.say(cl, "/skip")
	r.expect(cl, "hard to bring up")
	r.say(cl, "/skip")
	doc := r.expect(cl, "one-page PDF")
	f, ok := doc.Files["document"]
	if doc.Method != "sendDocument" || !ok || !strings.HasSuffix(f.Name, ".pdf") || !bytes.HasPrefix(f.Data, []byte("%PDF-")) {
		t.Fatalf("the brief arrived as %s with %+v", doc.Method, doc.Files)
	}
	r.tg.Push(telegramtest.GroupText(group, cl, "/prepare"))
	r.say(cl, "/help")
	r.expect(cl, "What you can do")
	for _, c := range r.tg.Sent(group) {
		if len(c.Files) > 0 || strings.Contains(visible(c), "Nähe") {
			t.Errorf("the group was sent %s: %q", c.Method, visible(c))
		}
	}
	if n := len(r.tg.Sent(group)); n != 1 {
		t.Errorf("%d messages to the group, want the one notice", n)
	}
}
