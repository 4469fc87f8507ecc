package config

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Known is every INTERLUDE_* variable the bot reads. A variable with the prefix that is not
// here is most likely misspelt; Unknown names the nearest of these.
var Known = []string{
	"INTERLUDE_ALLOW_PLAINTEXT",
	"INTERLUDE_CHECKIN_SKIP_AFTER_MANUAL",
	"INTERLUDE_CONSENT_VERSION",
	"INTERLUDE_CONSOLE_USER",
	"INTERLUDE_DISCORD_API_URL",
	"INTERLUDE_DISCORD_APP_ID",
	"INTERLUDE_DISCORD_RATE_LIMIT",
	"INTERLUDE_DISCORD_TOKEN",
	"INTERLUDE_ENCRYPTION_KEY",
	"INTERLUDE_ENCRYPTION_OLD_KEYS",
	"INTERLUDE_EPHEMERAL",
	"INTERLUDE_FLOWS_DIR",
	"INTERLUDE_HTTP_ADDR",
	"INTERLUDE_LEASE_TTL",
	"INTERLUDE_LOG_FORMAT",
	"INTERLUDE_LOG_LEVEL",
	"INTERLUDE_NUDGE_AFTER",
	"INTERLUDE_QUIET_HOURS",
	"INTERLUDE_REDIS_URL",
	"INTERLUDE_REMINDER_GRACE",
	"INTERLUDE_RETENTION",
	"INTERLUDE_SCHEDULER_TICK",
	"INTERLUDE_TELEGRAM_API_URL",
	"INTERLUDE_TELEGRAM_POLL_TIMEOUT",
	"INTERLUDE_TELEGRAM_RATE_LIMIT",
	"INTERLUDE_TELEGRAM_TOKEN",
	"INTERLUDE_TELEGRAM_WEBHOOK_SECRET",
	"INTERLUDE_TELEGRAM_WEBHOOK_URL",
	"INTERLUDE_TEST_REDIS_URL", // the test suite's, harmless in a deployment
}

// UnknownVar is an INTERLUDE_* variable the bot does not read.
type UnknownVar struct {
	Name    string
	Nearest string // the known variable it most likely means; "" when none is close
}

// Unknown lists the INTERLUDE_* variables of environ ("NAME=value", as from os.Environ) that
// the bot does not read, sorted by name, each with the known name nearest to it.
func Unknown(environ []string) []UnknownVar {
	known := map[string]bool{}
	for _, k := range Known {
		known[k] = true
	}
	var out []UnknownVar
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "INTERLUDE_") || known[name] {
			continue
		}
		out = append(out, UnknownVar{Name: name, Nearest: nearest(name)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// StrayToken reports a variable that holds a platform token, or is most likely a misspelt
// token variable with a value, while no platform is configured: starting the console then
// would hide the mistake behind a bot that never answers on Telegram or Discord. It never
// quotes a value.
func (c *Config) StrayToken(environ []string) error {
	if c.Platforms() {
		return nil
	}
	for _, u := range Unknown(environ) {
		v := ""
		for _, kv := range environ {
			if name, val, _ := strings.Cut(kv, "="); name == u.Name {
				v = strings.TrimSpace(val)
			}
		}
		if v == "" {
			continue
		}
		tokenName := strings.Contains(u.Name, "TOK") || strings.HasSuffix(u.Nearest, "_TOKEN")
		if tokenName || LooksLikeToken(v) {
			hint := "INTERLUDE_TELEGRAM_TOKEN or INTERLUDE_DISCORD_TOKEN"
			if strings.HasSuffix(u.Nearest, "_TOKEN") {
				hint = u.Nearest
			}
			return &Error{Var: u.Name, Msg: fmt.Sprintf("looks like a platform token but is not a variable the bot reads, and no platform is configured; did you mean %s?", hint)}
		}
	}
	return nil
}

var discordToken = regexp.MustCompile(`^[A-Za-z0-9_-]{18,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$`)

// LooksLikeToken reports whether v has the shape of a Telegram or Discord bot token.
func LooksLikeToken(v string) bool {
	return telegramToken.MatchString(v) || discordToken.MatchString(v)
}

// nearest is the known variable closest to name, or "" when none is within a few edits.
func nearest(name string) string {
	best, bestD := "", 1<<30
	for _, k := range Known {
		if d := editDistance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	// A quarter of the part after the prefix, and at least 2: TOKN→TOKEN, LOGLEVEL→LOG_LEVEL.
	limit := max(2, (len(name)-len("INTERLUDE_"))/4)
	if bestD > limit {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance of a and b (ASCII names).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
