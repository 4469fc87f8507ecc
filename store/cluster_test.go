package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/scheduler"
	"github.com/interlude-bot/interlude/store"
)

// TestOnRedisCluster runs the store's layout on a three-master cluster: month packs (the save
// script and the pipelined read, one hash tag), the limiter (platform and chats under their own
// tags, so on different masters: the chat asked for the platform's slot, the permit given back
// across them) and the pipeline that
// records a delivery under the client's tag and releases the claim under {sched}.
func TestOnRedisCluster(t *testing.T) {
	cl := redistest.StartCluster(t)
	rdb, _, err := store.NewClient(cl.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	ctx := context.Background()
	now := time.Date(2026, 12, 6, 19, 0, 0, 0, time.UTC)
	st := store.New(rdb, sealer(t, key(5)), store.WithClock(func() time.Time { return now }))

	for _, id := range []string{"1", "22", "333", "4444"} {
		u := flows.UserKey{Platform: flows.Telegram, ID: flows.UserID(id)}
		for i, e := range []string{"first", "second"} {
			snap, err := st.Load(ctx, u, "")
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Save(ctx, u, flows.Change{Rev: snap.Rev, State: []byte("state " + e), Entries: [][]byte{[]byte(e)}, Tail: snap.Tail, UpdateID: "u" + string(rune('0'+i))}); err != nil {
				t.Fatalf("%s: %v", u, err)
			}
		}
		recs, err := st.Entries(ctx, u)
		if err != nil || len(recs) != 2 || string(recs[0]) != "first" || string(recs[1]) != "second" {
			t.Errorf("%s: history %q, %v", u, recs, err)
		}
		if snap, err := st.Load(ctx, u, "u1"); err != nil || !snap.Seen || string(snap.State) != "state second" {
			t.Errorf("%s: %+v, %v", u, snap, err)
		}
	}

	// The limiter: chat "a" refused at 500 ms gives its platform permit back to chat "b".
	allow := func(chat string, at time.Duration) time.Duration {
		t.Helper()
		w, _, err := st.Allow(ctx, flows.Discord, scheduler.Pace{Every: time.Second / 2}, chat, scheduler.Pace{Every: time.Second}, 1, now.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	if w := allow("a", 0); w != 0 {
		t.Errorf("first: %v", w)
	}
	if w := allow("a", 500*time.Millisecond); w != 500*time.Millisecond {
		t.Errorf("chat a again: %v", w)
	}
	if w := allow("b", 500*time.Millisecond); w != 0 {
		t.Errorf("chat b in the slot given back: %v", w)
	}
	// A chat is counted at the slot the platform granted, on a master of its own.
	spacesAChatAtItsSlots(t, st, now.Add(time.Hour))
	// And on the server's clock.
	if w, _, err := st.Allow(ctx, flows.Telegram, scheduler.Pace{Every: time.Second / 25}, "z", scheduler.Pace{Every: time.Second}, 1, time.Time{}); err != nil || w != 0 {
		t.Errorf("on the server clock: %v, %v", w, err)
	}

	// A claim finished: the delivery recorded, the claim released, in one pipeline over two slots.
	u := flows.UserKey{Platform: flows.Telegram, ID: "1"}
	if err := st.SetWakes(ctx, u, map[flows.Reminder]time.Time{flows.RemindCheckin: now}, nil); err != nil {
		t.Fatal(err)
	}
	claims, err := st.Claim(ctx, now, time.Minute, 10)
	if err != nil || len(claims) != 1 {
		t.Fatalf("claims: %+v, %v", claims, err)
	}
	if err := st.Finish(ctx, claims[0], "sched:checkin:1"); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.Delivered(ctx, u, "sched:checkin:1"); err != nil || !ok {
		t.Errorf("delivery not recorded: %v, %v", ok, err)
	}
	if again, err := st.Claim(ctx, now.Add(2*time.Minute), time.Minute, 10); err != nil || len(again) != 0 {
		t.Errorf("the claim was not released: %+v, %v", again, err)
	}
}
