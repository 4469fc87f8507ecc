package logbridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/redis/go-redis/v9"

	"github.com/interlude-bot/interlude/internal/logbridge"
)

const token = "MTA5ODc2NTQzMjEwOTg3NjU0.GaBcDe.abcdefghijklmnopqrstuvwxyz0123"

func jsonLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		out = append(out, m)
	}
	return out
}

func TestLibraryLinesGoThroughSlogAsJSONWithoutSecrets(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	logbridge.Install(logger, token, "p@ss:w0rd", "")

	// discordgo's sessions log through its package Logger, as here.
	discordgo.Logger(discordgo.LogError, 2, "error connecting to gateway %s, %s", "wss://gateway.discord.gg", "identify "+token)
	discordgo.Logger(discordgo.LogInformational, 2, "connected\n")
	discordgo.Logger(discordgo.LogDebug, 2, "heartbeat sent") // below the level: dropped

	// A real go-redis line: a TTL below its resolution is logged when the command is built.
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", Password: "p@ss:w0rd", DialTimeout: 100 * time.Millisecond, MaxRetries: -1})
	defer rdb.Close()
	_ = rdb.Set(context.Background(), "k", "v", 500*time.Microsecond).Err()

	got := jsonLines(t, &buf)
	want := []struct{ lib, level, msg string }{
		{"discordgo", "WARN", "error connecting to gateway wss://gateway.discord.gg, identify [redacted]"},
		{"discordgo", "INFO", "connected"},
		{"go-redis", "WARN", "specified duration is 500µs, but minimal supported value is 1ms - truncating to 1ms"},
		{"go-redis", "WARN", "connection pool: failed to dial"}, // a prefix: the rest names the attempts
	}
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(want), buf.String())
	}
	for i, w := range want {
		if got[i]["lib"] != w.lib || got[i]["level"] != w.level || !strings.HasPrefix(got[i]["msg"].(string), w.msg) {
			t.Errorf("line %d: %v, want %+v", i, got[i], w)
		}
	}
	if strings.Contains(buf.String(), token) || strings.Contains(buf.String(), "p@ss:w0rd") {
		t.Errorf("a secret was logged:\n%s", buf.String())
	}
}
