package discordtest

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

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

type pendingFault struct {
	route string
	left  int
	fault Fault
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

func faultResp(f Fault, bucket string) response {
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status != http.StatusTooManyRequests {
		return errResp(status, f.Code, f.Message)
	}
	msg := f.Message
	if msg == "" {
		msg = "You are being rate limited."
	}
	body := map[string]any{"message": msg, "retry_after": f.RetryAfter, "global": f.Global}
	if f.Code != 0 {
		body["code"] = f.Code
	}
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter))))
	after := strconv.FormatFloat(f.RetryAfter, 'f', 3, 64)
	if f.Global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
	} else {
		reset := float64(time.Now().UnixMilli())/1000 + f.RetryAfter
		h.Set("X-RateLimit-Limit", "5")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
		h.Set("X-RateLimit-Reset-After", after)
		h.Set("X-RateLimit-Bucket", bucket)
		h.Set("X-RateLimit-Scope", "user")
	}
	return response{status: status, body: body, header: h}
}
