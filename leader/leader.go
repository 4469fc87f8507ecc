// Package leader runs work that only one replica may do at a time (long-polling Telegram,
// holding the Discord gateway) under a renewed, fenced lease in Redis. When the holder dies, its
// lease runs out and another replica takes over within the lease time.
package leader

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/interlude-bot/interlude/internal/wait"
)

// Lease is what the leader needs from the store.
type Lease interface {
	AcquireLease(ctx context.Context, name, owner string, ttl time.Duration) (int64, error)
	ReleaseLease(ctx context.Context, name, owner string, token int64) error
	LeaseLeft(ctx context.Context, name string) (time.Duration, error)
}

// Elector runs one piece of work under one lease.
type Elector struct {
	lease  Lease
	name   string
	owner  string
	ttl    time.Duration
	log    *slog.Logger
	leader atomic.Bool
}

// New builds an elector for the lease name, held for ttl and renewed every ttl/3.
func New(lease Lease, name string, ttl time.Duration, log *slog.Logger) *Elector {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &Elector{lease: lease, name: name, owner: host + "-" + hex.EncodeToString(b), ttl: ttl, log: log}
}

// Leading reports whether this replica holds the lease now.
func (e *Elector) Leading() bool { return e.leader.Load() }

// Run does work while holding the lease, until ctx ends. work gets a context that is cancelled
// as soon as another replica holds the lease (after this one could not renew it in time), and
// must return soon after. While Redis cannot be reached at all, the work goes on: no other
// replica can take the lease then, and stopping would stop the crisis replies too.
func (e *Elector) Run(ctx context.Context, work func(context.Context) error) error {
	tick := e.ttl / 3
	for ctx.Err() == nil {
		token, err := e.lease.AcquireLease(ctx, e.name, e.owner, e.ttl)
		if err != nil || token == 0 {
			// Try again when the holder's lease runs out (a killed holder's does within the
			// lease time), or after a tick (a holder that stops gives it up early).
			pause := tick
			if err == nil {
				if left, err := e.lease.LeaseLeft(ctx, e.name); err == nil && left > 0 {
					pause = min(tick, max(left+10*time.Millisecond, tick/10))
				}
			}
			wait.Sleep(ctx, pause)
			continue
		}
		e.log.Info("leader: lease taken", "lease", e.name, "token", token)
		e.leader.Store(true)
		wctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- work(wctx) }()
		t := time.NewTicker(tick)
	hold:
		for {
			select {
			case err := <-done:
				if err != nil && ctx.Err() == nil {
					e.log.Warn("leader: work stopped", "lease", e.name, "error", err.Error())
				}
				break hold
			case <-t.C:
				got, err := e.lease.AcquireLease(ctx, e.name, e.owner, e.ttl)
				if err != nil {
					// Redis is unreachable: nobody else can take the lease either, and the work
					// (reading messages, answering crises from memory) must go on.
					e.log.Warn("leader: lease not renewed (Redis unreachable); still working", "lease", e.name)
					continue
				}
				if got != token {
					e.log.Warn("leader: lease taken by another replica; stopping", "lease", e.name)
					cancel()
					<-done
					break hold
				}
			}
		}
		t.Stop()
		cancel()
		e.leader.Store(false)
		_ = e.lease.ReleaseLease(context.WithoutCancel(ctx), e.name, e.owner, token)
		wait.Sleep(ctx, tick)
	}
	return nil
}
