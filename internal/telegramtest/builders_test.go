package telegramtest_test

import (
	"encoding/json"
	"testing"

	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/internal/telegramtest"
)

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
