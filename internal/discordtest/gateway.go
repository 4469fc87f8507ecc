package discordtest

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

func (s *Server) getGateway(*Call, []string) response {
	return jsonResp(http.StatusOK, map[string]any{"url": s.GatewayURL})
}

func (s *Server) getGatewayBot(*Call, []string) response {
	return jsonResp(http.StatusOK, map[string]any{
		"url":    s.GatewayURL,
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
		},
	})
}

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

type frame struct {
	Op int     `json:"op"`
	D  any     `json:"d"`
	S  *int64  `json:"s"`
	T  *string `json:"t"`
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
