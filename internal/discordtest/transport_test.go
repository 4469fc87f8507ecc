package discordtest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/internal/discordtest"
)

func TestRewriteTransport(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	client := &http.Client{Transport: discordtest.RewriteTransport(srv.URL)}
	resp, err := client.Get("https://discord.com/api/v9/gateway/bot")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		URL    string `json:"url"`
		Shards int    `json:"shards"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.URL != srv.GatewayURL || body.Shards != 1 || !strings.HasPrefix(body.URL, "ws://") {
		t.Errorf("gateway/bot = %+v", body)
	}
	if resp.Header.Get("X-RateLimit-Remaining") == "" || resp.Header.Get("X-RateLimit-Reset-After") == "" {
		t.Errorf("rate limit headers missing: %v", resp.Header)
	}
	if _, err := (&http.Client{Transport: discordtest.RewriteTransport("not a url")}).Get("https://discord.com/"); err == nil {
		t.Error("bad base URL accepted")
	}
}
