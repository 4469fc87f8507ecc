// Package adapter is what the platform adapters share, so that each of them only converts
// platform events to [flows.Inbound] and [flows.Outbound] to platform calls. It holds the
// policy of a turn (give the event to the engine, send the replies, mark a client who blocked
// the bot), retrying what the store did not save, what the client is told when their record
// cannot be read or nothing could be saved, and backing off on rate limits and network errors.
// Errors are named for logs with [flows.ErrorKind], which the scheduler uses too.
//
// What a platform can do beyond sending is a small interface a [Chat] may also implement,
// checked with a type assertion: [PressAcknowledger], [ButtonRemover] (and, for reminders,
// [flows.KeyedSender]).
package adapter

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/wait"
)

// Engine is what an adapter needs from the conversation engine.
type Engine interface {
	Handle(ctx context.Context, in flows.Inbound) ([]flows.Outbound, error)
	Block(ctx context.Context, user flows.UserKey) error
	Library() *flows.Library
	// Text is a library string in the client's language (chosen, else the platform's hint),
	// for what the adapter says on its own.
	Text(ctx context.Context, user flows.UserKey, hint, key string, vals map[string]string) string
}

// The notices an adapter says on its own: keys of library strings, said in the client's
// language.
const (
	// NotSaved: the store could not save what the client sent (Redis down); nothing changed.
	NotSaved = "not_saved"
	// Unreadable: the client's record cannot be read (a removed key, a damaged record).
	Unreadable = "unreadable"
	// PrivateOnly: said once to a Telegram group; the bot talks only in private.
	PrivateOnly = "private_only"
	// DMOnly: said, seen only by the person, to a Discord slash command used in a server.
	DMOnly = "dm_only"
)

// Chat is the conversation an event came from: where its replies go.
type Chat interface {
	// Send posts messages in order. It returns an error wrapping flows.ErrBlocked when the
	// client cannot be messaged; other failures are its to log.
	Send(ctx context.Context, outs []flows.Outbound) error
}

// PressAcknowledger is a Chat whose platform wants every button press answered, so that the
// client's app stops waiting (Telegram's answerCallbackQuery). It is answered whether or not
// the press was saved.
type PressAcknowledger interface {
	AcknowledgePress(ctx context.Context)
}

// ButtonRemover is a Chat that can take the buttons off the message whose button was pressed,
// so that an answered question cannot be answered again.
type ButtonRemover interface {
	RemoveButtons(ctx context.Context)
}

// Turn gives one event to the engine, once, and sends the replies to chat (merged: plain texts
// join the message that follows them).
//
// It returns an error only when the event was not saved, so that it may be handled again
// (events are deduplicated on their update id): the client has been told nothing then, and the
// caller retries ([UntilSaved]), answers so that the platform delivers it again, or tells the
// client ([Notify] with [NotSaved]). A record that cannot be read is not retried, since
// retrying cannot help: the client is told, and the event is dropped. A client who turns out
// to have blocked the bot is marked inactive.
func Turn(ctx context.Context, e Engine, log *slog.Logger, in flows.Inbound, chat Chat) error {
	outs, err := e.Handle(ctx, in)
	if p, ok := chat.(PressAcknowledger); ok && in.Button != "" {
		p.AcknowledgePress(ctx)
	}
	switch {
	case errors.Is(err, flows.ErrUnreadable):
		log.Error(string(in.User.Platform)+": event dropped: the client's record cannot be read", "user", in.User.String())
		outs = []flows.Outbound{{Text: e.Text(ctx, in.User, in.LanguageHint, Unreadable, nil)}}
	case err != nil:
		return err
	case in.Button != "":
		if r, ok := chat.(ButtonRemover); ok {
			r.RemoveButtons(ctx)
		}
	}
	if err := chat.Send(ctx, flows.Merge(outs)); errors.Is(err, flows.ErrBlocked) {
		if err := e.Block(ctx, in.User); err != nil {
			log.Warn(string(in.User.Platform)+": client who blocked the bot not marked inactive", "user", in.User.String(), "error", flows.ErrorKind(err))
		}
	}
	return nil
}

// Retry reports whether an event that failed with err may succeed if handled again: not when
// a record cannot be read ([flows.ErrUnreadable]), which no retry mends.
func Retry(err error) bool { return err != nil && !errors.Is(err, flows.ErrUnreadable) }

// UntilSaved calls try until it returns nil or ctx ends, waiting after each failure as b says
// (nil: 250 ms, doubling up to 30 s). It returns nil once saved, else try's last error. An
// error because a record cannot be read ([flows.ErrUnreadable]) ends it at once, with nil:
// trying again cannot help, and would hold up the events behind this one. what names the
// event in the log ("telegram: update 42").
func UntilSaved(ctx context.Context, log *slog.Logger, what string, b *wait.Backoff, try func() error) error {
	if b == nil {
		b = &wait.Backoff{}
	}
	for {
		err := try()
		if err == nil {
			return nil
		}
		if !Retry(err) {
			log.Error(what+" dropped: a record cannot be read", "error", flows.ErrorKind(err))
			return nil
		}
		if ctx.Err() != nil {
			return err
		}
		log.Warn(what+" not saved; retrying", "error", flows.ErrorKind(err))
		if !b.Wait(ctx) {
			return err
		}
	}
}

// Say is a notice for someone the bot does not talk with in private (a Telegram group, a
// Discord server): in the language their platform reports, read from no record, so that it is
// said at once and even while Redis is down.
func Say(e Engine, hint, key string) string {
	lib := e.Library()
	return lib.String(key, lib.LocaleFor(hint))
}

// noticeTimeout bounds a notice sent after the event's own time ran out.
const noticeTimeout = 10 * time.Second

// Notify tells the client one of the adapter's own notices (a key of a library string, such as
// [NotSaved]) in their language. It is sent even when ctx has ended (the client's event ran out
// of time, or the bot is stopping), within a few seconds.
func Notify(ctx context.Context, e Engine, in flows.Inbound, chat Chat, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), noticeTimeout)
	defer cancel()
	_ = chat.Send(ctx, []flows.Outbound{{Text: e.Text(ctx, in.User, in.LanguageHint, key, nil)}})
}
