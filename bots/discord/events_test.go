package discord

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/discordtest"
)

// downEngine fails to save the first failures events, as a store that is down would, and
// answers "saved" after that.
type downEngine struct {
	lib      *flows.Library
	mu       sync.Mutex
	failures int
	handled  int
}

func (e *downEngine) Handle(context.Context, flows.Inbound) ([]flows.Outbound, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.handled++
	if e.failures > 0 {
		e.failures--
		return nil, errors.New("dial tcp 127.0.0.1:6379: connection refused")
	}
	return []flows.Outbound{{Text: "saved"}}, nil
}
func (e *downEngine) Block(context.Context, flows.UserKey) error { return nil }
func (e *downEngine) Library() *flows.Library                    { return e.lib }
func (e *downEngine) Text(_ context.Context, _ flows.UserKey, hint, key string, _ map[string]string) string {
	return e.lib.String(key, e.lib.LocaleFor(hint))
}

func startAdapter(t *testing.T, e *downEngine) *discordtest.Server {
	t.Helper()
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	e.lib = lib
	dc := discordtest.NewServer(t, discordtest.WithToken("tok"))
	a, err := New(Config{Token: "tok", AppID: dc.AppID, APIURL: dc.URL}, e, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; _ = a.Close() })
	dc.WaitReady(t, 10*time.Second)
	return dc
}

// waitMessage waits for a message in channel that contains want, and returns every message's text.
func waitMessage(t *testing.T, dc *discordtest.Server, channel, want string) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		var texts []string
		for _, m := range dc.Messages(channel) {
			c, _ := m["content"].(string)
			texts = append(texts, strings.ReplaceAll(c, `\`, ""))
		}
		for _, s := range texts {
			if strings.Contains(s, want) {
				return texts
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no message with %q in %s; messages: %q", want, channel, texts)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMessageNotSavedInTimeIsToldInTheClientsLanguage(t *testing.T) {
	old := handleTimeout
	handleTimeout = 600 * time.Millisecond
	t.Cleanup(func() { handleTimeout = old })
	e := &downEngine{failures: 1 << 30}
	dc := startAdapter(t, e)
	const user = "500000000000000001"
	ch := dc.DMChannel(user)

	dc.Dispatch(discordtest.DMMessage(ch, user, "a hard week"))
	notSaved := e.lib.String("not_saved", "en")
	texts := waitMessage(t, dc, ch, notSaved[:20])
	e.mu.Lock()
	tries := e.handled
	e.mu.Unlock()
	if tries < 2 {
		t.Errorf("the engine was asked %d times before the client was told, want it tried again", tries)
	}
	if strings.Contains(strings.Join(texts, "\n"), "saved\n") {
		t.Errorf("a reply was sent for an event that was never saved: %q", texts)
	}

	// A slash command in German: the deferred answer is filled in with the German notice.
	event, d := discordtest.SlashCommand(discordtest.NewID(), "tok"+discordtest.NewID(), dc.AppID, user, ch, "help", "", nil)
	d.(map[string]any)["locale"] = "de"
	dc.Dispatch(event, d)
	waitMessage(t, dc, ch, e.lib.String("not_saved", "de")[:20])
}

func TestMessageSavedAfterAnOutageIsAnsweredOnce(t *testing.T) {
	e := &downEngine{failures: 2}
	dc := startAdapter(t, e)
	const user = "500000000000000002"
	ch := dc.DMChannel(user)
	dc.Dispatch(discordtest.DMMessage(ch, user, "hello"))
	texts := waitMessage(t, dc, ch, "saved")
	time.Sleep(300 * time.Millisecond) // room for a wrong second answer or a late notice
	texts = waitMessage(t, dc, ch, "saved")
	answers := 0
	for _, s := range texts {
		if s == "saved" {
			answers++
		}
		if strings.Contains(s, e.lib.String("not_saved", "en")[:20]) {
			t.Errorf("told %q, though the message was saved on the third try", s)
		}
	}
	if answers != 1 {
		t.Errorf("answered %d times, want once: %q", answers, texts)
	}
}
