package discordtest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway intents that decide MESSAGE_* delivery.
const (
	intentGuildMessages  = 1 << 9
	intentDirectMessages = 1 << 12
	intentMessageContent = 1 << 15
)

// sessionLogSize is how many dispatches a session keeps for RESUME replay.
const sessionLogSize = 1000

const writeTimeout = 5 * time.Second

var upgrader = websocket.Upgrader{
	CheckOrigin: func(*http.Request) bool { return true },
}

type gwConn struct {
	ws      *websocket.Conn
	version int
	wmu     sync.Mutex
	sess    *gwSession // guarded by Server.gwMu
	beats   int        // heartbeats received; guarded by Server.gwMu
}

func (c *gwConn) write(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.writeRaw(b)
}

func (c *gwConn) writeRaw(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *gwConn) closeWith(code int, text string) {
	c.wmu.Lock()
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	c.wmu.Unlock()
	_ = c.ws.Close()
}

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

type frame struct {
	Op int     `json:"op"`
	D  any     `json:"d"`
	S  *int64  `json:"s"`
	T  *string `json:"t"`
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

// serveGateway runs one gateway connection until it closes.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &gwConn{ws: ws, version: 9}
	if v, err := strconv.Atoi(r.URL.Query().Get("v")); err == nil {
		c.version = v
	}
	s.gwMu.Lock()
	if s.gwClosed {
		s.gwMu.Unlock()
		_ = ws.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.gwMu.Unlock()
	defer s.wg.Done()

	closeCode := websocket.CloseAbnormalClosure
	defer func() { s.dropConn(c, closeCode) }()

	hello := frame{Op: 10, D: map[string]any{
		"heartbeat_interval": s.cfg.heartbeat.Milliseconds(),
		"_trace":             []any{"[\"discordtest\"]"},
	}}
	if err := c.write(hello); err != nil {
		return
	}
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				closeCode = ce.Code
			}
			return
		}
		var in struct {
			Op int             `json:"op"`
			D  json.RawMessage `json:"d"`
		}
		if err := json.Unmarshal(msg, &in); err != nil {
			c.closeWith(4002, "Error while decoding payload.")
			return
		}
		switch in.Op {
		case 1: // heartbeat
			s.gwMu.Lock()
			s.heartbeats++
			c.beats++
			if c.beats == 1 {
				s.syncConnectedLocked()
			}
			s.gwMu.Unlock()
			if err := c.write(frame{Op: 11}); err != nil {
				return
			}
		case 2:
			if !s.identify(c, in.D) {
				return
			}
		case 6:
			if !s.resume(c, in.D) {
				return
			}
		default:
			// Presence updates (3), voice (4), member requests (8), ...:
			// accepted and ignored.
		}
	}
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

// dropConn forgets a closed connection. Sessions stay resumable unless the
// client closed with 1000 or 1001, which ends the session on Discord.
func (s *Server) dropConn(c *gwConn, code int) {
	_ = c.ws.Close()
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	delete(s.conns, c)
	if sess := c.sess; sess != nil {
		if sess.conn == c {
			sess.conn = nil
		}
		if code == websocket.CloseNormalClosure || code == websocket.CloseGoingAway {
			delete(s.sessions, sess.id)
		}
		c.sess = nil
	}
	s.syncConnectedLocked()
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

// RequestReconnect sends op 7 (Reconnect) to every connected session;
// discordgo then reconnects and resumes. Like Disconnect, it first waits
// (up to 5 s) until every session heartbeats on its current connection.
func (s *Server) RequestReconnect() {
	s.waitSettled()
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	for c := range s.conns {
		_ = c.write(frame{Op: 7})
	}
}

// Disconnect drops every gateway connection without a close frame, like a
// network failure. Sessions stay resumable; discordgo reconnects (after its
// one-second close delay) and sends RESUME.
//
// It first waits (up to 5 s) until every session has sent a heartbeat on its
// current connection: discordgo v0.29 starts its heartbeat goroutine at the
// end of Open, and if the connection dies before that goroutine's first
// heartbeat, the failed heartbeat starts a second reconnect whose Close
// (code 1000) ends the freshly resumed session.
func (s *Server) Disconnect() {
	s.waitSettled()
	s.gwMu.Lock()
	defer s.gwMu.Unlock()
	for c := range s.conns {
		_ = c.ws.Close()
	}
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
