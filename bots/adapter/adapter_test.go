package adapter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/wait"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type engine struct {
	outs    []flows.Outbound
	errs    []error // Handle's errors, one a call; nil once they run out
	calls   int
	blocked []flows.UserKey
}

func (e *engine) Handle(context.Context, flows.Inbound) ([]flows.Outbound, error) {
	e.calls++
	if len(e.errs) > 0 {
		err := e.errs[0]
		e.errs = e.errs[1:]
		if err != nil {
			return nil, err
		}
	}
	return e.outs, nil
}

func (e *engine) Block(_ context.Context, u flows.UserKey) error {
	e.blocked = append(e.blocked, u)
	return nil
}

func (e *engine) Library() *flows.Library { return nil }

// Text says which notice, in which language, so that a test sees both.
func (e *engine) Text(_ context.Context, _ flows.UserKey, hint, key string, _ map[string]string) string {
	return key + "@" + hint
}

type chat struct {
	sent     [][]flows.Outbound
	sendErr  error
	acked    int
	removed  int
	ctxAlive []bool
}

func (c *chat) Send(ctx context.Context, outs []flows.Outbound) error {
	c.sent = append(c.sent, outs)
	c.ctxAlive = append(c.ctxAlive, ctx.Err() == nil)
	return c.sendErr
}
func (c *chat) AcknowledgePress(context.Context) { c.acked++ }
func (c *chat) RemoveButtons(context.Context)    { c.removed++ }

// plain is a Chat with no optional abilities.
type plain struct{ chat *chat }

func (p plain) Send(ctx context.Context, outs []flows.Outbound) error { return p.chat.Send(ctx, outs) }

var client = flows.UserKey{Platform: flows.Telegram, ID: "7"}

func TestTurnMergesRepliesAndTakesTheButtonsOffAnAnsweredQuestion(t *testing.T) {
	e := &engine{outs: []flows.Outbound{{Text: "Thank you."}, {Text: "How was your week?", Buttons: []flows.Button{{ID: "ok", Label: "ok"}}}}}
	c := &chat{}
	if err := Turn(context.Background(), e, quiet, flows.Inbound{User: client, Button: "mood:3"}, c); err != nil {
		t.Fatalf("Turn: %v", err)
	}
	if len(c.sent) != 1 || len(c.sent[0]) != 1 {
		t.Fatalf("sent %v, want the two replies merged into one message", c.sent)
	}
	if got := c.sent[0][0].Text; got != "Thank you.\n\nHow was your week?" {
		t.Errorf("merged text %q", got)
	}
	if c.acked != 1 || c.removed != 1 {
		t.Errorf("press acknowledged %d times, buttons removed %d times; want 1 and 1", c.acked, c.removed)
	}
}

func TestTurnOnATypedMessageTouchesNoButtons(t *testing.T) {
	e := &engine{outs: []flows.Outbound{{Text: "hi"}}}
	c := &chat{}
	if err := Turn(context.Background(), e, quiet, flows.Inbound{User: client, Text: "hello"}, c); err != nil {
		t.Fatal(err)
	}
	if c.acked != 0 || c.removed != 0 {
		t.Errorf("a typed message acknowledged %d presses and removed buttons %d times", c.acked, c.removed)
	}
}

func TestTurnNotSavedSaysNothingAndKeepsTheButtons(t *testing.T) {
	down := errors.New("redis: connection refused")
	e := &engine{errs: []error{down}}
	c := &chat{}
	err := Turn(context.Background(), e, quiet, flows.Inbound{User: client, Button: "mood:3"}, c)
	if !errors.Is(err, down) {
		t.Fatalf("Turn = %v, want the store's error so that the event is tried again", err)
	}
	if len(c.sent) != 0 || c.removed != 0 {
		t.Errorf("an unsaved press sent %v and removed buttons %d times; want nothing, so it can be pressed again", c.sent, c.removed)
	}
	if c.acked != 1 {
		t.Errorf("an unsaved press was acknowledged %d times, want 1 (the app stops waiting)", c.acked)
	}
}

func TestUnreadableRecordIsToldOnceAndNotRetried(t *testing.T) {
	e := &engine{errs: []error{fmt.Errorf("%w: sealed with an unknown key", flows.ErrUnreadable)}}
	c := &chat{}
	in := flows.Inbound{User: client, Text: "hallo", LanguageHint: "de"}
	err := UntilSaved(context.Background(), quiet, "test", nil, func() error { return Turn(context.Background(), e, quiet, in, c) })
	if err != nil {
		t.Fatalf("UntilSaved = %v, want nil: the event is dropped, not retried", err)
	}
	if e.calls != 1 {
		t.Errorf("the engine was asked %d times, want 1", e.calls)
	}
	if len(c.sent) != 1 || c.sent[0][0].Text != "unreadable@de" {
		t.Errorf("sent %v, want the unreadable notice in the writer's language", c.sent)
	}
}

// TestUntilSavedDropsWhatCannotBeRead: an event that fails because a record cannot be read
// outside a turn (marking a client who blocked the bot, whose record is damaged) is dropped
// after one try: retrying it would hold up every update after it, for good.
func TestUntilSavedDropsWhatCannotBeRead(t *testing.T) {
	tries := 0
	err := UntilSaved(context.Background(), quiet, "test", &wait.Backoff{First: time.Microsecond, Max: time.Microsecond}, func() error {
		if tries++; tries > 5 {
			return nil
		}
		return fmt.Errorf("state of tg:1: %w", flows.ErrUnreadable)
	})
	if err != nil || tries != 1 {
		t.Errorf("UntilSaved = %v after %d tries, want nil after 1", err, tries)
	}
}

func TestClientWhoBlockedTheBotIsMarkedInactive(t *testing.T) {
	e := &engine{outs: []flows.Outbound{{Text: "hi"}}}
	c := &chat{sendErr: fmt.Errorf("telegram: %w", flows.ErrBlocked)}
	if err := Turn(context.Background(), e, quiet, flows.Inbound{User: client, Text: "x"}, plain{c}); err != nil {
		t.Fatalf("Turn = %v: a saved event whose reply could not be delivered is not retried", err)
	}
	if len(e.blocked) != 1 || e.blocked[0] != client {
		t.Errorf("blocked %v, want the client", e.blocked)
	}
	c.sendErr = errors.New("network")
	e.blocked = nil
	_ = Turn(context.Background(), e, quiet, flows.Inbound{User: client, Text: "x"}, plain{c})
	if len(e.blocked) != 0 {
		t.Error("a failed send that is not a block marked the client inactive")
	}
}

func TestUntilSavedTriesAgainUntilSaved(t *testing.T) {
	down := errors.New("down")
	e := &engine{errs: []error{down, down, nil}}
	c := &chat{}
	b := &wait.Backoff{First: time.Microsecond, Max: time.Microsecond}
	err := UntilSaved(context.Background(), quiet, "test", b, func() error {
		return Turn(context.Background(), e, quiet, flows.Inbound{User: client, Text: "x"}, c)
	})
	if err != nil || e.calls != 3 {
		t.Fatalf("UntilSaved = %v after %d tries, want nil after 3", err, e.calls)
	}
	if len(c.sent) != 1 {
		t.Errorf("replies sent %d times, want once, after the save", len(c.sent))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tries := 0
	err = UntilSaved(ctx, quiet, "test", b, func() error { tries++; return down })
	if !errors.Is(err, down) || tries != 1 {
		t.Errorf("on an ended context UntilSaved = %v after %d tries, want the store's error after 1", err, tries)
	}
}

func TestNotifyIsSentAfterTheEventRanOutOfTime(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := &chat{}
	Notify(ctx, &engine{}, flows.Inbound{User: client, LanguageHint: "de"}, c, NotSaved)
	if len(c.sent) != 1 || c.sent[0][0].Text != "not_saved@de" || !c.ctxAlive[0] {
		t.Errorf("sent %v (context alive: %v), want the not-saved notice in German on a live context", c.sent, c.ctxAlive)
	}
}

func TestRequestsWaitWhatThePlatformAsks(t *testing.T) {
	var slept []time.Duration
	sleep = func(_ context.Context, d time.Duration) bool { slept = append(slept, d); return true }
	t.Cleanup(func() { sleep = wait.Sleep })
	r := Requests{Log: quiet, Platform: "test", NetworkRetries: 2}
	refused := &net.OpError{Op: "dial", Err: errors.New("connection refused")}
	bad := errors.New("400 bad request")

	for _, tc := range []struct {
		name  string
		errs  []error
		want  error // nil, or what errors.Is/As must find
		calls int
		slept []time.Duration
	}{
		{"rate limited twice", []error{&flows.RateLimitedError{RetryAfter: 3 * time.Second}, &flows.RateLimitedError{}, nil}, nil, 3, []time.Duration{3 * time.Second, time.Second}},
		{"rate limited four times", []error{&flows.RateLimitedError{RetryAfter: 2 * time.Second}, &flows.RateLimitedError{RetryAfter: 2 * time.Second}, &flows.RateLimitedError{RetryAfter: 2 * time.Second}, &flows.RateLimitedError{RetryAfter: 2 * time.Second}}, &flows.RateLimitedError{}, 4, []time.Duration{2 * time.Second, 2 * time.Second, 2 * time.Second}},
		{"network, then fine", []error{refused, nil}, nil, 2, []time.Duration{500 * time.Millisecond}},
		{"network three times", []error{refused, refused, refused}, refused, 3, []time.Duration{500 * time.Millisecond, time.Second}},
		{"other", []error{bad}, bad, 1, nil},
	} {
		slept = nil
		calls := 0
		err := r.Do(context.Background(), func() error {
			calls++
			return tc.errs[calls-1]
		})
		var rl *flows.RateLimitedError
		switch {
		case tc.want == nil && err != nil:
			t.Errorf("%s: Do = %v, want nil", tc.name, err)
		case tc.want != nil && !errors.Is(err, tc.want) && !(errors.As(tc.want, &rl) && errors.As(err, &rl)):
			t.Errorf("%s: Do = %v, want %v", tc.name, err, tc.want)
		}
		if calls != tc.calls || fmt.Sprint(slept) != fmt.Sprint(tc.slept) {
			t.Errorf("%s: %d calls, slept %v; want %d calls, slept %v", tc.name, calls, slept, tc.calls, tc.slept)
		}
	}

	calls := 0
	_ = Requests{Log: quiet, Platform: "test"}.Do(context.Background(), func() error { calls++; return refused })
	if calls != 1 {
		t.Errorf("with no network retries a refused request was made %d times, want 1 (it could post twice)", calls)
	}
}
