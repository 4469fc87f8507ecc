package scheduler_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/scheduler"
	"github.com/interlude-bot/interlude/store"
)

// clock is a shared fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t, never back: a dispatcher waiting for its send budget may have moved
// it past t already.
func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	if t.After(c.t) {
		c.t = t
	}
	c.mu.Unlock()
}

// SleepUntil is a dispatcher's wait for its send budget: time moves on to t at once.
func (c *clock) SleepUntil(ctx context.Context, t time.Time) error {
	c.Set(t)
	return ctx.Err()
}

// sent is one message that reached a fake platform.
type sent struct {
	user flows.UserKey
	at   time.Time
	text string
}

// recorder is a fake platform: it records what is sent, and can fail on demand.
type recorder struct {
	mu    sync.Mutex
	clock *clock
	msgs  []sent
	fail  func(flows.UserKey) error
}

func (r *recorder) Send(_ context.Context, u flows.UserKey, outs []flows.Outbound) error {
	if r.fail != nil {
		if err := r.fail(u); err != nil {
			return err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, o := range outs {
		r.msgs = append(r.msgs, sent{user: u, at: r.clock.Now(), text: o.Text})
	}
	return nil
}

func (r *recorder) to(u flows.UserKey) []sent {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sent
	for _, m := range r.msgs {
		if m.user == u {
			out = append(out, m)
		}
	}
	return out
}

type rig struct {
	t      *testing.T
	srv    *redistest.Server
	st     *store.Store
	engine *flows.Engine
	clock  *clock
	rec    *recorder
	disp   *scheduler.Dispatcher
}

var quiet = slog.New(slog.DiscardHandler)

func newRig(t *testing.T, start time.Time) *rig {
	t.Helper()
	srv := redistest.Start(t)
	c := &clock{t: start}
	st := store.New(srv.Client(), nil, store.WithClock(c.Now))
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e := flows.New(lib, st, flows.Options{Now: c.Now, Logger: quiet, Wakes: st, Deliveries: st})
	rec := &recorder{clock: c}
	disp := scheduler.New(e, st, map[flows.Platform]flows.Sender{flows.Telegram: rec}, scheduler.WithClock(c.Now), scheduler.WithSleep(c.SleepUntil), scheduler.WithLogger(quiet))
	return &rig{t: t, srv: srv, st: st, engine: e, clock: c, rec: rec, disp: disp}
}

// onboard makes a client with a time zone, an appointment and a check-in time.
func (r *rig) onboard(id, zone, appointment, checkin string) flows.UserKey {
	r.t.Helper()
	u := flows.UserKey{Platform: flows.Telegram, ID: flows.UserID(id)}
	for _, in := range []flows.Inbound{
		{User: u, Text: "/start"},
		{User: u, Button: "q1.0"}, // consent: yes
		{User: u, Text: zone},
		{User: u, Text: appointment},
		{User: u, Text: checkin},
	} {
		outs, err := r.engine.Handle(context.Background(), in)
		if err != nil {
			r.t.Fatal(err)
		}
		if len(outs) == 0 {
			r.t.Fatalf("no reply to %+v", in)
		}
	}
	return u
}

// runUntil advances the clock a minute at a time, ticking the dispatcher.
func (r *rig) runUntil(end time.Time) {
	r.t.Helper()
	for now := r.clock.Now(); !now.After(end); now = now.Add(time.Minute) {
		r.clock.Set(now)
		if _, err := r.disp.Tick(context.Background()); err != nil {
			r.t.Fatal(err)
		}
	}
}

func (r *rig) say(u flows.UserKey, text string) []flows.Outbound {
	r.t.Helper()
	outs, err := r.engine.Handle(context.Background(), flows.Inbound{User: u, Text: text})
	if err != nil {
		r.t.Fatal(err)
	}
	return outs
}

func berlin(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestCheckinArrivesAtLocalTimeThenNudgeThenExpires(t *testing.T) {
	loc := berlin(t)
	start := time.Date(2026, 11, 26, 12, 0, 0, 0, loc) // a Thursday
	r := newRig(t, start)
	u := r.onboard("1", "Berlin", "later", "Sunday 19:00")
	r.runUntil(time.Date(2026, 12, 3, 12, 0, 0, 0, loc))

	msgs := r.rec.to(u)
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want the check-in and one nudge: %+v", len(msgs), msgs)
	}
	if want := time.Date(2026, 11, 29, 19, 0, 0, 0, loc); !msgs[0].at.Equal(want) || !strings.Contains(msgs[0].text, "Time for your check-in") {
		t.Errorf("check-in at %v (%q), want %v", msgs[0].at.In(loc), msgs[0].text, want)
	}
	// The nudge would fall at 19:00 on Monday, outside quiet hours: exactly 24 h later.
	if want := time.Date(2026, 11, 30, 19, 0, 0, 0, loc); !msgs[1].at.Equal(want) || !strings.Contains(msgs[1].text, "gentle reminder") {
		t.Errorf("nudge at %v (%q), want %v", msgs[1].at.In(loc), msgs[1].text, want)
	}
	// After the expiry, a typed answer finds no open question.
	if outs := r.say(u, "7"); !strings.Contains(outs[0].Text, "not waiting for an answer") {
		t.Errorf("after expiry: %q", outs[0].Text)
	}
}

func TestAnsweredCheckinGetsNoNudgeAndRemembersTheIntention(t *testing.T) {
	loc := berlin(t)
	r := newRig(t, time.Date(2026, 11, 26, 12, 0, 0, 0, loc))
	u := r.onboard("2", "Berlin", "later", "Sunday 19:00")
	r.say(u, "/reflect")
	r.say(u, "4") // the three session ratings, then no note
	r.say(u, "5")
	r.say(u, "4")
	r.say(u, "/skip")
	r.say(u, "no")
	r.say(u, "Ask for help once")
	r.say(u, "no") // no goal to note
	r.runUntil(time.Date(2026, 11, 29, 19, 0, 0, 0, loc))
	msgs := r.rec.to(u)
	if len(msgs) != 1 || !strings.Contains(msgs[0].text, "“Ask for help once”") {
		t.Fatalf("check-in: %+v", msgs)
	}
	r.say(u, "6")
	r.runUntil(time.Date(2026, 12, 1, 12, 0, 0, 0, loc))
	if got := len(r.rec.to(u)); got != 1 {
		t.Errorf("%d messages: an answered check-in was nudged", got)
	}
}

func TestQuietHoursDelayAndLateRemindersAreSkipped(t *testing.T) {
	loc := berlin(t)
	r := newRig(t, time.Date(2026, 11, 26, 12, 0, 0, 0, loc))
	u := r.onboard("3", "Berlin", "later", "Sunday 23:00") // inside quiet hours
	r.runUntil(time.Date(2026, 11, 30, 12, 0, 0, 0, loc))
	msgs := r.rec.to(u)
	if len(msgs) == 0 || !msgs[0].at.Equal(time.Date(2026, 11, 30, 8, 0, 0, 0, loc)) {
		t.Fatalf("a 23:00 check-in should come at 08:00 the next morning: %+v", msgs)
	}

	// The bot was down for a day: the missed check-in is skipped, the next one comes.
	v := r.onboard("4", "Berlin", "later", "Monday 09:00")
	r.clock.Set(time.Date(2026, 12, 8, 10, 0, 0, 0, loc)) // 25 h after Monday 7 Dec 09:00
	r.runUntil(time.Date(2026, 12, 14, 9, 30, 0, 0, loc))
	got := r.rec.to(v)
	if len(got) != 1 || !got[0].at.Equal(time.Date(2026, 12, 14, 9, 0, 0, 0, loc)) {
		t.Errorf("after downtime: %+v, want only the 14 Dec 09:00 check-in", got)
	}
}

func TestPauseUntilADateThenResumesByItself(t *testing.T) {
	loc := berlin(t)
	r := newRig(t, time.Date(2026, 12, 1, 12, 0, 0, 0, loc))
	u := r.onboard("5", "Berlin", "later", "Sunday 19:00")
	if outs := r.say(u, "/pause until 2026-12-20"); !strings.Contains(outs[0].Text, "Paused until 20 Dec") {
		t.Fatalf("/pause: %q", outs[0].Text)
	}
	r.runUntil(time.Date(2026, 12, 20, 20, 0, 0, 0, loc))
	msgs := r.rec.to(u)
	// Sundays 6 and 13 Dec are silent; the pause ends with 20 Dec, a Sunday.
	if len(msgs) != 1 || !msgs[0].at.Equal(time.Date(2026, 12, 20, 19, 0, 0, 0, loc)) {
		t.Fatalf("while paused something was sent, or nothing after: %+v", msgs)
	}
}

func TestSessionRemindersBeforeAndAfter(t *testing.T) {
	loc := berlin(t)
	r := newRig(t, time.Date(2026, 11, 30, 12, 0, 0, 0, loc)) // Monday
	u := r.onboard("6", "Berlin", "Thursday 10:00", "off")
	r.runUntil(time.Date(2026, 12, 3, 14, 0, 0, 0, loc))
	msgs := r.rec.to(u)
	if len(msgs) != 2 {
		t.Fatalf("got %+v", msgs)
	}
	if !msgs[0].at.Equal(time.Date(2026, 12, 2, 10, 0, 0, 0, loc)) || !strings.Contains(msgs[0].text, "Your session is tomorrow at 10:00") {
		t.Errorf("preparation: %v %q", msgs[0].at.In(loc), msgs[0].text)
	}
	if !msgs[1].at.Equal(time.Date(2026, 12, 3, 13, 0, 0, 0, loc)) || !strings.Contains(msgs[1].text, "“I felt heard and understood.”") {
		t.Errorf("reflection: %v %q", msgs[1].at.In(loc), msgs[1].text)
	}
}

func TestBlockedClientIsMarkedInactiveUntilStart(t *testing.T) {
	loc := berlin(t)
	r := newRig(t, time.Date(2026, 11, 26, 12, 0, 0, 0, loc))
	u := r.onboard("7", "Berlin", "later", "Sunday 19:00")
	var attempts int
	r.rec.fail = func(flows.UserKey) error { attempts++; return fmt.Errorf("send: %w", flows.ErrBlocked) }
	r.runUntil(time.Date(2026, 12, 14, 12, 0, 0, 0, loc))
	if attempts != 1 {
		t.Errorf("%d sends to a client who blocked the bot, want 1", attempts)
	}
	if n := queued(r.st); n != 0 {
		t.Errorf("%d wake-ups left for a blocked client", n)
	}
	r.rec.fail = nil
	if outs := r.say(u, "/start"); !strings.Contains(outs[0].Text, "Welcome back") {
		t.Fatalf("/start: %q", outs[0].Text)
	}
	r.runUntil(time.Date(2026, 12, 20, 19, 0, 0, 0, loc))
	if got := r.rec.to(u); len(got) != 1 {
		t.Errorf("after /start: %+v", got)
	}
}

func TestRateLimitedSendIsRetriedAfterTheWait(t *testing.T) {
	loc := berlin(t)
	r := newRig(t, time.Date(2026, 11, 26, 12, 0, 0, 0, loc))
	u := r.onboard("8", "Berlin", "later", "Sunday 19:00")
	fails := 3
	r.rec.fail = func(flows.UserKey) error {
		if fails > 0 {
			fails--
			return &flows.RateLimitedError{RetryAfter: 2 * time.Minute}
		}
		return nil
	}
	r.runUntil(time.Date(2026, 11, 29, 20, 0, 0, 0, loc))
	msgs := r.rec.to(u)
	if len(msgs) != 1 || !msgs[0].at.Equal(time.Date(2026, 11, 29, 19, 6, 0, 0, loc)) || !strings.Contains(msgs[0].text, "How has your week been") {
		t.Errorf("after three 429s of 2 min: %+v", msgs)
	}
}

func TestForgetClearsTheQueue(t *testing.T) {
	loc := berlin(t)
	r := newRig(t, time.Date(2026, 11, 26, 12, 0, 0, 0, loc))
	u := r.onboard("9", "Berlin", "Thursday 10:00", "Sunday 19:00")
	if n := queued(r.st); n != 3 {
		t.Fatalf("%d wake-ups queued, want check-in, preparation and reflection", n)
	}
	confirm := r.say(u, "/forget")
	outs, err := r.engine.Handle(context.Background(), flows.Inbound{User: u, Button: confirm[0].Buttons[0].ID})
	if err != nil || !strings.Contains(outs[0].Text, "erased") {
		t.Fatalf("forget: %v %+v", err, outs)
	}
	if n := queued(r.st); n != 0 {
		t.Errorf("%d wake-ups left after /forget", n)
	}
	r.runUntil(time.Date(2026, 12, 7, 12, 0, 0, 0, loc))
	if got := r.rec.to(u); len(got) != 0 {
		t.Errorf("messages after /forget: %+v", got)
	}
}

var errDead = errors.New("replica died")

// A worker that wakes up well after its reserved slot (a loaded machine) gives the slot up and
// takes a new one, rather than sending at once and crowding the sends of the slots after it:
// every send leaves within a few milliseconds of its slot, so the sliding second at the
// platform never holds more than the limit.
func TestWorkerThatWakesLateTakesANewSlot(t *testing.T) {
	loc := berlin(t)
	r := newRig(t, time.Date(2026, 11, 26, 12, 0, 0, 0, loc))
	u := r.onboard("10", "Berlin", "later", "Sunday 19:00")
	due := time.Date(2026, 11, 29, 19, 0, 0, 0, loc)
	r.clock.Set(due)
	// Another replica has the platform's next half second: this worker's slot is ahead of now.
	if _, ok, err := r.st.Allow(context.Background(), flows.Telegram, scheduler.Pace{Every: 500 * time.Millisecond}, "other",
		scheduler.Pace{Every: time.Millisecond}, 1, due); err != nil || !ok {
		t.Fatalf("taking the platform's next slot: %v, %v", ok, err)
	}
	late := 1 // the first wait overshoots by 100 ms
	sleep := func(ctx context.Context, at time.Time) error {
		if late > 0 {
			late--
			at = at.Add(100 * time.Millisecond)
		}
		return r.clock.SleepUntil(ctx, at)
	}
	var outcomes []scheduler.Outcome
	d := scheduler.New(r.engine, r.st, map[flows.Platform]flows.Sender{flows.Telegram: r.rec},
		scheduler.WithClock(r.clock.Now), scheduler.WithSleep(sleep), scheduler.WithLogger(quiet), scheduler.WithLateCheck(),
		// The chat's own budget generous, so that only the platform's decides the slot.
		scheduler.WithLimits(map[flows.Platform]scheduler.Limit{flows.Telegram: {PerSecond: 25, PerChat: 100}}),
		scheduler.WithObserver(func(o scheduler.Outcome) { outcomes = append(outcomes, o) }))
	if _, err := d.Tick(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs := r.rec.to(u)
	if len(outcomes) != 1 || len(msgs) != 1 {
		t.Fatalf("outcomes %+v, messages %+v", outcomes, msgs)
	}
	o := outcomes[0]
	if o.Result != scheduler.Sent || o.LostSlots != 1 {
		t.Errorf("%s after giving up %d slots, want sent after giving up 1", o.Result, o.LostSlots)
	}
	// The slot given up was at +500 ms, woken at +600 ms; the new slot is when it asked again.
	if want := due.Add(600 * time.Millisecond); !o.SentAt.Equal(want) || !msgs[0].at.Equal(want) {
		t.Errorf("slot %v, sent at %v; want both at %v", o.SentAt.Sub(due), msgs[0].at.Sub(due), want.Sub(due))
	}
}

// queued counts the wake-ups in the due-queue, whenever they are due.
func queued(st *store.Store) int64 {
	n, _ := st.DueBefore(context.Background(), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	return n
}
