package discordtest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/internal/discordtest"
)

type fatalRecorder struct {
	testing.TB
	failed string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) { f.failed = fmt.Sprintf(format, args...) }

func TestWaitForTimesOut(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	rec := &fatalRecorder{TB: t}
	srv.WaitFor(rec, 20*time.Millisecond, discordtest.Route("POST /never"))
	if !strings.Contains(rec.failed, "no matching call") {
		t.Errorf("Fatalf message = %q", rec.failed)
	}
}
