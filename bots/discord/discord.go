// Package discord is the Discord adapter: direct messages over the gateway, buttons as message
// components, slash commands (English and German) usable in DMs, with
// github.com/bwmarrin/discordgo for the REST API and the gateway. What a turn does, and how
// requests are retried, is package adapter's; this package converts.
//
// Nothing a client writes is ever posted in a server: a slash command used in a server gets an
// ephemeral invitation to a DM, and ordinary server messages are ignored.
package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/bots/adapter"
	"github.com/interlude-bot/interlude/flows"
)

// Engine is what the adapter needs from the conversation engine.
type Engine = adapter.Engine

// Config is the adapter's configuration.
type Config struct {
	Token string
	AppID string
	// APIURL is the base URL of the REST API (default https://discord.com); a rate-limit proxy
	// or a test server. Every request to discord.com is sent there instead.
	APIURL string
	// Transport, when set, carries every HTTP request (tests).
	Transport http.RoundTripper
}

// Adapter is a running Discord bot.
type Adapter struct {
	cfg       Config
	s         *discordgo.Session
	engine    Engine
	log       *slog.Logger
	connected atomic.Bool
	invalid   *invalidCounter
	requests  adapter.Requests
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	// lanes keep one client's events in order: events are read in order from the gateway and
	// each client's go through the same lane, while different clients' run side by side.
	lanes [lanes]chan func()
}

const lanes = 16

var _ flows.KeyedSender = (*Adapter)(nil)

// New builds the adapter; Open connects it.
func New(cfg Config, engine Engine, log *slog.Logger) (*Adapter, error) {
	if cfg.APIURL == "" {
		cfg.APIURL = "https://discord.com"
	}
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		return nil, errors.New("discord: bad token")
	}
	counter := &invalidCounter{}
	base := cfg.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	transport := http.RoundTripper(&countingTransport{next: base, counter: counter})
	if u, err := url.Parse(cfg.APIURL); err == nil && u.Host != "discord.com" {
		transport = &rewriteTransport{base: u, next: transport}
	}
	s.Client = &http.Client{Transport: transport, Timeout: 30 * time.Second}
	s.Identify.Intents = discordgo.IntentsDirectMessages | discordgo.IntentsGuilds
	s.ShouldRetryOnRateLimit = false // we wait ourselves, bounded by a context
	s.LogLevel = discordgo.LogError
	s.SyncEvents = true // handlers only acknowledge and queue, in the order events arrive
	// A request that failed on the network is not made again: without a nonce, a repeated
	// message could be posted twice.
	a := &Adapter{cfg: cfg, s: s, engine: engine, log: log, invalid: counter,
		requests: adapter.Requests{Log: log, Platform: flows.Discord.Name()}}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	for i := range a.lanes {
		a.lanes[i] = make(chan func(), 256)
		go func() {
			for fn := range a.lanes[i] {
				fn()
				a.wg.Done()
			}
		}()
	}
	s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
		a.connected.Store(true)
		log.Info("discord: connected", "bot", r.User.Username)
	})
	s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Disconnect) { a.connected.Store(false) })
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
		if m.Author != nil {
			a.enqueue(m.Author.ID, func() { a.onMessage(m) })
		}
	})
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageUpdate) {
		if m.Message != nil && m.Author != nil {
			a.enqueue(m.Author.ID, func() { a.onEdit(m) })
		}
	})
	s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) {
		// Discord wants an answer within 3 s: acknowledge here, at once, and work in the lane.
		if user := interactionUser(i); user != "" && a.ack(i) {
			a.enqueue(user, func() { a.onInteraction(i) })
		}
	})
	return a, nil
}

func interactionUser(i *discordgo.InteractionCreate) string {
	switch {
	case i.User != nil:
		return i.User.ID
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	}
	return ""
}

// enqueue runs fn in the client's lane, after their earlier events.
func (a *Adapter) enqueue(user string, fn func()) {
	var h uint32
	for i := 0; i < len(user); i++ {
		h = h*31 + uint32(user[i])
	}
	a.wg.Add(1)
	select {
	case a.lanes[h%lanes] <- fn:
	case <-a.ctx.Done():
		a.wg.Done()
	}
}

// ErrUnauthorized means Discord refused the token.
var ErrUnauthorized = errors.New("discord: the token was refused (401 Unauthorized): check INTERLUDE_DISCORD_TOKEN")

// Check verifies the token with the REST API (who am I), without the gateway.
func (a *Adapter) Check(ctx context.Context) error {
	err := a.rest(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := a.s.User("@me", opts...)
		return err
	})
	var re *discordgo.RESTError
	switch {
	case errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized:
		return ErrUnauthorized
	case err != nil:
		return fmt.Errorf("discord: cannot reach the API at %s (%s)", a.cfg.APIURL, errKind(err))
	}
	return nil
}

// Run holds the gateway connection until ctx ends: it connects, registers the slash commands,
// and disconnects when ctx is done. Only one replica runs it at a time (see package leader).
func (a *Adapter) Run(ctx context.Context) error {
	a.s.ShouldReconnectOnError = true
	if err := a.s.Open(); err != nil {
		var re *discordgo.RESTError
		if errors.As(err, &re) && re.Response != nil && re.Response.StatusCode == http.StatusUnauthorized {
			return ErrUnauthorized
		}
		return fmt.Errorf("discord: cannot connect (%s)", errKind(err))
	}
	if err := a.registerCommands(ctx); err != nil {
		a.log.Warn("discord: slash commands not registered", "error", errKind(err))
	}
	<-ctx.Done()
	a.connected.Store(false)
	// discordgo reconnects on its own unless told not to, even after Close.
	a.s.ShouldReconnectOnError = false
	return a.s.Close()
}

// Close waits (up to 20 s) for the events being handled, then stops handling events.
func (a *Adapter) Close() error {
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
	}
	a.cancel()
	<-done
	return nil
}

// Connected reports whether the gateway session is up (for readiness).
func (a *Adapter) Connected() bool { return a.connected.Load() }

// InvalidRequests counts 401, 403 and 429 answers in the last ten minutes; Discord bans an
// application for a while after 10,000.
func (a *Adapter) InvalidRequests() int { return a.invalid.count(time.Now()) }
