package discordtest_test

import (
	"testing"

	"github.com/interlude-bot/interlude/internal/discordtest"
)

func TestToken(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.WithToken("secret"))
	wrong := newSession(t, srv, "Bot wrong")
	if _, err := wrong.User("@me"); restError(t, err).Response.StatusCode != 401 {
		t.Errorf("wrong token REST = %v", err)
	}
	if err := wrong.Open(); err == nil {
		_ = discordtest.CloseSession(wrong)
		t.Fatal("Open with a wrong token succeeded")
	}
	right := newSession(t, srv, "Bot secret")
	if u, err := right.User("@me"); err != nil || u.ID != srv.BotID {
		t.Fatalf("User(@me) = %v, %v", u, err)
	}
}
