// Package wait holds the two ways the bot waits: a sleep that ends with its context, and a
// backoff that waits longer after each failure.
package wait

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends; it reports whether it waited the whole time.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// Backoff waits First after the first failure and twice as long after each one after it, up
// to Max. The zero value waits 250 ms, doubling up to 30 s.
type Backoff struct {
	First, Max time.Duration
	next       time.Duration
}

// Wait sleeps the next wait (or until ctx ends) and reports whether it slept the whole time.
func (b *Backoff) Wait(ctx context.Context) bool {
	first, most := b.First, b.Max
	if first <= 0 {
		first = 250 * time.Millisecond
	}
	if most <= 0 {
		most = 30 * time.Second
	}
	if b.next == 0 {
		b.next = first
	}
	d := b.next
	b.next = min(2*b.next, most)
	return Sleep(ctx, d)
}

// Reset starts again from First, after a success.
func (b *Backoff) Reset() { b.next = 0 }
