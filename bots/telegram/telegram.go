// Package telegram is the Telegram adapter: it turns Bot API updates into the engine's neutral
// messages and renders the engine's replies (inline keyboards, photos, documents), with
// github.com/go-telegram/bot for the requests.
//
// The library's own update loop and webhook handler confirm an update before it is handled, so
// this adapter has its own: long polling that asks for the next updates only after the last ones
// were saved, and a webhook handler that answers only after saving (and answers non-2xx when it
// could not, so that Telegram delivers the update again). Updates are deduplicated on update_id
// by the engine, so a redelivered update changes nothing.
package telegram

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf16"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

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
	polling  atomic.Bool
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
	a := &Adapter{cfg: cfg, engine: engine, marks: marks, log: log, client: client}
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

// Username is the bot's @name.
func (a *Adapter) Username() string { return a.username }

// allowedUpdates are the updates the bot asks for; my_chat_member tells when a client blocks it.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// Poll long-polls getUpdates until ctx ends. It asks for the next updates only after every
// update of the last batch was saved; an update that cannot be saved (Redis down) is retried
// with backoff, never dropped.
func (a *Adapter) Poll(ctx context.Context) error {
	if _, err := a.bot.DeleteWebhook(ctx, &bot.DeleteWebhookParams{}); err != nil && ctx.Err() == nil {
		a.log.Warn("telegram: deleteWebhook failed", "error", errKind(err))
	}
	a.polling.Store(true)
	defer a.polling.Store(false)
	var offset int64
	backoff := newBackoff()
	for ctx.Err() == nil {
		updates, err := a.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			a.log.Warn("telegram: getUpdates failed", "error", errKind(err))
			backoff.wait(ctx)
			continue
		}
		backoff.reset()
		if len(updates) == 0 {
			continue
		}
		a.handleBatch(ctx, updates)
		if ctx.Err() != nil {
			return nil
		}
		offset = updates[len(updates)-1].ID + 1
	}
	return nil
}

// batchWorkers is how many clients' updates of one batch are handled at the same time. A batch
// holds at most 100 updates and the next is asked for only when all are handled, so the more
// of them run at once, the less the slowest holds everyone else up.
const batchWorkers = 64

// handleBatch handles a batch of updates: those of one chat in order, different chats at the
// same time. It returns when every update is saved (or ctx ends); one that cannot be saved is
// retried with backoff, never dropped.
func (a *Adapter) handleBatch(ctx context.Context, updates []*models.Update) {
	var order []int64
	byChat := map[int64][]*models.Update{}
	for _, u := range updates {
		_, _, chat := inbound(u, a.username)
		if _, ok := byChat[chat]; !ok {
			order = append(order, chat)
		}
		byChat[chat] = append(byChat[chat], u)
	}
	work := make(chan []*models.Update)
	var wg sync.WaitGroup
	for range min(batchWorkers, len(order)) {
		wg.Go(func() {
			for us := range work {
				for _, u := range us {
					retry := newBackoff()
					for {
						err := a.handle(ctx, u)
						if err == nil || ctx.Err() != nil {
							break
						}
						if errors.Is(err, flows.ErrUnreadable) {
							// Retrying cannot help (a key was removed, a record is damaged):
							// say so, and go on with everyone else's updates.
							a.log.Error("telegram: update dropped: the client's record cannot be read", "update", u.ID, "error", errKind(err))
							if in, _, chat := inbound(u, a.username); chat != 0 {
								a.sendTo(ctx, chat, []flows.Outbound{{Text: a.engine.Text(ctx, in.User, in.LanguageHint, "unreadable", nil)}}, false)
							}
							break
						}
						a.log.Warn("telegram: update not saved; retrying", "update", u.ID, "error", errKind(err))
						retry.wait(ctx)
					}
				}
			}
		})
	}
	for _, chat := range order {
		work <- byChat[chat]
	}
	close(work)
	wg.Wait()
}

// Polling reports whether the adapter is long-polling (for readiness).
func (a *Adapter) Polling() bool { return a.polling.Load() }

// getUpdates asks for updates from offset on. The library's own loop confirms updates before
// they are handled, so this one request is made here.
func (a *Adapter) getUpdates(ctx context.Context, offset int64) ([]*models.Update, error) {
	body, _ := json.Marshal(map[string]any{
		"offset":          offset,
		"timeout":         int(a.cfg.PollTimeout / time.Second),
		"allowed_updates": allowedUpdates,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.cfg.APIURL+"/bot"+a.cfg.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("bad request")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, redact(err, a.cfg.Token)
	}
	defer resp.Body.Close()
	var r struct {
		OK          bool              `json:"ok"`
		Result      []json.RawMessage `json:"result"`
		ErrorCode   int               `json:"error_code"`
		Description string            `json:"description"`
		Parameters  struct {
			RetryAfter int `json:"retry_after"`
		} `json:"parameters"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		return nil, fmt.Errorf("decode getUpdates: status %d", resp.StatusCode)
	}
	switch {
	case r.OK:
		// One update this library cannot decode must not stall every update after it: it is
		// skipped (its id still moves the offset on), and the rest are handled.
		updates := make([]*models.Update, 0, len(r.Result))
		for _, raw := range r.Result {
			var u models.Update
			if err := json.Unmarshal(raw, &u); err != nil {
				var id struct {
					ID int64 `json:"update_id"`
				}
				_ = json.Unmarshal(raw, &id)
				a.log.Warn("telegram: update skipped: cannot be decoded", "update", id.ID)
				u = models.Update{ID: id.ID}
			}
			updates = append(updates, &u)
		}
		return updates, nil
	case r.ErrorCode == http.StatusConflict:
		return nil, fmt.Errorf("%w: another instance is polling with this token, or a webhook is set", bot.ErrorConflict)
	case r.ErrorCode == http.StatusTooManyRequests:
		return nil, &bot.TooManyRequestsError{Message: r.Description, RetryAfter: r.Parameters.RetryAfter}
	case r.ErrorCode == http.StatusUnauthorized:
		return nil, ErrUnauthorized
	}
	return nil, fmt.Errorf("getUpdates: %d", r.ErrorCode)
}

// RegisterWebhook tells Telegram where to deliver updates.
func (a *Adapter) RegisterWebhook(ctx context.Context) error {
	return a.call(ctx, func() error {
		_, err := a.bot.SetWebhook(ctx, &bot.SetWebhookParams{
			URL:            a.cfg.WebhookURL,
			SecretToken:    a.cfg.WebhookSecret,
			AllowedUpdates: allowedUpdates,
		})
		return err
	})
}

// ServeHTTP is the webhook endpoint. It rejects a wrong secret with 401 (constant-time
// comparison), handles the update before answering, and answers 503 when the update could not
// be saved, so that Telegram delivers it again.
func (a *Adapter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if subtle.ConstantTimeCompare([]byte(got), []byte(a.cfg.WebhookSecret)) != 1 {
		a.log.Warn("telegram webhook: wrong secret token", "remote", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var u models.Update
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&u); err != nil {
		http.Error(w, "bad update", http.StatusBadRequest)
		return
	}
	if err := a.handle(r.Context(), &u); err != nil {
		a.log.Warn("telegram webhook: update not saved; Telegram will deliver it again", "update", u.ID, "error", errKind(err))
		http.Error(w, "not saved, try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// groupNoticeTTL is how long a group is not told again that the bot talks only in private.
const groupNoticeTTL = 30 * 24 * time.Hour

// handle applies one update. It returns an error only when the update was not saved (and may
// be handled again); failures to reply are logged.
func (a *Adapter) handle(ctx context.Context, u *models.Update) error {
	in, k, chat := inbound(u, a.username)
	switch k {
	case kindIgnore:
		return nil
	case kindBlocked:
		return a.engine.Block(ctx, in.User)
	case kindUnblocked:
		return nil // they come back with /start
	case kindGroup:
		first, err := a.marks.FirstTime(ctx, "tg-group", strconv.FormatInt(chat, 10), groupNoticeTTL)
		if err != nil {
			return err
		}
		if first {
			a.sendTo(ctx, chat, []flows.Outbound{{Text: a.engine.Library().String("private_only", a.engine.Library().LocaleFor(in.LanguageHint))}}, false)
		}
		return nil
	case kindElsewhere:
		a.answerCallback(ctx, u.CallbackQuery.ID, a.engine.Library().String("private_only", a.engine.Library().LocaleFor(in.LanguageHint)))
		return nil
	}
	metrics.Inbound.WithLabelValues("telegram").Inc()
	outs, err := a.engine.Handle(ctx, in)
	if k == kindButton {
		a.answerCallback(ctx, u.CallbackQuery.ID, "")
	}
	if err != nil {
		return err
	}
	if k == kindButton {
		if msg := u.CallbackQuery.Message.Message; msg != nil {
			a.removeKeyboard(ctx, chat, msg.ID)
		}
	}
	if err := a.sendTo(ctx, chat, outs, true); errors.Is(err, flows.ErrBlocked) {
		return a.engine.Block(ctx, in.User)
	}
	return nil
}

func (a *Adapter) answerCallback(ctx context.Context, id, text string) {
	err := a.call(ctx, func() error {
		_, err := a.bot.AnswerCallbackQuery(ctx, &bot.AnswerCallbackQueryParams{CallbackQueryID: id, Text: text})
		return err
	})
	if err != nil {
		a.log.Debug("telegram: answerCallbackQuery failed", "error", errKind(err))
	}
}

// removeKeyboard takes the buttons off an answered question, so it cannot be pressed again.
func (a *Adapter) removeKeyboard(ctx context.Context, chat int64, messageID int) {
	err := a.call(ctx, func() error {
		_, err := a.bot.EditMessageReplyMarkup(ctx, &bot.EditMessageReplyMarkupParams{
			ChatID: chat, MessageID: messageID,
			ReplyMarkup: &models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{}},
		})
		return err
	})
	if err != nil {
		a.log.Debug("telegram: keyboard not removed", "error", errKind(err))
	}
}

// Send delivers messages the bot sends on its own (reminders).
func (a *Adapter) Send(ctx context.Context, user flows.UserKey, outs []flows.Outbound) error {
	chat, err := chatID(user)
	if err != nil {
		return fmt.Errorf("telegram: bad chat id for %s", user)
	}
	return a.sendTo(ctx, chat, outs, false) // merged by the dispatcher
}

// sendTo renders and sends messages to a chat: plain texts joined to the message that follows,
// long texts split at paragraphs, everything escaped for HTML parse mode.
func (a *Adapter) sendTo(ctx context.Context, chat int64, outs []flows.Outbound, merge bool) error {
	if merge {
		outs = flows.Merge(outs)
	}
	for _, o := range outs {
		if err := a.sendOne(ctx, chat, o); err != nil {
			metrics.SendErrors.WithLabelValues("telegram", errKind(err)).Inc()
			if !errors.Is(err, flows.ErrBlocked) {
				a.log.Error("telegram: message not delivered", "chat", chat, "error", errKind(err))
			}
			return err
		}
	}
	return nil
}

func (a *Adapter) sendOne(ctx context.Context, chat int64, o flows.Outbound) error {
	parts := flows.SplitText(o.Text, maxText)
	// Telegram counts UTF-16 units: a part with many emoji may still be too long.
	for i := 0; i < len(parts); i++ {
		if utf16Len(parts[i]) > maxText {
			smaller := flows.SplitText(parts[i], maxText/2)
			parts = append(parts[:i], append(smaller, parts[i+1:]...)...)
		}
	}
	// A picture or file carries the text as caption when it is short enough.
	withCaption := (o.Image != nil || o.File != nil) && len([]rune(o.Text)) <= maxCaption
	if withCaption {
		parts = nil
	}
	for i, p := range parts {
		if p == "" {
			continue
		}
		params := &bot.SendMessageParams{ChatID: chat, Text: escape(p), ParseMode: models.ParseModeHTML}
		if i == len(parts)-1 && len(o.Buttons) > 0 && o.Image == nil && o.File == nil {
			params.ReplyMarkup = keyboard(o.Buttons)
		}
		if err := a.call(ctx, func() error { _, err := a.bot.SendMessage(ctx, params); return err }); err != nil {
			return err
		}
		metrics.Outbound.WithLabelValues("telegram").Inc()
	}
	caption := ""
	if withCaption {
		caption = escape(o.Text)
	}
	if f := o.Image; f != nil {
		params := &bot.SendPhotoParams{ChatID: chat, Caption: caption, ParseMode: models.ParseModeHTML,
			Photo: &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}}
		if err := a.call(ctx, func() error {
			params.Photo = &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}
			_, err := a.bot.SendPhoto(ctx, params)
			return err
		}); err != nil {
			return err
		}
	}
	if f := o.File; f != nil {
		params := &bot.SendDocumentParams{ChatID: chat, Caption: caption, ParseMode: models.ParseModeHTML}
		if err := a.call(ctx, func() error {
			params.Document = &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}
			_, err := a.bot.SendDocument(ctx, params)
			return err
		}); err != nil {
			return err
		}
	}
	if (o.Image != nil || o.File != nil) && len(o.Buttons) > 0 {
		// Buttons go under a short message after the attachment.
		params := &bot.SendMessageParams{ChatID: chat, Text: "…", ReplyMarkup: keyboard(o.Buttons)}
		return a.call(ctx, func() error { _, err := a.bot.SendMessage(ctx, params); return err })
	}
	return nil
}

// Retry policy of one request.
const (
	max429        = 3
	maxNetRetries = 3
)

// call makes one Bot API request: on 429 it waits what Telegram asks (as long as ctx allows)
// and tries again; on a network error it retries with backoff; 403 means the client blocked the
// bot (flows.ErrBlocked).
func (a *Adapter) call(ctx context.Context, fn func() error) error {
	var tooMany, network int
	for {
		err := fn()
		var tm *bot.TooManyRequestsError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &tm):
			wait := time.Duration(tm.RetryAfter) * time.Second
			if wait <= 0 {
				wait = time.Second
			}
			tooMany++
			if tooMany > max429 {
				return &flows.RateLimitedError{RetryAfter: wait}
			}
			a.log.Info("telegram: rate limited; waiting", "retry_after", wait.String())
			if !sleep(ctx, wait) {
				return ctx.Err()
			}
		case errors.Is(err, bot.ErrorForbidden):
			return fmt.Errorf("telegram: %w", flows.ErrBlocked)
		case isNetwork(err) && network < maxNetRetries:
			network++
			if !sleep(ctx, time.Duration(network)*500*time.Millisecond) {
				return ctx.Err()
			}
		default:
			return err
		}
	}
}

func isNetwork(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &oe) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// errKind names an error without its text, which may hold a message a client wrote (the
// library quotes response bodies) or a URL with the token.
func errKind(err error) string {
	var tm *bot.TooManyRequestsError
	var rl *flows.RateLimitedError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &tm), errors.As(err, &rl):
		return "rate_limited"
	case errors.Is(err, flows.ErrBlocked), errors.Is(err, bot.ErrorForbidden):
		return "forbidden"
	case errors.Is(err, ErrUnauthorized), errors.Is(err, bot.ErrorUnauthorized):
		return "unauthorized"
	case errors.Is(err, bot.ErrorConflict):
		return "conflict: another poller or a webhook uses this token"
	case errors.Is(err, bot.ErrorBadRequest):
		return "bad_request"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "canceled"
	case isNetwork(err):
		return "network"
	}
	return "other"
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

type backoff struct{ d time.Duration }

func newBackoff() *backoff { return &backoff{d: 250 * time.Millisecond} }

func (b *backoff) reset() { b.d = 250 * time.Millisecond }

func (b *backoff) wait(ctx context.Context) {
	sleep(ctx, b.d)
	b.d = min(2*b.d, 30*time.Second)
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}
