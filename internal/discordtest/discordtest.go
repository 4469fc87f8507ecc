// Package discordtest is a fake Discord for tests: the REST API (under
// /api/v<N>/, discordgo v0.29 uses v9) and the websocket gateway, served by
// one httptest server.
//
// It is meant for two kinds of tests:
//
//   - adapter tests with a real *discordgo.Session:
//
//     srv := discordtest.NewServer(t)
//     sess, _ := discordgo.New("Bot x")
//     srv.Configure(sess) // sess.Client = &http.Client{Transport: srv.Transport()}
//     sess.Identify.Intents = discordgo.IntentsDirectMessages
//     sess.Open()
//     defer discordtest.CloseSession(sess)
//     srv.Dispatch(discordtest.DMMessage(srv.DMChannel("42"), "42", "hi"))
//     srv.WaitFor(t, 5*time.Second, discordtest.MessageTo(srv.DMChannel("42")))
//
//   - end-to-end tests of the bot binary, started with
//     INTERLUDE_DISCORD_API_URL=srv.URL; the bot must route every Discord
//     request through RewriteTransport(srv.URL) (discordgo's endpoint
//     variables are fixed at package start).
//
// The gateway URL handed out by GET /gateway is the server's own ws:// address
// because discordgo dials the gateway with its websocket dialer, not with
// Session.Client, so rewriting HTTP requests does not move the websocket.
//
// Everything the fake receives is recorded as a Call. FailNext queues
// Discord-shaped errors (429 with the real headers and body, 403 50007, ...),
// CannotDM makes a user unreachable. Dispatch sends gateway events to the
// connected sessions; DMMessage, GuildMessage, SlashCommand and ButtonClick
// build the payloads Discord sends.
//
// Behaviour modelled after Discord, which tests may trip over on purpose:
//   - sending to a channel the fake does not know (for example a user ID
//     instead of a DM channel ID) fails with 404 10003 Unknown Channel;
//   - content over 2000 characters, custom_id over 100 characters and invalid
//     application commands (names, descriptions, locales) fail with 400 50035;
//   - interactions dispatched through the fake must be answered once
//     (40060 otherwise) and within the interaction deadline (3 s by default,
//     10062 Unknown interaction otherwise);
//   - MESSAGE_CREATE is only delivered to sessions that identified with the
//     matching intent (DIRECT_MESSAGES for DMs, GUILD_MESSAGES for guilds),
//     and guild message content is blanked without MESSAGE_CONTENT;
//   - messages the bot creates are echoed to the gateway as MESSAGE_CREATE
//     (unless WithoutEcho), so a bot that answers its own messages loops.
package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// File is one file uploaded in a multipart request (files[n] parts).
type File struct {
	// Field is the multipart field name, e.g. "files[0]".
	Field string
	// Name is the file name from the Content-Disposition header.
	Name string
	// ContentType is the part's Content-Type.
	ContentType string
	// Data is the file content.
	Data []byte
}

// Call is one REST request the fake received, with what it answered.
type Call struct {
	// Method is the HTTP method.
	Method string
	// Path is the request path without the /api/v<N> prefix, for example
	// "/channels/123/messages".
	Path string
	// Version is the API version from the path prefix ("9" for discordgo v0.29).
	Version string
	// Query is the parsed query string.
	Query url.Values
	// Header holds the request headers.
	Header http.Header
	// Body is the JSON object sent (for multipart requests: payload_json),
	// nil when the body was empty or not a JSON object.
	Body map[string]any
	// Array is the JSON array sent, for endpoints taking one (bulk command
	// overwrite); nil otherwise.
	Array []any
	// Files are the files uploaded in a multipart request.
	Files []File
	// Status is the HTTP status the fake answered.
	Status int
	// Response is the JSON object the fake answered, nil for 204 or arrays.
	Response map[string]any
	// Deduplicated is true when the fake returned an earlier message because
	// of nonce + enforce_nonce instead of creating a new one.
	Deduplicated bool
	// At is when the request arrived.
	At time.Time
}

// Matches reports whether the call matches route, written "METHOD /path" or
// "/path" (any method), where a "*" path segment matches any one segment,
// e.g. "POST /channels/*/messages". The empty route matches every call.
func (c Call) Matches(route string) bool {
	return routeMatches(route, c.Method, c.Path)
}

// Route returns a predicate for Calls and WaitFor that matches route (see
// Call.Matches).
func Route(route string) func(Call) bool {
	return func(c Call) bool { return c.Matches(route) }
}

// MessageTo returns a predicate matching successful, non-deduplicated
// POST /channels/{channelID}/messages calls.
func MessageTo(channelID string) func(Call) bool {
	return func(c Call) bool {
		return c.Method == http.MethodPost && c.Path == "/channels/"+channelID+"/messages" &&
			c.Status/100 == 2 && !c.Deduplicated
	}
}

// Fault is an error response queued with FailNext.
type Fault struct {
	// Status is the HTTP status; 0 means 500.
	Status int
	// Code is Discord's JSON error code (50007, 10003, ...); 0 for plain
	// HTTP errors.
	Code int
	// Message is the error message; empty means Discord's text for Code or
	// Status ("You are being rate limited." for 429).
	Message string
	// RetryAfter is the wait in seconds a 429 announces in retry_after,
	// X-RateLimit-Reset-After and (rounded up) Retry-After.
	RetryAfter float64
	// Global marks a 429 as a global rate limit (X-RateLimit-Global: true).
	Global bool
}

// RateLimit returns a per-route 429 fault telling the client to wait
// retryAfter seconds.
func RateLimit(retryAfter float64) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}
}

// GlobalRateLimit returns a global 429 fault telling the client to wait
// retryAfter seconds.
func GlobalRateLimit(retryAfter float64) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter, Global: true}
}

// CannotSendToUser returns the 403 / 50007 fault Discord answers when a user
// cannot be messaged (DMs closed, bot blocked, no shared server).
func CannotSendToUser() Fault {
	return Fault{Status: http.StatusForbidden, Code: 50007, Message: "Cannot send messages to this user"}
}

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

// Option configures a Server.
type Option func(*config)

type config struct {
	heartbeat    time.Duration
	botID        string
	botName      string
	appID        string
	token        string
	deadline     time.Duration
	echo         bool
	intentChecks bool
}

// WithHeartbeatInterval sets the heartbeat_interval sent in HELLO
// (default 5 s; Discord sends about 41 s). discordgo sends its first
// heartbeat right after connecting whatever the interval, and reconnects
// when no ACK came for 5 intervals.
//
// Intervals of about a second or less make discordgo v0.29 unreliable
// around Close: Close holds the session lock for one second, after which
// the old heartbeat goroutine may pick the pending tick over the closed
// channel, fail to write, and call Close again on whatever connection was
// opened meanwhile (ending that session with code 1000).
func WithHeartbeatInterval(d time.Duration) Option {
	return func(c *config) { c.heartbeat = d }
}

// WithBotUser sets the bot user's ID and name (default DefaultBotID,
// DefaultBotName). Unless WithApplicationID is given, the application ID
// follows the bot ID.
func WithBotUser(id, username string) Option {
	return func(c *config) { c.botID, c.botName = id, username }
}

// WithApplicationID sets the application ID (default: the bot user ID).
func WithApplicationID(id string) Option {
	return func(c *config) { c.appID = id }
}

// WithToken makes the fake check credentials: REST requests other than
// GET /gateway, interaction callbacks and webhooks need the header
// "Authorization: Bot <token>" (401 otherwise), and IDENTIFY/RESUME need the
// token (close code 4004 otherwise). Without it any token is accepted.
func WithToken(token string) Option {
	return func(c *config) { c.token = token }
}

// WithInteractionDeadline sets how long after Dispatch an interaction can be
// answered with its initial callback (default 3 s, Discord's limit); 0
// disables the check.
func WithInteractionDeadline(d time.Duration) Option {
	return func(c *config) { c.deadline = d }
}

// WithoutEcho stops the fake from echoing messages created over REST to the
// gateway as MESSAGE_CREATE / MESSAGE_UPDATE.
func WithoutEcho() Option {
	return func(c *config) { c.echo = false }
}

// WithoutIntentChecks makes Dispatch deliver MESSAGE_* events to every
// session regardless of the intents it identified with.
func WithoutIntentChecks() Option {
	return func(c *config) { c.intentChecks = false }
}

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

type pendingFault struct {
	route string
	left  int
	fault Fault
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

// Transport returns an http.RoundTripper that sends every request (to
// discord.com, cdn.discordapp.com, ...) to the fake, keeping path and query.
func (s *Server) Transport() http.RoundTripper {
	return newRewriteTransport(s.srv.URL, s.srv.Client().Transport)
}

// Client returns an *http.Client using Transport.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: s.Transport(), Timeout: 20 * time.Second}
}

// Configure points a discordgo session at the fake: it replaces
// sess.Client. The gateway needs nothing else, because its URL comes from
// GET /gateway.
func (s *Server) Configure(sess *discordgo.Session) {
	sess.Client = s.Client()
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

// RewriteTransport returns an http.RoundTripper that rewrites the scheme and
// host of every request to those of base (and prefixes base's path, if any),
// then sends it with http.DefaultTransport. Use it to point a discordgo
// session (Session.Client) at a fake or proxy Discord.
func RewriteTransport(base string) http.RoundTripper {
	return newRewriteTransport(base, http.DefaultTransport)
}

type rewriteTransport struct {
	base *url.URL
	err  error
	next http.RoundTripper
}

func newRewriteTransport(base string, next http.RoundTripper) *rewriteTransport {
	u, err := url.Parse(base)
	if err == nil && (u.Scheme == "" || u.Host == "") {
		err = fmt.Errorf("discordtest: base URL %q needs scheme and host", base)
	}
	return &rewriteTransport{base: u, err: err, next: next}
}

// RoundTrip implements http.RoundTripper.
func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, t.err
	}
	r := req.Clone(req.Context())
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	r.Host = t.base.Host
	if p := strings.TrimSuffix(t.base.Path, "/"); p != "" {
		r.URL.Path = p + r.URL.Path
		if r.URL.RawPath != "" {
			r.URL.RawPath = p + r.URL.RawPath
		}
	}
	return t.next.RoundTrip(r)
}

// Calls returns the recorded REST calls for which filter returns true (all
// calls when filter is nil), in arrival order.
func (s *Server) Calls(filter func(Call) bool) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if filter == nil || filter(c) {
			out = append(out, c)
		}
	}
	return out
}

// MessagesTo returns the successful POST /channels/{channelID}/messages calls,
// without those answered by nonce deduplication: one call per message created.
// Interaction responses and follow-ups are not included (see Messages).
func (s *Server) MessagesTo(channelID string) []Call {
	return s.Calls(MessageTo(channelID))
}

// WaitFor waits until a recorded call (earlier ones included) satisfies pred
// and returns the first such call. It fails the test with tb.Fatalf after
// timeout, so call it from the test goroutine.
func (s *Server) WaitFor(tb testing.TB, timeout time.Duration, pred func(Call) bool) Call {
	tb.Helper()
	var found Call
	ok := s.waitUntil(timeout, func() bool {
		for _, c := range s.calls {
			if pred(c) {
				found = c
				return true
			}
		}
		return false
	})
	if !ok {
		tb.Fatalf("discordtest: no matching call within %v; calls so far:\n%s", timeout, s.callSummary())
	}
	return found
}

// WaitReady waits until at least one gateway session has identified (or
// resumed), is connected and has sent a heartbeat on that connection (so
// discordgo's reader and heartbeat goroutines both run). It fails the test
// with tb.Fatalf after timeout.
//
// Call it before closing a discordgo session that was just opened or that
// just reconnected: a Close that overtakes discordgo's first heartbeat makes
// that heartbeat fail, and discordgo then reconnects (see CloseSession).
func (s *Server) WaitReady(tb testing.TB, timeout time.Duration) {
	tb.Helper()
	ok := s.waitUntil(timeout, func() bool { return s.connected > 0 })
	if !ok {
		tb.Fatalf("discordtest: no gateway session ready within %v (identifies: %d)", timeout, s.Identified())
	}
}

// waitUntil evaluates cond with s.mu held whenever the state changes.
func (s *Server) waitUntil(timeout time.Duration, cond func() bool) bool {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		if cond() {
			s.mu.Unlock()
			return true
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			return false
		}
	}
}

// notifyLocked wakes all waiters; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) notify() {
	s.mu.Lock()
	s.notifyLocked()
	s.mu.Unlock()
}

func (s *Server) callSummary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for _, c := range s.calls {
		fmt.Fprintf(&b, "  %s %s -> %d\n", c.Method, c.Path, c.Status)
	}
	if b.Len() == 0 {
		return "  (none)\n"
	}
	return b.String()
}

// FailNext makes the next n requests matching route (see Call.Matches, e.g.
// "POST /channels/*/messages"; "" matches any request) fail with f. Faults
// queued for overlapping routes are used in the order they were queued.
// Failed requests are recorded as calls with the fault's status.
func (s *Server) FailNext(route string, n int, f Fault) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &pendingFault{route: route, left: n, fault: f})
}

// CannotDM makes every message to userID's DM channel fail with
// 403 {"message":"Cannot send messages to this user","code":50007}.
// Opening the DM channel still works, as on Discord.
func (s *Server) CannotDM(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cannotDM[userID] = true
}

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

// Commands returns the application commands last written with a bulk
// overwrite (PUT /applications/{appID}/commands, or the guild variant when
// guildID is not empty), as the fake answered them (with id, application_id,
// version). The request body itself is in the recorded Call.
func (s *Server) Commands(appID, guildID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, c := range s.commands[commandsKey(appID, guildID)] {
		out = append(out, cloneMap(c))
	}
	return out
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

// cloneMap deep-copies a JSON-shaped map.
func cloneMap(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c, _ := cloneJSON(m).(map[string]any)
	return c
}

// cloneJSON deep-copies JSON-shaped data (maps, slices, scalars).
func cloneJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		c := make(map[string]any, len(t))
		for k, x := range t {
			c[k] = cloneJSON(x)
		}
		return c
	case []any:
		c := make([]any, len(t))
		for i, x := range t {
			c[i] = cloneJSON(x)
		}
		return c
	default:
		return v
	}
}

// normalizeJSON turns any JSON-encodable value into maps/slices/scalars.
func normalizeJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func routeMatches(route, method, path string) bool {
	route = strings.TrimSpace(route)
	if route == "" {
		return true
	}
	wantMethod, wantPath := "", route
	if i := strings.IndexByte(route, ' '); i >= 0 {
		wantMethod, wantPath = route[:i], strings.TrimSpace(route[i+1:])
	}
	if wantMethod != "" && wantMethod != "*" && !strings.EqualFold(wantMethod, method) {
		return false
	}
	_, ok := matchPattern(wantPath, path)
	return ok
}

// matchPattern matches a path against a pattern with "*" segments and
// returns the segments matched by the wildcards.
func matchPattern(pattern, path string) ([]string, bool) {
	ps := strings.Split(strings.Trim(pattern, "/"), "/")
	xs := strings.Split(strings.Trim(path, "/"), "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	var params []string
	for i, p := range ps {
		switch {
		case p == "*":
			params = append(params, xs[i])
		case p != xs[i]:
			return nil, false
		}
	}
	return params, true
}
