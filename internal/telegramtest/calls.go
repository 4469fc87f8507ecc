package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

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
