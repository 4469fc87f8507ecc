// Package logbridge routes the log lines that go-redis and discordgo print on their own (to
// stderr, past slog and past INTERLUDE_LOG_FORMAT=json) through the bot's slog logger, with
// every secret it is given cut out.
package logbridge

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/bwmarrin/discordgo"
	"github.com/redis/go-redis/v9"
)

// Install makes go-redis and discordgo log through logger. Both libraries keep their logger
// in a package variable, so this is for main, once. secrets (tokens, the Redis password)
// never appear in what is logged; empty ones are ignored.
func Install(logger *slog.Logger, secrets ...string) {
	r := newRedactor(secrets)
	redis.SetLogger(RedisLogger{log: logger.With("lib", "go-redis"), redact: r})
	discordgo.Logger = DiscordLogger(logger.With("lib", "discordgo"), r)
}

// RedisLogger is go-redis's Logging on slog. go-redis logs without a level, and only what
// went wrong (a dial that failed, a bad connection discarded): a warning.
type RedisLogger struct {
	log    *slog.Logger
	redact func(string) string
}

// Printf logs one go-redis line.
func (l RedisLogger) Printf(ctx context.Context, format string, v ...any) {
	msg := strings.TrimPrefix(l.redact(fmt.Sprintf(format, v...)), "redis: ")
	l.log.WarnContext(ctx, msg)
}

// DiscordLogger is discordgo's Logger on slog. discordgo's errors are mostly about its own
// reconnects, which it handles, so they are warnings; the rest keeps its level.
func DiscordLogger(logger *slog.Logger, redact func(string) string) func(msgL, caller int, format string, a ...any) {
	return func(msgL, _ int, format string, a ...any) {
		msg := redact(strings.TrimSpace(fmt.Sprintf(format, a...)))
		level := slog.LevelDebug
		switch msgL {
		case discordgo.LogError, discordgo.LogWarning:
			level = slog.LevelWarn
		case discordgo.LogInformational:
			level = slog.LevelInfo
		}
		logger.Log(context.Background(), level, msg)
	}
}

// newRedactor replaces each secret in a line by [redacted].
func newRedactor(secrets []string) func(string) string {
	var pairs []string
	for _, s := range secrets {
		if s = strings.TrimSpace(s); len(s) >= 4 {
			pairs = append(pairs, s, "[redacted]")
		}
	}
	if len(pairs) == 0 {
		return func(s string) string { return s }
	}
	r := strings.NewReplacer(pairs...)
	return r.Replace
}
