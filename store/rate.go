package store

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/interlude-bot/interlude/flows"
)

// The send budget is a GCRA (generic cell rate algorithm, as in go-redis/redis_rate) with no
// burst: a limiter keeps one number, the theoretical arrival time (TAT, in microseconds) of the
// next message, and a limit of r per second spaces grants at least 1/r apart. A grant of n
// messages at once (a reminder that is two messages) needs the n-1 slots before it free as well
// and takes the n slots after it, so that no half-open second, sliding, ever holds more than r
// messages, whatever the mix of n (the proof is in TestLimiterNeverExceedsAnySlidingSecond's
// comment). An idle limiter's key expires a minute after its TAT has passed (a minute, not at
// once: a test's clock may run ahead of the real one, and an expiry in real time must never
// forget a TAT still ahead on that clock).
//
// A grant asked for late, by a worker that woke up late or a script that ran late on a busy
// machine, would lose that lateness from the budget for good: a limiter may date a grant back
// by up to Pace.CatchUp (never before its TAT). Any second then holds at most
// (1 s + CatchUp) / Every messages: a caller that wants r at most paces a little below r and
// gives part of the difference to CatchUp (the scheduler does: see its headroom).
//
// The clock is an argument: a test passes its own; a dispatcher running on the real clock passes
// none and the script reads the Redis server's TIME, so that replicas whose clocks differ by a
// few milliseconds still share one smooth budget.

// gcraScript takes cost permits from one limiter, or says how long to wait for them.
// KEYS: limiter. ARGV: now µs ("" for the server's clock), interval µs, cost, catch-up µs.
// Returns {1, TAT after the grant, TAT before it} or {0, wait µs, 0}.
var gcraScript = redis.NewScript(`
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local interval = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local from = tat + (cost - 1) * interval
if now < from then return {0, from - now, 0} end
local new = math.max(from, now - tonumber(ARGV[4])) + cost * interval
redis.call('SET', KEYS[1], string.format('%d', new), 'PX', math.ceil((new - now) / 1000) + 60000)
return {1, new, tat}
`)

// refundScript gives back the permits of a grant, if no other grant came after it (the TAT is
// still the one the grant set): the TAT before the grant is put back, as if it never happened.
// Otherwise it does nothing: the permits are lost, which wastes a slot but can never let a
// second hold more than the limit.
// KEYS: limiter. ARGV: TAT set by the grant, TAT before it.
var refundScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '0' then return redis.call('DEL', KEYS[1]) end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
`)

// Pace is how a limiter spaces messages: one every Every; a grant asked for late by up to
// CatchUp is dated back that far, so that the lateness is not lost from the budget.
type Pace struct {
	Every, CatchUp time.Duration
}

// Allow takes n messages from the platform's budget and from the chat's, shared by every
// replica, at now (the zero time: the Redis server's clock). It returns 0 when the messages may
// go, or how long to wait before asking again.
//
// The two limiters live under their own hash tags (all chats of a platform must not share one
// Cluster slot), so they are two script calls; they go out in one pipeline, one round trip. When
// one grants and the other refuses, the grant is given back (a second round trip, only then):
// see refundScript.
func (s *Store) Allow(ctx context.Context, p flows.Platform, platform Pace, chat string, perChat Pace, n int, now time.Time) (time.Duration, error) {
	if n < 1 {
		n = 1
	}
	at := ""
	if !now.IsZero() {
		at = itoa(now.UnixMicro())
	}
	keys := []string{rateKey(p, ""), rateKey(p, chat)}
	paces := []Pace{platform, perChat}
	intervals, costs, catchUps := make([]int64, 2), make([]int, 2), make([]int64, 2)
	for i, pc := range paces {
		intervals[i] = micros(pc.Every)
		// No grant of more than a second's worth: it could never be granted.
		costs[i] = min(n, max(1, int(time.Second/max(pc.Every, 1))))
		catchUps[i] = max(0, pc.CatchUp.Microseconds())
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.Cmd, len(keys))
	for i := range keys {
		cmds[i] = gcraScript.EvalSha(ctx, pipe, []string{keys[i]}, at, intervals[i], costs[i], catchUps[i])
	}
	_, _ = pipe.Exec(ctx)
	for i, c := range cmds {
		if redis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
			// Not loaded yet on that server (on a Cluster, each master loads it on first use):
			// this one again, with the script itself. The other one is not repeated, as it
			// has taken its permits.
			cmds[i] = gcraScript.Eval(ctx, s.rdb, []string{keys[i]}, at, intervals[i], costs[i], catchUps[i])
		}
	}
	var wait time.Duration
	granted, before := make([]int64, 2), make([]int64, 2)
	for i, c := range cmds {
		res, err := c.Int64Slice()
		if err != nil {
			return 0, err
		}
		if len(res) != 3 {
			return 0, errors.New("store: limiter script answered badly")
		}
		if res[0] == 1 {
			granted[i], before[i] = res[1], res[2]
		} else if w := time.Duration(res[1]) * time.Microsecond; w > wait {
			wait = w
		}
	}
	if wait == 0 {
		return 0, nil
	}
	for i := range keys {
		if granted[i] != 0 {
			if err := refundScript.Run(ctx, s.rdb, []string{keys[i]}, granted[i], before[i]).Err(); err != nil {
				return wait, err
			}
		}
	}
	return wait, nil
}

// micros is d in µs, at least 1.
func micros(d time.Duration) int64 { return max(1, d.Microseconds()) }
