package store

import (
	"context"
	"net"
	"time"

	"github.com/redis/go-redis/v9"
)

// Observer is told how long each Redis command and each pipeline of a store took. Package
// metrics implements it (the store links no metrics library, and metrics no Redis client).
type Observer interface {
	RedisDone(took time.Duration)
}

// WithObserver reports the time of every command and pipeline on the store's client to o.
func WithObserver(o Observer) Option { return func(s *Store) { s.observer = o } }

// timingHook times commands and pipelines for an Observer.
type timingHook struct{ o Observer }

var _ redis.Hook = timingHook{}

// DialHook passes dials through.
func (timingHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}

// ProcessHook times one command.
func (h timingHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmd)
		h.o.RedisDone(time.Since(start))
		return err
	}
}

// ProcessPipelineHook times one pipeline.
func (h timingHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		start := time.Now()
		err := next(ctx, cmds)
		h.o.RedisDone(time.Since(start))
		return err
	}
}
