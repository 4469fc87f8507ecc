package discordtest

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

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
