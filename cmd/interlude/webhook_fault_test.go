package main

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/internal/telegramtest"
	"github.com/interlude-bot/interlude/store"
)

// TestRedisDownWebhook is TestRedisDown in webhook mode: while Redis is down (AOF, fsync
// always) the webhook answers nothing and refuses updates with a 5xx (or holds one while its
// Redis client retries), so that Telegram delivers them again; the redeliveries after Redis is
// back are handled once each, in order, and the conversation goes on where it was. The long
// run: -fault.redis-down=30s.
func TestRedisDownWebhook(t *testing.T) {
	srv := redistest.Start(t, redistest.WithAOF("always"))
	srv.RequireReal(t, "Redis is stopped and started again with its append-only file")
	const secret = "s3cret-webhook-token"
	r := startTelegramOn(t, srv, "INTERLUDE_TELEGRAM_WEBHOOK_URL=https://bot.example.org/telegram/hook",
		"INTERLUDE_TELEGRAM_WEBHOOK_SECRET="+secret)
	url := "http://" + r.addr + "/telegram/hook"

	// Telegram's side: updates of one chat are delivered one after the other, each again and
	// again until the webhook takes it with a 2xx.
	var mu sync.Mutex
	var refused int
	var slowest time.Duration
	// It runs on the test's goroutine and on another: it reports with t.Error, not t.Fatal.
	deliver := func(u telegramtest.Update) {
		for {
			t0 := time.Now()
			resp, err := telegramtest.PostWebhook(url, secret, u)
			took := time.Since(t0)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			mu.Lock()
			refused++
			slowest = max(slowest, took)
			mu.Unlock()
			if resp.StatusCode < 500 {
				t.Errorf("webhook answered %d; Telegram would drop the update", resp.StatusCode)
				return
			}
			time.Sleep(time.Second)
		}
	}
	const chat = int64(8181)
	d := &driver{t: t, tg: r.tg, deliver: deliver}
	step := func(send, want string) {
		t.Helper()
		if err := d.step(chat, send, want); err != nil {
			t.Fatal(err)
		}
	}
	script := conversation(chat)
	for _, s := range script[:6] { // onboarding, then /checkin
		step(s[0], s[1])
	}

	srv.Kill()
	down := time.Now()
	before := len(r.tg.Sent(chat))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, text := range []string{"7", "calm", "moment while redis was down"} {
			deliver(telegramtest.PrivateText(chat, text))
		}
	}()
	// Longer than go-redis retries within one request (about 3 s), so that deliveries are
	// refused and delivered again, as they would be by Telegram.
	time.Sleep(max(*faultRedisDown, 8*time.Second))
	if n := len(r.tg.Sent(chat)); n != before {
		t.Errorf("%d answers while Redis was down (nothing can be saved, so nothing may be answered)", n-before)
	}
	srv.Restart()
	back := time.Now()
	<-done
	r.expect(chat, "word for how you feel")
	r.expect(chat, "moment this week")
	r.expect(chat, "One question to think about")
	t.Logf("Redis down %v: the webhook refused %d deliveries (slowest refusal %v); the three updates were answered %v after Redis came back",
		back.Sub(down).Round(time.Millisecond), refused, slowest.Round(time.Millisecond), time.Since(back).Round(time.Millisecond))
	if refused == 0 {
		t.Error("no delivery was refused while Redis was down: the redelivery path was not exercised")
	}
	step("/skip", "bring to your next session")
	step("agenda while redis was back", "that's it for this week")
	sealer, err := store.NewSealer(mustKey(t))
	if err != nil {
		t.Fatal(err)
	}
	got := entriesOf(t, store.New(srv.Client(), sealer), chat)["checkin"]
	if len(got) != 1 || got[0].Answers["moment"] != "moment while redis was down" || got[0].Answers["mood"] != "7" {
		t.Errorf("check-ins stored: %+v; want one holding the answers given while Redis was down", got)
	}
}
