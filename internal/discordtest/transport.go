package discordtest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Transport returns an http.RoundTripper that sends every request (to
// discord.com, cdn.discordapp.com, ...) to the fake, keeping path and query.
func (s *Server) Transport() http.RoundTripper {
	return newRewriteTransport(s.srv.URL, s.srv.Client().Transport)
}

// Client returns an *http.Client using Transport.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: s.Transport(), Timeout: 20 * time.Second}
}

// Configure points a discordgo session at the fake: it replaces
// sess.Client. The gateway needs nothing else, because its URL comes from
// GET /gateway.
func (s *Server) Configure(sess *discordgo.Session) {
	sess.Client = s.Client()
}

// RewriteTransport returns an http.RoundTripper that rewrites the scheme and
// host of every request to those of base (and prefixes base's path, if any),
// then sends it with http.DefaultTransport. Use it to point a discordgo
// session (Session.Client) at a fake or proxy Discord.
func RewriteTransport(base string) http.RoundTripper {
	return newRewriteTransport(base, http.DefaultTransport)
}

type rewriteTransport struct {
	base *url.URL
	err  error
	next http.RoundTripper
}

func newRewriteTransport(base string, next http.RoundTripper) *rewriteTransport {
	u, err := url.Parse(base)
	if err == nil && (u.Scheme == "" || u.Host == "") {
		err = fmt.Errorf("discordtest: base URL %q needs scheme and host", base)
	}
	return &rewriteTransport{base: u, err: err, next: next}
}

// RoundTrip implements http.RoundTripper.
func (t *rewriteTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.err != nil {
		if req.Body != nil {
			_ = req.Body.Close()
		}
		return nil, t.err
	}
	r := req.Clone(req.Context())
	r.URL.Scheme = t.base.Scheme
	r.URL.Host = t.base.Host
	r.Host = t.base.Host
	if p := strings.TrimSuffix(t.base.Path, "/"); p != "" {
		r.URL.Path = p + r.URL.Path
		if r.URL.RawPath != "" {
			r.URL.RawPath = p + r.URL.RawPath
		}
	}
	return t.next.RoundTrip(r)
}
