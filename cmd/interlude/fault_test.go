package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/internal/storeconf"
	"github.com/interlude-bot/interlude/internal/telegramtest"
	"github.com/interlude-bot/interlude/store"
)

var (
	faultConversations = flag.Int("fault.conversations", 100, "conversations in TestKilledAtRandomPoints (1000 for the long run)")
	faultKillEvery     = flag.Int("fault.kill-every", 25, "answered steps between two kills in TestKilledAtRandomPoints, on average")
	faultRedisDown     = flag.Duration("fault.redis-down", 2*time.Second, "how long Redis is down in TestRedisDown (30s for the long run)")
)

// driver plays clients against a fake Bot API: it sends, then waits for the bot's answer.
type driver struct {
	t  *testing.T
	tg *telegramtest.Server
	// deliver hands an update to the bot; nil means queueing it for the bot's getUpdates.
	deliver func(telegramtest.Update)
}

func (d *driver) send(u telegramtest.Update) {
	if d.deliver != nil {
		d.deliver(u)
		return
	}
	d.tg.Push(u)
}

// step sends text (or presses the button labelled by "[label]") and waits for a message to the
// chat, sent after it, that contains want. A bot that is killed and restarted on the way is
// fine: Telegram delivers unconfirmed updates again, and the bot asks the pending question again.
func (d *driver) step(chat int64, send, want string) error {
	seen := len(d.tg.Sent(chat))
	if label, ok := strings.CutPrefix(send, "["); ok {
		label = strings.TrimSuffix(label, "]")
		data, msg, err := d.button(chat, label)
		if err != nil {
			return err
		}
		d.send(telegramtest.Callback(chat, msg, data))
	} else {
		d.send(telegramtest.PrivateText(chat, send))
	}
	deadline := time.Now().Add(90 * time.Second) // a bound for a hung bot, not a speed test
	for {
		sent := d.tg.WaitSent(chat, seen, time.Until(deadline))
		if len(sent) == 0 {
			return fmt.Errorf("chat %d: after %q no message with %q", chat, send, want)
		}
		for _, c := range sent {
			if strings.Contains(visible(c), want) {
				return nil
			}
		}
		seen += len(sent)
	}
}

// button finds the callback data of the newest button with the label in the chat, and the id
// of the message it is under.
func (d *driver) button(chat int64, label string) (data string, messageID int, err error) {
	return d.tg.Button(chat, label)
}

// conversation is one client's onboarding and first check-in.
func conversation(id int64) [][2]string {
	return append(onboardingSteps(), checkinSteps(7, "calm", fmt.Sprintf("moment-%d", id), "/skip", fmt.Sprintf("agenda-%d", id))...)
}

// onboardingSteps are a new client's /start: consent, Berlin, no appointment yet, check-ins
// on Sundays at 19:00.
func onboardingSteps() [][2]string {
	return [][2]string{
		{"/start", "Is that OK?"},
		{"[Yes, keep my answers]", "Which time zone"},
		{"Berlin", "usual therapy appointment"},
		{"later", "weekly check-in suit you"},
		{"Sunday 19:00", "All set"},
	}
}

// checkinSteps are a /checkin with the mood pressed as a button, the feeling and moment typed,
// the reflective prompt answered (or "/skip"ped) and an agenda item.
func checkinSteps(mood int, feeling, moment, reflection, agenda string) [][2]string {
	return [][2]string{
		{"/checkin", "How has your week been"},
		{fmt.Sprintf("[%d]", mood), "word for how you feel"},
		{feeling, "moment this week"},
		{moment, "One question to think about"},
		{reflection, "bring to your next session"},
		{agenda, "that's it for this week"},
	}
}

// TestKilledAtRandomPoints runs many scripted conversations through the fake Bot API while the
// bot is SIGKILLed and restarted at random moments. No answered step may be lost and none
// applied twice: every client ends with exactly one complete check-in holding their answers.
func TestKilledAtRandomPoints(t *testing.T) {
	if testing.Short() {
		t.Skip("kills the bot for a while; run without -short")
	}
	if *faultKillEvery < 1 {
		t.Fatalf("-fault.kill-every=%d: it must be at least 1", *faultKillEvery)
	}
	tg := telegramtest.New(t, "")
	tg.SetMaxPollWait(100 * time.Millisecond)
	srv := redistest.Start(t)
	srv.RequireReal(t, "the polling lease of a killed bot must expire")
	env := baseEnv("INTERLUDE_TELEGRAM_TOKEN="+tg.Token, "INTERLUDE_TELEGRAM_API_URL="+tg.URL,
		"INTERLUDE_TELEGRAM_POLL_TIMEOUT=1s", "INTERLUDE_REDIS_URL="+srv.URL,
		"INTERLUDE_ENCRYPTION_KEY="+testKey, "INTERLUDE_HTTP_ADDR=127.0.0.1:0",
		"INTERLUDE_LEASE_TTL=1s", "INTERLUDE_LOG_FORMAT=json")

	var mu sync.Mutex
	bot := startProc(t, env, "run")
	stop := make(chan struct{})
	var kills, steps atomic.Int64
	killerDone := make(chan struct{})
	go func() {
		defer close(killerDone)
		rng := rand.New(rand.NewPCG(1, 2))
		for {
			// Let the new process take the polling lease, let the clients get a random number
			// of steps answered, then kill it a random moment later, while ten clients are in
			// the middle of theirs: the kill falls anywhere in handling, saving and answering.
			// Kills follow the clients' progress, not the clock, so a faster bot is killed as
			// often.
			for !strings.Contains(bot.output(), "lease taken") {
				select {
				case <-stop:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
			target := steps.Load() + 1 + int64(rng.IntN(2**faultKillEvery))
			for steps.Load() < target {
				select {
				case <-stop:
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
			time.Sleep(time.Duration(rng.IntN(20_000)) * time.Microsecond)
			mu.Lock()
			_ = bot.cmd.Process.Kill()
			_ = bot.cmd.Wait()
			kills.Add(1)
			bot = startProc(t, env, "run")
			mu.Unlock()
		}
	}()

	d := &driver{t: t, tg: tg}
	n := *faultConversations
	errs := make(chan error, n)
	work := make(chan int64)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			for id := range work {
				for _, s := range conversation(id) {
					if err := d.step(id, s[0], s[1]); err != nil {
						errs <- err
						break
					}
					steps.Add(1)
				}
			}
		})
	}
	start := time.Now()
	for i := range n {
		work <- int64(50_000 + i)
	}
	close(work)
	wg.Wait()
	close(stop)
	<-killerDone
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	// Every client: one complete check-in with their own answers, nothing twice.
	st := testStore(t, srv)
	for i := range n {
		id := int64(50_000 + i)
		checkins := entriesOf(t, st, id)["checkin"]
		want := map[string]string{"mood": "7", "feeling": "calm", "moment": fmt.Sprintf("moment-%d", id), "agenda": fmt.Sprintf("agenda-%d", id)}
		if len(checkins) != 1 {
			t.Errorf("client %d has %d check-ins, want 1", id, len(checkins))
			continue
		}
		for k, v := range want {
			if checkins[0].Answers[k] != v {
				t.Errorf("client %d: %s = %q, want %q", id, k, checkins[0].Answers[k], v)
			}
		}
	}
	t.Logf("%d conversations (%d steps each) in %v with %d kills of the bot", n, len(conversation(0)), time.Since(start).Round(time.Millisecond), kills.Load())
	if want := int64(n*len(conversation(0))) / int64(4**faultKillEvery); kills.Load() < want {
		t.Errorf("the bot was killed %d times; a kill every %d steps on average should give at least %d", kills.Load(), *faultKillEvery, want)
	}
}

func mustKey(t *testing.T) []byte {
	k, err := storeconf.ParseKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testStore reads what the bot (sealing with testKey) wrote to srv.
func testStore(t *testing.T, srv *redistest.Server) *store.Store {
	sealer, err := store.NewSealer(mustKey(t))
	if err != nil {
		t.Fatal(err)
	}
	return store.New(srv.Client(), sealer)
}

// entriesOf reads a Telegram client's history from Redis, by flow.
func entriesOf(t *testing.T, st *store.Store, chat int64) map[string][]flows.Entry {
	t.Helper()
	recs, err := st.Entries(context.Background(), flows.UserKey{Platform: flows.Telegram, ID: flows.UserID(fmt.Sprint(chat))})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]flows.Entry{}
	for _, r := range recs {
		e, err := flows.DecodeEntry(r)
		if err != nil {
			t.Fatalf("client %d: history entry: %v", chat, err)
		}
		out[e.Flow] = append(out[e.Flow], e)
	}
	return out
}

// TestRedisDown stops Redis (with AOF, fsync always) while clients write in polling mode; no
// update is lost: each is answered once Redis is back, in order.
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t, redistest.WithAOF("always"))
	srv.RequireReal(t, "Redis is stopped and started again with its append-only file")
	r := startTelegramOn(t, srv)
	tg := r.tg
	d := &driver{t: t, tg: tg}
	const chat = int64(8080)
	for _, s := range conversation(chat)[:6] {
		if err := d.step(chat, s[0], s[1]); err != nil {
			t.Fatal(err)
		}
	}
	srv.Kill()
	down := time.Now()
	before := len(tg.Sent(chat))
	tg.Push(telegramtest.PrivateText(chat, "7"))
	tg.Push(telegramtest.PrivateText(chat, "calm"))
	tg.Push(telegramtest.PrivateText(chat, "moment while redis was down"))
	time.Sleep(*faultRedisDown)
	if n := len(tg.Sent(chat)); n != before {
		t.Errorf("%d answers while Redis was down (nothing can be saved, so nothing may be answered)", n-before)
	}
	srv.Restart()
	back := time.Now()
	r.expect(chat, "One question to think about")
	t.Logf("Redis down for %v; the three updates were answered %v after it came back", back.Sub(down).Round(time.Millisecond), time.Since(back).Round(time.Millisecond))
	// The bot recovered by itself and kept everything.
	if err := d.step(chat, "/skip", "bring to your next session"); err != nil {
		t.Fatal(err)
	}
	if err := d.step(chat, "agenda", "that's it for this week"); err != nil {
		t.Fatal(err)
	}
}

// TestRedisRestartEverySec restarts Redis with appendfsync everysec under load: Redis may lose
// up to a second of writes, but the bot recovers by itself and answers again.
func TestRedisRestartEverySec(t *testing.T) {
	srv := redistest.Start(t, redistest.WithAOF("everysec"))
	srv.RequireReal(t, "Redis is killed and started again with its append-only file")
	r := startTelegramOn(t, srv)
	tg := r.tg
	for i := range 200 {
		tg.Push(telegramtest.PrivateText(int64(9000+i%20), "/help"))
		if i == 100 {
			srv.Restart()
		}
	}
	d := &driver{t: t, tg: tg}
	if err := d.step(4444, "/help", "What you can do"); err != nil {
		t.Fatalf("after a Redis restart the bot does not answer: %v", err)
	}
}
