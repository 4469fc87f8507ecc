package telegramtest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

// fakeTB records a WaitFor failure instead of ending the test.
type fakeTB struct {
	testing.TB
	mu  sync.Mutex
	msg string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.msg = fmt.Sprintf(format, args...)
}

func TestWaitFor(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	go func() {
		time.Sleep(10 * time.Millisecond)
		_, _ = b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: 42, Text: "later"})
	}()
	c := s.WaitFor(t, time.Second, func(c telegramtest.Call) bool { return c.Method == "sendMessage" })
	if c.Fields["text"] != "later" || c.At.IsZero() {
		t.Fatalf("WaitFor = %v", c)
	}
	ftb := &fakeTB{}
	s.WaitFor(ftb, 20*time.Millisecond, func(c telegramtest.Call) bool { return c.Method == "sendPhoto" })
	if !strings.Contains(ftb.msg, "no matching call within 20ms") || !strings.Contains(ftb.msg, `text="later"`) {
		t.Fatalf("failure message = %q", ftb.msg)
	}
}

func TestWaitSent(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	ctx := context.Background()
	send := func(chat int64, text string) {
		if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: text}); err != nil {
			t.Error(err)
		}
	}
	send(42, "first")

	// What is already there comes back at once.
	if got := s.WaitSent(42, 0, time.Second); len(got) != 1 || got[0].Fields["text"] != "first" {
		t.Fatalf("WaitSent(42, 0) = %v", got)
	}
	// Nothing new: nil after the timeout.
	start := time.Now()
	if got := s.WaitSent(42, 1, 30*time.Millisecond); got != nil {
		t.Fatalf("WaitSent(42, 1) with nothing new = %v", got)
	}
	if took := time.Since(start); took < 30*time.Millisecond {
		t.Errorf("WaitSent gave up after %v, before its timeout", took)
	}

	// Many waiters on many chats: each wakes for a message to its own chat only, and a send to
	// another chat (or a failed send to its own) does not end its wait.
	const chats = 50
	got := make([][]telegramtest.Call, chats)
	var wg sync.WaitGroup
	for i := range chats {
		wg.Go(func() { got[i] = s.WaitSent(int64(1000+i), 0, 5*time.Second) })
	}
	time.Sleep(20 * time.Millisecond) // let them wait
	s.BlockUser(1000)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1000, Text: "refused"}); err == nil {
		t.Error("a send to a blocked chat went through")
	}
	s.Push(telegramtest.PrivateText(1000, "/start")) // a message from the user lifts the block
	for i := range chats {
		send(int64(1000+i), fmt.Sprintf("to %d", 1000+i))
	}
	wg.Wait()
	for i, calls := range got {
		if want := fmt.Sprintf("to %d", 1000+i); len(calls) != 1 || calls[0].Fields["text"] != want {
			t.Errorf("chat %d woke with %v, want the one message %q", 1000+i, calls, want)
		}
	}

	// A send returns the message id, for pressing a button under that message.
	sent, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 7, Text: "pick"})
	if err != nil {
		t.Fatal(err)
	}
	if c := s.WaitSent(7, 0, time.Second); len(c) != 1 || c[0].MessageID != sent.ID || sent.ID == 0 {
		t.Errorf("Call.MessageID = %v, want the sent message's id %d", c, sent.ID)
	}
}

func TestCountCountsSucceededCallsOfOneMethod(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	ctx := context.Background()
	for i := range 3 {
		if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 5, Text: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
	s.BlockUser(6)
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 6, Text: "refused"}); err == nil {
		t.Fatal("a send to a blocked chat went through")
	}
	if _, err := b.SendChatAction(ctx, &bot.SendChatActionParams{ChatID: 5, Action: models.ChatActionTyping}); err != nil {
		t.Fatal(err)
	}
	if n := s.Count("sendmessage"); n != 3 {
		t.Errorf("Count(sendmessage) = %d, want the 3 that succeeded", n)
	}
}
