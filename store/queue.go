package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/scheduler"
)

var _ flows.Wakes = (*Store)(nil)
var _ flows.Deliveries = (*Store)(nil)
var _ scheduler.Queue = (*Store)(nil)

// SetWakes sets wake-ups (never later than one already queued: an early wake-up is harmless,
// a late one would lose a reminder) and removes those in drop.
func (s *Store) SetWakes(ctx context.Context, u flows.UserKey, set map[flows.Reminder]time.Time, drop []flows.Reminder) error {
	if len(set) == 0 && len(drop) == 0 {
		return nil
	}
	pipe := s.rdb.Pipeline()
	s.queueWakes(ctx, pipe, u, set, drop)
	_, err := pipe.Exec(ctx)
	return err
}

// queueWakes adds the commands of SetWakes to a pipeline.
func (s *Store) queueWakes(ctx context.Context, pipe redis.Pipeliner, u flows.UserKey, set map[flows.Reminder]time.Time, drop []flows.Reminder) {
	for r, at := range set {
		pipe.ZAddLT(ctx, dueKey(), redis.Z{Score: float64(at.UnixMilli()), Member: wakeMember(u, r)})
	}
	if len(drop) > 0 {
		members := make([]any, len(drop))
		for i, r := range drop {
			members[i] = wakeMember(u, r)
		}
		pipe.ZRem(ctx, dueKey(), members...)
	}
}

// ClearWakes removes every wake-up of the client, queued or claimed.
func (s *Store) ClearWakes(ctx context.Context, u flows.UserKey) error {
	members := make([]any, len(flows.Reminders))
	for i, r := range flows.Reminders {
		members[i] = wakeMember(u, r)
	}
	pipe := s.rdb.Pipeline()
	pipe.ZRem(ctx, dueKey(), members...)
	pipe.ZRem(ctx, leaseKey(), members...)
	_, err := pipe.Exec(ctx)
	return err
}

// claimScript first puts back wake-ups whose lease ended (their dispatcher died), then moves up
// to n due wake-ups to the lease set, all at once, so each is taken by exactly one dispatcher.
// KEYS: due, lease. ARGV: now ms, lease end ms, n.
var claimScript = redis.NewScript(`
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, 1000)
for _, m in ipairs(expired) do
  redis.call('ZREM', KEYS[2], m)
  redis.call('ZADD', KEYS[1], 'LT', ARGV[1], m)
end
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))
for i = 1, #due, 2 do
  redis.call('ZREM', KEYS[1], due[i])
  redis.call('ZADD', KEYS[2], ARGV[2], due[i])
end
return due
`)

// Claim takes up to n wake-ups due at now, leased until now+lease.
func (s *Store) Claim(ctx context.Context, now time.Time, lease time.Duration, n int) ([]scheduler.Claim, error) {
	res, err := claimScript.Run(ctx, s.rdb, []string{dueKey(), leaseKey()}, now.UnixMilli(), now.Add(lease).UnixMilli(), n).StringSlice()
	if err != nil {
		return nil, err
	}
	out := make([]scheduler.Claim, 0, len(res)/2)
	for i := 0; i+1 < len(res); i += 2 {
		c, err := parseMember(res[i])
		if err != nil {
			// A member this version cannot read: drop it rather than retry it forever.
			_ = s.rdb.ZRem(ctx, leaseKey(), res[i]).Err()
			continue
		}
		ms, _ := strconv.ParseFloat(res[i+1], 64)
		c.Due = time.UnixMilli(int64(ms))
		out = append(out, c)
	}
	return out, nil
}

func parseMember(m string) (scheduler.Claim, error) {
	r, user, ok := strings.Cut(m, "|")
	p, id, ok2 := strings.Cut(user, ":")
	if !ok || !ok2 || id == "" {
		return scheduler.Claim{}, fmt.Errorf("store: bad wake-up %q", m)
	}
	return scheduler.Claim{User: flows.UserKey{Platform: flows.Platform(p), ID: flows.UserID(id)}, Reminder: flows.Reminder(r)}, nil
}

// Done releases a handled claim.
func (s *Store) Done(ctx context.Context, c scheduler.Claim) error {
	return s.rdb.ZRem(ctx, leaseKey(), wakeMember(c.User, c.Reminder)).Err()
}

// Retry puts a claim back, due at at (or earlier, if it was queued again meanwhile).
func (s *Store) Retry(ctx context.Context, c scheduler.Claim, at time.Time) error {
	m := wakeMember(c.User, c.Reminder)
	pipe := s.rdb.TxPipeline()
	pipe.ZAddLT(ctx, dueKey(), redis.Z{Score: float64(at.UnixMilli()), Member: m})
	pipe.ZRem(ctx, leaseKey(), m)
	_, err := pipe.Exec(ctx)
	return err
}

// Delivered reports whether the reminder occurrence with the key reached the client.
func (s *Store) Delivered(ctx context.Context, u flows.UserKey, key string) (bool, error) {
	err := s.rdb.ZScore(ctx, seenKey(u), key).Err()
	switch {
	case err == redis.Nil:
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}

// Finish records that the reminder occurrence with the key reached the client and releases the
// claim, in one round trip: one pipeline, not one script, since the record lives under the
// client's hash tag and the claim under {sched}, two slots on a Cluster. The record goes first,
// so a connection lost between the two leaves a recorded delivery with its claim still held,
// which the claim's next holder finds delivered and does not send again. The record is kept
// with the client's seen updates (25 h, far beyond the grace window of a reminder).
func (s *Store) Finish(ctx context.Context, c scheduler.Claim, key string) error {
	pipe := s.rdb.Pipeline()
	if key != "" {
		pipe.ZAdd(ctx, seenKey(c.User), redis.Z{Score: float64(s.now().UnixMilli()), Member: key})
		pipe.PExpire(ctx, seenKey(c.User), SeenTTL)
	}
	pipe.ZRem(ctx, leaseKey(), wakeMember(c.User, c.Reminder))
	_, err := pipe.Exec(ctx)
	return err
}

// FirstTime reports whether this is the first time for (scope, id) within ttl, and marks it.
func (s *Store) FirstTime(ctx context.Context, scope, id string, ttl time.Duration) (bool, error) {
	return s.rdb.SetNX(ctx, markKey(scope, id), 1, ttl).Result()
}
