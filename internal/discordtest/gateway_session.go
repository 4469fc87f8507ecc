package discordtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"
)

// Identify is one IDENTIFY (op 2) the gateway received.
type Identify struct {
	// Token is the token sent, usually "Bot <token>" with discordgo.
	Token string
	// Intents is the intents bit field.
	Intents int64
	// Shard is the [shard_id, num_shards] pair, nil when not sent.
	Shard []int
	// Raw is the whole "d" object.
	Raw map[string]any
	// At is when the IDENTIFY arrived.
	At time.Time
}

// Identified returns how many IDENTIFYs the gateway accepted.
func (s *Server) Identified() int {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	return len(s.identifies)
}

// Identifies returns the IDENTIFYs the gateway accepted.
func (s *Server) Identifies() []Identify {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	return append([]Identify(nil), s.identifies...)
}

// Resumed returns how many RESUMEs the gateway accepted.
func (s *Server) Resumed() int {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	return s.resumes
}

// Heartbeats returns how many heartbeats (op 1) the gateway received.
func (s *Server) Heartbeats() int {
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	return s.heartbeats
}

// sessionLogSize is how many dispatches a session keeps for RESUME replay.
const sessionLogSize = 1000

type gwSession struct {
	id      string
	token   string
	intents int64
	seq     int64
	conn    *gwConn // nil while disconnected (resumable)
	log     []loggedFrame
}

type loggedFrame struct {
	seq int64
	raw []byte
}

func dispatchFrame(seq int64, t string, d any) ([]byte, error) {
	return json.Marshal(frame{Op: 0, D: d, S: &seq, T: &t})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func sameToken(a, b string) bool {
	return strings.TrimPrefix(a, "Bot ") == strings.TrimPrefix(b, "Bot ")
}

// identify handles op 2; it returns false when the connection was closed.
func (s *Server) identify(c *gwConn, raw json.RawMessage) bool {
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		c.closeWith(4002, "Error while decoding payload.")
		return false
	}
	token, _ := d["token"].(string)
	intents, _ := d["intents"].(float64)
	var shard []int
	if sh, ok := d["shard"].([]any); ok {
		for _, x := range sh {
			f, _ := x.(float64)
			shard = append(shard, int(f))
		}
	}
	if s.cfg.token != "" && !sameToken(token, s.cfg.token) {
		c.closeWith(4004, "Authentication failed.")
		return false
	}

	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	if c.sess != nil {
		c.closeWith(4005, "Already authenticated.")
		return false
	}
	sess := &gwSession{id: randomHex(16), token: token, intents: int64(intents), conn: c}
	ready := map[string]any{
		"v":                  c.version,
		"user":               s.botUser(),
		"guilds":             []any{},
		"private_channels":   []any{},
		"relationships":      []any{},
		"presences":          []any{},
		"session_id":         sess.id,
		"session_type":       "normal",
		"resume_gateway_url": s.GatewayURL,
		"application":        map[string]any{"id": s.AppID, "flags": 0},
		"_trace":             []any{"[\"discordtest\"]"},
	}
	if shard != nil {
		ready["shard"] = shard
	}
	s.sendLocked(sess, "READY", ready)
	if sess.conn == nil { // write failed
		return false
	}
	c.sess = sess
	s.sessions[sess.id] = sess
	s.identifies = append(s.identifies, Identify{
		Token: token, Intents: int64(intents), Shard: shard, Raw: d, At: time.Now(),
	})
	s.syncConnectedLocked()
	return true
}

// resume handles op 6; it returns false when the connection was closed.
func (s *Server) resume(c *gwConn, raw json.RawMessage) bool {
	var d struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		c.closeWith(4002, "Error while decoding payload.")
		return false
	}
	if s.cfg.token != "" && !sameToken(d.Token, s.cfg.token) {
		c.closeWith(4004, "Authentication failed.")
		return false
	}
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	if c.sess != nil {
		c.closeWith(4005, "Already authenticated.")
		return false
	}
	sess := s.sessions[d.SessionID]
	if sess == nil || !sameToken(sess.token, d.Token) {
		// Not resumable: the client should identify again.
		return c.write(frame{Op: 9, D: false}) == nil
	}
	if old := sess.conn; old != nil && old != c {
		old.sess = nil
		_ = old.ws.Close()
	}
	sess.conn = c
	c.sess = sess
	for _, f := range sess.log {
		if f.seq > d.Seq {
			if err := c.writeRaw(f.raw); err != nil {
				sess.conn = nil
				return false
			}
		}
	}
	s.sendLocked(sess, "RESUMED", map[string]any{"_trace": []any{"[\"discordtest\"]"}})
	if sess.conn == nil {
		return false
	}
	s.resumes++
	s.syncConnectedLocked()
	return true
}

// syncConnectedLocked mirrors the number of settled sessions (attached, and
// heartbeating on their current connection) and of attached but not yet
// settled ones into s.mu state, and wakes waiters; gwMu must be held.
func (s *Server) syncConnectedLocked() {
	settled, pending := 0, 0
	for _, sess := range s.sessions {
		switch {
		case sess.conn == nil:
		case sess.conn.beats > 0:
			settled++
		default:
			pending++
		}
	}
	s.mu.Lock()
	s.connected = settled
	s.unsettled = pending
	s.notifyLocked()
	s.mu.Unlock()
}

// settleTimeout bounds how long Disconnect and RequestReconnect wait for
// clients to start heartbeating.
const settleTimeout = 5 * time.Second

// waitSettled waits until no session is attached without having sent a
// heartbeat on its current connection.
func (s *Server) waitSettled() {
	s.waitUntil(settleTimeout, func() bool { return s.unsettled == 0 })
}

// sendLocked numbers, logs and (when connected) writes one dispatch to a
// session; gwMu must be held. A failed write detaches the session.
func (s *Server) sendLocked(sess *gwSession, t string, d any) {
	sess.seq++
	raw, err := dispatchFrame(sess.seq, t, d)
	if err != nil {
		panic("discordtest: cannot encode " + t + ": " + err.Error())
	}
	sess.log = append(sess.log, loggedFrame{seq: sess.seq, raw: raw})
	if len(sess.log) > sessionLogSize {
		sess.log = sess.log[len(sess.log)-sessionLogSize:]
	}
	if sess.conn != nil {
		if err := sess.conn.writeRaw(raw); err != nil {
			_ = sess.conn.ws.Close()
			sess.conn = nil
		}
	}
}
