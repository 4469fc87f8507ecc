package discordtest_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/internal/discordtest"
)

func TestRateLimitIsRetriedByDiscordgo(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := newSession(t, srv, "Bot x")
	limited := make(chan *discordgo.RateLimit, 4)
	sess.AddHandler(func(_ *discordgo.Session, r *discordgo.RateLimit) { limited <- r })
	ch := srv.DMChannel("42")

	srv.FailNext("POST /channels/*/messages", 1, discordtest.RateLimit(0.05))
	start := time.Now()
	if _, err := sess.ChannelMessageSend(ch, "after the wait"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("send took %v, want >= 50ms (retry_after)", d)
	}
	if r := recv(t, limited); r.RetryAfter != 50*time.Millisecond || r.Message != "You are being rate limited." {
		t.Errorf("RateLimit event = %+v", r.TooManyRequests)
	}
	calls := srv.Calls(discordtest.Route("POST /channels/*/messages"))
	if len(calls) != 2 || calls[0].Status != 429 || calls[1].Status != 200 {
		t.Fatalf("calls = %d (%v)", len(calls), calls)
	}
	if n := len(srv.MessagesTo(ch)); n != 1 {
		t.Errorf("MessagesTo = %d, want 1", n)
	}

	// A global limit is retried as well.
	srv.FailNext("", 2, discordtest.GlobalRateLimit(0.01))
	if _, err := sess.ChannelMessageSend(ch, "global"); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.MessagesTo(ch)); n != 2 {
		t.Errorf("MessagesTo = %d, want 2", n)
	}
}

func TestRateLimitWireShape(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	srv.FailNext("GET /users/@me", 1, discordtest.RateLimit(0.25))
	client := &http.Client{Transport: discordtest.RewriteTransport(srv.URL)}
	resp, err := client.Get("https://discord.com/api/v10/users/@me")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 429 || body["message"] != "You are being rate limited." || body["retry_after"] != 0.25 || body["global"] != false {
		t.Errorf("429 = %d %v", resp.StatusCode, body)
	}
	for k, want := range map[string]string{
		"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-After": "0.250", "Retry-After": "1", "X-RateLimit-Scope": "user",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if resp.Header.Get("X-RateLimit-Bucket") == "" || resp.Header.Get("X-RateLimit-Reset") == "" {
		t.Errorf("headers = %v", resp.Header)
	}
}

func TestCannotDM(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := newSession(t, srv, "Bot x")
	srv.CannotDM("43")
	ch, err := sess.UserChannelCreate("43")
	if err != nil {
		t.Fatalf("opening the DM channel should work: %v", err)
	}
	_, err = sess.ChannelMessageSend(ch.ID, "hi")
	re := restError(t, err)
	if re.Message.Code != 50007 || re.Message.Message != "Cannot send messages to this user" || re.Response.StatusCode != 403 {
		t.Fatalf("error = %v", re)
	}

	// The same as a one-off fault.
	ok := srv.DMChannel("44")
	srv.FailNext("POST /channels/"+ok+"/messages", 1, discordtest.CannotSendToUser())
	_, err = sess.ChannelMessageSend(ok, "hi")
	if re := restError(t, err); re.Message.Code != 50007 {
		t.Fatalf("error = %v", re)
	}
	if _, err := sess.ChannelMessageSend(ok, "hi again"); err != nil {
		t.Fatalf("fault should be used up: %v", err)
	}
}
