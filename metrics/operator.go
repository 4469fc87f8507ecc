package metrics

import (
	"context"
	"math"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// SendErrorKinds are the kinds of failed sends the adapters report.
var SendErrorKinds = []string{"bad_json", "bad_request", "canceled", "cannot_dm", "forbidden", "network", "other", "rate_limited", "unauthorized"}

// ReminderOutcomes are the outcomes of a reminder wake-up.
var ReminderOutcomes = []string{"sent", "deferred", "error", "blocked", "late", "paused", "quiet", "busy", "skipped", "delivered", "none"}

// Series names the label values that exist from the start, so that every labelled series is
// there at zero before its first event (rate() and absent-based alerts need that).
type Series struct {
	Platforms []string // telegram, discord, console
	Flows     []string // flow ids of the library
	Reminders []string // checkin, prepare, …
}

// Prepare creates every labelled series of s at zero.
func Prepare(s Series) {
	for _, p := range s.Platforms {
		Inbound.WithLabelValues(p)
		Outbound.WithLabelValues(p)
		for _, k := range SendErrorKinds {
			SendErrors.WithLabelValues(p, k)
		}
	}
	for _, f := range s.Flows {
		FlowsStarted.WithLabelValues(f)
		FlowsCompleted.WithLabelValues(f)
		FlowsLeft.WithLabelValues(f)
	}
	for _, r := range s.Reminders {
		ReminderLag.WithLabelValues(r)
		for _, o := range ReminderOutcomes {
			Reminders.WithLabelValues(r, o)
		}
	}
}

// BuildInfo registers interlude_build_info{version,goversion} 1.
func BuildInfo(version string) {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "interlude_build_info",
		Help: "Always 1; the labels say which version runs, built with which Go.",
	}, []string{"version", "goversion"})
	g.WithLabelValues(version, runtime.Version()).Set(1)
	Registry.MustRegister(g)
}

// OverdueAfter is how long past its time a wake-up may wait unclaimed before it counts as
// overdue: far beyond a scheduler tick, so a non-zero value means no dispatcher is working.
const OverdueAfter = 5 * time.Minute

// Backlog registers interlude_reminders_due and interlude_reminders_overdue, read at each
// scrape with dueBefore (the number of unclaimed wake-ups due by a time). A scrape while Redis
// does not answer reports NaN, not a reassuring zero.
func Backlog(dueBefore func(ctx context.Context, t time.Time) (int64, error)) {
	read := func(age time.Duration) func() float64 {
		return func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := dueBefore(ctx, time.Now().Add(-age))
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		}
	}
	Gauge("interlude_reminders_due", "Reminders whose time has come and that no replica has taken yet.", read(0))
	Gauge("interlude_reminders_overdue", "Reminders due more than 5 minutes ago that no replica has taken yet (the scheduler is not keeping up, or not running).", read(OverdueAfter))
}

// DiscordInvalidRequests registers interlude_discord_invalid_requests, read from fn.
func DiscordInvalidRequests(fn func() float64) {
	Gauge("interlude_discord_invalid_requests", "401, 403 and 429 answers from Discord in the last 10 minutes (a ban follows 10,000).", fn)
}
