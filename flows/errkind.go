package flows

import (
	"context"
	"errors"
	"io"
	"net"
)

// IsNetwork reports whether err is a failure to reach a server at all (a platform, or Redis).
func IsNetwork(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &oe) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// ErrorKind names an error for logs and metrics without its text, which may quote what a
// client wrote (platform libraries quote request and response bodies) or a URL with a token.
// It knows the engine's own errors; adapters name their platform's errors first and leave the
// rest to it.
func ErrorKind(err error) string {
	var rl *RateLimitedError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &rl):
		return "rate_limited"
	case errors.Is(err, ErrBlocked):
		return "forbidden"
	case errors.Is(err, ErrUnreadable):
		return "unreadable"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	case IsNetwork(err):
		return "network"
	}
	return "other"
}
