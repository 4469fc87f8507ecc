package store

import (
	"context"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// acquireScript takes a named lease for owner, or extends it when owner holds it already, and
// returns the holder's fencing token (0 when another owner holds it).
// KEYS: lease, fence. ARGV: owner, ttl ms.
var acquireScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
local prefix = ARGV[1] .. ':'
if cur then
  if string.sub(cur, 1, #prefix) == prefix then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(string.sub(cur, #prefix + 1))
  end
  return 0
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], prefix .. token, 'PX', ARGV[2])
return token
`)

// releaseScript gives a lease up if owner still holds it with token.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// AcquireLease takes or renews the lease name for owner for ttl. It returns the fencing token
// of the holding, which grows with every new holder, or 0 when another owner holds it.
func (s *Store) AcquireLease(ctx context.Context, name, owner string, ttl time.Duration) (int64, error) {
	return acquireScript.Run(ctx, s.rdb, []string{lockKey(name), lockFenceKey(name)}, owner, ttl.Milliseconds()).Int64()
}

// LeaseLeft returns how long the lease name is still held (0 when nobody holds it), so that a
// replica waiting for it can try again the moment it runs out.
func (s *Store) LeaseLeft(ctx context.Context, name string) (time.Duration, error) {
	d, err := s.rdb.PTTL(ctx, lockKey(name)).Result()
	if err != nil || d < 0 {
		return 0, err
	}
	return d, nil
}

// ReleaseLease gives the lease up, if owner still holds it with token.
func (s *Store) ReleaseLease(ctx context.Context, name, owner string, token int64) error {
	return releaseScript.Run(ctx, s.rdb, []string{lockKey(name)}, owner+":"+itoa(token)).Err()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
