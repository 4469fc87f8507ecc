package telegramtest_test

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

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
