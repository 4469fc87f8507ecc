package telegramtest

import (
	"encoding/json"
	"fmt"
	"sort"
)

// Update is a Bot API Update object (https://core.telegram.org/bots/api#update). Exactly one
// payload is set, as on the wire. Other holds update kinds without a field here
// ("chat_member", "message_reaction", ...): each key is added to the JSON object as it is, and
// overrides a field of the same name.
type Update struct {
	UpdateID      int64              `json:"update_id"`
	Message       *Message           `json:"message,omitempty"`
	EditedMessage *Message           `json:"edited_message,omitempty"`
	CallbackQuery *CallbackQuery     `json:"callback_query,omitempty"`
	MyChatMember  *ChatMemberUpdated `json:"my_chat_member,omitempty"`
	Other         map[string]any     `json:"-"`
}

// MarshalJSON encodes the update as the Bot API does, merging Other into the object.
func (u Update) MarshalJSON() ([]byte, error) {
	type plain Update
	b, err := json.Marshal(plain(u))
	if err != nil || len(u.Other) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k, v := range u.Other {
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("telegramtest: update field %q: %w", k, err)
		}
		m[k] = raw
	}
	return json.Marshal(m)
}

// Kind is the update's type as named in allowed_updates: "message", "callback_query", ...
func (u Update) Kind() string {
	if len(u.Other) > 0 {
		keys := make([]string, 0, len(u.Other))
		for k := range u.Other {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return keys[0]
	}
	switch {
	case u.Message != nil:
		return "message"
	case u.EditedMessage != nil:
		return "edited_message"
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.MyChatMember != nil:
		return "my_chat_member"
	}
	return ""
}

// User is a Bot API User.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Chat is a Bot API Chat. Type is "private", "group", "supergroup" or "channel".
type Chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
}

// Message is a Bot API Message with the fields Interlude meets. ReplyMarkup is the raw
// InlineKeyboardMarkup JSON, present only on the bot's own messages.
type Message struct {
	MessageID   int             `json:"message_id"`
	From        *User           `json:"from,omitempty"`
	Date        int64           `json:"date"`
	Chat        Chat            `json:"chat"`
	EditDate    int64           `json:"edit_date,omitempty"`
	Text        string          `json:"text,omitempty"`
	Entities    []MessageEntity `json:"entities,omitempty"`
	Caption     string          `json:"caption,omitempty"`
	Photo       []PhotoSize     `json:"photo,omitempty"`
	Document    *Document       `json:"document,omitempty"`
	Sticker     *StickerFile    `json:"sticker,omitempty"`
	Voice       *VoiceFile      `json:"voice,omitempty"`
	Location    *Point          `json:"location,omitempty"`
	ReplyMarkup json.RawMessage `json:"reply_markup,omitempty"`
}

// MessageEntity is a Bot API MessageEntity; Offset and Length count UTF-16 code units.
type MessageEntity struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

// PhotoSize is one size of a photo.
type PhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	FileSize     int    `json:"file_size,omitempty"`
}

// Document is a general file.
type Document struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileName     string `json:"file_name,omitempty"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

// StickerFile is a Bot API Sticker.
type StickerFile struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Type         string `json:"type"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	IsAnimated   bool   `json:"is_animated"`
	IsVideo      bool   `json:"is_video"`
	Emoji        string `json:"emoji,omitempty"`
	SetName      string `json:"set_name,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

// VoiceFile is a Bot API Voice (a voice note).
type VoiceFile struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	Duration     int    `json:"duration"`
	MimeType     string `json:"mime_type,omitempty"`
	FileSize     int    `json:"file_size,omitempty"`
}

// Point is a Bot API Location: a point on the map.
type Point struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
}

// CallbackQuery is a press of an inline keyboard button. Message must have a non-zero Date:
// go-telegram/bot decodes a message with date 0 as an InaccessibleMessage.
type CallbackQuery struct {
	ID           string   `json:"id"`
	From         User     `json:"from"`
	Message      *Message `json:"message,omitempty"`
	ChatInstance string   `json:"chat_instance"`
	Data         string   `json:"data,omitempty"`
}

// ChatMemberUpdated reports a change of a member's status; as my_chat_member it is the bot's
// own status in a chat (in a private chat: the user blocked or unblocked the bot).
type ChatMemberUpdated struct {
	Chat          Chat       `json:"chat"`
	From          User       `json:"from"`
	Date          int64      `json:"date"`
	OldChatMember ChatMember `json:"old_chat_member"`
	NewChatMember ChatMember `json:"new_chat_member"`
}

// ChatMember is a member's status in a chat. A nil User is filled in with the bot by Push.
// go-telegram/bot rejects (the whole getUpdates batch!) a status other than "creator",
// "administrator", "member", "restricted", "left" or "kicked".
type ChatMember struct {
	User      *User  `json:"user"`
	Status    string `json:"status"`
	UntilDate *int64 `json:"until_date,omitempty"`
}
