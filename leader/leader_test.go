package leader_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/leader"
	"github.com/interlude-bot/interlude/store"
)

// deadLease is the Redis connection of a replica that is killed: once dead it neither renews
// nor releases anything.
type deadLease struct {
	*store.Store
	dead atomic.Bool
}

var errDead = errors.New("process killed")

func (c *deadLease) AcquireLease(ctx context.Context, name, owner string, ttl time.Duration) (int64, error) {
	if c.dead.Load() {
		return 0, errDead
	}
	return c.Store.AcquireLease(ctx, name, owner, ttl)
}

func (c *deadLease) ReleaseLease(ctx context.Context, name, owner string, token int64) error {
	if c.dead.Load() {
		return errDead
	}
	return c.Store.ReleaseLease(ctx, name, owner, token)
}

func TestOnlyOneLeadsAndAnotherTakesOverAfterAKill(t *testing.T) {
	srv := redistest.Start(t)
	srv.RequireReal(t, "a lease must expire by itself")
	st := store.New(srv.Client(), nil)
	const ttl = 600 * time.Millisecond
	quiet := slog.New(slog.DiscardHandler)

	var mu sync.Mutex
	var running []string
	var overlap bool
	work := func(name string) func(context.Context) error {
		return func(ctx context.Context) error {
			mu.Lock()
			running = append(running, name)
			if len(running) > 1 {
				overlap = true
			}
			mu.Unlock()
			<-ctx.Done()
			mu.Lock()
			for i, r := range running {
				if r == name {
					running = append(running[:i], running[i+1:]...)
					break
				}
			}
			mu.Unlock()
			return nil
		}
	}
	leaders := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), running...)
	}

	a := &deadLease{Store: st}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	actx, kill := context.WithCancel(ctx)
	ea := leader.New(a, "poll", ttl, quiet)
	eb := leader.New(st, "poll", ttl, quiet)
	go ea.Run(actx, work("a"))
	waitUntil(t, func() bool { return len(leaders()) == 1 && leaders()[0] == "a" })
	go eb.Run(ctx, work("b"))
	time.Sleep(3 * ttl)
	if got := leaders(); len(got) != 1 || got[0] != "a" {
		t.Fatalf("leaders %v while a holds the lease", got)
	}

	a.dead.Store(true) // a is killed: its work stops, and it neither renews nor releases
	kill()
	killed := time.Now()
	waitUntil(t, func() bool { got := leaders(); return len(got) == 1 && got[0] == "b" })
	if took := time.Since(killed); took > 5*ttl { // generous: a loaded machine schedules late
		t.Errorf("b took over after %v, want within the lease time (%v) plus a renewal tick", took, ttl)
	}
	if overlap {
		t.Error("two replicas did the work at the same time")
	}
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRedisUnreachableDoesNotStopTheWork: while Redis cannot be reached, the holder keeps
// working (it must keep reading messages to answer crises from memory).
func TestRedisUnreachableDoesNotStopTheWork(t *testing.T) {
	srv := redistest.Start(t)
	a := &deadLease{Store: store.New(srv.Client(), nil)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stopped atomic.Bool
	e := leader.New(a, "poll", 300*time.Millisecond, slog.New(slog.DiscardHandler))
	go e.Run(ctx, func(ctx context.Context) error { <-ctx.Done(); stopped.Store(true); return nil })
	waitUntil(t, e.Leading)
	a.dead.Store(true) // every Redis call fails from now on
	time.Sleep(time.Second)
	if stopped.Load() || !e.Leading() {
		t.Error("the work stopped because Redis was unreachable")
	}
}

// countingLease is a lease held by someone else that never runs out, or a store that fails:
// it counts the attempts to take it.
type countingLease struct {
	attempts atomic.Int64
	fail     bool
	left     time.Duration
}

func (c *countingLease) AcquireLease(context.Context, string, string, time.Duration) (int64, error) {
	c.attempts.Add(1)
	if c.fail {
		return 0, errors.New("READONLY You can't write against a read only replica")
	}
	return 0, nil
}
func (c *countingLease) ReleaseLease(context.Context, string, string, int64) error { return nil }
func (c *countingLease) LeaseLeft(context.Context, string) (time.Duration, error) {
	return c.left, nil
}

// A standby waits between attempts, whatever the store says: a lease without an expiry
// (PTTL -1, read as 0 left), one about to run out, or an acquire that fails.
func TestStandbyDoesNotSpin(t *testing.T) {
	for _, c := range []*countingLease{{left: 0}, {left: time.Millisecond}, {fail: true, left: time.Millisecond}} {
		ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
		e := leader.New(c, "poll", 3*time.Second, slog.New(slog.DiscardHandler)) // tick 1 s
		e.Run(ctx, func(context.Context) error { t.Error("led a lease held by another"); return nil })
		cancel()
		// At most one attempt per tick/10 (100 ms): 7 in 600 ms; a spin makes dozens.
		if n := c.attempts.Load(); n > 8 {
			t.Errorf("%+v: %d attempts in 600 ms", c, n)
		}
	}
}
