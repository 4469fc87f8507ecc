package discordtest

import (
	"net/http"
	"time"
)

type interaction struct {
	id, token, appID  string
	channelID         string
	typ               int
	user              map[string]any
	created           time.Time
	dispatched        bool
	acked             bool
	componentMsgID    string
	originalMessageID string
}

// Interaction callback types.
const (
	cbPong                   = 1
	cbChannelMessage         = 4
	cbDeferredChannelMessage = 5
	cbDeferredUpdateMessage  = 6
	cbUpdateMessage          = 7
	cbAutocomplete           = 8
	cbModal                  = 9
	cbPremiumRequired        = 10
	cbLaunchActivity         = 12
)

func (s *Server) interactionCallback(c *Call, p []string) response {
	id, token := p[0], p[1]
	it := s.interactionsByID[id]
	if it != nil && it.token != token {
		return errResp(http.StatusNotFound, 10062, "")
	}
	if it == nil {
		// Not dispatched through the fake: accept it without deadline.
		it = &interaction{id: id, token: token, created: time.Now()}
		s.interactionsByID[id] = it
		s.interactions[token] = it
	}
	if it.acked {
		return errResp(http.StatusBadRequest, 40060, "")
	}
	if it.dispatched && s.cfg.deadline > 0 && time.Since(it.created) > s.cfg.deadline {
		return errResp(http.StatusNotFound, 10062, "")
	}
	typ := intOf(c.Body["type"], 0)
	data, _ := c.Body["data"].(map[string]any)
	if data == nil {
		data = map[string]any{}
	}
	var echo []echoEvent
	switch typ {
	case cbPong, cbAutocomplete, cbModal, cbPremiumRequired, cbLaunchActivity:
	case cbChannelMessage:
		if resp, ok := validateMessage(data, c.Files, true); !ok {
			return prefixFormError(resp, "data")
		}
		m := s.interactionMessageLocked(it, data, c.Files)
		it.originalMessageID = m.obj["id"].(string)
		echo = append(echo, s.echoOf("MESSAGE_CREATE", m))
	case cbDeferredChannelMessage:
		flags := intOf(data["flags"], 0) & 64
		m := s.interactionMessageLocked(it, map[string]any{"flags": float64(flags | 128)}, nil)
		it.originalMessageID = m.obj["id"].(string)
		echo = append(echo, s.echoOf("MESSAGE_CREATE", m))
	case cbDeferredUpdateMessage, cbUpdateMessage:
		if it.typ != 0 && it.typ != 3 && it.typ != 5 {
			return errResp(http.StatusBadRequest, 50035, "Interaction response type is not valid for this interaction")
		}
		if typ == cbUpdateMessage {
			if resp, ok := validateMessage(data, c.Files, false); !ok {
				return prefixFormError(resp, "data")
			}
		}
		it.originalMessageID = it.componentMsgID
		if m, ok := s.messages[it.componentMsgID]; ok && typ == cbUpdateMessage {
			applyMessageFields(m.obj, data)
			if _, ok := data["attachments"]; ok || len(c.Files) > 0 {
				existing, _ := m.obj["attachments"].([]any)
				m.obj["attachments"] = s.attachmentsLocked(m.channelID, data, c.Files, existing)
			}
			m.obj["edited_timestamp"] = timestamp(time.Now())
			echo = append(echo, s.echoOf("MESSAGE_UPDATE", m))
		}
	default:
		return formError([]string{"type"}, "BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.")
	}
	it.acked = true
	return response{status: http.StatusNoContent, echo: echo}
}

// prefixFormError nests a 50035 error under field (interaction responses
// carry the message under "data").
func prefixFormError(r response, field string) response {
	if m, ok := r.body.(map[string]any); ok {
		if errs, ok := m["errors"]; ok {
			m["errors"] = map[string]any{field: errs}
		}
	}
	return r
}

// interactionMessageLocked creates a message sent through an interaction
// (initial response or follow-up).
func (s *Server) interactionMessageLocked(it *interaction, data map[string]any, files []File) *message {
	m := s.newMessageLocked(it.channelID, data, files, s.botUser())
	appID := it.appID
	if appID == "" {
		appID = s.AppID
	}
	m.obj["application_id"] = appID
	m.obj["webhook_id"] = appID
	if it.typ == 2 {
		m.obj["type"] = 20 // CHAT_INPUT_COMMAND
	}
	meta := map[string]any{"id": it.id, "type": it.typ}
	if it.user != nil {
		meta["user"] = cloneMap(it.user)
	}
	m.obj["interaction_metadata"] = meta
	return m
}
