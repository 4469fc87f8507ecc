package discordtest

import "net/http"

// DMChannel returns the ID of the DM channel between the bot and userID,
// creating it if needed. POST /users/@me/channels answers with the same ID.
func (s *Server) DMChannel(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dmChannelLocked(userID).id
}

// AddGuildChannel makes the fake know a text channel of a guild, so that the
// bot can post to it.
func (s *Server) AddGuildChannel(guildID, channelID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.channels[channelID]; !ok {
		s.channels[channelID] = &channel{id: channelID, guildID: guildID}
	}
}

type channel struct {
	id        string
	guildID   string // empty for DMs
	recipient string // DM recipient user ID
	lastMsg   string
}

func (c *channel) object() map[string]any {
	var last any
	if c.lastMsg != "" {
		last = c.lastMsg
	}
	if c.guildID == "" {
		return map[string]any{
			"id":              c.id,
			"type":            1,
			"last_message_id": last,
			"flags":           0,
			"recipients":      []any{userObject(c.recipient, false)},
		}
	}
	return map[string]any{
		"id":                    c.id,
		"type":                  0,
		"guild_id":              c.guildID,
		"name":                  "channel-" + c.id,
		"position":              0,
		"permission_overwrites": []any{},
		"nsfw":                  false,
		"parent_id":             nil,
		"topic":                 nil,
		"rate_limit_per_user":   0,
		"last_message_id":       last,
		"flags":                 0,
	}
}

func (s *Server) createDM(c *Call, _ []string) response {
	uid, _ := c.Body["recipient_id"].(string)
	if uid == "" {
		return formError([]string{"recipient_id"}, "BASE_TYPE_REQUIRED", "This field is required")
	}
	return jsonResp(http.StatusOK, s.dmChannelLocked(uid).object())
}

func (s *Server) dmChannelLocked(userID string) *channel {
	if id, ok := s.dms[userID]; ok {
		return s.channels[id]
	}
	ch := &channel{id: NewID(), recipient: userID}
	s.channels[ch.id] = ch
	s.dms[userID] = ch.id
	return ch
}

func (s *Server) getChannel(_ *Call, p []string) response {
	ch, ok := s.channels[p[0]]
	if !ok {
		return errResp(http.StatusNotFound, 10003, "")
	}
	return jsonResp(http.StatusOK, ch.object())
}

func (s *Server) typing(_ *Call, p []string) response {
	ch, ok := s.channels[p[0]]
	if !ok {
		return errResp(http.StatusNotFound, 10003, "")
	}
	if ch.guildID == "" && s.cannotDM[ch.recipient] {
		return errResp(http.StatusForbidden, 50007, "")
	}
	return noContent()
}

func (s *Server) learnChannelLocked(channelID, guildID, userID string) {
	if channelID == "" {
		return
	}
	if _, ok := s.channels[channelID]; ok {
		return
	}
	if guildID != "" {
		s.channels[channelID] = &channel{id: channelID, guildID: guildID}
		return
	}
	if userID == "" || userID == s.BotID {
		return
	}
	s.channels[channelID] = &channel{id: channelID, recipient: userID}
	if _, ok := s.dms[userID]; !ok {
		s.dms[userID] = channelID
	}
}
