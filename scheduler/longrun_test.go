package scheduler_test

import (
	"context"
	"flag"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/internal/seed"
	"github.com/interlude-bot/interlude/scheduler"
	"github.com/interlude-bot/interlude/store"
)

var (
	longRun       = flag.Bool("long", false, "run TestLongRunAtFullRate (minutes on the real clock)")
	longReminders = flag.Int("long.reminders", 5000, "due reminders in TestLongRunAtFullRate")
	longRate      = flag.Int("long.rate", 25, "the platform's limit in TestLongRunAtFullRate, messages per second")
)

// strictPlatform is a fake platform that answers 429 the moment a message would make any
// second, sliding, hold more than limit messages, and takes 20–80 ms to answer each request.
type strictPlatform struct {
	limit    int
	mu       sync.Mutex
	arrivals []time.Time
	refused  int
}

func (p *strictPlatform) Send(ctx context.Context, _ flows.UserKey, outs []flows.Outbound) error {
	now := time.Now()
	p.mu.Lock()
	from := sort.Search(len(p.arrivals), func(i int) bool { return p.arrivals[i].After(now.Add(-time.Second)) })
	if len(p.arrivals)-from+len(outs) > p.limit {
		p.refused++
		p.mu.Unlock()
		return &flows.RateLimitedError{RetryAfter: time.Second}
	}
	for range outs {
		p.arrivals = append(p.arrivals, now)
	}
	p.mu.Unlock()
	time.Sleep(time.Duration(20+rand.IntN(60)) * time.Millisecond)
	return nil
}

// TestLongRunAtFullRate sends -long.reminders due check-ins through two replicas, on the real
// clock, to a platform that answers 429 as soon as any sliding second exceeds its limit: none
// may be refused, and the batch must go out at 95 % of the limit or more.
//
//	go test ./scheduler/ -run TestLongRunAtFullRate -long -v
func TestLongRunAtFullRate(t *testing.T) {
	if !*longRun {
		t.Skip("the long run needs -long")
	}
	srv := redistest.Start(t)
	srv.RequireReal(t, "the limiter reads the server's clock")
	ctx := context.Background()
	// Everything on the real clock: the check-ins fell due a minute ago (so that the nudges and
	// next week's check-ins the engine queues are in the future, as they would be).
	due := time.Now().UTC().Truncate(time.Minute).Add(-time.Minute)
	st := store.New(srv.Client(), nil)
	if err := seed.Scheduled(ctx, st, *longReminders, 1_000_000, due); err != nil {
		t.Fatal(err)
	}
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	engine := flows.New(lib, st, flows.Options{Logger: quiet, Wakes: st, Deliveries: st, Policy: flows.Policy{NoQuiet: true}})
	platform := &strictPlatform{limit: *longRate}
	limits := map[flows.Platform]scheduler.Limit{flows.Telegram: {PerSecond: *longRate, PerChat: 1}}
	var mu sync.Mutex
	sent, lostSlots := 0, 0
	observe := func(o scheduler.Outcome) {
		mu.Lock()
		defer mu.Unlock()
		lostSlots += o.LostSlots
		if o.Result == scheduler.Sent {
			sent++
		}
	}
	runCtx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for range 2 {
		d := scheduler.New(engine, st, map[flows.Platform]flows.Sender{flows.Telegram: platform},
			scheduler.WithLimits(limits), scheduler.WithLogger(quiet), scheduler.WithObserver(observe))
		wg.Go(func() { _ = d.Run(runCtx, 100*time.Millisecond) })
	}
	deadline := time.Now().Add(time.Duration(*longReminders / *longRate * 2 + 60) * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := sent
		mu.Unlock()
		if n >= *longReminders {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop()
	wg.Wait()

	platform.mu.Lock()
	defer platform.mu.Unlock()
	got := len(platform.arrivals)
	if got < 2 || got != *longReminders {
		t.Fatalf("%d of %d reminders reached the platform (%d refused with 429)", got, *longReminders, platform.refused)
	}
	span := platform.arrivals[got-1].Sub(platform.arrivals[0])
	rate := float64(got-1) / span.Seconds()
	t.Logf("%d reminders in %v by two replicas: %.2f/s at a limit of %d/s (%.3f of it), %d answered 429, %d slots given up for waking too late",
		got, span.Round(time.Millisecond), rate, *longRate, rate/float64(*longRate), platform.refused, lostSlots)
	if platform.refused > 0 {
		t.Errorf("%d sends answered 429", platform.refused)
	}
	if rate < 0.95*float64(*longRate) {
		t.Errorf("%.2f messages per second, under 95 %% of the limit of %d", rate, *longRate)
	}
}
