package telegramtest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

type faultRule struct {
	method string // lower case; "" for every method but getUpdates
	left   int
	fault  Fault
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
