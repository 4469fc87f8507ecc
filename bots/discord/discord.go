// Package discord is the Discord adapter: direct messages over the gateway, buttons as message
// components, slash commands (English and German) usable in DMs, with
// github.com/bwmarrin/discordgo for the REST API and the gateway.
//
// Nothing a client writes is ever posted in a server: a slash command used in a server gets an
// ephemeral invitation to a DM, and ordinary server messages are ignored.
package discord

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/metrics"
)

// Engine is what the adapter needs from the conversation engine.
type Engine interface {
	Handle(ctx context.Context, in flows.Inbound) ([]flows.Outbound, error)
	Block(ctx context.Context, user flows.UserKey) error
	Library() *flows.Library
	// Text is a library string in the client's language (chosen, else the platform's hint),
	// for what the adapter says on its own.
	Text(ctx context.Context, user flows.UserKey, hint, key string, vals map[string]string) string
}

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
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	// lanes keep one client's events in order: events are read in order from the gateway and
	// each client's go through the same lane, while different clients' run side by side.
	lanes [lanes]chan func()
}

const lanes = 16

var _ flows.KeyedSender = (*Adapter)(nil)

// Errors that mean a client cannot be messaged: 50007 (cannot send messages to this user) and
// 50278 (the user has no mutual server or DMs closed).
const (
	codeCannotDM    = 50007
	codeCannotDMAlt = 50278
)

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
	a := &Adapter{cfg: cfg, s: s, engine: engine, log: log, invalid: counter}
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

// ack acknowledges an interaction; it returns whether there is work left to do.
func (a *Adapter) ack(i *discordgo.InteractionCreate) bool {
	ctx, cancel := context.WithTimeout(a.ctx, 2500*time.Millisecond)
	defer cancel()
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		if !inBotDM(i.Interaction) {
			// Never in a server or a group DM: an ephemeral invitation to a DM, seen only by
			// the person, in their language.
			a.respond(ctx, i.Interaction, &discordgo.InteractionResponse{
				Type: discordgo.InteractionResponseChannelMessageWithSource,
				Data: &discordgo.InteractionResponseData{
					Content:         escape(a.engine.Library().String("dm_only", a.locale(i.Interaction))),
					Flags:           discordgo.MessageFlagsEphemeral,
					AllowedMentions: &discordgo.MessageAllowedMentions{},
				},
			})
			return false
		}
		a.respond(ctx, i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource})
		return true
	case discordgo.InteractionMessageComponent:
		a.respond(ctx, i.Interaction, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate})
		return inBotDM(i.Interaction)
	}
	return false
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

// options are the slash command options: commands that take what they would ask for.
// Command names stay English in every language: the texts on every platform name them
// (/checkin), and a German name would not be found by what they say.
var options = map[string]struct{ name, nameDE, en, de string }{
	"session":  {"when", "wann", "e.g. thu 18:30, every other tuesday 6:30pm, none", "z. B. Do 18:30, jeden zweiten Dienstag 18:30, keiner"},
	"schedule": {"when", "wann", "e.g. sunday 19:00", "z. B. Sonntag 19:00"},
	"timezone": {"zone", "zeitzone", "a city, a zone name or an offset", "eine Stadt, ein Zonenname oder eine Zeitverschiebung"},
	"pause":    {"until", "bis", "e.g. 2027-01-06 or 2 weeks", "z. B. 6.1.2027 oder 2 Wochen"},
}

func (a *Adapter) registerCommands(ctx context.Context) error {
	lib := a.engine.Library()
	// Installable to a server and to a client's own account, so that a client can use the bot
	// without sharing a server with it. Usable in the bot's DM; in a server only to be told to
	// come to a DM. Never offered in group DMs (a user install would otherwise show them there).
	contexts := []discordgo.InteractionContextType{discordgo.InteractionContextBotDM, discordgo.InteractionContextGuild}
	integration := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall, discordgo.ApplicationIntegrationUserInstall}
	var cmds []*discordgo.ApplicationCommand
	for _, c := range flows.Commands {
		de := map[discordgo.Locale]string{discordgo.German: lib.String("cmd_"+c, "de")}
		cmd := &discordgo.ApplicationCommand{
			Name:                     c,
			Description:              lib.String("cmd_"+c, "en"),
			DescriptionLocalizations: &de,
			Contexts:                 &contexts,
			IntegrationTypes:         &integration,
		}
		if o, ok := options[c]; ok {
			ode := map[discordgo.Locale]string{discordgo.German: o.de}
			nde := map[discordgo.Locale]string{discordgo.German: o.nameDE}
			cmd.Options = []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: o.name, NameLocalizations: nde,
				Description: o.en, DescriptionLocalizations: ode,
			}}
		}
		cmds = append(cmds, cmd)
	}
	return a.rest(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := a.s.ApplicationCommandBulkOverwrite(a.cfg.AppID, "", cmds, opts...)
		return err
	})
}

// handleTimeout bounds the work for one event.
const handleTimeout = 2 * time.Minute

// onMessage handles a message: in a DM it goes to the engine; elsewhere it is ignored.
func (a *Adapter) onMessage(m *discordgo.MessageCreate) {
	if m.Author == nil || m.Author.Bot || m.GuildID != "" {
		return
	}
	ctx, cancel := context.WithTimeout(a.ctx, handleTimeout)
	defer cancel()
	metrics.Inbound.WithLabelValues("discord").Inc()
	in := flows.Inbound{User: userKey(m.Author.ID), UpdateID: "dc:" + m.ID, Text: m.Content}
	outs, err := a.handle(ctx, in)
	if err != nil {
		a.say(ctx, m.ChannelID, a.engine.Text(ctx, in.User, "", "not_saved", nil))
		return
	}
	a.deliver(ctx, in.User, m.ChannelID, outs)
}

// onEdit reads an edited DM for risk only: an edit never changes a kept answer.
func (a *Adapter) onEdit(m *discordgo.MessageUpdate) {
	if m.Message == nil || m.Author == nil || m.Author.Bot || m.GuildID != "" || m.Content == "" {
		return
	}
	ctx, cancel := context.WithTimeout(a.ctx, handleTimeout)
	defer cancel()
	in := flows.Inbound{User: userKey(m.Author.ID), Text: m.Content, Edited: true}
	outs, err := a.engine.Handle(ctx, in)
	if err == nil {
		a.deliver(ctx, in.User, m.ChannelID, outs)
	}
}

// handle gives an event to the engine. The gateway does not deliver an event again, so a store
// failure is retried here for a while before the client is told.
func (a *Adapter) handle(ctx context.Context, in flows.Inbound) ([]flows.Outbound, error) {
	wait := 250 * time.Millisecond
	for {
		outs, err := a.engine.Handle(ctx, in)
		if err == nil {
			return outs, nil
		}
		if errors.Is(err, flows.ErrUnreadable) {
			a.log.Error("discord: event dropped: the client's record cannot be read", "user", in.User.String())
			return []flows.Outbound{{Text: a.engine.Text(ctx, in.User, in.LanguageHint, "unreadable", nil)}}, nil
		}
		a.log.Warn("discord: event not saved; retrying", "user", in.User.String(), "error", errKind(err))
		if !sleep(ctx, wait) {
			return nil, err
		}
		wait = min(2*wait, 10*time.Second)
	}
}

// onInteraction handles slash commands and button presses, acknowledging each at once (Discord
// wants an answer within 3 s) and doing the work after.
func (a *Adapter) onInteraction(i *discordgo.InteractionCreate) {
	ctx, cancel := context.WithTimeout(a.ctx, handleTimeout)
	defer cancel()
	user := &discordgo.User{ID: interactionUser(i)}
	metrics.Inbound.WithLabelValues("discord").Inc()
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data := i.ApplicationCommandData()
		text := "/" + data.Name
		for _, o := range data.Options {
			if o.Type == discordgo.ApplicationCommandOptionString {
				text += " " + o.StringValue()
			}
		}
		in := flows.Inbound{User: userKey(user.ID), UpdateID: "dc:" + i.ID, Text: text, LanguageHint: string(i.Locale)}
		outs, err := a.handle(ctx, in)
		if err != nil {
			outs = []flows.Outbound{{Text: a.engine.Text(ctx, in.User, in.LanguageHint, "not_saved", nil)}}
		}
		a.answerDeferred(ctx, i.Interaction, in.User, outs)
	case discordgo.InteractionMessageComponent:
		in := flows.Inbound{User: userKey(user.ID), UpdateID: "dc:" + i.ID, Button: i.MessageComponentData().CustomID, LanguageHint: string(i.Locale)}
		outs, err := a.handle(ctx, in)
		if err != nil {
			a.say(ctx, i.ChannelID, a.engine.Text(ctx, in.User, in.LanguageHint, "not_saved", nil))
			return
		}
		if i.Message != nil {
			a.removeButtons(ctx, i.ChannelID, i.Message.ID)
		}
		a.deliver(ctx, in.User, i.ChannelID, outs)
	}
}

func (a *Adapter) respond(ctx context.Context, i *discordgo.Interaction, r *discordgo.InteractionResponse) {
	err := a.rest(ctx, func(opts ...discordgo.RequestOption) error { return a.s.InteractionRespond(i, r, opts...) })
	if err != nil {
		a.log.Warn("discord: interaction not acknowledged", "error", errKind(err))
	}
}

// answerDeferred fills in a deferred slash-command answer with the first message, and sends the
// rest to the channel.
func (a *Adapter) answerDeferred(ctx context.Context, i *discordgo.Interaction, user flows.UserKey, outs []flows.Outbound) {
	outs = flows.Merge(outs)
	if len(outs) == 0 {
		outs = []flows.Outbound{{Text: "✓"}}
	}
	msgs := render(outs[0])
	first := msgs[0]
	edit := &discordgo.WebhookEdit{Content: &first.Content, Components: &first.Components, Files: first.Files, AllowedMentions: first.AllowedMentions}
	err := a.rest(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := a.s.InteractionResponseEdit(i, edit, opts...)
		return err
	})
	if err != nil {
		a.log.Warn("discord: deferred answer not edited", "error", errKind(err))
	}
	rest := msgs[1:]
	if err := a.sendAll(ctx, i.ChannelID, rest, ""); err == nil {
		a.deliverKeyed(ctx, user, i.ChannelID, outs[1:], "")
	} else if isBlocked(err) {
		_ = a.engine.Block(ctx, user)
	}
}

// deliver sends replies to a DM channel; a client who cannot be messaged is marked inactive.
func (a *Adapter) deliver(ctx context.Context, user flows.UserKey, channel string, outs []flows.Outbound) {
	a.deliverKeyed(ctx, user, channel, flows.Merge(outs), "")
}

func (a *Adapter) deliverKeyed(ctx context.Context, user flows.UserKey, channel string, outs []flows.Outbound, key string) {
	for n, o := range outs {
		k := ""
		if key != "" {
			k = fmt.Sprintf("%s/%d", key, n)
		}
		if err := a.sendAll(ctx, channel, render(o), k); err != nil {
			if isBlocked(err) {
				_ = a.engine.Block(ctx, user)
			}
			return
		}
	}
}

// Send delivers messages the bot sends on its own by DM.
func (a *Adapter) Send(ctx context.Context, user flows.UserKey, outs []flows.Outbound) error {
	return a.SendKeyed(ctx, user, "", outs)
}

// SendKeyed delivers a reminder by DM. With a key (the reminder's occurrence), each message
// carries a nonce derived from it, with enforce_nonce, so a retry cannot post it twice.
func (a *Adapter) SendKeyed(ctx context.Context, user flows.UserKey, key string, outs []flows.Outbound) error {
	var ch *discordgo.Channel
	err := a.rest(ctx, func(opts ...discordgo.RequestOption) error {
		var err error
		ch, err = a.s.UserChannelCreate(string(user.ID), opts...)
		return err
	})
	if err != nil {
		return mapErr(err)
	}
	for n, o := range outs {
		k := ""
		if key != "" {
			k = fmt.Sprintf("%s/%d", key, n)
		}
		if err := a.sendAll(ctx, ch.ID, render(o), k); err != nil {
			return mapErr(err)
		}
	}
	return nil
}

// messageWithNonce is a message create request with Discord's nonce fields, which discordgo's
// MessageSend lacks.
type messageWithNonce struct {
	*discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// sendAll posts messages in order. With a key, each carries a nonce.
func (a *Adapter) sendAll(ctx context.Context, channel string, msgs []*discordgo.MessageSend, key string) error {
	for n, m := range msgs {
		err := a.rest(ctx, func(opts ...discordgo.RequestOption) error {
			if key == "" || len(m.Files) > 0 {
				_, err := a.s.ChannelMessageSendComplex(channel, m, opts...)
				return err
			}
			body := messageWithNonce{MessageSend: m, Nonce: nonce(key, n), EnforceNonce: true}
			_, err := a.s.RequestWithBucketID(http.MethodPost, discordgo.EndpointChannelMessages(channel), body, discordgo.EndpointChannelMessages(channel), opts...)
			return err
		})
		if err != nil {
			metrics.SendErrors.WithLabelValues("discord", errKind(err)).Inc()
			if !isBlocked(err) {
				a.log.Error("discord: message not delivered", "channel", channel, "error", errKind(err))
			}
			return err
		}
		metrics.Outbound.WithLabelValues("discord").Inc()
	}
	return nil
}

func (a *Adapter) say(ctx context.Context, channel, text string) {
	_ = a.sendAll(ctx, channel, render(flows.Outbound{Text: text}), "")
}

// removeButtons takes the buttons off an answered question, so it cannot be pressed again.
func (a *Adapter) removeButtons(ctx context.Context, channel, messageID string) {
	empty := []discordgo.MessageComponent{}
	err := a.rest(ctx, func(opts ...discordgo.RequestOption) error {
		_, err := a.s.ChannelMessageEditComplex(&discordgo.MessageEdit{Channel: channel, ID: messageID, Components: &empty}, opts...)
		return err
	})
	if err != nil {
		a.log.Debug("discord: buttons not removed", "error", errKind(err))
	}
}

// Retry policy: discordgo's own 429 handling sleeps without a bound and ignores contexts, so it
// is off; the adapter waits what Discord asks, within ctx, a few times.
const max429 = 3

func (a *Adapter) rest(ctx context.Context, fn func(...discordgo.RequestOption) error) error {
	for attempt := 0; ; attempt++ {
		err := fn(discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false))
		var rl *discordgo.RateLimitError
		if errors.As(err, &rl) && attempt < max429 {
			wait := rl.RetryAfter
			if wait <= 0 {
				wait = time.Second
			}
			a.log.Info("discord: rate limited; waiting", "retry_after", wait.String())
			if !sleep(ctx, wait) {
				return ctx.Err()
			}
			continue
		}
		if errors.As(err, &rl) {
			return &flows.RateLimitedError{RetryAfter: rl.RetryAfter}
		}
		return err
	}
}

func isBlocked(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && (re.Message.Code == codeCannotDM || re.Message.Code == codeCannotDMAlt)
}

func mapErr(err error) error {
	if isBlocked(err) {
		return fmt.Errorf("discord: %w", flows.ErrBlocked)
	}
	return err
}

// errKind names an error without its text (which may quote a request or response body).
func errKind(err error) string {
	var re *discordgo.RESTError
	var rl *discordgo.RateLimitError
	var frl *flows.RateLimitedError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &rl), errors.As(err, &frl):
		return "rate_limited"
	case isBlocked(err):
		return "cannot_dm"
	case errors.As(err, &re) && re.Response != nil:
		code := 0
		if re.Message != nil {
			code = re.Message.Code
		}
		return fmt.Sprintf("http_%d_code_%d", re.Response.StatusCode, code)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "bad_json"
	}
	return "network"
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// rewriteTransport sends every request for discord.com (and its gateway and CDN hosts) to base
// instead, keeping the path: an operator's rate-limit proxy, or a test server.
type rewriteTransport struct {
	base *url.URL
	next http.RoundTripper
}

func (t *rewriteTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if h := r.URL.Hostname(); h == "discord.com" || strings.HasSuffix(h, ".discord.com") || strings.HasSuffix(h, "discord.gg") || strings.HasSuffix(h, "discordapp.com") {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = t.base.Scheme, t.base.Host, t.base.Host
		if p := strings.TrimRight(t.base.Path, "/"); p != "" {
			r.URL.Path = p + r.URL.Path
		}
	}
	return t.next.RoundTrip(r)
}

// countingTransport counts the answers Discord counts towards its invalid-request ban.
type countingTransport struct {
	next    http.RoundTripper
	counter *invalidCounter
}

func (t *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil {
		switch resp.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
			t.counter.add(time.Now())
		}
	}
	return resp, err
}

// invalidCounter counts events in a sliding ten-minute window, by minute.
type invalidCounter struct {
	mu      sync.Mutex
	buckets [10]struct {
		minute int64
		n      int
	}
}

func (c *invalidCounter) add(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := now.Unix() / 60
	b := &c.buckets[m%10]
	if b.minute != m {
		b.minute, b.n = m, 0
	}
	b.n++
}

func (c *invalidCounter) count(now time.Time) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := now.Unix() / 60
	total := 0
	for _, b := range c.buckets {
		if m-b.minute < 10 {
			total += b.n
		}
	}
	return total
}
