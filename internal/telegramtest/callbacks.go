package telegramtest

import (
	"fmt"
	"unicode/utf8"
)

func answerCallbackQuery(s *Server, c Call) (any, *Fault) {
	id := c.Fields["callback_query_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	answered, known := s.callbacks[id]
	if id == "" || (known && answered) {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf8.RuneCountInString(c.Fields["text"]) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	if known {
		s.callbacks[id] = true
	}
	return true, nil
}

// Button finds the callback data of the newest inline button with the label in the chat, and
// the id of the message it is under.
func (s *Server) Button(chat int64, label string) (data string, messageID int, err error) {
	sent := s.Sent(chat)
	for i := len(sent) - 1; i >= 0; i-- {
		var kb struct {
			InlineKeyboard [][]struct {
				Text         string `json:"text"`
				CallbackData string `json:"callback_data"`
			} `json:"inline_keyboard"`
		}
		if sent[i].Decode("reply_markup", &kb) != nil {
			continue
		}
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if b.Text == label {
					return b.CallbackData, sent[i].MessageID, nil
				}
			}
		}
	}
	return "", 0, fmt.Errorf("chat %d: no button %q", chat, label)
}
