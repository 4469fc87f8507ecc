package store_test

import (
	"context"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/scheduler"
	"github.com/interlude-bot/interlude/store"
)

// TestLimiterNeverExceedsAnySlidingSecond asks the limiter, on a controlled clock, for 1 to 3
// messages at a time at random moments, far more often than the limit allows, and checks every
// half-open second that starts at a granted message: none may hold more than the limit, and
// the limit must be used (a smooth limiter that wastes the budget fails too).
//
// Why no second can hold more than r: a grant of n at g needs g ≥ TAT + (n-1)·T and sets
// TAT = g + n·T, so the next grant h ≥ g + (n + m - 1)·T for its m messages. For grants
// g1 < … < gk inside one second, (gk - g1)/T = Σ(n_i + n_{i+1} - 1) < r, which with n_i ≥ 1
// gives Σ n_i ≤ r. A grant for a slot ahead has the slot as its g: the bound is on the slots.
func TestLimiterNeverExceedsAnySlidingSecond(t *testing.T) {
	srv := redistest.Start(t)
	st := store.New(srv.Client(), nil)
	ctx := context.Background()
	const limit = 25
	day := 20
	for _, tc := range []struct {
		name    string
		maxCost int
		pace    scheduler.Pace
		late    time.Duration // a refused worker asks again up to this much later than told
		atLeast int           // of the 500 messages 20 s allow
	}{
		// One message at a time (a reminder merged into one message): the budget is used.
		{"one at a time", 1, scheduler.Pace{Every: time.Second / limit}, 0, 490},
		// A grant of n waits for n-1 free slots before it, so a mix wastes some of the budget.
		{"one to three at a time", 3, scheduler.Pace{Every: time.Second / limit}, 0, 380},
		// Workers that wake up late, with reservations up to 2 s ahead, as the scheduler asks
		// (3 % below the limit: 41.237 ms): the lateness costs nothing, and never more goes.
		{"late, reserved ahead", 1, scheduler.Pace{Every: 41237 * time.Microsecond, Ahead: 2 * time.Second}, 12 * time.Millisecond, 480},
	} {
		day++
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(tc.maxCost)))
			// Each case on its own hour, so that it starts with a fresh budget.
			start := time.Date(2026, 11, day, 18, 0, 0, 0, time.UTC)
			// Eight workers, as a dispatcher has: a refused one asks again when told to; one
			// that sent asks again a little later.
			workers := make([]time.Time, 8)
			for i := range workers {
				workers[i] = start.Add(time.Duration(rng.IntN(40000)) * time.Microsecond)
			}
			var sent []time.Time
			waits := 0 // refusals, and grants for a slot ahead
			for {
				w := 0
				for i := range workers {
					if workers[i].Before(workers[w]) {
						w = i
					}
				}
				now := workers[w]
				if !now.Before(start.Add(20 * time.Second)) {
					break
				}
				n := 1 + rng.IntN(tc.maxCost)
				chat := string(rune('a' + rng.IntN(26))) // 26 chats: the chat limit rarely refuses
				wait, granted, err := st.Allow(ctx, flows.Telegram, tc.pace, chat, scheduler.Pace{Every: time.Millisecond}, n, now)
				if err != nil {
					t.Fatal(err)
				}
				late := time.Duration(0)
				if tc.late > 0 {
					late = time.Duration(rng.Int64N(int64(tc.late)))
				}
				if wait > 0 {
					waits++
				}
				if !granted {
					workers[w] = now.Add(wait + late)
					continue
				}
				// A reservation: the messages go at their slot, and the worker is free after.
				for range n {
					sent = append(sent, now.Add(wait))
				}
				workers[w] = now.Add(wait + late + time.Duration(rng.IntN(3000))*time.Microsecond)
			}
			slices.SortFunc(sent, time.Time.Compare)
			if waits == 0 {
				t.Fatal("the limiter never made anyone wait: the test asked too slowly to prove anything")
			}
			for i, from := range sent {
				j := sort.Search(len(sent), func(k int) bool { return !sent[k].Before(from.Add(time.Second)) })
				if j-i > limit {
					t.Fatalf("%d messages in the second from %v, over the limit of %d", j-i, from.Sub(start), limit)
				}
			}
			t.Logf("%d messages in 20 s, %d waits", len(sent), waits)
			if len(sent) < tc.atLeast || len(sent) > 20*limit+limit {
				t.Errorf("%d messages in 20 s at a limit of %d/s, want at least %d", len(sent), limit, tc.atLeast)
			}
		})
	}
}

// TestLimiterSpacesMessagesAndSaysHowLongToWait checks the figures a dispatcher acts on.
func TestLimiterSpacesMessagesAndSaysHowLongToWait(t *testing.T) {
	srv := redistest.Start(t)
	st := store.New(srv.Client(), nil)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 29, 19, 0, 0, 0, time.UTC)
	allow := func(chat string, n int, at time.Duration) time.Duration {
		t.Helper()
		wait, _, err := st.Allow(ctx, flows.Telegram, scheduler.Pace{Every: time.Second / 25}, chat, scheduler.Pace{Every: time.Second}, n, t0.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return wait
	}
	if w := allow("1", 1, 0); w != 0 {
		t.Fatalf("first message: wait %v", w)
	}
	// The platform allows one every 40 ms: 10 ms later another chat waits 30 ms, not a second.
	if w := allow("2", 1, 10*time.Millisecond); w != 30*time.Millisecond {
		t.Errorf("second chat 10 ms later: wait %v, want 30ms", w)
	}
	if w := allow("2", 1, 40*time.Millisecond); w != 0 {
		t.Errorf("second chat at 40 ms: wait %v", w)
	}
	// Two messages at once need the slot before them free as well: at 100 ms the slot from
	// 80 ms is free but 40–80 ms was chat 2's, so chat 3 waits until 120 ms.
	if w := allow("3", 2, 100*time.Millisecond); w != 20*time.Millisecond {
		t.Errorf("two messages at 100 ms: wait %v, want 20ms", w)
	}
	if w := allow("3", 2, 120*time.Millisecond); w != 0 {
		t.Errorf("two messages at 120 ms: wait %v", w)
	}
	// They took the slots up to 200 ms.
	if w := allow("4", 1, 150*time.Millisecond); w != 50*time.Millisecond {
		t.Errorf("after two messages at 120 ms: wait %v, want 50ms (until 200 ms)", w)
	}
	// The same chat allows one a second.
	if w := allow("1", 1, 500*time.Millisecond); w != 500*time.Millisecond {
		t.Errorf("same chat at 500 ms: wait %v, want 500ms", w)
	}
}

// TestLimiterSpacesAChatAtItsSlots: a chat's budget counts the moment its messages leave (their
// slot, which the platform may set seconds ahead), not the moment they were asked for. A chat
// whose first message waited for the platform gets its second no sooner than a second after the
// first left, even when the platform is free again by then.
func TestLimiterSpacesAChatAtItsSlots(t *testing.T) {
	srv := redistest.Start(t)
	spacesAChatAtItsSlots(t, store.New(srv.Client(), nil), time.Date(2026, 11, 30, 19, 0, 0, 0, time.UTC))
}

// spacesAChatAtItsSlots is TestLimiterSpacesAChatAtItsSlots on st (a single server's or a
// Cluster's) from t0 on, with the console's budget (which no other test touches).
func spacesAChatAtItsSlots(t *testing.T, st *store.Store, t0 time.Time) {
	t.Helper()
	ctx := context.Background()
	platform := scheduler.Pace{Every: 500 * time.Millisecond, Ahead: 2 * time.Second}
	slot := func(chat string, at time.Duration) (time.Duration, bool) {
		t.Helper()
		wait, granted, err := st.Allow(ctx, flows.Console, platform, chat, scheduler.Pace{Every: time.Second}, 1, t0.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return at + wait, granted
	}
	// Three other chats take the platform's slots at 0, 0.5 and 1 s: chat a's first goes at 1.5 s.
	for i, c := range []string{"x", "y", "z"} {
		if s, ok := slot(c, 0); !ok || s != time.Duration(i)*500*time.Millisecond {
			t.Fatalf("chat %s: slot %v (granted %v), want %v", c, s, ok, time.Duration(i)*500*time.Millisecond)
		}
	}
	if s, ok := slot("a", 0); !ok || s != 1500*time.Millisecond {
		t.Fatalf("chat a's first: slot %v (granted %v), want 1.5s", s, ok)
	}
	// At 1 s chat a asks again; the platform's next slot is 2 s, half a second after a's first.
	s, ok := slot("a", time.Second)
	if ok {
		t.Fatalf("chat a's second granted for %v, %v after its first left (the chat's limit is 1 a second)", s, s-1500*time.Millisecond)
	}
	if s != 2500*time.Millisecond {
		t.Errorf("chat a refused at 1 s: told to come back at %v, want 2.5s (a second after its first left)", s)
	}
	// The refused platform slot was given back: another chat takes it.
	if s, ok := slot("b", time.Second); !ok || s != 2*time.Second {
		t.Errorf("chat b at 1 s: slot %v (granted %v), want 2s (the slot chat a gave back)", s, ok)
	}
	if s, ok := slot("a", 2500*time.Millisecond); !ok || s != 2500*time.Millisecond {
		t.Errorf("chat a at 2.5 s: slot %v (granted %v), want 2.5s", s, ok)
	}
}

// TestLimiterKeepsWhatTheOtherRefused: when the chat's limit refuses, the platform's slot is
// not used up (on one server it is never taken; on a Cluster it is given back), so another chat
// may use it; when the platform refuses, the chat's budget is not touched.
func TestLimiterKeepsWhatTheOtherRefused(t *testing.T) {
	srv := redistest.Start(t)
	st := store.New(srv.Client(), nil)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 29, 19, 0, 0, 0, time.UTC)
	allow := func(perSecond int, chat string, at time.Duration) time.Duration {
		t.Helper()
		wait, _, err := st.Allow(ctx, flows.Discord, scheduler.Pace{Every: time.Second / time.Duration(perSecond)}, chat, scheduler.Pace{Every: time.Second}, 1, t0.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return wait
	}
	if w := allow(2, "a", 0); w != 0 {
		t.Fatalf("first: %v", w)
	}
	// Chat a again at 500 ms: the chat refuses (until 1 s); the platform had a slot at 500 ms.
	if w := allow(2, "a", 500*time.Millisecond); w != 500*time.Millisecond {
		t.Fatalf("chat a at 500 ms: wait %v, want 500ms", w)
	}
	// That slot was given back: chat b takes it at once.
	if w := allow(2, "b", 500*time.Millisecond); w != 0 {
		t.Errorf("chat b at 500 ms after chat a was refused: wait %v, want 0 (the permit given back)", w)
	}
	// The platform refuses chat c at 700 ms (next slot 1 s); chat c's own budget is not touched
	// (the chat is asked only for a slot the platform granted), so at 1 s chat c goes.
	if w := allow(2, "c", 700*time.Millisecond); w != 300*time.Millisecond {
		t.Errorf("chat c at 700 ms: wait %v, want 300ms", w)
	}
	if w := allow(2, "c", time.Second); w != 0 {
		t.Errorf("chat c at 1 s: wait %v, want 0 (its chat budget untouched at 700 ms)", w)
	}
}

// TestLimiterOnTheServerClock: with no clock passed in, the script reads Redis's TIME, the same
// for every replica.
func TestLimiterOnTheServerClock(t *testing.T) {
	srv := redistest.Start(t)
	srv.RequireReal(t, "miniredis has no TIME in scripts")
	st := store.New(srv.Client(), nil)
	ctx := context.Background()
	if w, _, err := st.Allow(ctx, flows.Telegram, scheduler.Pace{Every: time.Second}, "x", scheduler.Pace{Every: time.Second}, 1, time.Time{}); err != nil || w != 0 {
		t.Fatalf("first: %v, %v", w, err)
	}
	w, _, err := st.Allow(ctx, flows.Telegram, scheduler.Pace{Every: time.Second}, "y", scheduler.Pace{Every: time.Second}, 1, time.Time{})
	if err != nil || w <= 900*time.Millisecond || w > time.Second {
		t.Errorf("second within a second at 1/s: wait %v, %v (want just under 1 s)", w, err)
	}
}
