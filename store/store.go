// Package store keeps each client's state and history in Redis. It is the only package that
// knows key names (see keys.go); every change of a client is one atomic script.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/storeconf"
)

// SeenTTL is how long an applied update id is remembered. Telegram redelivers unconfirmed
// updates for up to 24 hours.
const SeenTTL = 25 * time.Hour

// Store is the Redis-backed flows.Store.
type Store struct {
	rdb      redis.UniversalClient
	seal     *Sealer
	now      func() time.Time
	close    func() error
	observer Observer
}

var _ flows.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithClock sets the clock used for history times and expiry (default time.Now).
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// Open connects to the Redis at rawURL and checks that it answers. rawURL is one server, a
// Sentinel or a Cluster, as [storeconf.ParseRedisURL] reads it.
func Open(ctx context.Context, rawURL string, seal *Sealer, opts ...Option) (*Store, error) {
	rdb, where, err := NewClient(rawURL)
	if err != nil {
		return nil, err
	}
	s := newStore(rdb, seal, opts)
	if err := s.Ping(ctx); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("redis at %s: %w", where, err)
	}
	return s, nil
}

// NewClient builds a client for a Redis URL (see Open) and says where it points, without any
// password.
func NewClient(rawURL string) (redis.UniversalClient, string, error) {
	r, err := storeconf.ParseRedisURL(rawURL)
	switch {
	case err != nil:
		return nil, "", err
	case r.Cluster != nil:
		return redis.NewClusterClient(r.Cluster), r.Where, nil
	case r.Sentinel != nil:
		return redis.NewFailoverClient(r.Sentinel), r.Where, nil
	}
	return redis.NewClient(r.Single), r.Where, nil
}

// OpenEmbedded starts an in-process Redis (miniredis). Nothing survives a restart; it is meant
// for trying the bot in the console, never for clients.
func OpenEmbedded(seal *Sealer, opts ...Option) (*Store, error) {
	mr := miniredis.NewMiniRedis()
	if err := mr.Start(); err != nil {
		return nil, fmt.Errorf("embedded redis: %w", err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	s := newStore(rdb, seal, opts)
	s.close = func() error { err := rdb.Close(); mr.Close(); return err }
	slog.Warn("EMBEDDED STORE: nothing is kept on disk and everything is lost when the bot stops; set INTERLUDE_REDIS_URL for real use")
	return s, nil
}

// New wraps an existing client (tests and benchmarks use this).
func New(rdb redis.UniversalClient, seal *Sealer, opts ...Option) *Store {
	return newStore(rdb, seal, opts)
}

func newStore(rdb redis.UniversalClient, seal *Sealer, opts []Option) *Store {
	if seal == nil {
		seal, _ = NewSealer(nil)
	}
	s := &Store{rdb: rdb, seal: seal, now: time.Now, close: rdb.Close}
	for _, o := range opts {
		o(s)
	}
	if s.observer != nil {
		rdb.AddHook(timingHook{s.observer})
	}
	return s
}

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }

// Close closes the connection (and stops the embedded Redis).
func (s *Store) Close() error { return s.close() }

// Load reads the client's state and whether updateID was applied, in one round trip.
func (s *Store) Load(ctx context.Context, u flows.UserKey, updateID string) (flows.Snapshot, error) {
	pipe := s.rdb.Pipeline()
	st := pipe.HMGet(ctx, stateKey(u), "rev", "state")
	var seen *redis.FloatCmd
	if updateID != "" {
		seen = pipe.ZScore(ctx, seenKey(u), updateID)
	}
	// The latest history record, for a new entry to join (history.go): in the same round trip.
	tail := pipe.LIndex(ctx, entriesKey(u), -1)
	_, _ = pipe.Exec(ctx)
	// Each command's own error: Exec names only the first, which is often the harmless "no
	// such update" (redis.Nil) and would hide a failure of a command after it.
	var snap flows.Snapshot
	if err := st.Err(); err != nil {
		return flows.Snapshot{}, damaged(err, "state of "+u.String())
	}
	if seen != nil {
		switch err := seen.Err(); {
		case err == nil:
			snap.Seen = true
		case !errors.Is(err, redis.Nil):
			return flows.Snapshot{}, damaged(err, "updates seen of "+u.String())
		}
	}
	switch err := tail.Err(); {
	case err == nil:
		snap.Tail = []byte(tail.Val())
	case !errors.Is(err, redis.Nil):
		return flows.Snapshot{}, damaged(err, "history of "+u.String())
	}
	vals := st.Val()
	if len(vals) == 2 && vals[0] != nil && vals[1] != nil {
		rev, err := strconv.ParseInt(fmt.Sprint(vals[0]), 10, 64)
		if err != nil {
			return flows.Snapshot{}, fmt.Errorf("state revision of %s: %w (%w)", u, flows.ErrUnreadable, err)
		}
		plain, err := s.seal.Open([]byte(fmt.Sprint(vals[1])), u.String())
		if err != nil {
			return flows.Snapshot{}, fmt.Errorf("state of %s: %w", u, err)
		}
		snap.Rev, snap.State = rev, plain
	}
	return snap, nil
}

// damaged marks a key of the wrong type (written by hand, or by something else sharing the
// database) as a record that cannot be read: retrying cannot help, and the client is told.
// Other errors (Redis down) are returned as they are, to be retried.
func damaged(err error, what string) error {
	if redis.HasErrorPrefix(err, "WRONGTYPE") {
		return fmt.Errorf("%s: %w (%w)", what, flows.ErrUnreadable, err)
	}
	return err
}

// saveScript applies a flows.Change atomically: it refuses a seen update (-1) and a stale
// revision (-2); otherwise it writes the state, appends a history record or replaces the last one
// (the month's record, history.go), drops records whose oldest entry is past the retention,
// records the update id and sets expiries, and returns the new revision. The revision check
// also guards the replaced record: every write of the history goes through this script, so the
// last record is the one Load read with that revision.
//
// KEYS: userKeys (state, entries, seen), all deleted on erasure. ARGV: rev, state, ttl ms,
// update id, now ms, seen ttl ms, erase flag, history mode ("" none, "a" append, "r" replace
// the last record), record.
var saveScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], 'rev')
if not cur then cur = '0' end
if ARGV[4] ~= '' and redis.call('ZSCORE', KEYS[3], ARGV[4]) then return -1 end
if cur ~= ARGV[1] then return -2 end
if ARGV[7] == '1' then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  if ARGV[4] ~= '' then
    -- a declined consent: only the expiring record of this update id stays
    redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4])
    redis.call('PEXPIRE', KEYS[3], tonumber(ARGV[6]))
  end
  return 0
end
local now = tonumber(ARGV[5])
local ttl = tonumber(ARGV[3])
local rev = tonumber(cur) + 1
redis.call('HSET', KEYS[1], 'rev', rev, 'state', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl)
if ARGV[8] ~= '' then
  if ARGV[8] == 'r' and redis.call('LLEN', KEYS[2]) > 0 then
    redis.call('LSET', KEYS[2], -1, ARGV[9])
  else
    redis.call('RPUSH', KEYS[2], ARGV[9])
  end
  local cutoff = now - ttl
  while true do
    local head = redis.call('LINDEX', KEYS[2], 0)
    if not head then break end
    local at = tonumber(string.match(head, '^(%d+)|'))
    if at == nil or at >= cutoff then break end
    redis.call('LPOP', KEYS[2])
  end
  redis.call('PEXPIRE', KEYS[2], ttl)
end
if ARGV[4] ~= '' then
  local seenTTL = tonumber(ARGV[6])
  redis.call('ZADD', KEYS[3], now, ARGV[4])
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. (now - seenTTL))
  redis.call('PEXPIRE', KEYS[3], seenTTL)
end
return rev
`)

// Save applies a change atomically (one script, one round trip).
func (s *Store) Save(ctx context.Context, u flows.UserKey, c flows.Change) error {
	args, err := s.saveArgs(u, c)
	if err != nil {
		return err
	}
	return saveResult(saveScript.Run(ctx, s.rdb, userKeys(u), args...))
}

var _ flows.WakingSaver = (*Store)(nil)

// SaveWaking writes wake-ups and applies a change in one round trip: one pipeline, the wake-ups
// first, so that a connection lost in between leaves at worst an early wake-up (harmless), never
// a saved state without its wake-up. On a Cluster the two are on different masters, which a
// pipeline writes in no set order: there it is SetWakes, then Save.
func (s *Store) SaveWaking(ctx context.Context, u flows.UserKey, set map[flows.Reminder]time.Time, drop []flows.Reminder, c flows.Change) error {
	if s.onCluster() {
		if err := s.SetWakes(ctx, u, set, drop); err != nil {
			return err
		}
		return s.Save(ctx, u, c)
	}
	args, err := s.saveArgs(u, c)
	if err != nil {
		return err
	}
	keys := userKeys(u)
	run := func(eval func(ctx context.Context, c redis.Scripter, keys []string, args ...any) *redis.Cmd) (*redis.Cmd, error) {
		pipe := s.rdb.Pipeline()
		s.queueWakes(ctx, pipe, u, set, drop)
		cmd := eval(ctx, pipe, keys, args...)
		_, err := pipe.Exec(ctx)
		return cmd, err
	}
	cmd, err := run(saveScript.EvalSha)
	if redis.HasErrorPrefix(cmd.Err(), "NOSCRIPT") {
		// Not loaded yet: again with the script itself (the wake-ups again too, which is
		// harmless: a wake-up is only ever moved earlier).
		cmd, err = run(saveScript.Eval)
	}
	if err != nil && cmd.Err() == nil {
		return err // a wake-up not written: the state is saved, but report it
	}
	return saveResult(cmd)
}

// onCluster reports whether the store runs on a Redis Cluster, where keys under different hash
// tags live on different masters: one script cannot span them, and a pipeline over them runs
// in no set order.
func (s *Store) onCluster() bool {
	_, cluster := s.rdb.(*redis.ClusterClient)
	return cluster
}

func saveResult(cmd *redis.Cmd) error {
	res, err := cmd.Int64()
	if err != nil {
		return err
	}
	switch res {
	case -1:
		return flows.ErrDuplicate
	case -2:
		return flows.ErrConflict
	}
	return nil
}

// saveArgs seals a change into the arguments of saveScript.
func (s *Store) saveArgs(u flows.UserKey, c flows.Change) ([]any, error) {
	ad := u.String()
	// The state is written on every message, but compressing a record of a few hundred bytes
	// costs a few microseconds, against a round trip of a hundred: it is compressed too.
	state, err := s.seal.SealCompressed(c.State, ad)
	if err != nil {
		return nil, err
	}
	erase := "0"
	if c.Erase {
		erase = "1"
	}
	ttl := c.TTL
	if ttl <= 0 {
		ttl = 365 * 24 * time.Hour
	}
	now := s.now().UnixMilli()
	mode, record := "", ""
	if len(c.Entries) > 0 && !c.Erase {
		rec, replace, err := s.historyRecord(c.Tail, c.Entries, now, now-ttl.Milliseconds(), ad)
		if err != nil {
			return nil, err
		}
		mode, record = "a", rec
		if replace {
			mode = "r"
		}
	}
	return []any{c.Rev, state, ttl.Milliseconds(), c.UpdateID, now, SeenTTL.Milliseconds(), erase, mode, record}, nil
}

// Entries returns the client's history, oldest first.
func (s *Store) Entries(ctx context.Context, u flows.UserKey) ([][]byte, error) {
	recs, err := s.rdb.LRange(ctx, entriesKey(u), 0, -1).Result()
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for _, r := range recs {
		ms, sealed, err := splitRecord(r)
		if err != nil {
			return nil, fmt.Errorf("entry of %s: %w", u, err)
		}
		plain, err := s.seal.Open([]byte(sealed), u.String())
		if err != nil {
			return nil, fmt.Errorf("entry of %s: %w", u, err)
		}
		items, err := decodeHistory(plain, ms)
		if err != nil {
			return nil, fmt.Errorf("entry of %s: %w", u, err)
		}
		for _, it := range items {
			out = append(out, it.entry)
		}
	}
	return out, nil
}
