package scheduler_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/internal/seed"
	"github.com/interlude-bot/interlude/scheduler"
	"github.com/interlude-bot/interlude/store"
)

// nullSender accepts everything.
type nullSender struct{}

func (nullSender) Send(context.Context, flows.UserKey, []flows.Outbound) error { return nil }

// BenchmarkDispatch claims and dispatches 100,000 due check-ins to a null sender with the rate
// limits off, next to the floor: a bare ZPOPMIN loop draining as many members from the same
// Redis in the same run. It also reports the Redis memory the scheduler needs per client.
//
//	go test -run '^$' -bench BenchmarkDispatch -benchtime 1x ./scheduler/
func BenchmarkDispatch(b *testing.B) {
	const n = 100_000
	srv := redistest.Start(b)
	rdb := srv.Client()
	ctx := context.Background()
	for range b.N {
		rdb.FlushAll(ctx)

		// The floor: one ZPOPMIN round trip per item.
		members := make([]redis.Z, n)
		for i := range members {
			members[i] = redis.Z{Score: float64(i), Member: "checkin|tg:" + strconv.Itoa(1_000_000+i)}
		}
		for i := 0; i < n; i += 10_000 {
			rdb.ZAdd(ctx, "floor", members[i:i+10_000]...)
		}
		start := time.Now()
		for range n {
			if err := rdb.ZPopMin(ctx, "floor", 1).Err(); err != nil {
				b.Fatal(err)
			}
		}
		floor := float64(n) / time.Since(start).Seconds()

		// Memory of the scheduler's data per client: the due-queue entries of n clients.
		before := usedMemory(b, rdb)
		// Everything on the real clock, as in production: the check-ins fell due a minute ago,
		// so that the nudges and next week's check-ins the engine queues are in the future. (The
		// limiter, lifted to a million a second, then reads the server's clock, and its grants a
		// microsecond apart never wait for a clock that stands still.)
		due := time.Now().UTC().Truncate(time.Minute).Add(-time.Minute)
		st := store.New(rdb, nil)
		if err := seed.Scheduled(ctx, st, n, 1_000_000, due); err != nil {
			b.Fatal(err)
		}
		queueBytes, err := rdb.MemoryUsage(ctx, "interlude:{sched}:due", 0).Result()
		if err != nil {
			b.Fatal(err)
		}

		lib, err := flows.Load("")
		if err != nil {
			b.Fatal(err)
		}
		engine := flows.New(lib, st, flows.Options{Logger: quiet, Wakes: st, Deliveries: st, Policy: flows.Policy{NoQuiet: true}})
		limits := map[flows.Platform]scheduler.Limit{flows.Telegram: {PerSecond: 1 << 30, PerChat: 1 << 30}}
		var sent int
		var mu sync.Mutex
		d := scheduler.New(engine, st, map[flows.Platform]flows.Sender{flows.Telegram: nullSender{}},
			scheduler.WithLimits(limits), scheduler.WithLogger(quiet), scheduler.WithWorkers(16),
			scheduler.WithObserver(func(o scheduler.Outcome) {
				if o.Result == scheduler.Sent {
					mu.Lock()
					sent++
					mu.Unlock()
				}
			}))
		trips := &tripCounter{}
		rdb.AddHook(trips)
		start = time.Now()
		claimed, err := d.Tick(ctx)
		if err != nil {
			b.Fatal(err)
		}
		rate := float64(claimed) / time.Since(start).Seconds()
		if claimed != n || sent != n {
			b.Fatalf("claimed %d, sent %d of %d", claimed, sent, n)
		}
		b.ReportMetric(rate, "items/s")
		b.ReportMetric(floor, "floor-items/s")
		b.ReportMetric(rate/floor, "ratio")
		b.ReportMetric(float64(trips.n.Load())/float64(claimed), "trips/reminder")
		b.ReportMetric(float64(queueBytes)/n, "queue-B/client")
		b.ReportMetric(float64(usedMemory(b, rdb)-before)/n, "all-B/client")
		if hwm := peakRSS(); hwm > 0 {
			// An upper bound for the bot: this process also holds the benchmark's own data.
			b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MiB")
		}
	}
}

// tripCounter counts Redis round trips: a command, or a pipeline of them. It stays on the
// client after it is added; the benchmark reads it right after the dispatch.
type tripCounter struct{ n atomic.Int64 }

func (c *tripCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *tripCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { c.n.Add(1); return next(ctx, cmd) }
}

func (c *tripCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { c.n.Add(1); return next(ctx, cmds) }
}

// peakRSS is the process's peak resident set size in bytes (Linux), 0 when unknown.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb)
			return kb * 1024
		}
	}
	return 0
}

func usedMemory(b *testing.B, rdb *redis.Client) int64 {
	b.Helper()
	info, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	var used int64
	for _, line := range splitLines(info) {
		if _, err := fmt.Sscanf(line, "used_memory:%d", &used); err == nil {
			return used
		}
	}
	b.Fatal("no used_memory in INFO")
	return 0
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}
