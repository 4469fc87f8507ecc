// Package scheduler sends the reminders: weekly check-ins, session preparation and
// after-session reflection, in each client's own time, exactly once across replicas.
//
// The due-queue in Redis holds one wake-up per (client, reminder). A Dispatcher, ticked by
// robfig/cron, claims due wake-ups atomically with a lease (so with several replicas each is
// taken by exactly one; one claimed by a replica that died is taken again when its lease ends),
// asks the engine what is due (the engine applies the delivery policy and saves the state
// before anything is sent), respects the platform's rate limits, sends, and records the
// delivery of that occurrence so that a retry never sends it twice.
package scheduler

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/interlude-bot/interlude/flows"
)

// Engine is what the dispatcher needs from the conversation engine.
type Engine interface {
	Fire(ctx context.Context, user flows.UserKey, r flows.Reminder) (flows.Fired, error)
	Block(ctx context.Context, user flows.UserKey) error
}

// Queue is what the dispatcher needs from the due-queue (store.Store implements it).
type Queue interface {
	Claim(ctx context.Context, now time.Time, lease time.Duration, n int) ([]Claim, error)
	Done(ctx context.Context, c Claim) error
	Retry(ctx context.Context, c Claim, at time.Time) error
	// Finish records that the occurrence with the key reached the client and releases the
	// claim, in one round trip.
	Finish(ctx context.Context, c Claim, key string) error
	// Allow takes n messages from the platform's budget and the chat's at now (the zero time:
	// the Redis server's clock): granted, they go once wait has passed; refused, the caller asks
	// again after wait.
	Allow(ctx context.Context, p flows.Platform, platform Pace, chat string, perChat Pace, n int, now time.Time) (wait time.Duration, granted bool, err error)
}

// Claim is a wake-up taken by one dispatcher.
type Claim struct {
	User     flows.UserKey
	Reminder flows.Reminder
	// Due is when the wake-up was due.
	Due time.Time
}

// Result is what became of one claimed wake-up.
type Result string

const (
	// Sent: the messages reached the platform, and the delivery is recorded.
	Sent Result = "sent"
	// Nothing: nothing was to go out (Fired.Outcome says why: quiet hours, paused, late, …);
	// the claim is released.
	Nothing Result = "nothing"
	// Deferred: put back for Outcome.Deferred, for the send budget, a 429, or a platform this
	// replica does not serve.
	Deferred Result = "deferred"
	// Blocked: the client blocked the bot, and is marked inactive until they start again.
	Blocked Result = "blocked"
	// Failed: the engine, Redis or the platform failed (Outcome.Err); put back to try again.
	Failed Result = "failed"
)

// Outcome is what happened to one claimed wake-up, for metrics and tests.
type Outcome struct {
	Claim    Claim
	Result   Result
	Fired    flows.Fired
	SentAt   time.Time
	Err      error
	Deferred time.Duration // put back for this long (rate limit, error)
	// LostSlots counts the send slots given up because the worker woke too late for them.
	LostSlots int
}

// Dispatcher claims due wake-ups and sends what they start.
type Dispatcher struct {
	engine  Engine
	queue   Queue
	senders map[flows.Platform]flows.Sender
	limits  map[flows.Platform]Limit
	now     func() time.Time
	lease   time.Duration
	batch   int
	workers int
	log     *slog.Logger
	observe func(Outcome)
	// ownClock is set by WithClock: the rate limit then runs on that clock, and a worker over
	// the budget waits with sleepUntil, or without it puts its claim back (the clock may not
	// pass by itself).
	ownClock   bool
	sleepUntil func(ctx context.Context, t time.Time) error
	// lateCheck gives up slots a worker wakes too late for (see maxLate). On by default on the
	// real clock; off on a test's own clock, which every sleeping worker moves, so that one
	// worker's wake-up would make the others look late.
	lateCheck bool
}

// Option configures a Dispatcher.
type Option func(*Dispatcher)

// WithClock sets the clock (default time.Now); tests run weeks in milliseconds with their own.
func WithClock(now func() time.Time) Option {
	return func(d *Dispatcher) { d.now, d.ownClock = now, true }
}

// WithSleep sets how a worker waits, in place, until the dispatcher's clock reads t (a test on
// its own clock moves it forward). The default waits on a timer on the real clock; with
// WithClock and no WithSleep, a worker over the send budget puts its claim back instead.
func WithSleep(f func(ctx context.Context, t time.Time) error) Option {
	return func(d *Dispatcher) { d.sleepUntil = f }
}

// WithLimits replaces the per-platform limits.
func WithLimits(l map[flows.Platform]Limit) Option { return func(d *Dispatcher) { d.limits = l } }

// WithLease sets how long a claim is held before another replica may take it (default 2 min).
func WithLease(l time.Duration) Option { return func(d *Dispatcher) { d.lease = l } }

// WithWorkers sets how many wake-ups are handled at once (default 8).
func WithWorkers(n int) Option { return func(d *Dispatcher) { d.workers = n } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(d *Dispatcher) { d.log = l } }

// WithObserver receives every outcome (metrics, tests).
func WithObserver(f func(Outcome)) Option { return func(d *Dispatcher) { d.observe = f } }

// New builds a dispatcher that sends through senders, one per platform.
func New(engine Engine, queue Queue, senders map[flows.Platform]flows.Sender, opts ...Option) *Dispatcher {
	d := &Dispatcher{
		engine: engine, queue: queue, senders: senders, limits: DefaultLimits,
		now: time.Now, lease: 2 * time.Minute, batch: 100, workers: 8, log: slog.Default(),
	}
	for _, o := range opts {
		o(d)
	}
	if !d.ownClock {
		d.lateCheck = true
	}
	return d
}

// Tick handles every wake-up due now, and returns how many it claimed. Its workers take claims
// one after another as they become free, so that none waits for the slowest of a batch (while
// one waits for the send budget, the others go on).
func (d *Dispatcher) Tick(ctx context.Context) (int, error) {
	work := make(chan Claim)
	var wg sync.WaitGroup
	for range d.workers {
		wg.Go(func() {
			for c := range work {
				d.handle(ctx, c)
			}
		})
	}
	total := 0
	var err error
	for ctx.Err() == nil {
		// Claim no more than the workers take at once, so that no claim waits long enough in
		// this replica for its lease to end and another replica to take it too: each waits at
		// most for one handling (a send, and up to maxWaitInPlace for the budget).
		var claims []Claim
		claims, err = d.queue.Claim(ctx, d.now(), d.lease, min(d.batch, d.workers))
		if err != nil || len(claims) == 0 {
			break
		}
		total += len(claims)
		for _, c := range claims {
			work <- c
		}
	}
	close(work)
	wg.Wait()
	if err == nil {
		err = ctx.Err()
	}
	return total, err
}

func (d *Dispatcher) handle(ctx context.Context, c Claim) {
	o := Outcome{Claim: c}
	defer func() {
		if d.observe != nil {
			d.observe(o)
		}
	}()
	retry := func(after time.Duration, err error) {
		o.Err, o.Deferred = err, after
		var rl *flows.RateLimitedError
		if o.Result = Deferred; err != nil && !errors.As(err, &rl) {
			o.Result = Failed
		}
		// Put back even when stopping, so another replica need not wait for the lease to end.
		if err := d.queue.Retry(context.WithoutCancel(ctx), c, d.now().Add(after)); err != nil {
			d.log.Error("reminder not put back; its lease will end", "user", c.User.String(), "reminder", string(c.Reminder), "error", flows.ErrorKind(err))
		}
	}
	sender := d.senders[c.User.Platform]
	if sender == nil {
		// This replica does not serve the platform (or it is not configured): look again later.
		retry(time.Minute, nil)
		return
	}
	fired, err := d.engine.Fire(ctx, c.User, c.Reminder)
	o.Fired = fired
	if err != nil {
		d.log.Error("reminder failed", "user", c.User.String(), "reminder", string(c.Reminder), "error", flows.ErrorKind(err))
		retry(30*time.Second, err)
		return
	}
	if len(fired.Out) == 0 {
		o.Result = Nothing
		if o.Err = d.queue.Done(ctx, c); o.Err != nil {
			o.Result = Failed
		}
		return
	}
	outs := flows.Merge(fired.Out)
	lim, ok := d.limits[c.User.Platform]
	if !ok {
		lim = Limit{PerSecond: 1, PerChat: 1}
	}
	at, lost, ok := d.take(ctx, c, lim, len(outs), retry)
	o.LostSlots = lost
	if !ok {
		return
	}
	o.SentAt = at
	if ks, ok := sender.(flows.KeyedSender); ok {
		err = ks.SendKeyed(ctx, c.User, fired.Key, outs)
	} else {
		err = sender.Send(ctx, c.User, outs)
	}
	var rl *flows.RateLimitedError
	switch {
	case errors.Is(err, flows.ErrBlocked):
		if err := d.engine.Block(ctx, c.User); err != nil {
			retry(time.Minute, err)
			return
		}
		o.Result, o.Err = Blocked, err
		if err := d.queue.Done(ctx, c); err != nil {
			d.log.Warn("claim of a client who blocked the bot not released; its lease will end", "user", c.User.String(), "error", flows.ErrorKind(err))
		}
		return
	case errors.As(err, &rl):
		retry(rl.RetryAfter, err)
		return
	case err != nil:
		d.log.Warn("reminder not delivered; will retry", "user", c.User.String(), "reminder", string(c.Reminder), "error", flows.ErrorKind(err))
		retry(time.Minute, err)
		return
	}
	o.Result = Sent
	// What was sent is recorded even when the dispatcher is stopping: a delivery without its
	// record would be sent again by the replica that takes the claim over.
	if err := d.queue.Finish(context.WithoutCancel(ctx), c, fired.Key); err != nil {
		o.Err = err
		d.log.Error("delivery not recorded", "user", c.User.String(), "error", flows.ErrorKind(err))
	}
}

// Run ticks the dispatcher every interval until ctx ends. Every replica runs it; the
// due-queue decides which replica sends which reminder. A panicking tick is recovered and
// logged; a tick still running when the next is due is skipped.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) error {
	logger := cron.PrintfLogger(slogPrintf{d.log})
	c := cron.New(cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)), cron.WithLogger(cron.DiscardLogger))
	c.Schedule(cron.Every(interval), cron.FuncJob(func() {
		if _, err := d.Tick(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("scheduler tick", "error", flows.ErrorKind(err))
		}
	}))
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
	return nil
}

type slogPrintf struct{ l *slog.Logger }

func (s slogPrintf) Printf(format string, args ...any) {
	s.l.Error("scheduler: " + fmt.Sprintf(format, args...))
}
