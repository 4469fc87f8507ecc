package discord

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// rewriteTransport sends every request for discord.com (and its gateway and CDN hosts) to base
// instead, keeping the path: an operator's rate-limit proxy, or a test server.
type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if h := r.URL.Hostname(); h == "discord.com" || strings.HasSuffix(h, ".discord.com") || strings.HasSuffix(h, "discord.gg") || strings.HasSuffix(h, "discordapp.com") {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = t.base.Scheme, t.base.Host, t.base.Host
		if p := strings.TrimRight(t.base.Path, "/"); p != "" {
			r.URL.Path = p + r.URL.Path
		}
	}
	return t.next.RoundTrip(r)
}

// countingTransport counts the answers Discord counts towards its invalid-request ban.
type countingTransport struct {
	next    http.RoundTripper
	counter *invalidCounter
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil {
		switch resp.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
			t.counter.add(time.Now())
		}
	}
	return resp, err
}

// invalidCounter counts events in a sliding ten-minute window, by minute.
type invalidCounter struct {
	mu      sync.Mutex
	buckets [10]struct {
		minute int64
		n      int
	}
}

func (c *invalidCounter) add(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := now.Unix() / 60
	b := &c.buckets[m%10]
	if b.minute != m {
		b.minute, b.n = m, 0
	}
	b.n++
}

func (c *invalidCounter) count(now time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := now.Unix() / 60
	total := 0
	for _, b := range c.buckets {
		if m-b.minute < 10 {
			total += b.n
		}
	}
	return total
}
