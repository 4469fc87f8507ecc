package adapter

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/wait"
	"github.com/interlude-bot/interlude/metrics"
)

// Requests is the retry policy of one platform's API requests.
type Requests struct {
	Log      *slog.Logger
	Platform string // for the log
	// NetworkRetries is how often a request that failed on the network is made again (0.5 s,
	// 1 s, 1.5 s … apart). A repeated send posts twice when the first reached the platform and
	// only its answer was lost: a platform adapter chooses whether a rare repeat is better than
	// a lost reply (Telegram's: yes, 3) or not (Discord's: 0).
	NetworkRetries int
}

// max429 is how often a rate-limited request is made again before the limit is returned.
const max429 = 3

// Do makes one request. fn reports a rate limit as a *flows.RateLimitedError carrying what the
// platform asked to wait; Do waits that long (within ctx, 1 s when the platform said nothing)
// and tries again, up to three times, then returns the limit to the caller. A network error is
// tried again NetworkRetries times; any other error is returned as it is.
func (r Requests) Do(ctx context.Context, fn func() error) error {
	var limited, network int
	for {
		err := fn()
		var rl *flows.RateLimitedError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &rl):
			wait := rl.RetryAfter
			if wait <= 0 {
				wait = time.Second
			}
			limited++
			if limited > max429 {
				return &flows.RateLimitedError{RetryAfter: wait}
			}
			r.Log.Info(r.Platform+": rate limited; waiting", "retry_after", wait.String())
			if !sleep(ctx, wait) {
				return ctx.Err()
			}
		case flows.IsNetwork(err) && network < r.NetworkRetries:
			network++
			if !sleep(ctx, time.Duration(network)*500*time.Millisecond) {
				return ctx.Err()
			}
		default:
			return err
		}
	}
}

var sleep = wait.Sleep

// Sent records one message handed to the platform: counted when delivered; when not, counted
// by kind and logged, unless the client blocked the bot (that is theirs to do, not a failure).
// attrs say where it went ("chat", id), never what it said.
func (r Requests) Sent(err error, kind string, blocked bool, attrs ...any) {
	if err == nil {
		metrics.Outbound.WithLabelValues(r.Platform).Inc()
		return
	}
	metrics.SendErrors.WithLabelValues(r.Platform, kind).Inc()
	if !blocked {
		r.Log.Error(r.Platform+": message not delivered", append(attrs, "error", kind)...)
	}
}
