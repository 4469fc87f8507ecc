package scheduler_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/scheduler"
	"github.com/interlude-bot/interlude/store"
	"github.com/interlude-bot/interlude/when"
)

var simClients = flag.Int("sim.clients", 10000, "clients in TestWeekOfRemindersAcrossReplicas")

// dyingQueue is a replica's queue that dies (its context is cancelled) at killAt, as a killed
// process would: right after taking a batch of claims, or (afterSend) after a reminder was
// sent and recorded as delivered but before its claim was released.
type dyingQueue struct {
	*store.Store
	clock     *clock
	killAt    time.Time
	afterSend bool
	kill      func()
	dead      atomic.Bool
	lost      atomic.Int64
}

func (q *dyingQueue) Claim(ctx context.Context, now time.Time, lease time.Duration, n int) ([]scheduler.Claim, error) {
	claims, err := q.Store.Claim(ctx, now, lease, n)
	if !q.afterSend && err == nil && len(claims) > 0 && !now.Before(q.killAt) && q.dead.CompareAndSwap(false, true) {
		q.lost.Store(int64(len(claims)))
		q.kill()
	}
	return claims, err
}

func (q *dyingQueue) Done(ctx context.Context, c scheduler.Claim) error {
	now := q.clock.Now()
	if q.afterSend && !now.Before(q.killAt) {
		// For an hour it sends but never releases a claim; then it dies.
		if !now.Before(q.killAt.Add(time.Hour)) && q.dead.CompareAndSwap(false, true) {
			q.kill()
		}
		q.lost.Add(1)
		return context.Canceled
	}
	return q.Store.Done(ctx, c)
}

// Finish, after killAt, records the delivery but never releases the claim: the process dies
// between the two commands of the pipeline.
func (q *dyingQueue) Finish(ctx context.Context, c scheduler.Claim, key string) error {
	if q.afterSend && !q.clock.Now().Before(q.killAt) {
		// A claim of a reminder that does not exist: only the record is written.
		if err := q.Store.Finish(ctx, scheduler.Claim{User: c.User, Reminder: "none"}, key); err != nil {
			return err
		}
		return q.Done(ctx, c)
	}
	return q.Store.Finish(ctx, c, key)
}

type simClient struct {
	user    flows.UserKey
	zone    string
	loc     *time.Location
	checkin when.Weekly
	appt    when.Appointment
}

type key struct {
	user flows.UserKey
	kind flows.Reminder
	occ  int64
}

// TestWeekOfRemindersAcrossReplicas runs a week of reminders for many clients in many time zones, with
// two dispatcher replicas against one real Redis, and kills one replica half-way with claims in
// hand. Every due reminder must reach its client exactly once, none in quiet hours, and no
// second may exceed a rate limit.
func TestWeekOfRemindersAcrossReplicas(t *testing.T) {
	if testing.Short() {
		*simClients = 1000
	}
	srv := redistest.Start(t)
	start := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) // Monday
	end := start.Add(7 * 24 * time.Hour)
	c := &clock{t: start}
	st := store.New(srv.Client(), nil, store.WithClock(c.Now))
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	engine := flows.New(lib, st, flows.Options{Now: c.Now, Logger: quiet, Wakes: st, Deliveries: st})

	clients := seedClients(t, engine, *simClients)

	rec := &recorder{clock: c}
	var mu sync.Mutex
	sentBy := map[key]int{}
	var granted []time.Time // when each message was let through by the limiter
	grantedTo := map[flows.UserKey][]time.Time{}
	var deferred atomic.Int64
	observe := func(o scheduler.Outcome) {
		if o.Deferred > 0 {
			deferred.Add(1)
		}
		if o.Result != scheduler.Sent {
			return
		}
		mu.Lock()
		for range flows.Merge(o.Fired.Out) {
			granted = append(granted, o.SentAt)
			grantedTo[o.Claim.User] = append(grantedTo[o.Claim.User], o.SentAt)
		}
		sentBy[key{o.Claim.User, o.Claim.Reminder, o.Fired.Occurrence.Unix()}]++
		mu.Unlock()
	}
	limits := map[flows.Platform]scheduler.Limit{flows.Telegram: {PerSecond: 25, PerChat: 1}}
	senders := map[flows.Platform]flows.Sender{flows.Telegram: rec}
	// Replica B dies half-way with claims in hand; replica C, earlier, keeps sending for an
	// hour without releasing its claims (so another replica takes them again when their lease
	// ends) and then dies. Replica A lives and must take over their work.
	ctxB, killB := context.WithCancel(context.Background())
	queueB := &dyingQueue{Store: st, clock: c, killAt: start.Add(84 * time.Hour), kill: killB}
	ctxC, killC := context.WithCancel(context.Background())
	queueC := &dyingQueue{Store: st, clock: c, killAt: start.Add(60 * time.Hour), afterSend: true, kill: killC}
	replica := func(q scheduler.Queue) *scheduler.Dispatcher {
		return scheduler.New(engine, q, senders, scheduler.WithClock(c.Now), scheduler.WithSleep(c.SleepUntil), scheduler.WithLimits(limits), scheduler.WithLogger(quiet), scheduler.WithObserver(observe))
	}
	replicas := []struct {
		d   *scheduler.Dispatcher
		ctx context.Context
	}{{replica(st), context.Background()}, {replica(queueB), ctxB}, {replica(queueC), ctxC}}

	// Event-driven time: jump to the next wake-up or lease end, at least a second at a time.
	rdb := srv.Client()
	ctx := context.Background()
	steps := 0
	for now := start; now.Before(end); {
		c.Set(now)
		var wg sync.WaitGroup
		for _, r := range replicas {
			if r.ctx.Err() != nil {
				continue
			}
			wg.Go(func() { _, _ = r.d.Tick(r.ctx) })
		}
		wg.Wait()
		steps++
		now = c.Now() // dispatchers waiting for their send budget moved the clock on
		next := end
		for _, k := range []string{"interlude:{sched}:due", "interlude:{sched}:lease"} {
			if z, err := rdb.ZRangeWithScores(ctx, k, 0, 0).Result(); err == nil && len(z) == 1 {
				if at := time.UnixMilli(int64(z[0].Score)); at.Before(next) {
					next = at
				}
			}
		}
		if next.Before(now.Add(time.Second)) {
			next = now.Add(time.Second)
		}
		now = next
	}
	if !queueB.dead.Load() || queueB.lost.Load() == 0 || !queueC.dead.Load() || queueC.lost.Load() == 0 {
		t.Fatal("a replica never died holding claims: the test proves nothing about take-over")
	}

	// What was due, computed independently from each client's schedule.
	margin := end.Add(-7 * time.Hour) // reminders due later may still be waiting for a retry
	due := map[key]bool{}
	for _, cl := range clients {
		for occ := cl.checkin.Next(start, cl.loc); !quietAdjusted(occ, cl.loc).After(margin); occ = cl.checkin.Next(occ, cl.loc) {
			due[key{cl.user, flows.RemindCheckin, occ.Unix()}] = true
		}
		for at, ok := cl.appt.Next(start, cl.loc); ok && at.Before(end.Add(48*time.Hour)); at, ok = cl.appt.Next(at, cl.loc) {
			if p := at.Add(-24 * time.Hour); p.After(start) && !quietAdjusted(p, cl.loc).After(margin) {
				due[key{cl.user, flows.RemindPrepare, p.Unix()}] = true
			}
			if r := at.Add(3 * time.Hour); r.After(start) && !quietAdjusted(r, cl.loc).After(margin) {
				due[key{cl.user, flows.RemindReflect, r.Unix()}] = true
			}
		}
	}
	var missing, doubled, nudges int
	for k := range due {
		if n := sentBy[k]; n != 1 {
			missing++
			if missing <= 5 {
				t.Errorf("%s %s due %v: sent %d times", k.user, k.kind, time.Unix(k.occ, 0).UTC(), n)
			}
		}
	}
	for k, n := range sentBy {
		if n > 1 {
			doubled++
		}
		switch {
		case k.kind == flows.RemindNudge:
			nudges++
		case !due[k] && !time.Unix(k.occ, 0).After(start) && k.occ != 0:
			t.Errorf("%s %s at %v was sent but never due", k.user, k.kind, time.Unix(k.occ, 0).UTC())
		}
	}

	// What reached the platform: no quiet hours, no second over a limit, one send per outcome.
	zones := map[flows.UserKey]*time.Location{}
	for _, cl := range clients {
		zones[cl.user] = cl.loc
	}
	inQuiet := 0
	for _, m := range rec.msgs {
		local := m.at.In(zones[m.user])
		if mins := local.Hour()*60 + local.Minute(); mins >= 21*60+30 || mins < 8*60 {
			inQuiet++
			if inQuiet <= 3 {
				t.Errorf("sent to %s at %s local, inside quiet hours", m.user, local.Format("Mon 15:04"))
			}
		}
	}
	// The busiest second, sliding, at the times the limiter let the messages through (the
	// recorder's times are later by however far the other workers moved the shared clock on
	// while they waited for their turn: a test clock jumps where a real one flows, so two
	// sends to one chat a second apart can be stamped in one second there).
	slices.SortFunc(granted, time.Time.Compare)
	busiest := 0
	for i, from := range granted {
		j, _ := slices.BinarySearchFunc(granted, from.Add(time.Second), time.Time.Compare)
		busiest = max(busiest, j-i)
	}
	closest := time.Duration(1<<63 - 1)
	for u, at := range grantedTo {
		slices.SortFunc(at, time.Time.Compare)
		for i := 1; i < len(at); i++ {
			gap := at[i].Sub(at[i-1])
			closest = min(closest, gap)
			if gap < time.Second {
				t.Errorf("2 messages to %s within %v, at %v (the limit is 1 a second)", u, gap, at[i].UTC())
			}
		}
	}
	sends := 0
	for _, n := range sentBy {
		sends += n
	}
	if busiest > 25 {
		t.Errorf("a second, sliding, had %d messages, over the limit of 25", busiest)
	}
	if sends != len(rec.msgs) {
		t.Errorf("%d messages reached the platform for %d sent outcomes", len(rec.msgs), sends)
	}
	if missing > 0 || doubled > 0 {
		t.Errorf("%d reminders not sent exactly once, %d sent twice", missing, doubled)
	}
	t.Logf("%d clients, %d reminders due, %d messages (%d nudges), %d deferred for limits or retries, busiest sliding second %d, closest two to one chat %v, %d steps, replica B died holding %d claims, replica C %d",
		len(clients), len(due), len(rec.msgs), nudges, deferred.Load(), busiest, closest, steps, queueB.lost.Load(), queueC.lost.Load())
}

// quietAdjusted moves a time out of the quiet hours 21:30–08:00, as the delivery policy
// promises (written again here so the test does not trust the engine's own function).
func quietAdjusted(t time.Time, loc *time.Location) time.Time {
	l := t.In(loc)
	m := l.Hour()*60 + l.Minute()
	switch {
	case m >= 21*60+30:
		y, mo, d := l.AddDate(0, 0, 1).Date()
		return when.FirstValid(y, mo, d, 8, 0, loc)
	case m < 8*60:
		return when.FirstValid(l.Year(), l.Month(), l.Day(), 8, 0, loc)
	}
	return t
}

func seedClients(t *testing.T, engine *flows.Engine, n int) []simClient {
	t.Helper()
	zones := []string{"Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo",
		"Europe/London", "America/Los_Angeles", "Asia/Tokyo", "UTC", "UTC+05:30", "Pacific/Auckland", "America/Chicago"}
	hours := []int{7, 8, 9, 12, 18, 19, 20, 21, 22, 23}
	rng := rand.New(rand.NewPCG(7, 11))
	clients := make([]simClient, n)
	for i := range clients {
		cl := &clients[i]
		cl.user = flows.UserKey{Platform: flows.Telegram, ID: flows.UserID(fmt.Sprint(100000 + i))}
		if i < n/20 {
			// A crowd: everyone in Berlin on Sunday at 19:00, to meet the rate limit.
			cl.zone, cl.checkin = "Europe/Berlin", when.Weekly{Day: time.Sunday, Hour: 19}
		} else {
			cl.zone = zones[rng.IntN(len(zones))]
			cl.checkin = when.Weekly{Day: time.Weekday(rng.IntN(7)), Hour: hours[rng.IntN(len(hours))], Minute: 15 * rng.IntN(4)}
		}
		loc, _, err := when.ParseZone(cl.zone)
		if err != nil {
			t.Fatal(err)
		}
		cl.loc = loc
		if rng.IntN(3) == 0 {
			cl.appt = when.Appointment{Kind: when.KindWeekly, Weekly: when.Weekly{Day: time.Weekday(1 + rng.IntN(5)), Hour: 9 + rng.IntN(9)}}
		}
	}
	ctx := context.Background()
	work := make(chan *simClient)
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 8 {
		wg.Go(func() {
			for cl := range work {
				appt := "later"
				if cl.appt.Kind == when.KindWeekly {
					appt = cl.appt.Weekly.String()
				}
				ins := []flows.Inbound{
					{User: cl.user, Text: "/start"},
					{User: cl.user, Button: "q1.0"},
					{User: cl.user, Text: cl.zone},
					{User: cl.user, Text: appt},
					{User: cl.user, Text: cl.checkin.String()},
				}
				if strings.HasPrefix(cl.zone, "UTC+") {
					// A fixed offset is kept only once the client has heard that it does not
					// follow daylight saving time, and pressed "Keep".
					ins = slices.Insert(ins, 3, flows.Inbound{User: cl.user, Text: "Keep " + cl.zone})
				}
				for _, in := range ins {
					if _, err := engine.Handle(ctx, in); err != nil {
						failed.Store(err)
					}
				}
			}
		})
	}
	for i := range clients {
		work <- &clients[i]
	}
	close(work)
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		t.Fatalf("seeding: %v", err)
	}
	return clients
}
