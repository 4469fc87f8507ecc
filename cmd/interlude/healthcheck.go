package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"
)

// wantsHelp reports whether a subcommand's arguments ask for its usage.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" || a == "help" {
			return true
		}
	}
	return false
}

// healthcheck asks the bot listening on addr (INTERLUDE_HTTP_ADDR) for /readyz, for a
// container's HEALTHCHECK where there is no shell or curl. Exit 0 when ready.
func healthcheck(addr string, stdout, stderr io.Writer) int {
	url, err := readyzURL(addr)
	if err != nil {
		fmt.Fprintf(stderr, "interlude healthcheck: INTERLUDE_HTTP_ADDR: %v\n", err)
		return exitConfig
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "interlude healthcheck: %s: %s\n", url, netReason(err))
		return exitFail
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	msg := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "interlude healthcheck: not ready (%d): %s\n", resp.StatusCode, msg)
		return exitFail
	}
	fmt.Fprintln(stdout, msg)
	return exitOK
}

// readyzURL turns a listen address (":8080", "0.0.0.0:8080", "[::]:8080", "10.0.0.5:8080")
// into the URL to ask on this machine.
func readyzURL(addr string) (string, error) {
	if addr == "" {
		addr = ":8080"
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("must be host:port or :port, got %q", addr)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz", nil
}

// netReason says in a few words why a request found nobody.
func netReason(err error) string {
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing listens there (is the bot running?)"
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer within 4s"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "no answer within 4s"
	}
	return err.Error()
}
