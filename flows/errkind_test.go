package flows_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

func TestErrorKindNamesWithoutTheText(t *testing.T) {
	secret := "my therapist said"
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{&flows.RateLimitedError{RetryAfter: time.Second}, "rate_limited"},
		{fmt.Errorf("x: %w", flows.ErrBlocked), "forbidden"},
		{fmt.Errorf("%w: %s", flows.ErrUnreadable, secret), "unreadable"},
		{context.DeadlineExceeded, "canceled"},
		{&net.OpError{Op: "read", Err: errors.New(secret)}, "network"},
		{io.ErrUnexpectedEOF, "network"},
		{errors.New(secret), "other"},
	} {
		if got := flows.ErrorKind(tc.err); got != tc.want {
			t.Errorf("ErrorKind(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
