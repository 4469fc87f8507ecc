package discordtest

import "time"

// observe registers what a dispatched event tells about channels, messages
// and interactions, and returns the payload to send.
func (s *Server) observe(t string, v any) any {
	d, ok := v.(map[string]any)
	if !ok {
		return v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch t {
	case "MESSAGE_CREATE":
		chID, _ := d["channel_id"].(string)
		gid, _ := d["guild_id"].(string)
		author, _ := d["author"].(map[string]any)
		uid, _ := author["id"].(string)
		s.learnChannelLocked(chID, gid, uid)
		if id, _ := d["id"].(string); id != "" && chID != "" {
			obj := cloneMap(d)
			delete(obj, "member")
			s.storeMessageLocked(&message{channelID: chID, obj: obj})
			if ch := s.channels[chID]; ch != nil {
				ch.lastMsg = id
			}
		}
	case "INTERACTION_CREATE":
		id, _ := d["id"].(string)
		token, _ := d["token"].(string)
		chID, _ := d["channel_id"].(string)
		gid, _ := d["guild_id"].(string)
		typ, _ := d["type"].(float64)
		user, _ := d["user"].(map[string]any)
		if member, ok := d["member"].(map[string]any); ok && user == nil {
			user, _ = member["user"].(map[string]any)
		}
		uid, _ := user["id"].(string)
		s.learnChannelLocked(chID, gid, uid)
		it := &interaction{
			id: id, token: token, channelID: chID, typ: int(typ), user: user,
			created: time.Now(), dispatched: true,
		}
		it.appID, _ = d["application_id"].(string)
		if msg, ok := d["message"].(map[string]any); ok {
			mid, _ := msg["id"].(string)
			it.componentMsgID = mid
			if stored, ok := s.messages[mid]; ok && !stored.deleted {
				d["message"] = cloneMap(stored.obj)
			}
		}
		if token != "" {
			s.interactions[token] = it
		}
		if id != "" {
			s.interactionsByID[id] = it
		}
	}
	return d
}

// Gateway intents that decide MESSAGE_* delivery.
const (
	intentGuildMessages  = 1 << 9
	intentDirectMessages = 1 << 12
	intentMessageContent = 1 << 15
)

// Dispatch sends a gateway event (op 0) with type t and data d to every
// session that identified, each with its next sequence number, and returns
// how many sessions it went to. Sessions that are disconnected but resumable
// get it on RESUME. d may be any JSON-encodable value; the builders
// (DMMessage, SlashCommand, ...) return (t, d) so they can be passed directly.
//
// The fake also learns from what it dispatches: the channels, messages and
// interactions in it become known (so the bot can answer them), and
// interactions start their answer deadline.
//
// MESSAGE_CREATE/UPDATE/DELETE follow Discord's intents (see the package
// documentation) unless the server was created WithoutIntentChecks; a skipped
// delivery is logged.
func (s *Server) Dispatch(t string, d any) int {
	v, err := normalizeJSON(d)
	if err != nil {
		panic("discordtest: Dispatch " + t + ": " + err.Error())
	}
	v = s.observe(t, v)
	return s.broadcast(t, v, true)
}

func (s *Server) broadcast(t string, d any, logSkips bool) int {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	n := 0
	for _, sess := range s.sessions {
		payload, ok := s.filterForIntents(t, d, sess.intents)
		if !ok {
			if logSkips {
				s.logf("%s not delivered to gateway session %s: its intents %d lack %s",
					t, sess.id, sess.intents, missingIntent(t, d))
			}
			continue
		}
		s.sendLocked(sess, t, payload)
		n++
	}
	if n > 0 {
		s.mu.Lock()
		s.notifyLocked()
		s.mu.Unlock()
	}
	return n
}

func isMessageEvent(t string) bool {
	return t == "MESSAGE_CREATE" || t == "MESSAGE_UPDATE" || t == "MESSAGE_DELETE"
}

func missingIntent(t string, d any) string {
	m, _ := d.(map[string]any)
	if _, guild := m["guild_id"]; guild {
		return "GUILD_MESSAGES (1<<9)"
	}
	return "DIRECT_MESSAGES (1<<12)"
}

// filterForIntents returns what a session with the given intents receives
// of an event, and whether it receives it at all.
func (s *Server) filterForIntents(t string, d any, intents int64) (any, bool) {
	if !s.cfg.intentChecks || !isMessageEvent(t) {
		return d, true
	}
	m, ok := d.(map[string]any)
	if !ok {
		return d, true
	}
	gid, guild := m["guild_id"].(string)
	guild = guild && gid != ""
	need := int64(intentDirectMessages)
	if guild {
		need = intentGuildMessages
	}
	if intents&need == 0 {
		return nil, false
	}
	if !guild || intents&intentMessageContent != 0 || t == "MESSAGE_DELETE" {
		return d, true
	}
	// Without MESSAGE_CONTENT, guild messages arrive without content unless
	// the bot wrote them or is mentioned.
	if a, ok := m["author"].(map[string]any); ok && a["id"] == s.BotID {
		return d, true
	}
	if ms, ok := m["mentions"].([]any); ok {
		for _, x := range ms {
			if u, ok := x.(map[string]any); ok && u["id"] == s.BotID {
				return d, true
			}
		}
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = v
	}
	c["content"] = ""
	c["embeds"] = []any{}
	c["attachments"] = []any{}
	c["components"] = []any{}
	return c, true
}
