package telegramtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultToken is the token New uses when given "".
const DefaultToken = "7000000001:AAFakeTokenForInterludeTests"

// Server is a fake Bot API server. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL to give the bot (no trailing slash): calls go to URL/bot<token>/<method>.
	URL string
	// Token is the only token the server accepts; any other gets 401 Unauthorized.
	Token string

	srv    *httptest.Server
	me     User
	closed chan struct{}

	mu           sync.Mutex
	calls        []Call
	sentTo       map[int64][]int         // indexes in calls of successful sends, by chat
	sentCh       map[int64]chan struct{} // per chat: closed and removed at its next send (WaitSent)
	callsCh      chan struct{}           // closed and replaced when a call is recorded
	queue        []queued
	nextUpdate   int64
	pushedCh     chan struct{} // closed and replaced when an update is pushed
	maxWait      time.Duration
	allowed      []string // allowed_updates as last set; nil: never set
	faults       []*faultRule
	blocked      map[int64]bool
	chats        map[int64]Chat
	messages     map[msgKey]*stored
	callbacks    map[string]bool // pushed callback query ids → answered
	webhook      string
	commands     map[string]json.RawMessage
	descriptions map[string]string // "d|lang" and "s|lang": descriptions.go
	handlers     map[string]handler
	poll         chan struct{} // closed to end the waiting getUpdates with 409
}

type handler struct {
	name string
	fn   func(Call) (any, *Fault)
}

// New starts a fake Bot API server for token (DefaultToken if ""), closed when the test
// ends. The bot it impersonates has the token's numeric prefix as its id and the username
// "interlude_test_bot".
func New(t testing.TB, token string) *Server {
	t.Helper()
	if token == "" {
		token = DefaultToken
	}
	id, err := strconv.ParseInt(strings.SplitN(token, ":", 2)[0], 10, 64)
	if err != nil || id <= 0 {
		id = 7000000001
	}
	s := &Server{
		Token:      token,
		me:         User{ID: id, IsBot: true, FirstName: "Interlude", Username: "interlude_test_bot"},
		closed:     make(chan struct{}),
		callsCh:    make(chan struct{}),
		pushedCh:   make(chan struct{}),
		nextUpdate: 1,
		maxWait:    time.Second,
		blocked:    map[int64]bool{},
		chats:      map[int64]Chat{},
		messages:   map[msgKey]*stored{},
		callbacks:  map[string]bool{},
		commands:   map[string]json.RawMessage{},
		handlers:   map[string]handler{},
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	t.Cleanup(func() {
		close(s.closed) // ends waiting long polls, so that Close need not wait for them
		s.srv.Close()
	})
	return s
}

// Me is the bot's own User, as getMe returns it.
func (s *Server) Me() User { return s.me }

// Handle answers method with fn instead of the built-in behaviour, or adds a method the fake
// does not know. fn gets the call (Status not yet set) and returns the result, which is put
// in {"ok":true,"result":...}, or a non-nil Fault. Faults from FailNext and BlockUser still
// apply first.
func (s *Server) Handle(method string, fn func(Call) (any, *Fault)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[strings.ToLower(method)] = handler{name: method, fn: fn}
}

// serve answers one Bot API request.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	token, method, ok := splitPath(r.URL.Path)
	if !ok {
		writeFault(w, &Fault{Status: http.StatusNotFound, Description: "Not Found"})
		return
	}
	fields, files, perr := readParams(w, r)
	c := Call{Method: s.canonical(method), Fields: fields, Files: files, At: at}
	if token != s.Token {
		s.answer(w, &c, nil, &Fault{Status: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	if perr != nil {
		s.answer(w, &c, nil, badRequest("%v", perr))
		return
	}
	if f := s.takeFault(c.Method); f != nil {
		s.answer(w, &c, nil, f)
		return
	}
	if s.isBlocked(c) {
		s.answer(w, &c, nil, &Fault{Status: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"})
		return
	}
	s.mu.Lock()
	h, custom := s.handlers[strings.ToLower(c.Method)]
	s.mu.Unlock()
	var result any
	var fault *Fault
	switch fn := builtins[strings.ToLower(c.Method)]; {
	case custom:
		result, fault = h.fn(c)
	case c.Method == "getUpdates":
		result, fault = s.getUpdates(r.Context(), c)
	case fn != nil:
		result, fault = fn(s, c)
	default:
		fault = &Fault{Status: http.StatusNotFound, Description: "Not Found"}
	}
	s.answer(w, &c, result, fault)
}

// answer records c with its outcome and writes the response.
func (s *Server) answer(w http.ResponseWriter, c *Call, result any, f *Fault) {
	var ff Fault
	if f != nil {
		ff = f.withDefaults()
		c.Status, c.Description = ff.Status, ff.Description
		if ff.Drop {
			c.Status, c.Description = 0, "connection dropped"
		}
	} else {
		c.Status = http.StatusOK
		if m, ok := result.(Message); ok {
			c.MessageID = m.MessageID
		}
	}
	s.mu.Lock()
	s.calls = append(s.calls, *c)
	if isSend(*c) {
		if s.sentTo == nil {
			s.sentTo = map[int64][]int{}
		}
		chat := c.ChatID()
		s.sentTo[chat] = append(s.sentTo[chat], len(s.calls)-1)
		if ch, ok := s.sentCh[chat]; ok {
			close(ch)
			delete(s.sentCh, chat)
		}
	}
	close(s.callsCh)
	s.callsCh = make(chan struct{})
	s.mu.Unlock()
	switch {
	case f == nil:
		writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": result})
	case ff.Drop:
		panic(http.ErrAbortHandler) // the server closes the connection without a response
	default:
		writeFault(w, &ff)
	}
}

func writeFault(w http.ResponseWriter, f *Fault) {
	if f.Body != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Status)
		_, _ = io.WriteString(w, f.Body)
		return
	}
	body := map[string]any{"ok": false, "error_code": f.Status, "description": f.Description}
	if f.RetryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": f.RetryAfter}
	}
	writeJSON(w, f.Status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]any{"ok": false, "error_code": 500, "description": "telegramtest: " + err.Error()})
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// canonical spells a method name as the Bot API does.
func (s *Server) canonical(method string) string {
	lower := strings.ToLower(method)
	if n, ok := canonicalNames[lower]; ok {
		return n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if h, ok := s.handlers[lower]; ok {
		return h.name
	}
	return method
}
