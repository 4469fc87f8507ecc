package discordtest

import "net/http"

// webhookInteraction finds the interaction behind /webhooks/{app}/{token}.
func (s *Server) webhookInteraction(p []string) (*interaction, response, bool) {
	it := s.interactions[p[1]]
	if it == nil || (it.appID != "" && it.appID != p[0]) {
		return nil, errResp(http.StatusNotFound, 10015, ""), false
	}
	if !it.acked {
		// Follow-ups and edits need the initial response first.
		return nil, errResp(http.StatusNotFound, 10015, ""), false
	}
	return it, response{}, true
}

func (s *Server) webhookMessageLocked(it *interaction, mid string) (*message, response, bool) {
	if mid == "@original" {
		mid = it.originalMessageID
	}
	m, ok := s.messages[mid]
	if mid == "" || !ok || m.deleted {
		return nil, errResp(http.StatusNotFound, 10008, ""), false
	}
	return m, response{}, true
}

func (s *Server) webhookExecute(c *Call, p []string) response {
	it, resp, ok := s.webhookInteraction(p)
	if !ok {
		return resp
	}
	if resp, ok := validateMessage(c.Body, c.Files, true); !ok {
		return resp
	}
	m := s.interactionMessageLocked(it, c.Body, c.Files)
	echo := []echoEvent{s.echoOf("MESSAGE_CREATE", m)}
	if c.Query.Get("wait") != "true" {
		return response{status: http.StatusNoContent, echo: echo}
	}
	return response{status: http.StatusOK, body: cloneMap(m.obj), echo: echo}
}

func (s *Server) webhookGetMessage(_ *Call, p []string) response {
	it, resp, ok := s.webhookInteraction(p)
	if !ok {
		return resp
	}
	m, resp, ok := s.webhookMessageLocked(it, p[2])
	if !ok {
		return resp
	}
	return jsonResp(http.StatusOK, cloneMap(m.obj))
}

func (s *Server) webhookEditMessage(c *Call, p []string) response {
	it, resp, ok := s.webhookInteraction(p)
	if !ok {
		return resp
	}
	m, resp, ok := s.webhookMessageLocked(it, p[2])
	if !ok {
		return resp
	}
	return s.editMessageLocked(m, c)
}

func (s *Server) webhookDeleteMessage(_ *Call, p []string) response {
	it, resp, ok := s.webhookInteraction(p)
	if !ok {
		return resp
	}
	m, resp, ok := s.webhookMessageLocked(it, p[2])
	if !ok {
		return resp
	}
	m.deleted = true
	return noContent()
}
