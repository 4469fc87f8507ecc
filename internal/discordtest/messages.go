package discordtest

import (
	"net/http"
	"strconv"
	"time"
)

// Messages returns the current state (after edits) of all messages in a
// channel the fake knows of, oldest first, as Discord's message objects:
// messages posted over REST, interaction responses and follow-ups (the
// ephemeral ones too, with flags 64) and messages dispatched to the bot.
func (s *Server) Messages(channelID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, id := range s.channelMsgs[channelID] {
		if m, ok := s.messages[id]; ok && !m.deleted {
			out = append(out, cloneMap(m.obj))
		}
	}
	return out
}

// Message returns the current state of one message, if the fake knows it.
func (s *Server) Message(messageID string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.messages[messageID]
	if !ok || m.deleted {
		return nil, false
	}
	return cloneMap(m.obj), true
}

type message struct {
	channelID string
	obj       map[string]any
	deleted   bool
}

func nonceString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return ""
}

func (s *Server) postMessage(c *Call, p []string) response {
	ch, ok := s.channels[p[0]]
	if !ok {
		return errResp(http.StatusNotFound, 10003, "")
	}
	if ch.guildID == "" && s.cannotDM[ch.recipient] {
		return errResp(http.StatusForbidden, 50007, "")
	}
	nonce := nonceString(c.Body["nonce"])
	if len(nonce) > 25 {
		return formError([]string{"nonce"}, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	enforce, _ := c.Body["enforce_nonce"].(bool)
	key := ch.id + "\x00" + nonce
	if enforce && nonce != "" {
		if id, ok := s.nonces[key]; ok {
			if m, ok := s.messages[id]; ok {
				return response{status: http.StatusOK, body: cloneMap(m.obj), dedup: true}
			}
		}
	}
	if resp, ok := validateMessage(c.Body, c.Files, true); !ok {
		return resp
	}
	m := s.newMessageLocked(ch.id, c.Body, c.Files, s.botUser())
	if nonce != "" {
		m.obj["nonce"] = c.Body["nonce"]
		if _, seen := s.nonces[key]; !seen {
			s.nonces[key] = m.obj["id"].(string)
		}
	}
	return response{status: http.StatusOK, body: cloneMap(m.obj), echo: []echoEvent{s.echoOf("MESSAGE_CREATE", m)}}
}

func (s *Server) getMessage(_ *Call, p []string) response {
	m, ok := s.messages[p[1]]
	if !ok || m.deleted || m.channelID != p[0] {
		return errResp(http.StatusNotFound, 10008, "")
	}
	return jsonResp(http.StatusOK, cloneMap(m.obj))
}

func (s *Server) patchMessage(c *Call, p []string) response {
	if _, ok := s.channels[p[0]]; !ok {
		return errResp(http.StatusNotFound, 10003, "")
	}
	m, ok := s.messages[p[1]]
	if !ok || m.deleted || m.channelID != p[0] {
		return errResp(http.StatusNotFound, 10008, "")
	}
	if a, _ := m.obj["author"].(map[string]any); a == nil || a["id"] != s.BotID {
		return errResp(http.StatusForbidden, 50005, "")
	}
	return s.editMessageLocked(m, c)
}

func (s *Server) deleteMessage(_ *Call, p []string) response {
	m, ok := s.messages[p[1]]
	if !ok || m.deleted || m.channelID != p[0] {
		return errResp(http.StatusNotFound, 10008, "")
	}
	m.deleted = true
	return noContent()
}

// newMessageLocked stores a message created from a request body.
func (s *Server) newMessageLocked(channelID string, body map[string]any, files []File, author map[string]any) *message {
	id := NewID()
	obj := messageObject(id, channelID, author, "")
	if ch, ok := s.channels[channelID]; ok {
		if ch.guildID != "" {
			obj["guild_id"] = ch.guildID
		}
		ch.lastMsg = id
	}
	applyMessageFields(obj, body)
	obj["attachments"] = s.attachmentsLocked(channelID, body, files, nil)
	m := &message{channelID: channelID, obj: obj}
	s.storeMessageLocked(m)
	return m
}

func (s *Server) storeMessageLocked(m *message) {
	id, _ := m.obj["id"].(string)
	if _, dup := s.messages[id]; !dup {
		s.channelMsgs[m.channelID] = append(s.channelMsgs[m.channelID], id)
	}
	s.messages[id] = m
}

// applyMessageFields copies the message fields present in body onto obj.
func applyMessageFields(obj, body map[string]any) {
	for _, k := range []string{"content", "embeds", "components", "tts", "flags", "poll", "message_reference", "sticker_ids"} {
		v, ok := body[k]
		if !ok {
			continue
		}
		switch k {
		case "content":
			s, _ := v.(string)
			obj[k] = s
		case "embeds", "components", "sticker_ids":
			if v == nil {
				v = []any{}
			}
			obj[k] = cloneJSON(v)
		case "tts":
			b, _ := v.(bool)
			obj[k] = b
		case "flags":
			f, _ := v.(float64)
			obj[k] = int(f)
		default:
			if v != nil {
				obj[k] = cloneJSON(v)
			}
		}
	}
}

func (s *Server) editMessageLocked(m *message, c *Call) response {
	if resp, ok := validateMessage(c.Body, c.Files, false); !ok {
		return resp
	}
	applyMessageFields(m.obj, c.Body)
	if _, ok := c.Body["attachments"]; ok || len(c.Files) > 0 {
		existing, _ := m.obj["attachments"].([]any)
		m.obj["attachments"] = s.attachmentsLocked(m.channelID, c.Body, c.Files, existing)
	}
	if f, ok := m.obj["flags"].(int); ok {
		m.obj["flags"] = f &^ 128 // an edit ends the "thinking" state
	}
	m.obj["edited_timestamp"] = timestamp(time.Now())
	return response{status: http.StatusOK, body: cloneMap(m.obj), echo: []echoEvent{s.echoOf("MESSAGE_UPDATE", m)}}
}

func (s *Server) echoOf(t string, m *message) echoEvent {
	d := cloneMap(m.obj)
	if f, _ := d["flags"].(int); f&64 != 0 {
		return echoEvent{} // ephemeral messages are not dispatched
	}
	if gid, _ := d["guild_id"].(string); gid != "" {
		d["member"] = memberObject(nil, time.Now().Add(-24*time.Hour))
	}
	return echoEvent{t: t, d: d}
}
