package discordtest_test

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/internal/discordtest"
)

const wait = 5 * time.Second

const dmIntents = discordgo.IntentsDirectMessages | discordgo.IntentsGuildMessages | discordgo.IntentsGuilds

// newSession returns a discordgo session pointed at srv, not yet opened.
func newSession(t *testing.T, srv *discordtest.Server, token string) *discordgo.Session {
	t.Helper()
	sess, err := discordgo.New(token)
	if err != nil {
		t.Fatal(err)
	}
	srv.Configure(sess)
	sess.Identify.Intents = dmIntents
	if os.Getenv("DGDEBUG") != "" { // DGDEBUG=1 go test -v: discordgo's own log
		sess.LogLevel = discordgo.LogInformational
	}
	return sess
}

// openSession opens a session and closes it at the end of the test (before
// the server's own cleanup, which was registered first).
func openSession(t *testing.T, srv *discordtest.Server) *discordgo.Session {
	t.Helper()
	sess := newSession(t, srv, "Bot x")
	if err := sess.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = discordtest.CloseSession(sess) })
	return sess
}

func restError(t *testing.T, err error) *discordgo.RESTError {
	t.Helper()
	var re *discordgo.RESTError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not a *discordgo.RESTError", err, err)
	}
	if re.Message == nil {
		t.Fatalf("RESTError without decoded message: %s", re.ResponseBody)
	}
	return re
}

func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		var zero T
		t.Fatalf("timed out waiting for %T", zero)
		return zero
	}
}

func ptr[T any](v T) *T { return &v }
