package telegramtest_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/go-telegram/bot"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

func TestTooManyRequests(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	ctx := context.Background()
	s.FailNext("sendMessage", 1, telegramtest.Fault{Status: http.StatusTooManyRequests, RetryAfter: 7})

	_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "one"})
	var tooMany *bot.TooManyRequestsError
	if !errors.As(fmt.Errorf("send: %w", err), &tooMany) || tooMany.RetryAfter != 7 {
		t.Fatalf("err = %v", err)
	}
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "two"}); err != nil {
		t.Fatalf("the fault lasted: %v", err)
	}
	calls := s.Calls("sendmessage")
	if len(calls) != 2 || !calls[0].Failed() || calls[0].Status != 429 ||
		calls[0].Description != "Too Many Requests: retry after 7" || calls[1].Failed() {
		t.Fatalf("calls = %v", calls)
	}
	if sent := s.Sent(42); len(sent) != 1 || sent[0].Fields["text"] != "two" {
		t.Fatalf("sent = %v", sent)
	}
}

func TestForbiddenAndBlocking(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	ctx := context.Background()
	send := func(chat int64) error {
		_, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: chat, Text: "hello"})
		return err
	}

	s.FailNext("", 1, telegramtest.Fault{Status: http.StatusForbidden})
	if err := send(42); !errors.Is(err, bot.ErrorForbidden) || !strings.Contains(err.Error(), "bot was blocked by the user") {
		t.Fatalf("FailNext 403: %v", err)
	}
	if err := send(42); err != nil {
		t.Fatalf("after the fault: %v", err)
	}

	s.BlockUser(42)
	for range 2 {
		if err := send(42); !errors.Is(err, bot.ErrorForbidden) {
			t.Fatalf("blocked: %v", err)
		}
	}
	if err := send(43); err != nil {
		t.Fatalf("another user: %v", err)
	}
	s.Push(telegramtest.PrivateText(42, "/start")) // a blocked user must unblock to write
	if err := send(42); err != nil {
		t.Fatalf("after the user wrote again: %v", err)
	}
	s.Push(telegramtest.Kicked(42))
	if err := send(42); !errors.Is(err, bot.ErrorForbidden) {
		t.Fatalf("after Kicked: %v", err)
	}
	s.Push(telegramtest.Unblocked(42))
	if err := send(42); err != nil {
		t.Fatalf("after Unblocked: %v", err)
	}
}

func TestDroppedConnection(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	s.FailNext("sendMessage", 1, telegramtest.Fault{Drop: true})
	_, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: 42, Text: "x"})
	if err == nil || errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("dropped: %v", err)
	}
	if c := s.Calls("sendMessage"); len(c) != 1 || c[0].Status != 0 || !c[0].Failed() || len(s.Sent(42)) != 0 {
		t.Fatalf("calls = %v", c)
	}

	s.FailNext("sendMessage", 1, telegramtest.Fault{Status: http.StatusBadGateway, Body: "<html>502 Bad Gateway</html>"})
	_, err = b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: 42, Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "error decode response body") {
		t.Fatalf("HTML 502: %v", err)
	}
}
