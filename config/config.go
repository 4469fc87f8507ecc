// Package config reads Interlude's configuration from INTERLUDE_* environment variables and
// validates it. A problem is reported as one line naming the variable; values of secrets
// (tokens, keys, Redis passwords) never appear in a message.
package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/internal/storeconf"
)

// Config is the validated configuration.
type Config struct {
	RedisURL  string
	Ephemeral bool

	TelegramToken         string
	TelegramAPIURL        string
	TelegramWebhookURL    string
	TelegramWebhookSecret string

	DiscordToken  string
	DiscordAppID  string
	DiscordAPIURL string

	HTTPAddr string

	// EncryptionKey seals new records; OldKeys still open records sealed before a rotation.
	EncryptionKey  []byte
	OldKeys        [][]byte
	AllowPlaintext bool

	FlowsDir       string
	ConsentVersion int
	Retention      time.Duration

	LogLevel  slog.Level
	LogFormat string

	// SchedulerTick is how often the dispatcher looks for due reminders.
	SchedulerTick time.Duration
	// TelegramPollTimeout is the long-polling timeout.
	TelegramPollTimeout time.Duration
	// QuietFrom and QuietTo are the quiet hours in minutes after midnight (equal: none).
	QuietFrom, QuietTo int
	// ReminderGrace is how late a reminder may still go out.
	ReminderGrace time.Duration
	// NudgeAfter is when an unanswered check-in gets its one nudge.
	NudgeAfter time.Duration
	// SkipAfterManual: a scheduled check-in is not sent when the client did one by hand within
	// this time before it; negative means never skip.
	SkipAfterManual time.Duration
	// TelegramRate and DiscordRate are the most messages per second the scheduler sends.
	TelegramRate, DiscordRate int
	// LeaseTTL is how long the replica that polls Telegram (or holds the Discord gateway) keeps
	// its lease without renewing it; another replica takes over within it after a crash.
	LeaseTTL time.Duration
}

// Error is a configuration problem with one variable.
type Error struct {
	Var string
	Msg string
}

func (e *Error) Error() string { return e.Var + ": " + e.Msg }

// Lookup reads a variable; os.LookupEnv in production, a map in tests.
type Lookup func(name string) (string, bool)

// Load reads and checks every variable. It returns the first problem as an *Error.
func Load(env Lookup) (*Config, error) {
	get := func(name string) string {
		v, _ := env(name)
		return strings.TrimSpace(v)
	}
	c := &Config{
		RedisURL:              get("INTERLUDE_REDIS_URL"),
		TelegramToken:         get("INTERLUDE_TELEGRAM_TOKEN"),
		TelegramAPIURL:        orDefault(get("INTERLUDE_TELEGRAM_API_URL"), "https://api.telegram.org"),
		TelegramWebhookURL:    get("INTERLUDE_TELEGRAM_WEBHOOK_URL"),
		TelegramWebhookSecret: get("INTERLUDE_TELEGRAM_WEBHOOK_SECRET"),
		DiscordToken:          get("INTERLUDE_DISCORD_TOKEN"),
		DiscordAppID:          get("INTERLUDE_DISCORD_APP_ID"),
		DiscordAPIURL:         orDefault(get("INTERLUDE_DISCORD_API_URL"), "https://discord.com"),
		HTTPAddr:              orDefault(get("INTERLUDE_HTTP_ADDR"), ":8080"),
		FlowsDir:              get("INTERLUDE_FLOWS_DIR"),
		LogFormat:             orDefault(strings.ToLower(get("INTERLUDE_LOG_FORMAT")), "text"),
	}
	var err error
	bad := func(name, format string, args ...any) error {
		return &Error{Var: name, Msg: fmt.Sprintf(format, args...)}
	}
	if c.Ephemeral, err = parseBool(get("INTERLUDE_EPHEMERAL")); err != nil {
		return nil, bad("INTERLUDE_EPHEMERAL", "%v", err)
	}
	if c.AllowPlaintext, err = parseBool(get("INTERLUDE_ALLOW_PLAINTEXT")); err != nil {
		return nil, bad("INTERLUDE_ALLOW_PLAINTEXT", "%v", err)
	}
	if c.RedisURL != "" {
		if _, err := storeconf.ParseRedisURL(c.RedisURL); err != nil {
			// storeconf's errors never quote the URL (and with it a password): they say only
			// what is wrong, such as "a port must be a number from 1 to 65535".
			what := strings.TrimPrefix(err.Error(), "redis URL: ")
			return nil, bad("INTERLUDE_REDIS_URL", "%s (want redis://host:6379/0, rediss://…, unix:///path/to/redis.sock, redis+sentinel://…?master_name=… or redis+cluster://…)", what)
		}
	}
	for _, u := range []struct{ name, val string }{
		{"INTERLUDE_TELEGRAM_API_URL", c.TelegramAPIURL},
		{"INTERLUDE_DISCORD_API_URL", c.DiscordAPIURL},
		{"INTERLUDE_TELEGRAM_WEBHOOK_URL", c.TelegramWebhookURL},
	} {
		if u.val == "" {
			continue
		}
		if p, err := url.Parse(u.val); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return nil, bad(u.name, "must be an http:// or https:// URL")
		}
	}
	if host, port, err := net.SplitHostPort(c.HTTPAddr); err != nil || strings.ContainsAny(host, "/ ") {
		return nil, bad("INTERLUDE_HTTP_ADDR", "must be host:port or :port such as :8080, got %q", c.HTTPAddr)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return nil, bad("INTERLUDE_HTTP_ADDR", "must end in a port number from 0 to 65535, got %q", c.HTTPAddr)
	}
	if c.TelegramWebhookURL != "" && c.TelegramWebhookSecret == "" {
		return nil, bad("INTERLUDE_TELEGRAM_WEBHOOK_SECRET", "is required in webhook mode (INTERLUDE_TELEGRAM_WEBHOOK_URL is set)")
	}
	if c.DiscordToken != "" && c.DiscordAppID == "" {
		return nil, bad("INTERLUDE_DISCORD_APP_ID", "is required with INTERLUDE_DISCORD_TOKEN")
	}
	if k := get("INTERLUDE_ENCRYPTION_KEY"); k != "" {
		if c.EncryptionKey, err = storeconf.ParseKey(k); err != nil {
			return nil, bad("INTERLUDE_ENCRYPTION_KEY", "%v; generate one with: openssl rand -base64 32", err)
		}
	}
	if olds := get("INTERLUDE_ENCRYPTION_OLD_KEYS"); olds != "" {
		for i, k := range strings.Split(olds, ",") {
			key, err := storeconf.ParseKey(k)
			if err != nil {
				return nil, bad("INTERLUDE_ENCRYPTION_OLD_KEYS", "key %d %v", i+1, err)
			}
			c.OldKeys = append(c.OldKeys, key)
		}
	}
	c.ConsentVersion = 1
	if v := get("INTERLUDE_CONSENT_VERSION"); v != "" {
		if c.ConsentVersion, err = strconv.Atoi(v); err != nil || c.ConsentVersion < 1 {
			return nil, bad("INTERLUDE_CONSENT_VERSION", "must be a whole number of at least 1, got %q", v)
		}
	}
	c.Retention = 365 * 24 * time.Hour
	if v := get("INTERLUDE_RETENTION"); v != "" {
		if c.Retention, err = ParseDuration(v); err != nil || c.Retention < 24*time.Hour {
			return nil, bad("INTERLUDE_RETENTION", "must be a duration of at least one day such as 365d or 720h, got %q", v)
		}
	}
	c.SchedulerTick = 5 * time.Second
	if v := get("INTERLUDE_SCHEDULER_TICK"); v != "" {
		if c.SchedulerTick, err = time.ParseDuration(v); err != nil || c.SchedulerTick < 100*time.Millisecond || c.SchedulerTick > time.Hour {
			return nil, bad("INTERLUDE_SCHEDULER_TICK", "must be a duration between 100ms and 1h, got %q", v)
		}
	}
	c.TelegramPollTimeout = 50 * time.Second
	if v := get("INTERLUDE_TELEGRAM_POLL_TIMEOUT"); v != "" {
		if c.TelegramPollTimeout, err = time.ParseDuration(v); err != nil || c.TelegramPollTimeout < time.Second || c.TelegramPollTimeout > 10*time.Minute {
			return nil, bad("INTERLUDE_TELEGRAM_POLL_TIMEOUT", "must be a duration between 1s and 10m, got %q", v)
		}
	}
	c.QuietFrom, c.QuietTo = 21*60+30, 8*60
	if v := get("INTERLUDE_QUIET_HOURS"); v != "" {
		if c.QuietFrom, c.QuietTo, err = parseQuiet(v); err != nil {
			return nil, bad("INTERLUDE_QUIET_HOURS", "must be like 21:30-08:00, or off; got %q", v)
		}
	}
	durations := []struct {
		name string
		dst  *time.Duration
		def  time.Duration
		min  time.Duration
	}{
		{"INTERLUDE_REMINDER_GRACE", &c.ReminderGrace, 6 * time.Hour, 5 * time.Minute},
		{"INTERLUDE_NUDGE_AFTER", &c.NudgeAfter, 24 * time.Hour, time.Hour},
	}
	for _, d := range durations {
		*d.dst = d.def
		if v := get(d.name); v != "" {
			if *d.dst, err = ParseDuration(v); err != nil || *d.dst < d.min || *d.dst > 14*24*time.Hour {
				return nil, bad(d.name, "must be a duration between %s and 14d, got %q", d.min, v)
			}
		}
	}
	c.SkipAfterManual = 3 * 24 * time.Hour
	if v := strings.ToLower(get("INTERLUDE_CHECKIN_SKIP_AFTER_MANUAL")); v == "off" || v == "0" {
		c.SkipAfterManual = -1
	} else if v != "" {
		if c.SkipAfterManual, err = ParseDuration(v); err != nil || c.SkipAfterManual < time.Hour || c.SkipAfterManual > 6*24*time.Hour {
			return nil, bad("INTERLUDE_CHECKIN_SKIP_AFTER_MANUAL", "must be a duration between 1h and 6d, or off; got %q", v)
		}
	}
	rates := []struct {
		name string
		dst  *int
		def  int
	}{{"INTERLUDE_TELEGRAM_RATE_LIMIT", &c.TelegramRate, 25}, {"INTERLUDE_DISCORD_RATE_LIMIT", &c.DiscordRate, 40}}
	for _, r := range rates {
		*r.dst = r.def
		if v := get(r.name); v != "" {
			if *r.dst, err = strconv.Atoi(v); err != nil || *r.dst < 1 || *r.dst > 1000 {
				return nil, bad(r.name, "must be a number of messages per second from 1 to 1000, got %q", v)
			}
		}
	}
	c.LeaseTTL = 15 * time.Second
	if v := get("INTERLUDE_LEASE_TTL"); v != "" {
		if c.LeaseTTL, err = time.ParseDuration(v); err != nil || c.LeaseTTL < time.Second || c.LeaseTTL > 5*time.Minute {
			return nil, bad("INTERLUDE_LEASE_TTL", "must be a duration between 1s and 5m, got %q", v)
		}
	}
	if c.TelegramToken != "" && !telegramToken.MatchString(c.TelegramToken) {
		return nil, bad("INTERLUDE_TELEGRAM_TOKEN", "is not a bot token (from @BotFather it looks like 123456789:AA…)")
	}
	if err := c.LogLevel.UnmarshalText([]byte(orDefault(get("INTERLUDE_LOG_LEVEL"), "info"))); err != nil {
		return nil, bad("INTERLUDE_LOG_LEVEL", "must be one of debug, info, warn, error, got %q", get("INTERLUDE_LOG_LEVEL"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, bad("INTERLUDE_LOG_FORMAT", "must be text or json, got %q", c.LogFormat)
	}
	return c, nil
}

var telegramToken = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,}$`)

// Platforms reports whether any chat platform is configured.
func (c *Config) Platforms() bool { return c.TelegramToken != "" || c.DiscordToken != "" }

// CheckServe checks what `interlude run` with platform adapters needs beyond well-formed
// values: a real Redis (or an explicit INTERLUDE_EPHEMERAL) and an encryption key (or an
// explicit INTERLUDE_ALLOW_PLAINTEXT).
func (c *Config) CheckServe() error {
	if !c.Platforms() {
		return nil
	}
	if c.RedisURL == "" && !c.Ephemeral {
		return &Error{Var: "INTERLUDE_REDIS_URL", Msg: "is required when a platform token is set; the embedded store loses everything on restart (set INTERLUDE_EPHEMERAL=true to accept that for a trial)"}
	}
	if c.EncryptionKey == nil && !c.AllowPlaintext {
		return &Error{Var: "INTERLUDE_ENCRYPTION_KEY", Msg: "is required to keep what clients write encrypted; generate one with: openssl rand -base64 32 (or set INTERLUDE_ALLOW_PLAINTEXT=true to store plaintext)"}
	}
	return nil
}

// parseQuiet reads "21:30-08:00" (or "off") as minutes after midnight.
func parseQuiet(s string) (int, int, error) {
	if strings.EqualFold(s, "off") {
		return 0, 0, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, errors.New("no range")
	}
	from, err1 := time.Parse("15:04", strings.TrimSpace(a))
	to, err2 := time.Parse("15:04", strings.TrimSpace(b))
	if err1 != nil || err2 != nil {
		return 0, 0, errors.New("bad time")
	}
	return from.Hour()*60 + from.Minute(), to.Hour()*60 + to.Minute(), nil
}

// ParseDuration accepts Go durations ("720h") and whole days ("365d").
func ParseDuration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return 0, errors.New("bad number of days")
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

func parseBool(s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("must be true or false, got %q", s)
	}
	return b, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
