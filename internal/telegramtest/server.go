// Package telegramtest is a fake Telegram Bot API server for tests. It speaks the real wire
// format (https://core.telegram.org/bots/api): requests are POST (or GET) /bot<token>/<method>
// with multipart/form-data, url-encoded or JSON bodies, and answers are
// {"ok":true,"result":...} or {"ok":false,"error_code":N,"description":"...",
// "parameters":{"retry_after":N}} with the HTTP status equal to error_code.
//
// Point a real bot at Server.URL (go-telegram/bot: bot.WithServerURL; the interlude binary:
// INTERLUDE_TELEGRAM_API_URL), queue updates with Push and the builders (PrivateText,
// Callback, Kicked, ...), and check what the bot sent with Calls, Sent, WaitSent and WaitFor.
// FailNext and BlockUser inject the errors Telegram gives.
//
// The fake behaves like Telegram where tests are likely to notice:
//   - getUpdates long-polls (capped, see SetMaxPollWait), returns updates with
//     update_id >= offset, honours limit, forgets updates below offset (they are confirmed),
//     filters by allowed_updates (remembered between calls; the default leaves out chat_member,
//     message_reaction and message_reaction_count), answers 409 while a webhook is set, and
//     ends an earlier, still waiting getUpdates with 409 when a second poller arrives.
//   - sendMessage and friends check what Telegram checks most visibly: a missing chat_id, an
//     empty or too long text (4096 UTF-16 code units after entity parsing, caption 1024), HTML
//     markup (parse_mode HTML: supported tags, matching end tags), callback_data of 1–64
//     bytes, uploaded photos that do not decode as PNG, JPEG or GIF. Editing a message to the
//     same text and keyboard gives "message is not modified".
//   - Methods the fake does not implement answer 404 like unknown methods; Handle adds one.
package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"sort"
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

type queued struct {
	id   int64
	kind string
	raw  json.RawMessage
}

type handler struct {
	name string
	fn   func(Call) (any, *Fault)
}

type faultRule struct {
	method string // lower case; "" for every method but getUpdates
	left   int
	fault  Fault
}

// File is a file the bot uploaded in a multipart request.
type File struct {
	Name string // the part's file name
	Data []byte
}

// Call is one request the server received.
type Call struct {
	// Method is the Bot API method, spelled canonically ("sendMessage") whatever the case
	// the bot used (Telegram ignores it).
	Method string
	// Fields are the request's parameters as strings: JSON-valued ones (reply_markup,
	// commands, allowed_updates, ...) as JSON text, as they travel in a form.
	Fields map[string]string
	// Files are the uploaded files by form field name ("photo", "document").
	Files map[string]File
	// At is when the request arrived, by the server's clock.
	At time.Time
	// Status is the HTTP status of the answer: 200 on success, the error code on failure, 0 when
	// the connection was dropped (Fault.Drop).
	Status int
	// Description is the error description sent with a failure.
	Description string
	// MessageID is the message_id of the message a successful send created (or an edit
	// changed); 0 for other calls. A test presses a button with it (Callback), as a client
	// presses the button under that very message.
	MessageID int
}

// Failed reports whether the call was answered with an error or dropped.
func (c Call) Failed() bool { return c.Status != http.StatusOK }

// ChatID is the call's chat_id as a number, 0 if it has none.
func (c Call) ChatID() int64 {
	id, _ := strconv.ParseInt(c.Fields["chat_id"], 10, 64)
	return id
}

// Decode unmarshals the JSON-valued field (e.g. "reply_markup") into v.
func (c Call) Decode(field string, v any) error {
	raw, ok := c.Fields[field]
	if !ok {
		return fmt.Errorf("telegramtest: %s has no field %q", c.Method, field)
	}
	return json.Unmarshal([]byte(raw), v)
}

// String is a one-line summary of the call for failure messages.
func (c Call) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", c.At.Format("15:04:05.000"), c.Method)
	keys := make([]string, 0, len(c.Fields))
	for k := range c.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := c.Fields[k]
		if r := []rune(v); len(r) > 120 {
			v = string(r[:120]) + "…"
		}
		fmt.Fprintf(&b, " %s=%q", k, v)
	}
	keys = keys[:0]
	for k := range c.Files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=<%s, %d bytes>", k, c.Files[k].Name, len(c.Files[k].Data))
	}
	switch {
	case c.Status == 0:
		b.WriteString(" → dropped")
	case c.Failed():
		fmt.Fprintf(&b, " → %d %s", c.Status, c.Description)
	}
	return b.String()
}

// Fault is an error the server answers instead of doing a call (see FailNext).
type Fault struct {
	// Status is the error_code and HTTP status: 429, 403, 400, 500, 502, ... (0 means 500).
	Status int
	// Description is the error text; "" gives Telegram's usual one for Status, e.g.
	// "Too Many Requests: retry after 5" or "Forbidden: bot was blocked by the user".
	Description string
	// RetryAfter is sent as parameters.retry_after (seconds), as with a 429.
	RetryAfter int
	// Body, when not empty, is sent verbatim instead of the JSON error (e.g. the HTML page
	// Telegram's front end gives with a 502).
	Body string
	// Drop closes the connection without any answer; the call has no effect.
	Drop bool
}

func (f Fault) withDefaults() Fault {
	if f.Status == 0 {
		f.Status = http.StatusInternalServerError
	}
	if f.Description == "" {
		switch f.Status {
		case http.StatusTooManyRequests:
			f.Description = "Too Many Requests: retry after " + strconv.Itoa(f.RetryAfter)
		case http.StatusForbidden:
			f.Description = "Forbidden: bot was blocked by the user"
		case http.StatusBadRequest:
			f.Description = "Bad Request"
		case http.StatusUnauthorized:
			f.Description = "Unauthorized"
		case http.StatusConflict:
			f.Description = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
		default:
			f.Description = http.StatusText(f.Status)
		}
	}
	return f
}

func badRequest(format string, args ...any) *Fault {
	return &Fault{Status: http.StatusBadRequest, Description: "Bad Request: " + fmt.Sprintf(format, args...)}
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

// SetMaxPollWait caps how long a getUpdates waits for updates, whatever timeout the bot asks
// for (go-telegram/bot asks for 59 s). The default is 1 s; pushes wake a waiting poll at once,
// so the cap only bounds how long an idle poll lasts. As calls are recorded when answered, a
// test that waits for a poll (say, the one confirming an offset) should set a short cap.
func (s *Server) SetMaxPollWait(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.maxWait = d
}

// Push queues an update for getUpdates and returns its update_id, assigning the next one if
// u.UpdateID is zero. Like Telegram it also updates the fake's idea of the world: a callback
// query on a message the bot sent gets that message (sender, text, keyboard, date); a nil
// bot User in a my_chat_member is the bot; my_chat_member "kicked" in a private chat blocks
// it (see BlockUser), "member" or a private message from the user unblocks it.
func (s *Server) Push(u Update) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.UpdateID == 0 {
		u.UpdateID = s.nextUpdate
	}
	if u.UpdateID >= s.nextUpdate {
		s.nextUpdate = u.UpdateID + 1
	}
	s.absorb(&u)
	raw, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: Push: %v", err))
	}
	q := queued{id: u.UpdateID, kind: u.Kind(), raw: raw}
	i := sort.Search(len(s.queue), func(i int) bool { return s.queue[i].id > q.id })
	s.queue = append(s.queue, queued{})
	copy(s.queue[i+1:], s.queue[i:])
	s.queue[i] = q
	close(s.pushedCh)
	s.pushedCh = make(chan struct{})
	return int(u.UpdateID)
}

// absorb completes u from the server's state and applies its side effects. s.mu is held.
func (s *Server) absorb(u *Update) {
	if m := u.Message; m != nil {
		s.chats[m.Chat.ID] = m.Chat
		if m.Chat.Type == "private" {
			delete(s.blocked, m.Chat.ID)
		}
	}
	if q := u.CallbackQuery; q != nil {
		cq := *q
		if q.Message != nil {
			m := *q.Message
			if st, ok := s.messages[msgKey{m.Chat.ID, m.MessageID}]; ok {
				m = st.msg
			}
			if m.From == nil {
				me := s.me
				m.From = &me
			}
			cq.Message = &m
		}
		u.CallbackQuery = &cq
		s.callbacks[cq.ID] = false
	}
	if c := u.MyChatMember; c != nil {
		cm := *c
		for _, m := range []*ChatMember{&cm.OldChatMember, &cm.NewChatMember} {
			if m.User == nil {
				me := s.me
				m.User = &me
			}
		}
		u.MyChatMember = &cm
		if cm.Chat.Type == "private" {
			switch cm.NewChatMember.Status {
			case "kicked":
				s.blocked[cm.Chat.ID] = true
			case "member":
				delete(s.blocked, cm.Chat.ID)
			}
		}
	}
}

// Pending is the number of updates queued and not yet confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// AllowedUpdates is the allowed_updates list last set by getUpdates or setWebhook, nil if the
// bot never set one (an empty list means Telegram's default).
func (s *Server) AllowedUpdates() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.allowed...)
}

// Count returns how many calls of the method (case-insensitive) succeeded, without copying
// them.
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.calls {
		if matchAny(c.Method, []string{method}) && !c.Failed() {
			n++
		}
	}
	return n
}

// Calls returns the calls received so far, in the order they were answered (a getUpdates is
// recorded when its long poll ends), keeping only those of the given methods
// (case-insensitive) if any are given. Failed calls are included.
func (s *Server) Calls(method ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if len(method) == 0 || matchAny(c.Method, method) {
			out = append(out, c)
		}
	}
	return out
}

func matchAny(m string, methods []string) bool {
	for _, x := range methods {
		if strings.EqualFold(m, x) {
			return true
		}
	}
	return false
}

// Sent returns the messages the bot successfully sent to chatID: its sendMessage,
// sendPhoto, sendDocument (any send* but sendChatAction) calls that did not fail, in order.
func (s *Server) Sent(chatID int64) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, 0, len(s.sentTo[chatID]))
	for _, i := range s.sentTo[chatID] {
		out = append(out, s.calls[i])
	}
	return out
}

func isSend(c Call) bool {
	return strings.HasPrefix(c.Method, "send") && c.Method != "sendChatAction" && !c.Failed()
}

// WaitSent waits until the bot has successfully sent more than from messages to chatID, and
// returns those after the first from (Sent(chatID)[from:]); it returns nil if none comes within
// timeout. Each waiter sleeps until a message to its own chat, so that thousands of simulated
// clients can wait at once without polling.
func (s *Server) WaitSent(chatID int64, from int, timeout time.Duration) []Call {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		idx := s.sentTo[chatID]
		if from < len(idx) {
			out := make([]Call, 0, len(idx)-from)
			for _, i := range idx[max(from, 0):] {
				out = append(out, s.calls[i])
			}
			s.mu.Unlock()
			return out
		}
		if s.sentCh == nil {
			s.sentCh = map[int64]chan struct{}{}
		}
		ch, ok := s.sentCh[chatID]
		if !ok {
			ch = make(chan struct{})
			s.sentCh[chatID] = ch
		}
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timer.C:
			return nil
		case <-s.closed:
			return nil
		}
	}
}

// WaitFor returns the first call, already received or yet to come, for which pred is true.
// If none comes within timeout it fails the test, listing the calls seen. Call it from the
// test's goroutine.
func (s *Server) WaitFor(t testing.TB, timeout time.Duration, pred func(Call) bool) Call {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	seen := 0
	for {
		s.mu.Lock()
		calls := s.calls[seen:]
		ch := s.callsCh
		s.mu.Unlock()
		for _, c := range calls {
			if pred(c) {
				return c
			}
		}
		seen += len(calls)
		select {
		case <-ch:
		case <-deadline.C:
			t.Fatalf("telegramtest: no matching call within %v; calls seen:\n%s", timeout, s.dump())
			return Call{}
		}
	}
}

// dump lists the calls for a failure message, leaving out successful getUpdates.
func (s *Server) dump() string {
	var b strings.Builder
	polls := 0
	for _, c := range s.Calls() {
		if c.Method == "getUpdates" && !c.Failed() {
			polls++
			continue
		}
		b.WriteString("\t" + c.String() + "\n")
	}
	if b.Len() == 0 {
		b.WriteString("\t(none)\n")
	}
	fmt.Fprintf(&b, "\t(and %d successful getUpdates)", polls)
	return b.String()
}

// FailNext makes the next n calls of method (case-insensitive) fail with f instead of
// being done. method "" matches every method except getUpdates, which must be named so that a
// background poller does not use up a fault meant for a send. Faults apply in the order given.
func (s *Server) FailNext(method string, n int, f Fault) {
	if n <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultRule{method: strings.ToLower(method), left: n, fault: f})
}

func (s *Server) takeFault(method string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	lower := strings.ToLower(method)
	for i, r := range s.faults {
		if r.method == lower || (r.method == "" && lower != "getupdates") {
			f := r.fault
			if r.left--; r.left == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return &f
		}
	}
	return nil
}

// BlockUser makes every send to chatID (send*, copy*, forward*, editMessage*) fail with 403
// "Forbidden: bot was blocked by the user" from now on, as when the user blocks the bot. It
// does not queue the my_chat_member update Telegram sends; push Kicked for that. Pushing a
// private message from the user or Unblocked lifts the block.
func (s *Server) BlockUser(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[chatID] = true
}

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

// isBlocked reports whether c sends to a chat whose user blocked the bot.
func (s *Server) isBlocked(c Call) bool {
	m := c.Method
	if !(strings.HasPrefix(m, "send") || strings.HasPrefix(m, "copyMessage") ||
		strings.HasPrefix(m, "forwardMessage") || strings.HasPrefix(m, "editMessage")) {
		return false
	}
	id := c.ChatID()
	s.mu.Lock()
	defer s.mu.Unlock()
	return id != 0 && s.blocked[id]
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

// splitPath splits "/bot<token>/<method>".
func splitPath(p string) (token, method string, ok bool) {
	rest, found := strings.CutPrefix(p, "/bot")
	if !found {
		return "", "", false
	}
	token, method, found = strings.Cut(rest, "/")
	return token, method, found && token != "" && method != ""
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

const maxRequest = 60 << 20 // Telegram accepts uploads of up to 50 MB

// readParams collects the parameters of the query string and of a multipart, url-encoded or
// JSON body (later ones win).
func readParams(w http.ResponseWriter, r *http.Request) (map[string]string, map[string]File, error) {
	fields := map[string]string{}
	files := map[string]File{}
	for k, v := range r.URL.Query() {
		fields[k] = v[0]
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxRequest)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return fields, files, err
		}
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) { // also an empty body: go-telegram/bot's calls without parameters
				break
			}
			if err != nil {
				return fields, files, err
			}
			data, err := io.ReadAll(p)
			if err != nil {
				return fields, files, err
			}
			if p.FileName() != "" {
				files[p.FormName()] = File{Name: p.FileName(), Data: data}
			} else {
				fields[p.FormName()] = string(data)
			}
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return fields, files, err
		}
		for k, v := range r.PostForm {
			fields[k] = v[0]
		}
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return fields, files, err
		}
		if len(strings.TrimSpace(string(body))) == 0 {
			break
		}
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return fields, files, fmt.Errorf("can't parse JSON: %v", err)
		}
		for k, v := range m {
			switch v := v.(type) {
			case nil:
			case string:
				fields[k] = v
			case json.Number:
				fields[k] = v.String()
			case bool:
				fields[k] = strconv.FormatBool(v)
			default:
				b, _ := json.Marshal(v)
				fields[k] = string(b)
			}
		}
	}
	return fields, files, nil
}

// getUpdates is the long poll.
func (s *Server) getUpdates(ctx context.Context, c Call) (any, *Fault) {
	offset, _ := strconv.ParseInt(c.Fields["offset"], 10, 64)
	limit := 100
	if v, err := strconv.Atoi(c.Fields["limit"]); err == nil && v > 0 && v < 100 {
		limit = v
	}
	timeout, _ := strconv.Atoi(c.Fields["timeout"])

	s.mu.Lock()
	if s.webhook != "" {
		s.mu.Unlock()
		return nil, &Fault{Status: http.StatusConflict,
			Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if raw, ok := c.Fields["allowed_updates"]; ok {
		var list []string
		if err := json.Unmarshal([]byte(raw), &list); err != nil {
			s.mu.Unlock()
			return nil, badRequest("can't parse allowed updates JSON object")
		}
		s.allowed = append([]string{}, list...)
	}
	if s.poll != nil {
		close(s.poll) // Telegram ends the earlier request of another poller
	}
	mine := make(chan struct{})
	s.poll = mine
	s.confirm(offset)
	wait := min(time.Duration(max(timeout, 0))*time.Second, s.maxWait)
	s.mu.Unlock()

	timer := time.NewTimer(wait)
	defer timer.Stop()
	expired := wait <= 0
	for {
		select {
		case <-mine:
			return nil, &Fault{Status: http.StatusConflict}
		default:
		}
		s.mu.Lock()
		batch := s.take(limit)
		if len(batch) > 0 || expired {
			if s.poll == mine {
				s.poll = nil
			}
			s.mu.Unlock()
			return batch, nil
		}
		pushed := s.pushedCh
		s.mu.Unlock()
		select {
		case <-pushed:
		case <-timer.C:
			expired = true
		case <-mine:
		case <-ctx.Done():
			expired = true
		case <-s.closed:
			expired = true
		}
	}
}

// confirm forgets the updates before offset, as a getUpdates with that offset does. A negative
// offset keeps only the last -offset updates. s.mu is held.
func (s *Server) confirm(offset int64) {
	switch {
	case offset > 0:
		i := sort.Search(len(s.queue), func(i int) bool { return s.queue[i].id >= offset })
		s.queue = append([]queued(nil), s.queue[i:]...)
	case offset < 0:
		if n := int(-offset); n < len(s.queue) {
			s.queue = append([]queued(nil), s.queue[len(s.queue)-n:]...)
		}
	}
}

// take returns up to limit queued updates of allowed kinds, dropping the others as Telegram
// never stores them. s.mu is held.
func (s *Server) take(limit int) []json.RawMessage {
	out := []json.RawMessage{}
	kept := s.queue[:0]
	for _, q := range s.queue {
		if !s.allows(q.kind) {
			continue
		}
		kept = append(kept, q)
		if len(out) < limit {
			out = append(out, q.raw)
		}
	}
	s.queue = kept
	return out
}

// allows reports whether updates of kind are delivered. s.mu is held.
func (s *Server) allows(kind string) bool {
	if len(s.allowed) == 0 {
		return kind != "chat_member" && kind != "message_reaction" && kind != "message_reaction_count"
	}
	for _, a := range s.allowed {
		if a == kind {
			return true
		}
	}
	return false
}

// Button finds the callback data of the newest inline button with the label in the chat, and
// the id of the message it is under.
func (s *Server) Button(chat int64, label string) (data string, messageID int, err error) {
	sent := s.Sent(chat)
	for i := len(sent) - 1; i >= 0; i-- {
		var kb struct {
			InlineKeyboard [][]struct {
				Text         string `json:"text"`
				CallbackData string `json:"callback_data"`
			} `json:"inline_keyboard"`
		}
		if sent[i].Decode("reply_markup", &kb) != nil {
			continue
		}
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if b.Text == label {
					return b.CallbackData, sent[i].MessageID, nil
				}
			}
		}
	}
	return "", 0, fmt.Errorf("chat %d: no button %q", chat, label)
}
