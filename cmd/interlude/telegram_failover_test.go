package main

import (
	"context"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/internal/telegramtest"
)

// TestTelegramPollerTakeOver runs two replicas against one Redis and one token: only one polls;
// after it is killed, the other takes over within the lease time, and no update is handled
// twice.
func TestTelegramPollerTakeOver(t *testing.T) {
	tg := telegramtest.New(t, "")
	tg.SetMaxPollWait(200 * time.Millisecond)
	srv := redistest.Start(t)
	srv.RequireReal(t, "the polling lease of a killed replica must expire")
	env := func(addr string) []string {
		return baseEnv("INTERLUDE_TELEGRAM_TOKEN="+tg.Token, "INTERLUDE_TELEGRAM_API_URL="+tg.URL,
			"INTERLUDE_TELEGRAM_POLL_TIMEOUT=1s", "INTERLUDE_REDIS_URL="+srv.URL,
			"INTERLUDE_ENCRYPTION_KEY="+testKey, "INTERLUDE_HTTP_ADDR="+addr,
			"INTERLUDE_LEASE_TTL=2s", "INTERLUDE_LOG_FORMAT=json")
	}
	a := &tgRig{t: t, tg: tg, srv: srv, addr: freeAddr(t), seen: map[int64]int{}}
	a.proc = startProc(t, env(a.addr), "run")
	a.waitReady()
	b := &tgRig{t: t, tg: tg, srv: srv, addr: freeAddr(t), seen: map[int64]int{}}
	b.proc = startProc(t, env(b.addr), "run")
	b.waitReady()

	// Which replica polls?
	leader, standby := a, b
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(leader.proc.output(), "lease taken") {
		if strings.Contains(standby.proc.output(), "lease taken") {
			leader, standby = b, a
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no replica took the polling lease")
		}
		time.Sleep(10 * time.Millisecond)
	}
	const user = int64(9000)
	for i := range 20 {
		tg.Push(telegramtest.PrivateText(user, fmt.Sprintf("/help %d", i)))
	}
	leader.expect(user, "What you can do")
	killedAt := time.Now()
	if err := leader.proc.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	for i := 20; i < 40; i++ {
		tg.Push(telegramtest.PrivateText(user, fmt.Sprintf("/help %d", i)))
	}
	var takenAfter time.Duration
	for !strings.Contains(standby.proc.output(), "lease taken") {
		if time.Since(killedAt) > 30*time.Second {
			t.Fatalf("the standby never took the lease:\n%s", standby.proc.output())
		}
		time.Sleep(5 * time.Millisecond)
	}
	takenAfter = time.Since(killedAt)
	// A kill can fall between saving an update and sending its answer: that one answer is lost
	// (what the update changed is kept, and the redelivered update is recognised as done).
	deadline = time.Now().Add(30 * time.Second)
	for tg.Pending() > 0 || countHelp(tg, user) < 39 {
		if time.Now().After(deadline) {
			t.Fatalf("after the kill, %d updates pending and %d answered:\n%s", tg.Pending(), countHelp(tg, user), standby.proc.output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if took := time.Since(killedAt); took > 10*time.Second {
		t.Errorf("the standby took %v to take over (lease 2 s)", took)
	}
	time.Sleep(500 * time.Millisecond)
	if got := countHelp(tg, user); got > 40 || got < 39 {
		t.Errorf("40 updates were answered %d times: some twice, or more than the one in flight lost", got)
	}
	if !strings.Contains(standby.proc.output(), "lease taken") {
		t.Error("the standby never took the lease")
	}
	t.Logf("after the kill (lease 2 s): the standby took the lease after %v, every update was answered after %v",
		takenAfter.Round(time.Millisecond), time.Since(killedAt).Round(time.Millisecond))
}

func countHelp(tg *telegramtest.Server, user int64) int {
	n := 0
	for _, c := range tg.Sent(user) {
		if strings.Contains(visible(c), "What you can do") {
			n++
		}
	}
	return n
}

func TestTelegramBadTokenIsAClearErrorWithoutTheToken(t *testing.T) {
	tg := telegramtest.New(t, "")
	srv := redistest.Start(t)
	const wrong = "123456789:AAwrongTokenThatTelegramRefuses000"
	p := startProc(t, baseEnv("INTERLUDE_TELEGRAM_TOKEN="+wrong, "INTERLUDE_TELEGRAM_API_URL="+tg.URL,
		"INTERLUDE_REDIS_URL="+srv.URL, "INTERLUDE_ENCRYPTION_KEY="+testKey, "INTERLUDE_HTTP_ADDR=127.0.0.1:0"), "run")
	if code := p.finish(); code == 0 {
		t.Fatal("the bot started with a refused token")
	}
	out := p.output()
	if !strings.Contains(out, "the token was refused (401 Unauthorized): check INTERLUDE_TELEGRAM_TOKEN") {
		t.Errorf("no clear error:\n%s", out)
	}
	if strings.Contains(out, "AAwrongToken") {
		t.Errorf("the token was printed:\n%s", out)
	}
}

// TestTelegramUnreadableRecordDoesNotStallOthers: a client whose record cannot be read (sealed
// with a key that was removed) is told so, and everyone else is still answered.
func TestTelegramUnreadableRecordDoesNotStallOthers(t *testing.T) {
	r := startTelegram(t)
	const broken, other = int64(111), int64(222)
	r.onboard(broken)
	// Damage the client's record as a removed key would leave it.
	if err := r.srv.Client().HSet(context.Background(), "interlude:{tg:111}:state", "state", "\x01garbage-record").Err(); err != nil {
		t.Fatal(err)
	}
	r.say(broken, "/help")
	r.expect(broken, "cannot read what I kept for you")
	r.say(other, "/help")
	r.expect(other, "What you can do")
	// They block the bot: marking them inactive needs their record too. The update is
	// dropped, not retried for ever, so the updates behind it still come through.
	r.tg.Push(telegramtest.Kicked(broken))
	r.say(other, "/help")
	r.expect(other, "What you can do")
	// A revision that is not a number is as unreadable as a damaged record.
	const third = int64(333)
	r.onboard(third)
	if err := r.srv.Client().HSet(context.Background(), "interlude:{tg:333}:state", "rev", "x").Err(); err != nil {
		t.Fatal(err)
	}
	r.say(third, "/help")
	r.expect(third, "cannot read what I kept for you")
	r.say(other, "/help")
	r.expect(other, "What you can do")
}

// TestSIGTERMStopsCleanly: on SIGTERM the bot stops taking work, finishes, gives its polling
// lease up (so another replica need not wait for it to run out) and exits 0, in bounded time.
func TestSIGTERMStopsCleanly(t *testing.T) {
	r := startTelegram(t)
	r.onboard(606)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(r.proc.output(), "lease taken") {
		if time.Now().After(deadline) {
			t.Fatal("the bot never took the polling lease")
		}
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	if err := r.proc.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := r.proc.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, r.proc.output())
	}
	if took := time.Since(start); took > 25*time.Second {
		t.Errorf("stopping took %v", took)
	}
	if n, _ := r.srv.Client().Exists(context.Background(), "interlude:{lease:telegram-poll}").Result(); n != 0 {
		t.Error("the polling lease was not given up")
	}
	if !strings.Contains(r.proc.output(), "shutting down") {
		t.Error("no shutdown in the logs")
	}
}
