package telegramtest

import (
	"strconv"
	"strings"
	"time"
)

// msgKey identifies a message: ids are per chat in Telegram.
type msgKey struct {
	chat int64
	id   int
}

// stored is a message the bot sent, kept for edits and callback queries.
type stored struct {
	msg    Message
	markup string // canonical inline keyboard JSON, "" if none
}

// chat resolves the call's chat_id.
func (s *Server) chat(c Call) (Chat, *Fault) {
	raw := c.Fields["chat_id"]
	if raw == "" {
		return Chat{}, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id == 0 {
		return Chat{}, badRequest("chat not found")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.chats[id]; ok {
		return ch, nil
	}
	if id > 0 {
		return Chat{ID: id, Type: "private", FirstName: "Client " + raw}, nil
	}
	return groupChat(id), nil
}

// newMessage is a fresh message from the bot in chat.
func (s *Server) newMessage(chat Chat) Message {
	me := s.me
	return Message{MessageID: nextMessageID(), From: &me, Date: time.Now().Unix(), Chat: chat}
}

func (s *Server) store(m Message, markup string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages[msgKey{m.Chat.ID, m.MessageID}] = &stored{msg: m, markup: markup}
}

func sendMessage(s *Server, c Call) (any, *Fault) {
	chat, f := s.chat(c)
	if f != nil {
		return nil, f
	}
	text, f := formatText(c.Fields["text"], c.Fields["parse_mode"], maxTextLen, "message text is empty", "message is too long")
	if f != nil {
		return nil, f
	}
	markup, f := replyMarkup(c.Fields["reply_markup"])
	if f != nil {
		return nil, f
	}
	m := s.newMessage(chat)
	m.Text = text
	m.ReplyMarkup = rawOrNil(markup)
	s.store(m, markup)
	return m, nil
}

func sendChatAction(s *Server, c Call) (any, *Fault) {
	if _, f := s.chat(c); f != nil {
		return nil, f
	}
	if c.Fields["action"] == "" {
		return nil, badRequest("action is empty")
	}
	return true, nil
}

// editMessage implements editMessageText, editMessageCaption and editMessageReplyMarkup.
func editMessage(s *Server, c Call) (any, *Fault) {
	var text, caption string
	var f *Fault
	switch c.Method {
	case "editMessageText":
		text, f = formatText(c.Fields["text"], c.Fields["parse_mode"], maxTextLen, "message text is empty", "message is too long")
	case "editMessageCaption":
		caption, f = formatText(c.Fields["caption"], c.Fields["parse_mode"], maxCaptionLen, "", "message caption is too long")
	}
	if f != nil {
		return nil, f
	}
	markup, f := replyMarkup(c.Fields["reply_markup"])
	if f != nil {
		return nil, f
	}
	if markup != "" && !strings.Contains(markup, `"inline_keyboard"`) {
		return nil, badRequest("can't parse inline keyboard markup JSON object")
	}
	if c.Fields["inline_message_id"] != "" {
		return true, nil
	}
	chat, id, f := s.chatMessage(c)
	if f != nil {
		return nil, f
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st, known := s.messages[msgKey{chat.ID, id}]
	if !known { // not sent through this server: take the bot's word for it
		me := s.me
		st = &stored{msg: Message{MessageID: id, From: &me, Date: time.Now().Add(-time.Minute).Unix(), Chat: chat}}
		if c.Method == "editMessageText" {
			st.msg.Text = "…"
		}
	}
	next := *st
	next.markup = markup
	switch c.Method {
	case "editMessageText":
		if st.msg.Text == "" {
			return nil, badRequest("there is no text in the message to edit")
		}
		next.msg.Text = text
	case "editMessageCaption":
		if st.msg.Text != "" {
			return nil, badRequest("there is no caption in the message to edit")
		}
		next.msg.Caption = caption
	}
	if known && next.msg.Text == st.msg.Text && next.msg.Caption == st.msg.Caption && next.markup == st.markup {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	next.msg.EditDate = time.Now().Unix()
	next.msg.ReplyMarkup = rawOrNil(markup)
	s.messages[msgKey{chat.ID, id}] = &next
	return next.msg, nil
}

// chatMessage reads the chat_id and message_id of a call about one message.
func (s *Server) chatMessage(c Call) (Chat, int, *Fault) {
	chat, f := s.chat(c)
	if f != nil {
		return Chat{}, 0, f
	}
	id, err := strconv.Atoi(c.Fields["message_id"])
	if err != nil || id <= 0 {
		return Chat{}, 0, badRequest("message identifier is not specified")
	}
	return chat, id, nil
}

func deleteMessage(s *Server, c Call) (any, *Fault) {
	chat, id, f := s.chatMessage(c)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.messages, msgKey{chat.ID, id})
	return true, nil
}
