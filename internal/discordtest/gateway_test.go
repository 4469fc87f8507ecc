package discordtest_test

import (
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/internal/discordtest"
)

func TestOpenIdentifyReady(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t, discordtest.WithHeartbeatInterval(100*time.Millisecond))
	sess := openSession(t, srv)

	if got := srv.Identified(); got != 1 {
		t.Fatalf("Identified = %d, want 1", got)
	}
	id := srv.Identifies()[0]
	if id.Token != "Bot x" || id.Intents != int64(dmIntents) {
		t.Errorf("identify token %q intents %d, want %q %d", id.Token, id.Intents, "Bot x", dmIntents)
	}
	if sess.State.User == nil || sess.State.User.ID != srv.BotID || !sess.State.User.Bot {
		t.Fatalf("State.User = %+v, want bot %s", sess.State.User, srv.BotID)
	}
	if sess.State.Ready.SessionID == "" || sess.State.Application == nil || sess.State.Application.ID != srv.AppID {
		t.Errorf("Ready = %+v", sess.State.Ready)
	}
	if c := srv.Calls(discordtest.Route("GET /gateway")); len(c) != 1 || c[0].Version != "9" {
		t.Errorf("GET /gateway calls = %+v", c)
	}
	srv.WaitReady(t, wait)
	deadline := time.Now().Add(wait)
	for srv.Heartbeats() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("heartbeats = %d, want >= 2", srv.Heartbeats())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestDMMessageReachesHandler(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := openSession(t, srv)
	got := make(chan *discordgo.MessageCreate, 4)
	sess.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })

	ch := srv.DMChannel("42")
	if n := srv.Dispatch(discordtest.DMMessage(ch, "42", "hello")); n != 1 {
		t.Fatalf("Dispatch reached %d sessions, want 1", n)
	}
	m := recv(t, got)
	if m.Content != "hello" || m.ChannelID != ch || m.GuildID != "" || m.Author.ID != "42" || m.Author.Bot {
		t.Fatalf("message = %+v author %+v", m.Message, m.Author)
	}
	if m.Timestamp.IsZero() {
		t.Error("timestamp not parsed")
	}

	srv.AddGuildChannel("900", "901")
	srv.Dispatch(discordtest.GuildMessage("900", "901", "42", "in guild"))
	m = recv(t, got)
	if m.GuildID != "900" || m.Member == nil {
		t.Fatalf("guild message = %+v", m.Message)
	}
	// No MESSAGE_CONTENT intent: guild content is blanked, as on Discord.
	if m.Content != "" {
		t.Errorf("guild content = %q without MESSAGE_CONTENT intent, want empty", m.Content)
	}
}

func TestIntentGating(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := newSession(t, srv, "Bot x")
	sess.Identify.Intents = discordgo.IntentsGuilds // no DIRECT_MESSAGES
	if err := sess.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = discordtest.CloseSession(sess) })
	if n := srv.Dispatch(discordtest.DMMessage(srv.DMChannel("1"), "1", "hi")); n != 0 {
		t.Errorf("DM dispatched to %d sessions without DIRECT_MESSAGES intent, want 0", n)
	}
	// Interactions need no intent.
	if n := srv.Dispatch(discordtest.SlashCommand("", "", srv.AppID, "1", srv.DMChannel("1"), "ping", "", nil)); n != 1 {
		t.Errorf("interaction dispatched to %d sessions, want 1", n)
	}
}

func TestResume(t *testing.T) {
	t.Parallel()
	srv := discordtest.NewServer(t)
	sess := openSession(t, srv)
	got := make(chan *discordgo.MessageCreate, 4)
	sess.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { got <- m })
	ch := srv.DMChannel("42")

	srv.Disconnect()
	// Dispatched while the client is away: replayed on RESUME.
	srv.Dispatch(discordtest.DMMessage(ch, "42", "while away"))
	if m := recv(t, got); m.Content != "while away" {
		t.Fatalf("got %q", m.Content)
	}
	if srv.Resumed() != 1 || srv.Identified() != 1 {
		t.Errorf("resumed %d identified %d, want 1 and 1", srv.Resumed(), srv.Identified())
	}
	srv.Dispatch(discordtest.DMMessage(ch, "42", "after resume"))
	if m := recv(t, got); m.Content != "after resume" {
		t.Fatalf("got %q", m.Content)
	}

	// Op 7: discordgo closes with 1012 and resumes.
	srv.RequestReconnect()
	deadline := time.Now().Add(wait)
	for srv.Resumed() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("resumed = %d after op 7, want 2", srv.Resumed())
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Close (code 1000) ends the session; discordgo's RESUME on the next Open
	// gets op 9 and it identifies again. WaitReady makes sure the resumed
	// connection's heartbeat goroutine runs before we close it.
	srv.WaitReady(t, wait)
	if err := discordtest.CloseSession(sess); err != nil {
		t.Fatal(err)
	}
	if err := sess.Open(); err != nil {
		t.Fatal(err)
	}
	deadline = time.Now().Add(wait)
	for srv.Identified() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("identified = %d, want 2", srv.Identified())
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv.WaitReady(t, wait)
}
