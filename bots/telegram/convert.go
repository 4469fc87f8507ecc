package telegram

import (
	"html"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"

	"github.com/interlude-bot/interlude/flows"
)

// Limits of the Bot API.
const (
	maxText    = 4096
	maxCaption = 1024
)

// kind is what an update is, for the adapter's decision.
type kind int

const (
	kindIgnore    kind = iota
	kindText           // a text message in a private chat (or a message without text: Text is empty)
	kindEdited         // an edited text message in a private chat
	kindButton         // a button press in a private chat
	kindGroup          // anything in a group, supergroup or channel
	kindBlocked        // the client blocked the bot
	kindUnblocked      // the client unblocked the bot
	kindElsewhere      // a button press outside a private chat
)

// inbound converts an update to the engine's neutral form. username is the bot's own, so that
// "/start@interlude_bot" is understood and commands meant for another bot are not.
func inbound(u *models.Update, username string) (flows.Inbound, kind, int64) {
	updateID := "tg:" + strconv.FormatInt(u.ID, 10)
	switch {
	case u.MyChatMember != nil:
		m := u.MyChatMember
		if m.Chat.Type != models.ChatTypePrivate {
			return flows.Inbound{}, kindIgnore, m.Chat.ID
		}
		in := flows.Inbound{User: userKey(m.From.ID), UpdateID: updateID}
		switch m.NewChatMember.Type {
		case models.ChatMemberTypeBanned, models.ChatMemberTypeLeft:
			return in, kindBlocked, m.Chat.ID
		case models.ChatMemberTypeMember:
			return in, kindUnblocked, m.Chat.ID
		}
		return in, kindIgnore, m.Chat.ID
	case u.CallbackQuery != nil:
		q := u.CallbackQuery
		chat := int64(0)
		private := false
		if msg := q.Message.Message; msg != nil {
			chat, private = msg.Chat.ID, msg.Chat.Type == models.ChatTypePrivate
		} else if im := q.Message.InaccessibleMessage; im != nil {
			chat, private = im.Chat.ID, im.Chat.Type == models.ChatTypePrivate
		}
		in := flows.Inbound{User: userKey(q.From.ID), UpdateID: updateID, Button: q.Data, LanguageHint: q.From.LanguageCode}
		if !private {
			return in, kindElsewhere, chat
		}
		// A private chat's id is the client's own id: answer there, whatever message it was.
		return in, kindButton, q.From.ID
	case u.EditedMessage != nil:
		m := u.EditedMessage
		if m.Chat.Type != models.ChatTypePrivate || m.From == nil {
			return flows.Inbound{}, kindIgnore, m.Chat.ID
		}
		return flows.Inbound{User: userKey(m.From.ID), UpdateID: updateID, Text: m.Text, Caption: m.Caption, Edited: true, LanguageHint: m.From.LanguageCode}, kindEdited, m.Chat.ID
	case u.Message != nil:
		m := u.Message
		if m.Chat.Type != models.ChatTypePrivate {
			// Nothing of a group is kept; only the writer's language, for the notice.
			in := flows.Inbound{}
			if m.From != nil {
				in.LanguageHint = m.From.LanguageCode
			}
			return in, kindGroup, m.Chat.ID
		}
		if m.From == nil {
			return flows.Inbound{}, kindIgnore, m.Chat.ID
		}
		text, forUs := command(m.Text, username)
		if !forUs {
			return flows.Inbound{}, kindIgnore, m.Chat.ID
		}
		return flows.Inbound{User: userKey(m.From.ID), UpdateID: updateID, Text: text, Caption: m.Caption, LanguageHint: m.From.LanguageCode}, kindText, m.Chat.ID
	case u.ChannelPost != nil:
		return flows.Inbound{}, kindGroup, u.ChannelPost.Chat.ID
	}
	return flows.Inbound{}, kindIgnore, 0
}

// command strips "@botname" from a command ("/help@interlude_bot" → "/help"); a command for
// another bot is not for us.
func command(text, username string) (string, bool) {
	if !strings.HasPrefix(text, "/") {
		return text, true
	}
	head, rest, _ := strings.Cut(text, " ")
	name, at, found := strings.Cut(head, "@")
	if !found {
		return text, true
	}
	if username != "" && !strings.EqualFold(at, username) {
		return "", false
	}
	if rest != "" {
		return name + " " + rest, true
	}
	return name, true
}

func userKey(id int64) flows.UserKey {
	return flows.UserKey{Platform: flows.Telegram, ID: flows.UserID(strconv.FormatInt(id, 10))}
}

// chatID is a private chat's id: the client's own user id.
func chatID(u flows.UserKey) (int64, error) {
	return strconv.ParseInt(string(u.ID), 10, 64)
}

// escape makes plain text safe for HTML parse mode: nothing a client wrote can format or link.
func escape(s string) string { return html.EscapeString(s) }

// keyboard renders buttons as an inline keyboard, laid out by flows.Layout.
func keyboard(buttons []flows.Button) *models.InlineKeyboardMarkup {
	if len(buttons) == 0 {
		return nil
	}
	var kb [][]models.InlineKeyboardButton
	for _, row := range flows.Layout(buttons, 5, 0) {
		var r []models.InlineKeyboardButton
		for _, b := range row {
			r = append(r, models.InlineKeyboardButton{Text: b.Label, CallbackData: b.ID})
		}
		kb = append(kb, r)
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: kb}
}
