// Package telegram is the Telegram adapter: it turns Bot API updates into the engine's neutral
// messages and renders the engine's replies (inline keyboards, photos, documents), with
// github.com/go-telegram/bot for the requests. What a turn does, and how requests are retried,
// is package adapter's; this package converts.
//
// The library's own update loop and webhook handler confirm an update before it is handled, so
// this adapter has its own: long polling that asks for the next updates only after the last ones
// were saved (poll.go), and a webhook handler that answers only after saving, and answers
// non-2xx when it could not, so that Telegram delivers the update again (webhook.go). Updates
// are deduplicated on update_id by the engine, so a redelivered update changes nothing.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-telegram/bot"

	"github.com/interlude-bot/interlude/bots/adapter"
	"github.com/interlude-bot/interlude/flows"
)

// Engine is what the adapter needs from the conversation engine.
type Engine = adapter.Engine

// Marks remembers what was done once (telling a group that the bot talks only in private).
type Marks interface {
	FirstTime(ctx context.Context, scope, id string, ttl time.Duration) (bool, error)
}

// Config is the adapter's configuration.
type Config struct {
	Token         string
	APIURL        string // default https://api.telegram.org
	WebhookURL    string // webhook mode when set
	WebhookSecret string
	// PollTimeout is the long-polling timeout (default 50 s).
	PollTimeout time.Duration
	// HTTPClient is used for every request (default: one with a timeout above PollTimeout).
	HTTPClient *http.Client
}

// Adapter is a running Telegram bot.
type Adapter struct {
	cfg      Config
	bot      *bot.Bot
	engine   Engine
	marks    Marks
	log      *slog.Logger
	username string
	client   *http.Client
	requests adapter.Requests
}

var _ flows.Sender = (*Adapter)(nil)

// ErrUnauthorized means Telegram refused the token.
var ErrUnauthorized = errors.New("telegram: the token was refused (401 Unauthorized): check INTERLUDE_TELEGRAM_TOKEN")

// New connects to the Bot API and checks the token (getMe). Errors never contain the token.
func New(ctx context.Context, cfg Config, engine Engine, marks Marks, log *slog.Logger) (*Adapter, error) {
	if cfg.APIURL == "" {
		cfg.APIURL = "https://api.telegram.org"
	}
	cfg.APIURL = strings.TrimRight(cfg.APIURL, "/")
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 50 * time.Second
	}
	client := cfg.HTTPClient
	if client == nil {
		// Every request goes to one host. Go's default transport keeps only two idle connections
		// per host, so a batch answered by many workers at once would open (and throw away) a
		// new connection for most answers; keep one per worker.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = batchWorkers + 8 // the workers, the poller, reminders
		client = &http.Client{Timeout: cfg.PollTimeout + 15*time.Second, Transport: tr}
	}
	a := &Adapter{cfg: cfg, engine: engine, marks: marks, log: log, client: client,
		// A Bot API request that failed on the network is made again: a repeated sendMessage
		// can post twice only when the first reached Telegram and its answer was lost.
		requests: adapter.Requests{Log: log, Platform: flows.Telegram.Name(), NetworkRetries: 3}}
	b, err := bot.New(cfg.Token,
		bot.WithServerURL(cfg.APIURL),
		bot.WithSkipGetMe(),
		bot.WithHTTPClient(cfg.PollTimeout, client),
		bot.WithErrorsHandler(func(err error) { log.Warn("telegram library", "error", errKind(err)) }),
	)
	if err != nil {
		return nil, errors.New("telegram: INTERLUDE_TELEGRAM_TOKEN is not a bot token (it should look like 123456789:AA…)")
	}
	a.bot = b
	me, err := b.GetMe(ctx)
	switch {
	case errors.Is(err, bot.ErrorUnauthorized), errors.Is(err, bot.ErrorNotFound):
		return nil, ErrUnauthorized
	case err != nil:
		return nil, fmt.Errorf("telegram: cannot reach the Bot API at %s (%s)", cfg.APIURL, errKind(err))
	}
	a.username = me.Username
	log.Info("telegram: connected", "bot", me.Username)
	return a, nil
}

// errKind names an error without its text, which may hold a message a client wrote (the
// library quotes response bodies) or a URL with the token.
func errKind(err error) string {
	var tm *bot.TooManyRequestsError
	switch {
	case errors.As(err, &tm):
		return "rate_limited"
	case errors.Is(err, bot.ErrorForbidden):
		return "forbidden"
	case errors.Is(err, ErrUnauthorized), errors.Is(err, bot.ErrorUnauthorized):
		return "unauthorized"
	case errors.Is(err, bot.ErrorConflict):
		return "conflict: another poller or a webhook uses this token"
	case errors.Is(err, bot.ErrorBadRequest):
		return "bad_request"
	}
	return flows.ErrorKind(err)
}

// redacted is an error whose text had the token taken out; it still unwraps to the original
// (for errors.Is/As), whose text must then never be printed.
type redacted struct {
	msg string
	err error
}

func (r *redacted) Error() string { return r.msg }
func (r *redacted) Unwrap() error { return r.err }

func redact(err error, token string) error {
	return &redacted{msg: strings.ReplaceAll(err.Error(), token, "<token>"), err: err}
}
