package store

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/scheduler"
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
// A limiter may also grant a slot ahead of now, up to scheduler.Pace.Ahead (a reservation): the
// caller waits for it and sends then. A worker that is told to come back when the slot is free
// and wakes up late (a busy machine) loses that lateness from the budget for good; one that holds
// a reservation loses nothing, since the slot's date is set when it is taken. The bound above is
// on the slots' dates; a send leaves a little after its date, so a caller that must never put
// more than r into any second at the receiving end paces a little below r (the scheduler does:
// see its headroom).
//
// The clock is an argument: a test passes its own; a dispatcher running on the real clock passes
// none and the script reads the Redis server's TIME, so that replicas whose clocks differ by a
// few milliseconds still share one smooth budget.

// gcraScript takes cost permits from one limiter, for now or for a slot up to ahead from now,
// or says how long to wait before asking again.
// KEYS: limiter. ARGV: now µs ("" for the server's clock), interval µs, cost, ahead µs.
// Returns {1, TAT after the grant, TAT before it, µs until the slot} or {0, wait µs, 0, 0}.
var gcraScript = redis.NewScript(`
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local interval = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local ahead = tonumber(ARGV[4])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local at = math.max(tat + (cost - 1) * interval, now)
if at - now > ahead then return {0, at - now - ahead, 0, 0} end
local new = at + cost * interval
redis.call('SET', KEYS[1], string.format('%d', new), 'PX', math.ceil((new - now) / 1000) + 60000)
return {1, new, tat, at - now}
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

// Allow takes n messages from the platform's budget and from the chat's, shared by every
// replica, at now (the zero time: the Redis server's clock). Granted, the messages may go once
// wait has passed (0 unless a scheduler.Pace allows slots ahead); refused, the caller asks again
// after wait.
//
// The two limiters live under their own hash tags (all chats of a platform must not share one
// Cluster slot), so they are two script calls; they go out in one pipeline, one round trip. When
// one grants and the other refuses, the grant is given back (a second round trip, only then):
// see refundScript.
func (s *Store) Allow(ctx context.Context, p flows.Platform, platform scheduler.Pace, chat string, perChat scheduler.Pace, n int, now time.Time) (wait time.Duration, granted bool, err error) {
	if n < 1 {
		n = 1
	}
	at := ""
	if !now.IsZero() {
		at = itoa(now.UnixMicro())
	}
	keys := []string{rateKey(p, ""), rateKey(p, chat)}
	paces := []scheduler.Pace{platform, perChat}
	intervals, costs, aheads := make([]int64, 2), make([]int, 2), make([]int64, 2)
	for i, pc := range paces {
		intervals[i] = micros(pc.Every)
		// No grant of more than a second's worth: it could never be granted.
		costs[i] = min(n, max(1, int(time.Second/max(pc.Every, 1))))
		aheads[i] = max(0, pc.Ahead.Microseconds())
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.Cmd, len(keys))
	for i := range keys {
		cmds[i] = gcraScript.EvalSha(ctx, pipe, []string{keys[i]}, at, intervals[i], costs[i], aheads[i])
	}
	_, _ = pipe.Exec(ctx)
	for i, c := range cmds {
		if redis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
			// Not loaded yet on that server (on a Cluster, each master loads it on first use):
			// this one again, with the script itself. The other one is not repeated, as it
			// has taken its permits.
			cmds[i] = gcraScript.Eval(ctx, s.rdb, []string{keys[i]}, at, intervals[i], costs[i], aheads[i])
		}
	}
	var refused, slot time.Duration
	tats, before := make([]int64, 2), make([]int64, 2)
	ok := true
	for i, c := range cmds {
		res, err := c.Int64Slice()
		if err != nil {
			return 0, false, err
		}
		if len(res) != 4 {
			return 0, false, errors.New("store: limiter script answered badly")
		}
		if res[0] == 1 {
			tats[i], before[i] = res[1], res[2]
			slot = max(slot, time.Duration(res[3])*time.Microsecond)
		} else {
			ok = false
			refused = max(refused, time.Duration(res[1])*time.Microsecond)
		}
	}
	if ok {
		return slot, true, nil
	}
	for i := range keys {
		if tats[i] != 0 {
			if err := refundScript.Run(ctx, s.rdb, []string{keys[i]}, tats[i], before[i]).Err(); err != nil {
				return refused, false, err
			}
		}
	}
	return refused, false, nil
}

// micros is d in µs, at least 1.
func micros(d time.Duration) int64 { return max(1, d.Microseconds()) }
