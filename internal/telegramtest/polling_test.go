package telegramtest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

// TestLongPolling runs go-telegram/bot's own poller against the server.
func TestLongPolling(t *testing.T) {
	s := telegramtest.New(t, token)
	s.SetMaxPollWait(50 * time.Millisecond) // an idle poll is recorded when it ends
	got := make(chan *models.Update, 10)
	handler := bot.WithDefaultHandler(func(_ context.Context, _ *bot.Bot, u *models.Update) { got <- u })
	// WithNotAsyncHandlers: by default go-telegram/bot runs every update in its own goroutine,
	// and the order is lost.
	b := newBot(t, s, handler, bot.WithNotAsyncHandlers(),
		bot.WithAllowedUpdates(bot.AllowedUpdates{"message", "callback_query", "my_chat_member"}))

	sent, err := b.SendMessage(context.Background(), &bot.SendMessageParams{ChatID: 42, Text: "Pick one",
		ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "A", CallbackData: "a"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	ids := []int{
		s.Push(telegramtest.PrivateText(42, "/start@interlude_test_bot hi", telegramtest.WithLanguage("de"))),
		s.Push(telegramtest.Callback(42, sent.ID, "a")),
		s.Push(telegramtest.Kicked(42)),
	}
	if ids[0] != 1 || ids[1] != 2 || ids[2] != 3 {
		t.Fatalf("update ids = %v", ids)
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Start(ctx); close(done) }()
	stop := func() { cancel(); <-done }
	defer stop()

	recv := func() *models.Update {
		t.Helper()
		select {
		case u := <-got:
			return u
		case <-time.After(2 * time.Second):
			t.Fatal("no update")
			return nil
		}
	}
	u := recv()
	if u.ID != 1 || u.Message == nil || u.Message.From.LanguageCode != "de" || u.Message.Chat.ID != 42 ||
		len(u.Message.Entities) != 1 || u.Message.Entities[0].Type != models.MessageEntityTypeBotCommand ||
		u.Message.Entities[0].Length != len("/start@interlude_test_bot") {
		t.Fatalf("first = %+v", u.Message)
	}
	// Push just now: a waiting long poll wakes up at once.
	if id := s.Push(telegramtest.PrivateText(7, "late")); id != 4 {
		t.Fatalf("id = %d", id)
	}
	u = recv()
	q := u.CallbackQuery
	if u.ID != 2 || q == nil || q.Data != "a" || q.Message.Message == nil || q.Message.Message.ID != sent.ID ||
		q.Message.Message.Text != "Pick one" || q.Message.Message.From.ID != s.Me().ID ||
		len(q.Message.Message.ReplyMarkup.InlineKeyboard) != 1 {
		t.Fatalf("callback = %+v", q)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: q.ID}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("second answer: %v", err)
	}
	u = recv()
	if u.ID != 3 || u.MyChatMember == nil || u.MyChatMember.NewChatMember.Type != models.ChatMemberTypeBanned ||
		u.MyChatMember.NewChatMember.Banned.User.ID != s.Me().ID || u.MyChatMember.From.ID != 42 {
		t.Fatalf("kicked = %+v", u.MyChatMember)
	}
	if u = recv(); u.ID != 4 || u.Message.Text != "late" {
		t.Fatalf("fourth = %+v", u)
	}
	// The next poll confirms everything up to 4.
	s.WaitFor(t, 2*time.Second, func(c telegramtest.Call) bool {
		return c.Method == "getUpdates" && c.Fields["offset"] == "5"
	})
	stop()
	if n := s.Pending(); n != 0 {
		t.Fatalf("pending after confirmation = %d", n)
	}
	if got := s.AllowedUpdates(); strings.Join(got, ",") != "message,callback_query,my_chat_member" {
		t.Fatalf("allowed_updates = %v", got)
	}
	poll := s.Calls("getUpdates")[0]
	if poll.Fields["timeout"] != "59" || poll.Fields["offset"] != "1" {
		t.Fatalf("first poll = %v", poll)
	}

	// A new poller (a restarted bot) does not get confirmed updates again.
	b2 := newBot(t, s, handler, bot.WithNotAsyncHandlers())
	ctx2, cancel2 := context.WithCancel(context.Background())
	done2 := make(chan struct{})
	go func() { b2.Start(ctx2); close(done2) }()
	defer func() { cancel2(); <-done2 }()
	s.Push(telegramtest.PrivateText(42, "again"))
	if u = recv(); u.ID != 5 || u.Message.Text != "again" {
		t.Fatalf("after restart = %+v", u)
	}
	select {
	case u := <-got:
		t.Fatalf("extra update %+v", u)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestGetUpdatesOffsetLimitAllowed(t *testing.T) {
	s := telegramtest.New(t, token)
	s.SetMaxPollWait(2 * time.Second)
	for _, u := range []telegramtest.Update{
		telegramtest.PrivateText(1, "a"),
		telegramtest.Sticker(1),
		{Other: map[string]any{"chat_member": map[string]any{"chat": map[string]any{"id": -5, "type": "group"}}}},
		telegramtest.Photo(1),
	} {
		s.Push(u)
	}
	if got := updateIDs(t, s, nil); !equalJSON(got, []int{1, 2, 4}) { // chat_member is not delivered by default
		t.Fatalf("first = %v", got)
	}
	if got := updateIDs(t, s, url.Values{"offset": {"0"}}); !equalJSON(got, []int{1, 2, 4}) { // unconfirmed: again
		t.Fatalf("again = %v", got)
	}
	if got := updateIDs(t, s, url.Values{"offset": {"2"}, "limit": {"1"}}); !equalJSON(got, []int{2}) {
		t.Fatalf("offset 2 limit 1 = %v", got)
	}
	if got := updateIDs(t, s, nil); !equalJSON(got, []int{2, 4}) { // 1 is confirmed and gone
		t.Fatalf("after confirming 1 = %v", got)
	}
	s.Push(telegramtest.Voice(1, 3))
	s.Push(telegramtest.Location(1, 52.5, 13.4))
	if got := updateIDs(t, s, url.Values{"offset": {"-2"}}); !equalJSON(got, []int{5, 6}) {
		t.Fatalf("offset -2 = %v", got)
	}
	if got := updateIDs(t, s, url.Values{"allowed_updates": {`["callback_query"]`}}); len(got) != 0 {
		t.Fatalf("only callbacks = %v", got) // the queued messages are dropped
	}
	if got := s.Pending(); got != 0 {
		t.Fatalf("pending = %d", got)
	}

	// A long poll waits, and wakes on a push.
	start := time.Now()
	go func() {
		time.Sleep(20 * time.Millisecond)
		s.Push(telegramtest.Callback(1, 77, "x"))
	}()
	if got := updateIDs(t, s, url.Values{"timeout": {"30"}, "offset": {"7"}}); !equalJSON(got, []int{7}) {
		t.Fatalf("long poll = %v", got)
	}
	if d := time.Since(start); d < 20*time.Millisecond || d > time.Second {
		t.Fatalf("long poll took %v", d)
	}
	// With nothing to deliver it gives up after the cap.
	s.SetMaxPollWait(30 * time.Millisecond)
	start = time.Now()
	if got := updateIDs(t, s, url.Values{"timeout": {"30"}, "offset": {"8"}}); len(got) != 0 {
		t.Fatalf("empty poll = %v", got)
	}
	if d := time.Since(start); d < 30*time.Millisecond || d > time.Second {
		t.Fatalf("empty poll took %v", d)
	}
}

func TestSecondPollerConflict(t *testing.T) {
	s := telegramtest.New(t, token)
	first := make(chan int, 1)
	go func() {
		resp, err := http.PostForm(s.URL+"/bot"+token+"/getUpdates", url.Values{"timeout": {"5"}})
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	// Each new getUpdates ends the one waiting, whichever comes first.
	deadline := time.After(time.Second)
	for {
		if got := updateIDs(t, s, url.Values{"timeout": {"0"}}); len(got) != 0 {
			t.Fatalf("second poller got %v", got)
		}
		select {
		case status := <-first:
			if status != http.StatusConflict {
				t.Fatalf("first poller: %d", status)
			}
			conflicts := 0
			for _, c := range s.Calls("getUpdates") {
				if c.Status == http.StatusConflict && strings.Contains(c.Description, "terminated by other getUpdates request") {
					conflicts++
				}
			}
			if conflicts != 1 {
				t.Fatalf("recorded %v", s.Calls("getUpdates"))
			}
			return
		case <-deadline:
			t.Fatal("the first poller was not ended")
		case <-time.After(5 * time.Millisecond):
		}
	}
}
