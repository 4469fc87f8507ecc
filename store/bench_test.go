package store_test

import (
	"context"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/store"
)

// countHook counts round trips to Redis (a pipeline is one).
type countHook struct{ n atomic.Int64 }

func (h *countHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) { return next(ctx, network, addr) }
}
func (h *countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { h.n.Add(1); return next(ctx, cmd) }
}
func (h *countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { h.n.Add(1); return next(ctx, cmds) }
}

// checkinScript is one weekly check-in as a client answers it.
var checkinScript = []string{"/checkin", "7", "calm",
	"Talked to my sister about the move and it went better than I feared.",
	"I noticed I held back when she asked how I really was.",
	"The way I keep saying yes to everything"}

type benchRig struct {
	e     *flows.Engine
	st    *store.Store
	rdb   *redis.Client
	hook  *countHook
	users []flows.UserKey
}

// newBenchRig starts a Redis, an engine on the store over it, and onboards clients who chose a
// Sunday check-in.
func newBenchRig(b *testing.B, clients int) *benchRig {
	b.Helper()
	srv := redistest.Start(b)
	opts, err := redis.ParseURL(srv.URL)
	if err != nil {
		b.Fatal(err)
	}
	opts.PoolSize = 64
	rdb := redis.NewClient(opts)
	b.Cleanup(func() { rdb.Close() })
	hook := &countHook{}
	rdb.AddHook(hook)
	key := make([]byte, 32)
	sealer, _ := store.NewSealer(key)
	st := store.New(rdb, sealer)
	lib, err := flows.Load("")
	if err != nil {
		b.Fatal(err)
	}
	e := flows.New(lib, st, flows.Options{Logger: slog.New(slog.DiscardHandler), Wakes: st, Deliveries: st})
	r := &benchRig{e: e, st: st, rdb: rdb, hook: hook}
	ctx := context.Background()
	for i := range clients {
		u := flows.UserKey{Platform: flows.Telegram, ID: flows.UserID(strconv.Itoa(500_000 + i))}
		r.users = append(r.users, u)
		for _, in := range []flows.Inbound{{User: u, Text: "/start"}, {User: u, Button: "q1.0"}, {User: u, Text: "Europe/Berlin"}, {User: u, Text: "later"}, {User: u, Text: "Sunday 19:00"}} {
			if _, err := e.Handle(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	}
	return r
}

// BenchmarkEngine measures messages per second through the engine on a real Redis, next to
// the floor of bare go-redis doing the same round trips (the store's pipelined read of the state
// and the update id, then its save script with records of the same size) in the same run; and
// the round trips per inbound message. It lives with the store's tests, not the engine's,
// because its floor (FloorMessage in export_test.go) uses the store's keys and save script, which
// only the store's own tests reach without the floor being part of the built package.
//
//	go test -run '^$' -bench BenchmarkEngine -benchtime 20000x ./store/
func BenchmarkEngine(b *testing.B) {
	const clients, workers = 256, 16
	r := newBenchRig(b, clients)
	ctx := context.Background()

	// The engine: clients go through check-ins, each message a separate update.
	var seq atomic.Int64
	r.hook.n.Store(0)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	per := b.N / workers
	for w := range workers {
		wg.Go(func() {
			for i := range per {
				u := r.users[(w+i*workers)%clients]
				text := checkinScript[(i/(clients/workers))%len(checkinScript)]
				in := flows.Inbound{User: u, UpdateID: "b" + strconv.FormatInt(seq.Add(1), 10), Text: text}
				if _, err := r.e.Handle(ctx, in); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	engineRate := float64(per*workers) / time.Since(start).Seconds()
	trips := float64(r.hook.n.Load()) / float64(per*workers)
	b.StopTimer()
	if per == 0 {
		return
	}

	// The floor: the same two round trips with bare go-redis (the same pipelined read, the same
	// save script) and records of the size the engine wrote, and nothing else.
	stateSize, entrySize := r.recordSizes(b)
	start = time.Now()
	for w := range workers {
		wg.Go(func() {
			revs := map[flows.UserID]int64{}
			for i := range per {
				u := r.users[(w+i*workers)%clients]
				u.Platform = "floor"
				entry := 0
				if (i/(clients/workers))%len(checkinScript) == len(checkinScript)-1 {
					entry = entrySize // a check-in's last answer appends its entry
				}
				rev, err := store.FloorMessage(ctx, r.rdb, u, "f"+strconv.Itoa(w*per+i), revs[u.ID], stateSize, entry)
				if err != nil || rev < 0 {
					b.Errorf("floor: %v (%d)", err, rev)
					return
				}
				revs[u.ID] = rev
			}
		})
	}
	wg.Wait()
	floorRate := float64(per*workers) / time.Since(start).Seconds()
	b.ReportMetric(engineRate, "msgs/s")
	b.ReportMetric(floorRate, "floor-msgs/s")
	b.ReportMetric(engineRate/floorRate, "ratio")
	b.ReportMetric(trips, "redis-trips/msg")
}

// recordSizes returns the sizes of the sealed state and of the newest sealed history entry of
// the rig's first client, as the store holds them.
func (r *benchRig) recordSizes(b *testing.B) (state, entry int) {
	ctx := context.Background()
	key := "interlude:{tg:" + string(r.users[0].ID) + "}"
	st, err := r.rdb.HGet(ctx, key+":state", "state").Result()
	if err != nil {
		b.Fatal(err)
	}
	last, err := r.rdb.LIndex(ctx, key+":entries", -1).Result()
	if err != nil {
		b.Fatal(err)
	}
	_, sealed, _ := strings.Cut(last, "|")
	return len(st), len(sealed)
}
