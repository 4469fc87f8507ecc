package scheduler_test

import (
	"context"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/scheduler"
	"github.com/interlude-bot/interlude/store"
)

// TestOnRedisCluster runs the store and the scheduler on a three-master Redis Cluster: every
// script and transaction touches one slot (a client's keys share a hash tag, the scheduler's
// keys another), so onboarding, check-ins, reminders, leases and erasure all work there.
func TestOnRedisCluster(t *testing.T) {
	cl := redistest.StartCluster(t)
	rdb, _, err := store.NewClient(cl.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	loc := berlin(t)
	c := &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, loc)}
	key := make([]byte, 32)
	sealer, _ := store.NewSealer(key)
	st := store.New(rdb, sealer, store.WithClock(c.Now))
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, st, flows.Options{Now: c.Now, Logger: quiet, Wakes: st, Deliveries: st})
	rec := &recorder{clock: c}
	r := &rig{t: t, st: st, engine: e, clock: c, rec: rec,
		disp: scheduler.New(e, st, map[flows.Platform]flows.Sender{flows.Telegram: rec}, scheduler.WithClock(c.Now), scheduler.WithSleep(c.SleepUntil), scheduler.WithLogger(quiet))}

	// Clients whose keys land on different masters.
	var users []flows.UserKey
	for _, id := range []string{"1", "22", "333", "4444", "55555"} {
		users = append(users, r.onboard(id, "Berlin", "later", "Sunday 19:00"))
	}
	r.runUntil(time.Date(2026, 11, 29, 19, 30, 0, 0, loc))
	for _, u := range users {
		msgs := r.rec.to(u)
		// Paced by the limit (25/s): each 40 ms after the one before.
		if at := time.Date(2026, 11, 29, 19, 0, 0, 0, loc); len(msgs) != 1 || msgs[0].at.Before(at) || !msgs[0].at.Before(at.Add(time.Second)) {
			t.Errorf("%s on the cluster: %+v", u, msgs)
		}
	}
	ctx := context.Background()
	if tok, err := st.AcquireLease(ctx, "telegram-poll", "a", time.Second); err != nil || tok == 0 {
		t.Errorf("lease on the cluster: %d, %v", tok, err)
	}
	if ok, err := st.FirstTime(ctx, "tg-group", "-100", time.Minute); err != nil || !ok {
		t.Errorf("mark on the cluster: %v, %v", ok, err)
	}
	if _, _, err := st.Allow(ctx, flows.Telegram, scheduler.Pace{Every: time.Second / 25}, "1", scheduler.Pace{Every: time.Second}, 1, c.Now()); err != nil {
		t.Errorf("rate limit on the cluster: %v", err)
	}
	// Erasure on the cluster.
	outs := r.say(users[0], "/forget")
	if _, err := e.Handle(ctx, flows.Inbound{User: users[0], Button: outs[0].Buttons[0].ID}); err != nil {
		t.Fatal(err)
	}
	if snap, err := st.Load(ctx, users[0], ""); err != nil || snap.State != nil {
		t.Errorf("after /forget on the cluster: %v, %v", snap, err)
	}
}
