package flows

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/flows/safety"
)

// Options tune an Engine. The zero value of each field has a sensible default.
type Options struct {
	// ConsentVersion is the version of the privacy wording; raising it asks every client again.
	ConsentVersion int
	// Retention is how long a client's data lives without activity (default 365 days).
	Retention time.Duration
	// Now is the clock (default time.Now); tests inject their own.
	Now func() time.Time
	// Logger receives structured logs: ids, flow and step names, never what a client wrote.
	Logger *slog.Logger
	// Wakes records when the scheduler should next look at a client; nil when nothing is
	// scheduled (tests of flows alone).
	Wakes Wakes
	// Deliveries tells which reminder occurrences reached the client.
	Deliveries Deliveries
	// Crisis is the crisis path (default: the embedded phrase lists and helplines).
	Crisis *Crisis
	// Observer is told what happens, for metrics (default: nobody).
	Observer Observer
	// Policy is the reminders' delivery policy (default DefaultPolicy).
	Policy Policy
	// Storage is how what clients write is kept (default StorageEncrypted); the consent
	// question, /help and /settings say what it is.
	Storage Storage
}

// Wakes is the scheduler's due-queue as the engine needs it.
type Wakes interface {
	// SetWakes sets the wake-up time of each reminder in set (never later than one already
	// there) and removes those in drop.
	SetWakes(ctx context.Context, user UserKey, set map[Reminder]time.Time, drop []Reminder) error
	// ClearWakes removes every wake-up of the client.
	ClearWakes(ctx context.Context, user UserKey) error
}

// WakingSaver is a Wakes that can write wake-ups and a Change in one round trip, the wake-ups
// first (the store on one Redis: one pipeline). The engine uses it when it has both to write.
type WakingSaver interface {
	SaveWaking(ctx context.Context, user UserKey, set map[Reminder]time.Time, drop []Reminder, c Change) error
}

// Engine advances conversations. It keeps no state of its own: every message loads the client's
// state from the Store, advances it and saves it before the reply goes out.
type Engine struct {
	lib        *Library
	store      Store
	opts       Options
	log        *slog.Logger
	wakes      Wakes
	deliveries Deliveries
	crisis     *Crisis
	policy     Policy
}

// preConsentTTL bounds how long the position in onboarding is kept for a client who has not
// agreed (yet) to have anything kept.
const preConsentTTL = 24 * time.Hour

// maxAttempts bounds the retries of a message whose state changed concurrently.
const maxAttempts = 5

// New builds an engine on a validated library and a store.
func New(lib *Library, store Store, opts Options) *Engine {
	if opts.ConsentVersion <= 0 {
		opts.ConsentVersion = 1
	}
	if opts.Retention <= 0 {
		opts.Retention = 365 * 24 * time.Hour
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Observer == nil {
		opts.Observer = noObserver{}
	}
	if opts.Storage == "" {
		opts.Storage = StorageEncrypted
	}
	if opts.Crisis == nil {
		c, err := LoadCrisis("")
		if err != nil {
			// The embedded data is checked by tests; this cannot happen in a released binary.
			opts.Logger.Error("crisis path: embedded data does not load", "err", err)
		}
		opts.Crisis = c
	}
	return &Engine{lib: lib, store: store, opts: opts, log: opts.Logger, wakes: opts.Wakes, deliveries: opts.Deliveries, crisis: opts.Crisis, policy: opts.Policy.withDefaults()}
}

// Library returns the flows the engine runs.
func (e *Engine) Library() *Library { return e.lib }

// Handle applies one inbound message and returns the replies. The new state is saved before
// Handle returns, so a reply is only ever sent for an answer that is kept. An error means the
// message was not applied (the store failed) and may be delivered again.
func (e *Engine) Handle(ctx context.Context, in Inbound) ([]Outbound, error) {
	in.Text = cleanText(in.Text)
	// Crisis first: checked in memory before anything touches Redis. /crisis, [Yes] and [I'd
	// rather not say] under the crisis question must work without Redis too.
	tier := e.check(in.Text + "\n" + cleanText(in.Caption))
	cmd, _, _ := strings.Cut(strings.ToLower(in.Text), " ")
	// The crisis path never fails (nothing is retried), so what takes it is counted at once.
	switch {
	case tier == safety.TierDirect, cmd == "/crisis":
		e.received(in)
		return e.crisisReply(ctx, in), nil
	case isHelpButton(in.Button):
		e.received(in)
		e.opts.Observer.CrisisEvent(map[bool]string{true: "answer_yes", false: "answer_rather_not"}[strings.HasPrefix(in.Button, checkYes)])
		return e.crisisReply(ctx, in), nil
	case tier == safety.TierUnsure:
		e.received(in)
		return e.unsure(ctx, in), nil
	}
	if in.Edited {
		// An edit never changes an answer that was already kept; it is only read for risk.
		return nil, nil
	}
	return e.apply(ctx, in.User, in.UpdateID, func(t *turn) { t.in = &in; t.handle(in) })
}

// received tells the observer of a message or press taken in (an edit is not one).
func (e *Engine) received(in Inbound) {
	if !in.Edited {
		e.opts.Observer.Received(in.User.Platform.Name())
	}
}

// Start starts a flow for a client on the bot's own initiative (the scheduler does this).
func (e *Engine) Start(ctx context.Context, user UserKey, flowID string) ([]Outbound, error) {
	if e.lib.Flow(flowID) == nil {
		return nil, fmt.Errorf("flows: unknown flow %q", flowID)
	}
	return e.apply(ctx, user, "", func(t *turn) { t.start(flowID, "") })
}

// Resume repeats the question the client is at, if any (after a restart of the console).
func (e *Engine) Resume(ctx context.Context, user UserKey) ([]Outbound, error) {
	return e.apply(ctx, user, "", func(t *turn) {
		if s := t.current(); s != nil && s.Waits() {
			t.say(t.str("resume"))
			t.ask(s, false)
		}
	})
}

// apply is one turn against the store: it loads the client's state, lets fn advance it, and
// saves what changed (wake-ups first) before the replies are returned; a concurrent change
// means load and try again. A redelivered update is not applied twice: its question, or the
// closing words of the conversation it ended, is said again.
func (e *Engine) apply(ctx context.Context, user UserKey, updateID string, fn func(*turn)) ([]Outbound, error) {
	for range maxAttempts {
		snap, err := e.store.Load(ctx, user, updateID)
		if err != nil {
			return nil, fmt.Errorf("load state: %w", err)
		}
		st, err := decodeState(snap.State)
		if err != nil {
			return nil, err
		}
		if snap.Seen {
			e.log.Info("duplicate update dropped", "user", user.String(), "update", updateID)
			if st.LastUpdate != updateID {
				return nil, nil
			}
			// The last update again: its answer may never have gone out. Ask again, or say the
			// closing words of the conversation it ended.
			t := &turn{ctx: ctx, e: e, user: user, st: st, now: e.opts.Now(), vals: map[string]string{}}
			t.reask()
			if flowID, stepID, ok := strings.Cut(st.Ended, "/"); ok && st.Flow == "" {
				if f := e.lib.Flow(flowID); f != nil && f.Step(stepID) != nil && f.Step(stepID).Text != nil {
					t.say(t.render(f.Step(stepID).Text))
				}
			}
			return t.out, nil
		}
		t := &turn{ctx: ctx, e: e, user: user, st: st, now: e.opts.Now(), vals: map[string]string{}, from: st.Flow}
		if st.Since.IsZero() {
			st.Since = t.now
		}
		if updateID != "" {
			st.Ended = ""
		}
		fn(t)
		if t.err != nil {
			return nil, t.err
		}
		if updateID != "" {
			st.LastUpdate = updateID
		}
		change, err := t.change(snap, updateID)
		if err != nil {
			return nil, err
		}
		// Wake-ups are written first: one that turns out early is harmless (the dispatcher
		// finds nothing due and looks again later); one that went missing would lose a reminder.
		set, drop, wake := t.wakeChanges()
		if ws, ok := e.wakes.(WakingSaver); ok && wake && change != nil {
			err = ws.SaveWaking(ctx, user, set, drop, *change)
		} else {
			if wake {
				if err := e.wakes.SetWakes(ctx, user, set, drop); err != nil {
					return nil, fmt.Errorf("schedule: %w", err)
				}
			}
			if change == nil {
				t.taken()
				return t.out, nil
			}
			err = e.store.Save(ctx, user, *change)
		}
		switch {
		case errors.Is(err, ErrConflict):
			continue
		case errors.Is(err, ErrDuplicate):
			return nil, nil
		case err != nil:
			return nil, fmt.Errorf("save state: %w", err)
		}
		t.taken()
		if t.erase && e.wakes != nil {
			if err := e.wakes.ClearWakes(ctx, user); err != nil {
				// The state is gone: a leftover wake-up finds nothing to send.
				e.log.Warn("erase: wake-ups not cleared", "user", user.String(), "error", ErrorKind(err))
			}
		}
		return t.out, nil
	}
	return nil, fmt.Errorf("save state: %w after %d attempts", ErrConflict, maxAttempts)
}

// localeFor is the library's locale for a platform's language code ("de-AT" → de), else en.
func (e *Engine) localeFor(hint string) string { return e.lib.LocaleFor(hint) }
