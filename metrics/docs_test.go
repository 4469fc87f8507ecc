package metrics_test

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"go.yaml.in/yaml/v3"

	"github.com/interlude-bot/interlude/metrics"
)

var registerOnce sync.Once

// registered is every metric the bot serves, with the gauges main registers at start.
func registered(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	registerOnce.Do(func() {
		metrics.BuildInfo("test")
		metrics.Backlog(func(context.Context, time.Time) (int64, error) { return 0, nil })
		metrics.DiscordInvalidRequests(func() float64 { return 0 })
		metrics.Prepare(metrics.Series{Platforms: []string{"telegram", "discord"}, Flows: []string{"checkin"}, Reminders: []string{"checkin"}})
	})
	fams, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		out[f.GetName()] = f
	}
	return out
}

var metricName = regexp.MustCompile(`\b(?:interlude|process|go)_[a-z0-9_]+`)

// namesIn lists the metric names in PromQL expressions, a histogram's series under its name.
func namesIn(exprs []string) []string {
	seen := map[string]bool{}
	for _, e := range exprs {
		for _, n := range metricName.FindAllString(e, -1) {
			for _, suffix := range []string{"_bucket", "_sum", "_count"} {
				if base, ok := strings.CutSuffix(n, suffix); ok && strings.HasSuffix(base, "_seconds") {
					n = base
				}
			}
			seen[n] = true
		}
	}
	var out []string
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func TestEveryMetricTheDocsNameExists(t *testing.T) {
	have := registered(t)

	raw, err := os.ReadFile("../docs/prometheus-alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Rules []struct {
				Alert string `yaml:"alert"`
				Expr  string `yaml:"expr"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal(raw, &rules); err != nil {
		t.Fatalf("alerts: %v", err)
	}
	var alertExprs []string
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Alert == "" || r.Expr == "" {
				t.Errorf("alert rule without a name or an expression: %+v", r)
			}
			alertExprs = append(alertExprs, r.Expr)
		}
	}

	raw, err = os.ReadFile("../docs/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	var panelExprs []string
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			panelExprs = append(panelExprs, tg.Expr)
		}
	}

	for file, exprs := range map[string][]string{"prometheus-alerts.yml": alertExprs, "grafana-dashboard.json": panelExprs} {
		names := namesIn(exprs)
		if len(names) < 5 {
			t.Errorf("%s: only %d metric names found: %v", file, len(names), names)
		}
		for _, n := range names {
			if have[n] == nil {
				t.Errorf("%s names %s, which the bot does not serve", file, n)
			}
		}
	}
}

func TestLabelledSeriesExistAtZeroBeforeTheFirstEvent(t *testing.T) {
	have := registered(t)
	want := map[string][]map[string]string{
		"interlude_send_errors_total":       {{"platform": "telegram", "kind": "rate_limited"}, {"platform": "discord", "kind": "cannot_dm"}},
		"interlude_inbound_messages_total":  {{"platform": "telegram"}, {"platform": "discord"}},
		"interlude_outbound_messages_total": {{"platform": "discord"}},
		"interlude_reminders_total":         {{"reminder": "checkin", "outcome": "sent"}, {"reminder": "checkin", "outcome": "late"}},
		"interlude_flows_started_total":     {{"flow": "checkin"}},
		"interlude_flows_left_total":        {{"flow": "checkin"}},
		"interlude_reminder_lag_seconds":    {{"reminder": "checkin"}},
		"interlude_build_info":              {{"version": "test"}},
	}
	for name, series := range want {
		f := have[name]
		if f == nil {
			t.Errorf("%s is missing", name)
			continue
		}
		for _, labels := range series {
			if !hasSeries(f, labels) {
				t.Errorf("%s%v is missing before any event", name, labels)
			}
		}
	}
	for _, name := range []string{"interlude_reminders_due", "interlude_reminders_overdue"} {
		if f := have[name]; f == nil || f.GetMetric()[0].GetGauge().GetValue() != 0 {
			t.Errorf("%s: %v", name, f)
		}
	}
}

func hasSeries(f *dto.MetricFamily, labels map[string]string) bool {
	for _, m := range f.GetMetric() {
		match := 0
		for _, lp := range m.GetLabel() {
			if v, ok := labels[lp.GetName()]; ok && v == lp.GetValue() {
				match++
			}
		}
		if match == len(labels) {
			return true
		}
	}
	return false
}
