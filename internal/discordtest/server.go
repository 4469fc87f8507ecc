package discordtest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Default identity of the fake bot. The application ID equals the bot user ID,
// as it does for bots created in the Discord developer portal.
const (
	DefaultBotID   = "1100000000000000001"
	DefaultBotName = "Interlude"
)

// Server is a fake Discord REST API and gateway. Create it with NewServer.
// The exported fields are read-only.
type Server struct {
	// URL is the base URL of the fake, e.g. "http://127.0.0.1:41234".
	URL string
	// GatewayURL is the websocket URL returned by GET /gateway.
	GatewayURL string
	// BotID is the bot user's ID.
	BotID string
	// BotName is the bot user's name.
	BotName string
	// AppID is the application ID.
	AppID string

	srv       *httptest.Server
	tb        testing.TB
	cfg       config
	closeOnce sync.Once

	// mu guards the REST state below. Lock order: gwMu before mu.
	mu               sync.Mutex
	changed          chan struct{}
	closed           bool
	connected        int // gateway sessions attached and heartbeating, mirrored from gwMu state
	unsettled        int // gateway sessions attached but not heartbeating yet
	calls            []Call
	faults           []*pendingFault
	cannotDM         map[string]bool
	channels         map[string]*channel
	dms              map[string]string
	messages         map[string]*message
	channelMsgs      map[string][]string
	nonces           map[string]string
	attachments      map[string]File
	commands         map[string][]map[string]any
	interactions     map[string]*interaction // by token
	interactionsByID map[string]*interaction

	// gwMu guards the gateway state below.
	gwMu       sync.Mutex
	gwClosed   bool
	conns      map[*gwConn]struct{}
	sessions   map[string]*gwSession
	identifies []Identify
	resumes    int
	heartbeats int
	wg         sync.WaitGroup
}

// NewServer starts a fake Discord. When tb is not nil, the server is closed
// in tb.Cleanup; close discordgo sessions before that (with CloseSession,
// registered later or deferred), since discordgo reconnects forever to a
// vanished gateway.
func NewServer(tb testing.TB, opts ...Option) *Server {
	cfg := config{
		heartbeat:    5 * time.Second,
		botID:        DefaultBotID,
		botName:      DefaultBotName,
		deadline:     3 * time.Second,
		echo:         true,
		intentChecks: true,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.appID == "" {
		cfg.appID = cfg.botID
	}
	s := &Server{
		BotID:            cfg.botID,
		BotName:          cfg.botName,
		AppID:            cfg.appID,
		tb:               tb,
		cfg:              cfg,
		changed:          make(chan struct{}),
		cannotDM:         map[string]bool{},
		channels:         map[string]*channel{},
		dms:              map[string]string{},
		messages:         map[string]*message{},
		channelMsgs:      map[string][]string{},
		nonces:           map[string]string{},
		attachments:      map[string]File{},
		commands:         map[string][]map[string]any{},
		interactions:     map[string]*interaction{},
		interactionsByID: map[string]*interaction{},
		conns:            map[*gwConn]struct{}{},
		sessions:         map[string]*gwSession{},
	}
	// The URLs are set before the server starts, so that handlers read them after the write.
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serveHTTP))
	s.URL = "http://" + s.srv.Listener.Addr().String()
	s.GatewayURL = "ws" + strings.TrimPrefix(s.URL, "http")
	s.srv.Start()
	if tb != nil {
		tb.Cleanup(s.Close)
	}
	return s
}

// Close closes all gateway connections and shuts the server down. It is safe
// to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.gwMu.Lock()
		s.gwClosed = true
		for c := range s.conns {
			_ = c.ws.Close()
		}
		s.gwMu.Unlock()
		s.wg.Wait()
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		s.srv.Close()
	})
}

// CloseSession closes a discordgo session for good. discordgo v0.29's
// Close can race with its heartbeat goroutine: a heartbeat that fails on the
// closing connection calls reconnect, which reopens the session after Close
// returned (and retries forever once the server is gone). CloseSession turns
// ShouldReconnectOnError off (under the session lock, which the discordgo
// goroutines take before reading it) and then closes.
func CloseSession(sess *discordgo.Session) error {
	sess.Lock()
	sess.ShouldReconnectOnError = false
	sess.Unlock()
	return sess.Close()
}

func (s *Server) logf(format string, args ...any) {
	if s.tb == nil {
		return
	}
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if !closed {
		s.tb.Logf("discordtest: "+format, args...)
	}
}
