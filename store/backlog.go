package store

import (
	"context"
	"strconv"
	"time"
)

// DueBefore counts the queued wake-ups due at or before t that no dispatcher has claimed yet
// (for the reminders due and overdue gauges).
func (s *Store) DueBefore(ctx context.Context, t time.Time) (int64, error) {
	return s.rdb.ZCount(ctx, dueKey(), "-inf", strconv.FormatInt(t.UnixMilli(), 10)).Result()
}
