// Package metrics holds Interlude's Prometheus metrics. Labels never carry a client id or
// anything a client wrote: only platforms, flow and reminder names, and error kinds.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Registry holds every metric below (and the Go and process collectors).
var Registry = prometheus.NewRegistry()

var (
	// Inbound counts messages and button presses from clients, by platform, each once (the
	// engine reports them: see Engine.Received).
	Inbound = counter("interlude_inbound_messages_total", "Messages and button presses received from clients, each counted once (not again when redelivered or retried).", "platform")
	// Outbound counts messages sent to clients, by platform.
	Outbound = counter("interlude_outbound_messages_total", "Messages sent to clients.", "platform")
	// SendErrors counts failed sends, by platform and kind (SendErrorKinds).
	SendErrors = counter("interlude_send_errors_total", "Sends that failed, by kind.", "platform", "kind")
	// FlowsStarted, FlowsCompleted and FlowsLeft count conversations by flow.
	FlowsStarted   = counter("interlude_flows_started_total", "Conversations started.", "flow")
	FlowsCompleted = counter("interlude_flows_completed_total", "Conversations finished.", "flow")
	FlowsLeft      = counter("interlude_flows_left_total", "Conversations left before the end (cancelled, replaced or expired).", "flow")
	// Reminders counts reminder wake-ups by reminder and outcome (sent, late, paused, quiet, …).
	Reminders = counter("interlude_reminders_total", "Reminder wake-ups handled, by outcome.", "reminder", "outcome")
	// ReminderLag is the time from when a reminder was due to when it was sent.
	ReminderLag = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "interlude_reminder_lag_seconds",
		Help:    "Time from a reminder's due time to its sending.",
		Buckets: []float64{0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 6 * 3600},
	}, []string{"reminder"})
	// Crisis counts crisis replies.
	Crisis = prometheus.NewCounter(prometheus.CounterOpts{Name: "interlude_crisis_replies_total", Help: "Crisis replies sent."})
	// CrisisEvents counts what happens on the crisis path, without saying who: replies, the
	// question asked on a worrying message and its answers, and the buttons under a reply.
	CrisisEvents = counter("interlude_crisis_events_total", "Crisis path events: reply, question, answer_yes, answer_no, answer_rather_not, answer_other, reached, go_on, stop, country.", "event")
	// RedisLatency is the time of each Redis command or pipeline.
	RedisLatency = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "interlude_redis_latency_seconds",
		Help:    "Time of Redis commands and pipelines.",
		Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
	})
)

func counter(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

func init() {
	Registry.MustRegister(Inbound, Outbound, SendErrors, FlowsStarted, FlowsCompleted, FlowsLeft,
		Reminders, ReminderLag, Crisis, CrisisEvents, RedisLatency,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}

// Engine counts what the conversation engine reports (it implements flows.Observer without
// importing it: the engine links no metrics library, and metrics no engine).
type Engine struct{}

// Received counts a message or button press from a client, once.
func (Engine) Received(platform string) { Inbound.WithLabelValues(platform).Inc() }

// FlowStarted counts a conversation started.
func (Engine) FlowStarted(flow string) { FlowsStarted.WithLabelValues(flow).Inc() }

// FlowEnded counts a conversation finished or left.
func (Engine) FlowEnded(flow string, complete bool) {
	if complete {
		FlowsCompleted.WithLabelValues(flow).Inc()
	} else {
		FlowsLeft.WithLabelValues(flow).Inc()
	}
}

// CrisisEvent counts an event of the crisis path; a reply also counts in Crisis.
func (Engine) CrisisEvent(event string) {
	if event == "reply" {
		Crisis.Inc()
	}
	CrisisEvents.WithLabelValues(event).Inc()
}

// InitCrisisEvents makes every crisis-path series exist at zero from the start, so that an
// alert on a rate works at once.
func InitCrisisEvents(events []string) {
	for _, e := range events {
		CrisisEvents.WithLabelValues(e)
	}
}

// Handler serves /metrics.
func Handler() http.Handler { return promhttp.HandlerFor(Registry, promhttp.HandlerOpts{}) }

// Gauge registers a gauge read from fn at each scrape (e.g. Discord's invalid requests).
func Gauge(name, help string, fn func() float64) {
	Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn))
}

// Redis times Redis commands and pipelines in RedisLatency (it implements store.Observer
// without importing it: metrics links no Redis client, and the store no metrics library).
type Redis struct{}

// RedisDone records the time of one command or pipeline.
func (Redis) RedisDone(took time.Duration) { RedisLatency.Observe(took.Seconds()) }
