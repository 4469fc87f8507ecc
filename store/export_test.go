package store

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/interlude-bot/interlude/flows"
)

// FloorMessage does, with bare go-redis, the Redis work of handling one message and nothing
// else: the pipelined read of the state and of the update id that [Store.Load] does, then the
// save script of [Store.Save] with a ready record of stateSize bytes (and a history entry of
// entrySize bytes when entrySize > 0). It returns the new revision. BenchmarkEngine compares the
// engine with it: what the engine costs beyond it is decoding, deciding, encoding and sealing.
// It is here, in a test file, because it reaches the store's keys and script and only the
// benchmark needs it.
func FloorMessage(ctx context.Context, rdb redis.UniversalClient, u flows.UserKey, updateID string, rev int64, stateSize, entrySize int) (int64, error) {
	pipe := rdb.Pipeline()
	pipe.HMGet(ctx, stateKey(u), "rev", "state")
	pipe.ZScore(ctx, seenKey(u), updateID)
	pipe.LIndex(ctx, entriesKey(u), -1)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return 0, err
	}
	now := time.Now().UnixMilli()
	args := []any{rev, strings.Repeat("s", stateSize), time.Hour.Milliseconds(), updateID, now, SeenTTL.Milliseconds(), "0", "", ""}
	if entrySize > 0 {
		args[7], args[8] = "a", strconv.FormatInt(now, 10)+"|"+strings.Repeat("e", entrySize)
	}
	return saveScript.Run(ctx, rdb, userKeys(u), args...).Int64()
}
