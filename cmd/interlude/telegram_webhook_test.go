package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/internal/telegramtest"
)

func TestTelegramWebhook(t *testing.T) {
	addr := freeAddr(t)
	r := &tgRig{t: t, tg: telegramtest.New(t, ""), srv: redistest.Start(t), addr: addr, seen: map[int64]int{}}
	hook := "https://bot.example.org/telegram/hook"
	r.env = baseEnv(
		"INTERLUDE_TELEGRAM_TOKEN="+r.tg.Token,
		"INTERLUDE_TELEGRAM_API_URL="+r.tg.URL,
		"INTERLUDE_TELEGRAM_WEBHOOK_URL="+hook,
		"INTERLUDE_TELEGRAM_WEBHOOK_SECRET=s3cret-webhook-token",
		"INTERLUDE_REDIS_URL="+r.srv.URL,
		"INTERLUDE_ENCRYPTION_KEY="+testKey,
		"INTERLUDE_HTTP_ADDR="+addr,
	)
	r.proc = startProc(t, r.env, "run")
	r.waitReady()
	if c := r.tg.WaitFor(t, 10*time.Second, func(c telegramtest.Call) bool { return c.Method == "setWebhook" }); c.Fields["url"] != hook || c.Fields["secret_token"] != "s3cret-webhook-token" {
		t.Errorf("setWebhook %v", c.Fields)
	}
	url := "http://" + addr + "/telegram/hook"

	resp, err := telegramtest.PostWebhook(url, "wrong-secret", telegramtest.PrivateText(55, "/start"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong secret: %d, want 401", resp.StatusCode)
	}
	if n := len(r.tg.Sent(55)); n != 0 {
		t.Errorf("an update with a wrong secret was handled (%d messages)", n)
	}

	u := telegramtest.PrivateText(55, "/start")
	u.UpdateID = 1
	resp, err = telegramtest.PostWebhook(url, "s3cret-webhook-token", u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook: %d", resp.StatusCode)
	}
	// The reply went out before the webhook answered.
	if sent := r.tg.Sent(55); len(sent) != 1 || !strings.Contains(visible(sent[0]), "Is that OK?") {
		t.Errorf("after the webhook answered, %d messages were sent, want the statement with the consent question", len(sent))
	}

	// Redis down: the webhook answers 503 so that Telegram delivers the update again; once
	// Redis is back, the redelivery is handled, once.
	r.srv.Kill()
	u2 := telegramtest.PrivateText(55, "/help")
	u2.UpdateID = 2
	resp, err = telegramtest.PostWebhook(url, "s3cret-webhook-token", u2)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 500 {
		t.Errorf("with Redis down the webhook answered %d, want 5xx", resp.StatusCode)
	}
	r.srv.Restart()
	for range 2 {
		resp, err = telegramtest.PostWebhook(url, "s3cret-webhook-token", u2)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("after Redis came back: %d", resp.StatusCode)
		}
	}
	help := 0
	for _, c := range r.tg.Sent(55) {
		if strings.Contains(visible(c), "What you can do") {
			help++
		}
	}
	if help != 1 {
		t.Errorf("/help answered %d times, want once", help)
	}
}
