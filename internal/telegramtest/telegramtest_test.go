package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

const token = "123456:TEST-token"

// newBot is a go-telegram/bot client of s that does not call getMe.
func newBot(t *testing.T, s *telegramtest.Server, opts ...bot.Option) *bot.Bot {
	t.Helper()
	opts = append([]bot.Option{bot.WithServerURL(s.URL), bot.WithSkipGetMe(), bot.WithErrorsHandler(func(error) {})}, opts...)
	b, err := bot.New(s.Token, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// raw calls method with url-encoded params and returns the HTTP status and decoded body.
func raw(t *testing.T, s *telegramtest.Server, tok, method string, params url.Values) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/bot"+tok+"/"+method, params)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

// updateIDs calls getUpdates with params and returns the update ids it got.
func updateIDs(t *testing.T, s *telegramtest.Server, params url.Values) []int {
	t.Helper()
	status, body := raw(t, s, s.Token, "getUpdates", params)
	if status != http.StatusOK {
		t.Fatalf("getUpdates %v: %d %v", params, status, body)
	}
	ids := []int{}
	for _, u := range body["result"].([]any) {
		ids = append(ids, int(u.(map[string]any)["update_id"].(float64)))
	}
	return ids
}

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGetMeAndWrongToken(t *testing.T) {
	s := telegramtest.New(t, token)
	b, err := bot.New(token, bot.WithServerURL(s.URL))
	if err != nil {
		t.Fatal(err)
	}
	me, err := b.GetMe(context.Background())
	if err != nil || !me.IsBot || me.ID != 123456 || me.Username != s.Me().Username {
		t.Fatalf("getMe = %+v, %v", me, err)
	}

	_, err = bot.New("654321:wrong", bot.WithServerURL(s.URL))
	if !errors.Is(err, bot.ErrorUnauthorized) {
		t.Fatalf("wrong token: %v", err)
	}
	status, body := raw(t, s, "654321:wrong", "sendMessage", url.Values{"chat_id": {"1"}, "text": {"x"}})
	want := map[string]any{"ok": false, "error_code": float64(401), "description": "Unauthorized"}
	if status != http.StatusUnauthorized || !equalJSON(body, want) {
		t.Fatalf("wrong token: %d %v", status, body)
	}
	status, body = raw(t, s, s.Token, "noSuchMethod", nil)
	if status != http.StatusNotFound || body["error_code"] != float64(404) || body["ok"] != false {
		t.Fatalf("unknown method: %d %v", status, body)
	}
	// bot.New calls getMe, then b.GetMe, then the wrong token's bot.New.
	if c := s.Calls("getMe"); len(c) != 3 || c[0].Failed() || c[1].Failed() || c[2].Status != http.StatusUnauthorized {
		t.Fatalf("getMe calls: %v", c)
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

func TestSendMessageWithInlineKeyboard(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
		{{Text: "1", CallbackData: "mood:1"}, {Text: "2", CallbackData: "mood:2"}},
		{{Text: "Skip <for now>", CallbackData: "skip"}},
	}}
	msg, err := b.SendMessage(context.Background(), &bot.SendMessageParams{
		ChatID: 42, Text: "How are you <b>today</b>? &amp; now", ParseMode: models.ParseModeHTML, ReplyMarkup: kb,
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.ID == 0 || msg.Chat.ID != 42 || msg.Chat.Type != models.ChatTypePrivate || msg.From == nil || !msg.From.IsBot ||
		msg.Date == 0 || msg.Text != "How are you today? & now" {
		t.Fatalf("result = %+v", msg)
	}
	if len(msg.ReplyMarkup.InlineKeyboard) != 2 || msg.ReplyMarkup.InlineKeyboard[1][0].CallbackData != "skip" {
		t.Fatalf("result keyboard = %+v", msg.ReplyMarkup)
	}

	sent := s.Sent(42)
	if len(sent) != 1 || sent[0].Method != "sendMessage" || sent[0].Fields["parse_mode"] != "HTML" ||
		sent[0].Fields["text"] != "How are you <b>today</b>? &amp; now" || sent[0].ChatID() != 42 {
		t.Fatalf("sent = %v", sent)
	}
	var got models.InlineKeyboardMarkup
	if err := sent[0].Decode("reply_markup", &got); err != nil {
		t.Fatalf("reply_markup %q: %v", sent[0].Fields["reply_markup"], err)
	}
	if !equalJSON(got, kb) {
		t.Fatalf("reply_markup = %+v, want %+v", got, kb)
	}
	if len(s.Sent(43)) != 0 {
		t.Fatal("message to 42 counted for 43")
	}
}

func TestSendPhotoAndDocumentUploads(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	ctx := context.Background()
	img := pngBytes(t, 1000, 750)
	msg, err := b.SendPhoto(ctx, &bot.SendPhotoParams{
		ChatID: 42, Caption: "Your week", Photo: &models.InputFileUpload{Filename: "week.png", Data: bytes.NewReader(img)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Photo) != 4 || msg.Photo[0].Width != 90 || msg.Photo[3].Width != 1000 || msg.Photo[3].Height != 750 ||
		msg.Caption != "Your week" {
		t.Fatalf("photo result = %+v", msg)
	}
	doc := []byte(`{"reflections":[]}`)
	msg, err = b.SendDocument(ctx, &bot.SendDocumentParams{
		ChatID: 42, Document: &models.InputFileUpload{Filename: "export.json", Data: bytes.NewReader(doc)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.Document == nil || msg.Document.FileName != "export.json" || msg.Document.MimeType != "application/json" ||
		msg.Document.FileSize != int64(len(doc)) {
		t.Fatalf("document result = %+v", msg.Document)
	}

	sent := s.Sent(42)
	if len(sent) != 2 {
		t.Fatalf("sent = %v", sent)
	}
	if f := sent[0].Files["photo"]; f.Name != "week.png" || !bytes.Equal(f.Data, img) || sent[0].Fields["caption"] != "Your week" {
		t.Fatalf("photo call = %v", sent[0])
	}
	if f := sent[1].Files["document"]; f.Name != "export.json" || !bytes.Equal(f.Data, doc) {
		t.Fatalf("document call = %v", sent[1])
	}

	// Telegram decodes photos: anything else is refused.
	_, err = b.SendPhoto(ctx, &bot.SendPhotoParams{
		ChatID: 42, Photo: &models.InputFileUpload{Filename: "chart.svg", Data: strings.NewReader("<svg/>")},
	})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "IMAGE_PROCESS_FAILED") {
		t.Fatalf("svg as photo: %v", err)
	}
}

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

func TestWebhookMethodsAndPost(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	ctx := context.Background()
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "http://example.test/hook"}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("http webhook: %v", err)
	}
	if _, err := b.SetWebhook(ctx, &bot.SetWebhookParams{URL: "https://example.test/hook", SecretToken: "s3cret",
		AllowedUpdates: []string{"message", "my_chat_member"}}); err != nil {
		t.Fatal(err)
	}
	s.Push(telegramtest.PrivateText(1, "x"))
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != "https://example.test/hook" || info.PendingUpdateCount != 1 {
		t.Fatalf("info = %+v, %v", info, err)
	}
	if status, body := raw(t, s, s.Token, "getUpdates", nil); status != http.StatusConflict {
		t.Fatalf("getUpdates with a webhook: %d %v", status, body)
	}
	if ok, err := b.DeleteWebhook(ctx, &bot.DeleteWebhookParams{DropPendingUpdates: true}); !ok || err != nil {
		t.Fatalf("deleteWebhook = %v, %v", ok, err)
	}
	if info, _ := b.GetWebhookInfo(ctx); info.URL != "" || info.PendingUpdateCount != 0 {
		t.Fatalf("info after delete = %+v", info)
	}

	var gotSecret, gotType string
	var gotUpdate models.Update
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotSecret, gotType = r.Header.Get("X-Telegram-Bot-Api-Secret-Token"), r.Header.Get("Content-Type")
		if err := json.NewDecoder(r.Body).Decode(&gotUpdate); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
		}
	}))
	defer hook.Close()
	resp, err := telegramtest.PostWebhook(hook.URL, "s3cret", telegramtest.EditedText(42, 10, "fixed"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || gotSecret != "s3cret" || gotType != "application/json" ||
		gotUpdate.ID == 0 || gotUpdate.EditedMessage == nil || gotUpdate.EditedMessage.ID != 10 ||
		gotUpdate.EditedMessage.EditDate == 0 || gotUpdate.EditedMessage.Text != "fixed" {
		t.Fatalf("webhook got %q %q %+v (%d)", gotSecret, gotType, gotUpdate, resp.StatusCode)
	}
}

func TestCommandsAndEdits(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	ctx := context.Background()
	cmds := []models.BotCommand{{Command: "start", Description: "Begin"}, {Command: "pause", Description: "Pause reminders"}}
	if ok, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: cmds, LanguageCode: "de"}); !ok || err != nil {
		t.Fatalf("setMyCommands = %v, %v", ok, err)
	}
	if got, err := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{LanguageCode: "de"}); err != nil || !equalJSON(got, cmds) {
		t.Fatalf("getMyCommands = %v, %v", got, err)
	}
	if got, _ := b.GetMyCommands(ctx, &bot.GetMyCommandsParams{}); len(got) != 0 {
		t.Fatalf("default scope = %v", got)
	}
	if _, err := b.SetMyCommands(ctx, &bot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "Start", Description: "x"}}}); !errors.Is(err, bot.ErrorBadRequest) {
		t.Fatalf("upper-case command: %v", err)
	}
	if ok, err := b.DeleteMyCommands(ctx, &bot.DeleteMyCommandsParams{LanguageCode: "de"}); !ok || err != nil {
		t.Fatalf("deleteMyCommands = %v, %v", ok, err)
	}

	kb := &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "A", CallbackData: "a"}}}}
	msg, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 42, Text: "Pick", ReplyMarkup: kb})
	if err != nil {
		t.Fatal(err)
	}
	edited, err := b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 42, MessageID: msg.ID})
	if err != nil || edited.ID != msg.ID || edited.Text != "Pick" || edited.EditDate == 0 || edited.ReplyMarkup != nil {
		t.Fatalf("remove keyboard = %+v, %v", edited, err)
	}
	_, err = b.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{ChatID: 42, MessageID: msg.ID})
	if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), "message is not modified") {
		t.Fatalf("same edit again: %v", err)
	}
	edited, err = b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: msg.ID, Text: "Picked A"})
	if err != nil || edited.Text != "Picked A" {
		t.Fatalf("edit text = %+v, %v", edited, err)
	}
	// A message the server never saw is taken on trust.
	if _, err := b.EditMessageText(ctx, &bot.EditMessageTextParams{ChatID: 42, MessageID: 999999, Text: "x"}); err != nil {
		t.Fatalf("edit unknown message: %v", err)
	}
	if len(s.Calls("editMessageReplyMarkup", "editMessageText")) != 4 {
		t.Fatalf("edit calls = %v", s.Calls("editMessageReplyMarkup", "editMessageText"))
	}
}

func TestTelegramValidation(t *testing.T) {
	s := telegramtest.New(t, token)
	b := newBot(t, s)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		p    bot.SendMessageParams
		want string
	}{
		// go-telegram/bot sends a nil ChatID as chat_id=null.
		{"no chat", bot.SendMessageParams{Text: "x"}, "chat not found"},
		{"empty", bot.SendMessageParams{ChatID: 1, Text: " \n"}, "message text is empty"},
		{"too long", bot.SendMessageParams{ChatID: 1, Text: strings.Repeat("😀", 2049)}, "message is too long"},
		{"br", bot.SendMessageParams{ChatID: 1, Text: "a<br>b", ParseMode: models.ParseModeHTML}, `Unsupported start tag "br" at byte offset 1`},
		{"less than", bot.SendMessageParams{ChatID: 1, Text: "1 < 2", ParseMode: models.ParseModeHTML}, `Unsupported start tag "" at byte offset 2`},
		{"unclosed", bot.SendMessageParams{ChatID: 1, Text: "<b>x", ParseMode: models.ParseModeHTML}, `Can't find end tag corresponding to start tag "b"`},
		{"crossed", bot.SendMessageParams{ChatID: 1, Text: "<b><i>x</b></i>", ParseMode: models.ParseModeHTML}, `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"callback data", bot.SendMessageParams{ChatID: 1, Text: "x", ReplyMarkup: &models.InlineKeyboardMarkup{
			InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "A", CallbackData: strings.Repeat("x", 65)}}}}}, "BUTTON_DATA_INVALID"},
	} {
		_, err := b.SendMessage(ctx, &tc.p)
		if !errors.Is(err, bot.ErrorBadRequest) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	// At the limits, all is well: 4096 characters after HTML parsing.
	if _, err := b.SendMessage(ctx, &bot.SendMessageParams{ChatID: 1, ParseMode: models.ParseModeHTML,
		Text: "<b>" + strings.Repeat("&amp;", 4096) + "</b>", ReplyMarkup: &models.InlineKeyboardMarkup{
			InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "A", CallbackData: strings.Repeat("x", 64)}}}}}); err != nil {
		t.Fatal(err)
	}
	if status, body := raw(t, s, token, "sendMessage", url.Values{"text": {"x"}}); status != 400 || body["description"] != "Bad Request: chat_id is empty" {
		t.Fatalf("no chat_id: %d %v", status, body)
	}
	if c := s.Calls("sendMessage"); len(c) != 10 || c[0].Fields["chat_id"] != "null" {
		t.Fatalf("calls: %v", c)
	}
}

func TestJSONAndURLEncodedBodies(t *testing.T) {
	s := telegramtest.New(t, token)
	body := `{"chat_id":42,"text":"hi","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]},"disable_notification":true}`
	resp, err := http.Post(s.URL+"/bot"+token+"/SENDMESSAGE", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		OK     bool           `json:"ok"`
		Result models.Message `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || !res.OK || res.Result.Chat.ID != 42 {
		t.Fatalf("JSON body: %+v %v", res, err)
	}
	resp.Body.Close()
	status, _ := raw(t, s, token, "sendMessage", url.Values{"chat_id": {"43"}, "text": {"hey"}})
	if status != http.StatusOK {
		t.Fatalf("url-encoded: %d", status)
	}
	c := s.Calls("sendMessage")
	if len(c) != 2 || c[0].Fields["chat_id"] != "42" || c[0].Fields["disable_notification"] != "true" ||
		c[0].Fields["reply_markup"] != `{"inline_keyboard":[[{"callback_data":"a","text":"A"}]]}` || c[1].Fields["text"] != "hey" {
		t.Fatalf("calls = %v", c)
	}
}

func TestBuildersDecodeWithGoTelegramBot(t *testing.T) {
	decode := func(u telegramtest.Update) *models.Update {
		t.Helper()
		b, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		var m models.Update
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		return &m
	}
	m := decode(telegramtest.PrivateText(42, "hello", telegramtest.WithFirstName("Ana"), telegramtest.WithUsername("ana")))
	if msg := m.Message; msg.Chat.ID != 42 || msg.Chat.Type != models.ChatTypePrivate || msg.From.ID != 42 || msg.From.IsBot ||
		msg.From.FirstName != "Ana" || msg.Chat.Username != "ana" || msg.From.LanguageCode != "en" || msg.Date == 0 || msg.ID == 0 {
		t.Fatalf("private = %+v", msg)
	}
	if m := decode(telegramtest.GroupText(-1001234567890, 42, "/help")); m.Message.Chat.Type != models.ChatTypeSupergroup ||
		m.Message.From.ID != 42 || len(m.Message.Entities) != 1 {
		t.Fatalf("supergroup = %+v", m.Message)
	}
	if m := decode(telegramtest.GroupText(-4567, 42, "hi")); m.Message.Chat.Type != models.ChatTypeGroup {
		t.Fatalf("group = %+v", m.Message.Chat)
	}
	if m := decode(telegramtest.Sticker(42)); m.Message.Sticker == nil || m.Message.Text != "" {
		t.Fatalf("sticker = %+v", m.Message)
	}
	if m := decode(telegramtest.Photo(42, telegramtest.WithCaption("me"))); len(m.Message.Photo) != 4 || m.Message.Caption != "me" {
		t.Fatalf("photo = %+v", m.Message)
	}
	if m := decode(telegramtest.Voice(42, 5)); m.Message.Voice == nil || m.Message.Voice.Duration != 5 {
		t.Fatalf("voice = %+v", m.Message)
	}
	if m := decode(telegramtest.Location(42, 1.5, 2.5)); m.Message.Location == nil || m.Message.Location.Longitude != 2.5 {
		t.Fatalf("location = %+v", m.Message)
	}
	if m := decode(telegramtest.Callback(42, 9, "yes")); m.CallbackQuery.Message.Message == nil ||
		m.CallbackQuery.Message.Message.ID != 9 || m.CallbackQuery.ChatInstance == "" || m.CallbackQuery.ID == "" {
		t.Fatalf("callback = %+v", m.CallbackQuery)
	}
	if m := decode(telegramtest.Unblocked(42)); m.MyChatMember.NewChatMember.Type != models.ChatMemberTypeMember ||
		m.MyChatMember.OldChatMember.Type != models.ChatMemberTypeBanned {
		t.Fatalf("unblocked = %+v", m.MyChatMember)
	}
	if m := decode(telegramtest.PrivateText(1, "see /help and /start@x_bot now")); len(m.Message.Entities) != 2 ||
		m.Message.Entities[1].Offset != 14 || m.Message.Entities[1].Length != 12 {
		t.Fatalf("entities = %+v", m.Message.Entities)
	}
}

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
