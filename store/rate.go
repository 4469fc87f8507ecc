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
// a reservation loses nothing, since the slot's date is set when it is taken. The chat's limiter
// is asked for the slot the platform's grants, not for now, so its bound too is on the slots'
// dates; a send leaves a little after its date, so a caller that must never put
// more than r into any second at the receiving end paces a little below r (the scheduler does:
// see its headroom).
//
// The clock is an argument: a test passes its own; a dispatcher running on the real clock passes
// none and the script reads the Redis server's TIME, so that replicas whose clocks differ by a
// few milliseconds still share one smooth budget.

// gcraScript takes cost permits from each of its limiters (the platform's, then the chat's) for
// one slot: now, or up to the first limiter's ahead from now, or a slot given (one another call
// granted). It takes them from all or from none, and otherwise says how long to wait before
// asking again. The slot is the moment the messages leave, so that is what every limiter
// counts.
// KEYS: the limiters. ARGV: now µs ("" for the server's clock), the slot µs ("" for the first
// free one), then interval µs, cost and ahead µs for each key.
// Returns {1, first key's TAT after the grant, and before it, µs until the slot, the slot µs},
// or refused {0, wait µs, 0, 0, 0}, or refused for a slot {0, µs from the slot until this key
// is free, 0, µs until the slot, 0}: the wait is the sum of the two, and on a Cluster the
// caller adds its own µs until the slot instead (from the platform's clock: a chat's master
// may read a clock a few ms off, and its "free in −2 ms" would have the caller ask again at once).
var gcraScript = redis.NewScript(`
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local at = tonumber(ARGV[2])
local tats, takes = {}, {}
for i, key in ipairs(KEYS) do
  local interval, cost, ahead = tonumber(ARGV[3*i]), tonumber(ARGV[3*i+1]), tonumber(ARGV[3*i+2])
  local tat = tonumber(redis.call('GET', key) or '0')
  local free = tat + (cost - 1) * interval
  if at == nil then
    at = math.max(free, now)
    if at - now > ahead then return {0, at - now - ahead, 0, 0, 0} end
  elseif free > at then
    return {0, math.max(1, free - at), 0, at - now, 0}
  end
  tats[i], takes[i] = tat, cost * interval
end
for i, key in ipairs(KEYS) do
  local new = at + takes[i]
  redis.call('SET', key, string.format('%d', new), 'PX', math.ceil(math.max(new - now, 0) / 1000) + 60000)
end
return {1, at + takes[1], tats[1], at - now, at}
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
// Both limiters count the slot the platform grants, since that is when the messages leave.
// (Asked for now instead, a chat whose first message waited 1.5 s for the platform could be
// granted a second one a second after asking, half a second after the first went out.) On one
// server that is one script call over both keys. On a Cluster the two live under their own hash
// tags (all chats of a platform must not share one slot), so there it is two calls, one after
// the other: the platform's grants a slot and the chat's is asked for that very slot; when the
// chat refuses, the platform's grant is given back (a third round trip, only then): see
// refundScript.
func (s *Store) Allow(ctx context.Context, p flows.Platform, platform scheduler.Pace, chat string, perChat scheduler.Pace, n int, now time.Time) (wait time.Duration, granted bool, err error) {
	n = max(n, 1)
	at := ""
	if !now.IsZero() {
		at = itoa(now.UnixMicro())
	}
	limiter := func(pc scheduler.Pace) []any {
		// No grant of more than a second's worth: it could never be granted.
		cost := min(n, max(1, int(time.Second/max(pc.Every, 1))))
		return []any{micros(pc.Every), cost, max(0, pc.Ahead.Microseconds())}
	}
	chatPace := limiter(perChat) // always asked for the platform's slot: its Ahead is not read
	keys := []string{rateKey(p, ""), rateKey(p, chat)}
	if !s.onCluster() {
		res, err := limiterAnswer(gcraScript.Run(ctx, s.rdb, keys, append(append([]any{at, ""}, limiter(platform)...), chatPace...)...))
		switch {
		case err != nil:
			return 0, false, err
		case res[0] == 0:
			return time.Duration(res[1]+res[3]) * time.Microsecond, false, nil
		}
		return time.Duration(res[3]) * time.Microsecond, true, nil
	}
	res, err := limiterAnswer(gcraScript.Run(ctx, s.rdb, keys[:1], append([]any{at, ""}, limiter(platform)...)...))
	if err != nil || res[0] == 0 {
		return time.Duration(res[1]) * time.Microsecond, false, err
	}
	chatRes, err := limiterAnswer(gcraScript.Run(ctx, s.rdb, keys[1:], append([]any{at, res[4]}, chatPace...)...))
	if err == nil && chatRes[0] == 1 {
		return time.Duration(res[3]) * time.Microsecond, true, nil
	}
	if rerr := refundScript.Run(ctx, s.rdb, keys[:1], res[1], res[2]).Err(); err == nil {
		err = rerr
	}
	return time.Duration(chatRes[1]+res[3]) * time.Microsecond, false, err
}

// limiterAnswer reads gcraScript's answer: never nil, so that a failed call's wait reads as 0.
func limiterAnswer(c *redis.Cmd) ([]int64, error) {
	res, err := c.Int64Slice()
	switch {
	case err != nil:
		return make([]int64, 5), err
	case len(res) != 5:
		return make([]int64, 5), errors.New("store: limiter script answered badly")
	}
	return res, nil
}

// micros is d in µs, at least 1.
func micros(d time.Duration) int64 { return max(1, d.Microseconds()) }
