package store_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/store"
)

// The engine's benchmarks on a real Redis: they share the rig of bench_test.go.

// BenchmarkLatencyAt1000 sends 1,000 messages a second for five seconds, spread over clients,
// and reports the p50 and p99 time to handle one.
//
//	go test -run '^$' -bench BenchmarkLatencyAt1000 -benchtime 1x ./store/
func BenchmarkLatencyAt1000(b *testing.B) {
	const clients, rate, seconds = 500, 1000, 5
	r := newBenchRig(b, clients)
	ctx := context.Background()
	for range b.N {
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / rate)
		var i int
		for range rate * seconds {
			<-tick.C
			u := r.users[i%clients]
			text := checkinScript[(i/clients)%len(checkinScript)]
			id := "l" + strconv.Itoa(i)
			i++
			wg.Go(func() {
				t0 := time.Now()
				if _, err := r.e.Handle(ctx, flows.Inbound{User: u, UpdateID: id, Text: text}); err != nil {
					b.Error(err)
				}
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			})
		}
		tick.Stop()
		wg.Wait()
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	}
}

// BenchmarkMemoryPerClient reports Redis memory per client after twelve weekly check-ins, a
// week apart on the clock of the engine and of the store (so that the history spans three
// calendar months, as it would), with the same answers every week. B/client-varied is the
// same with answers that differ from week to week (what the client wrote compresses less).
//
//	go test -run '^$' -bench BenchmarkMemoryPerClient -benchtime 1x ./store/
func BenchmarkMemoryPerClient(b *testing.B) {
	const clients = 1000
	for range b.N {
		b.ReportMetric(memoryPerClient(b, clients, false), "B/client")
		b.ReportMetric(memoryPerClient(b, clients, true), "B/client-varied")
	}
}

func memoryPerClient(b *testing.B, clients int, varied bool) float64 {
	srv := redistest.Start(b)
	rdb := srv.Client()
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	key := make([]byte, 32)
	sealer, _ := store.NewSealer(key)
	st := store.New(rdb, sealer, store.WithClock(clock))
	lib, err := flows.Load("")
	if err != nil {
		b.Fatal(err)
	}
	e := flows.New(lib, st, flows.Options{Now: clock, Logger: slog.New(slog.DiscardHandler), Wakes: st, Deliveries: st})
	before := used(b, rdb)
	rig := newBenchRigOn(b, &benchRig{e: e, st: st, rdb: rdb}, clients)
	for week := range 12 {
		mu.Lock()
		now = now.Add(7 * 24 * time.Hour)
		mu.Unlock()
		for i, u := range rig.users {
			for j, text := range checkinScript {
				if varied && j >= 2 {
					// Other words each week and for each client, of the same length.
					text = variedText(text, week*clients+i)
				}
				in := flows.Inbound{User: u, UpdateID: fmt.Sprintf("w%d-%d", week, j), Text: text}
				if _, err := rig.e.Handle(ctx, in); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	// Update ids are kept 25 hours; weeks apart, those of earlier weeks would be gone.
	for _, u := range rig.users {
		rdb.Del(ctx, "interlude:{tg:"+string(u.ID)+"}:seen")
	}
	return float64(used(b, rdb)-before) / float64(clients)
}

// variedText gives text with its words replaced by words from a list, chosen by seed: the same
// length and shape, other words.
func variedText(text string, seed int) string {
	words := strings.Fields("the a my and to of it was I felt about when how she he we they said again work home friend mother father week day night morning talked noticed wanted kept tried thought quiet tired better worse afraid angry glad calm sad long short walk call message dinner plan change move")
	out := strings.Fields(text)
	x := uint32(seed)*2654435761 + 1
	for i := range out {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		out[i] = words[x%uint32(len(words))]
	}
	return strings.Join(out, " ")
}

func newBenchRigOn(b *testing.B, r *benchRig, clients int) *benchRig {
	b.Helper()
	ctx := context.Background()
	out := &benchRig{e: r.e, st: r.st, rdb: r.rdb, hook: r.hook}
	for i := range clients {
		u := flows.UserKey{Platform: flows.Telegram, ID: flows.UserID(strconv.Itoa(700_000 + i))}
		out.users = append(out.users, u)
		for _, in := range []flows.Inbound{{User: u, Text: "/start"}, {User: u, Button: "q1.0"}, {User: u, Text: "Europe/Berlin"}, {User: u, Text: "later"}, {User: u, Text: "Sunday 19:00"}} {
			if _, err := r.e.Handle(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	}
	return out
}

func used(b *testing.B, rdb *redis.Client) int64 {
	b.Helper()
	info, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	b.Fatal("no used_memory")
	return 0
}
