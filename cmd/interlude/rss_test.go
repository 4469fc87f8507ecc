package main

import (
	"context"
	"flag"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/internal/seed"
)

var rssClients = flag.Int("rss.clients", 2000, "scheduled clients in TestRSSWithScheduledClients (100000 for the long run)")

// maxRSS is the most resident memory the bot may need, whatever the number of clients: it keeps
// no per-client state in memory.
const maxRSS = 64 << 20

// TestRSSWithScheduledClients measures the real binary's peak resident memory while it sends
// the weekly check-in of every one of many scheduled clients, all due at once: the scheduler
// claims and dispatches them in batches and keeps nothing per client, so the peak stays under
// 64 MiB. The long run: -rss.clients=100000.
func TestRSSWithScheduledClients(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds and dispatches thousands of clients; run without -short")
	}
	srv := redistest.Start(t)
	srv.RequireReal(t, "the bot's memory is measured against a real Redis")
	n := *rssClients
	due := time.Now().UTC().Truncate(time.Minute).Add(-time.Minute)
	if err := seed.Scheduled(context.Background(), testStore(t, srv), n, 2_000_000, due); err != nil {
		t.Fatal(err)
	}

	r := startTelegramOn(t, srv, "INTERLUDE_QUIET_HOURS=off", "INTERLUDE_TELEGRAM_RATE_LIMIT=1000")
	start := time.Now()
	for {
		if c := r.tg.Count("sendMessage"); c >= n {
			break
		}
		select {
		case <-r.proc.done:
			t.Fatalf("the bot exited:\n%s", r.proc.output())
		case <-time.After(500 * time.Millisecond):
		}
		if time.Since(start) > 20*time.Minute { // a bound for a hung bot
			t.Fatalf("after %v only %d of %d check-ins were sent", time.Since(start), r.tg.Count("sendMessage"), n)
		}
	}
	took := time.Since(start)
	peak, rss := procMemory(t, r.proc.cmd.Process.Pid)
	t.Logf("%d scheduled clients: all check-ins sent in %v (%.0f/s); the bot's peak RSS %.1f MiB, RSS now %.1f MiB",
		n, took.Round(time.Millisecond), float64(n)/took.Seconds(), float64(peak)/(1<<20), float64(rss)/(1<<20))
	if peak > maxRSS {
		t.Errorf("peak RSS %.1f MiB, want at most %d MiB", float64(peak)/(1<<20), maxRSS>>20)
	}
	// Exactly one each: a duplicate would come from a later scheduler tick (1 s here), so give
	// it three before counting per chat.
	time.Sleep(3 * time.Second)
	per := map[int64]int{}
	for _, c := range r.tg.Calls("sendMessage") {
		if !c.Failed() {
			per[c.ChatID()]++
		}
	}
	for i := range n {
		if got := per[int64(2_000_000+i)]; got != 1 {
			t.Errorf("client %d got %d check-ins, want exactly one", 2_000_000+i, got)
			break
		}
	}
	if len(per) != n {
		t.Errorf("check-ins went to %d chats, want %d", len(per), n)
	}
}
