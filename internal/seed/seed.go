// Package seed fills a store with clients for tests and benchmarks that need many of them.
package seed

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/store"
	"github.com/interlude-bot/interlude/when"
)

// Scheduled stores n onboarded Telegram clients (ids firstID, firstID+1, …, in UTC) whose
// weekly check-in falls at due, with its wake-up queued, as the engine would have left them.
func Scheduled(ctx context.Context, st *store.Store, n, firstID int, due time.Time) error {
	weekly := when.Weekly{Day: due.Weekday(), Hour: due.Hour(), Minute: due.Minute()}
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				u := flows.UserKey{Platform: flows.Telegram, ID: flows.UserID(strconv.Itoa(firstID + i))}
				data, err := flows.EncodeState(&flows.State{
					Locale: "en", Zone: "UTC", Since: due.Add(-time.Hour),
					Consent:  &flows.Consent{Version: 1, At: due.Add(-time.Hour)},
					Schedule: flows.Schedule{Checkin: &weekly, Fired: map[flows.Reminder]time.Time{flows.RemindCheckin: due.Add(-time.Hour)}},
				})
				if err == nil {
					err = st.Save(ctx, u, flows.Change{State: data, TTL: 365 * 24 * time.Hour})
				}
				if err == nil {
					err = st.SetWakes(ctx, u, map[flows.Reminder]time.Time{flows.RemindCheckin: due}, nil)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs // nil when every client was stored
}
