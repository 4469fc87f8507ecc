package telegramtest

import (
	"fmt"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf16"
)

// MessageOption adjusts a message made by a builder (PrivateText, Photo, ...).
type MessageOption func(*Message)

// WithFirstName sets the sender's first name (and the private chat's).
func WithFirstName(name string) MessageOption {
	return func(m *Message) {
		if m.From != nil {
			m.From.FirstName = name
		}
		if m.Chat.Type == "private" {
			m.Chat.FirstName = name
		}
	}
}

// WithUsername sets the sender's @username, without the "@" (and the private chat's).
func WithUsername(username string) MessageOption {
	return func(m *Message) {
		if m.From != nil {
			m.From.Username = username
		}
		if m.Chat.Type == "private" {
			m.Chat.Username = username
		}
	}
}

// WithLanguage sets the sender's language_code (the IETF tag of the client app's language);
// "" leaves it out, as Telegram sometimes does.
func WithLanguage(code string) MessageOption {
	return func(m *Message) {
		if m.From != nil {
			m.From.LanguageCode = code
		}
	}
}

// WithCaption sets a media message's caption.
func WithCaption(caption string) MessageOption {
	return func(m *Message) { m.Caption = caption }
}

// WithMessageID sets the message_id instead of a fresh one.
func WithMessageID(id int) MessageOption {
	return func(m *Message) { m.MessageID = id }
}

// WithDate sets the message's date (Unix seconds on the wire).
func WithDate(t time.Time) MessageOption {
	return func(m *Message) { m.Date = t.Unix() }
}

var (
	messageSeq  atomic.Int64 // message ids, shared by builders and every Server
	fileSeq     atomic.Int64 // file ids
	callbackSeq atomic.Int64 // callback query ids
	webhookSeq  atomic.Int64 // update ids for PostWebhook
)

func nextMessageID() int { return int(messageSeq.Add(1)) + 100 }

func nextFileID(prefix string) (id, unique string) {
	n := fileSeq.Add(1)
	return fmt.Sprintf("%sAAxkBAAI%08d", prefix, n), fmt.Sprintf("AQAD%06d", n)
}

func user(id int64) User {
	return User{ID: id, FirstName: "Client " + strconv.FormatInt(id, 10), LanguageCode: "en"}
}

func privateChat(u User) Chat {
	return Chat{ID: u.ID, Type: "private", FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
}

func groupChat(id int64) Chat {
	if id <= -1000000000000 {
		return Chat{ID: id, Type: "supergroup", Title: "Test supergroup"}
	}
	return Chat{ID: id, Type: "group", Title: "Test group"}
}

func privateMessage(userID int64, opts []MessageOption) *Message {
	u := user(userID)
	m := &Message{MessageID: nextMessageID(), From: &u, Date: time.Now().Unix(), Chat: privateChat(u)}
	for _, o := range opts {
		o(m)
	}
	return m
}

// PrivateText is a text message from userID in its private chat with the bot (chat.id equals
// the user id). A "/command" token gets a bot_command entity, as Telegram adds one.
func PrivateText(userID int64, text string, opts ...MessageOption) Update {
	m := privateMessage(userID, nil)
	m.Text, m.Entities = text, commandEntities(text)
	for _, o := range opts {
		o(m)
	}
	return Update{Message: m}
}

// GroupText is a text message from userID in the group chatID: a "supergroup" when chatID has
// the -100… form, else a "group".
func GroupText(chatID, userID int64, text string, opts ...MessageOption) Update {
	u := user(userID)
	m := &Message{MessageID: nextMessageID(), From: &u, Date: time.Now().Unix(), Chat: groupChat(chatID),
		Text: text, Entities: commandEntities(text)}
	for _, o := range opts {
		o(m)
	}
	return Update{Message: m}
}

// EditedText is userID's edit of their message messageID in the private chat: an
// edited_message with edit_date.
func EditedText(userID int64, messageID int, text string, opts ...MessageOption) Update {
	m := privateMessage(userID, nil)
	m.MessageID, m.Text, m.Entities = messageID, text, commandEntities(text)
	m.Date = time.Now().Add(-time.Minute).Unix()
	m.EditDate = time.Now().Unix()
	for _, o := range opts {
		o(m)
	}
	return Update{EditedMessage: m}
}

// Callback is userID pressing a button with callback data on the bot's message messageID in
// their private chat. Push completes the message (sender, text, keyboard, date) from what the
// bot sent through the Server, when it knows that message.
func Callback(userID int64, messageID int, data string) Update {
	u := user(userID)
	return Update{CallbackQuery: &CallbackQuery{
		ID:           strconv.FormatInt(4382000000000000000+callbackSeq.Add(1), 10),
		From:         u,
		Message:      &Message{MessageID: messageID, Date: time.Now().Add(-time.Minute).Unix(), Chat: privateChat(u)},
		ChatInstance: strconv.FormatInt(-(userID*2654435761)%1000000000000000000, 10),
		Data:         data,
	}}
}

// Sticker is a sticker message from userID in the private chat.
func Sticker(userID int64, opts ...MessageOption) Update {
	m := privateMessage(userID, nil)
	id, uid := nextFileID("CAACAgIA")
	m.Sticker = &StickerFile{FileID: id, FileUniqueID: uid, Type: "regular", Width: 512, Height: 512,
		Emoji: "🙂", SetName: "TestStickers", FileSize: 23456}
	for _, o := range opts {
		o(m)
	}
	return Update{Message: m}
}

// Photo is a photo message from userID in the private chat, in the four sizes Telegram makes.
func Photo(userID int64, opts ...MessageOption) Update {
	m := privateMessage(userID, nil)
	m.Photo = photoSizes(1280, 960, 180000)
	for _, o := range opts {
		o(m)
	}
	return Update{Message: m}
}

// Voice is a voice note of the given length from userID in the private chat.
func Voice(userID int64, seconds int, opts ...MessageOption) Update {
	m := privateMessage(userID, nil)
	id, uid := nextFileID("AwACAgIA")
	m.Voice = &VoiceFile{FileID: id, FileUniqueID: uid, Duration: seconds, MimeType: "audio/ogg", FileSize: 2000 * seconds}
	for _, o := range opts {
		o(m)
	}
	return Update{Message: m}
}

// Location is a shared location from userID in the private chat.
func Location(userID int64, latitude, longitude float64, opts ...MessageOption) Update {
	m := privateMessage(userID, nil)
	m.Location = &Point{Latitude: latitude, Longitude: longitude}
	for _, o := range opts {
		o(m)
	}
	return Update{Message: m}
}

// Kicked is userID blocking the bot: my_chat_member in the private chat with the bot's status
// going from "member" to "kicked". Pushing it also blocks the chat (see BlockUser).
func Kicked(userID int64) Update {
	return memberChange(userID, "member", "kicked")
}

// Unblocked is userID unblocking (restarting) the bot: my_chat_member from "kicked" to
// "member". Pushing it also unblocks the chat.
func Unblocked(userID int64) Update {
	return memberChange(userID, "kicked", "member")
}

func memberChange(userID int64, from, to string) Update {
	u := user(userID)
	member := func(status string) ChatMember {
		m := ChatMember{Status: status}
		if status == "kicked" {
			m.UntilDate = new(int64)
		}
		return m
	}
	return Update{MyChatMember: &ChatMemberUpdated{Chat: privateChat(u), From: u, Date: time.Now().Unix(),
		OldChatMember: member(from), NewChatMember: member(to)}}
}

// photoSizes are the sizes Telegram keeps of a w×h photo: longest side 90, 320, 800, 1280
// (never larger than the original, which is always kept at most 2560).
func photoSizes(w, h, size int) []PhotoSize {
	long := max(w, h)
	var out []PhotoSize
	for _, side := range []int{90, 320, 800, 1280, 2560} {
		if side >= long {
			side = long
		}
		sw, sh := w*side/long, h*side/long
		id, uid := nextFileID("AgACAgIA")
		out = append(out, PhotoSize{FileID: id, FileUniqueID: uid, Width: max(sw, 1), Height: max(sh, 1),
			FileSize: max(size*side*side/(long*long), 1)})
		if side == long || len(out) == 4 {
			break
		}
	}
	return out
}

// commandEntities finds "/command" and "/command@bot" tokens as Telegram marks them.
func commandEntities(text string) []MessageEntity {
	var out []MessageEntity
	u := utf16.Encode([]rune(text))
	word := func(c uint16) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for i := 0; i < len(u); i++ {
		if u[i] != '/' || (i > 0 && u[i-1] != ' ' && u[i-1] != '\n' && u[i-1] != '\t') {
			continue
		}
		j := i + 1
		for j < len(u) && word(u[j]) {
			j++
		}
		if j == i+1 {
			continue
		}
		if j < len(u) && u[j] == '@' {
			k := j + 1
			for k < len(u) && word(u[k]) {
				k++
			}
			if k > j+1 {
				j = k
			}
		}
		out = append(out, MessageEntity{Type: "bot_command", Offset: i, Length: j - i})
		i = j
	}
	return out
}
