package flows_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/store"
)

// received counts what the engine tells its observer it took in, by platform.
type received struct {
	mu  sync.Mutex
	got map[string]int
}

func (r *received) Received(platform string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got[platform]++
}
func (*received) FlowStarted(string)     {}
func (*received) FlowEnded(string, bool) {}
func (*received) CrisisEvent(string)     {}

func (r *received) count(platform string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[platform]
}

// failingSave fails the next Save when armed, as a Redis that went away would.
type failingSave struct {
	flows.Store
	armed atomic.Bool
}

func (f *failingSave) Save(ctx context.Context, u flows.UserKey, c flows.Change) error {
	if f.armed.Swap(false) {
		return errors.New("dial tcp: connection refused")
	}
	return f.Store.Save(ctx, u, c)
}

// TestEachMessageIsCountedOnce: the operator's count of messages from clients
// (interlude_inbound_messages_total) counts a message once: not again when the adapter handles
// it again because it was not saved, nor when the platform delivers it twice, nor for an edit;
// and a message on the crisis path, which touches no store, is counted too.
func TestEachMessageIsCountedOnce(t *testing.T) {
	srv := redistest.Start(t)
	st := &failingSave{Store: store.New(srv.Client(), nil)}
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	obs := &received{got: map[string]int{}}
	e := flows.New(lib, st, flows.Options{Observer: obs, Storage: flows.StoragePlaintext})
	ctx := context.Background()
	tg := flows.UserKey{Platform: flows.Telegram, ID: "5"}
	handle := func(in flows.Inbound) []flows.Outbound {
		t.Helper()
		outs, err := e.Handle(ctx, in)
		if err != nil {
			t.Fatalf("%+v: %v", in, err)
		}
		return outs
	}
	want := func(platform string, n int, after string) {
		t.Helper()
		if got := obs.count(platform); got != n {
			t.Errorf("after %s: %d %s messages counted, want %d", after, got, platform, n)
		}
	}

	start := flows.Inbound{User: tg, UpdateID: "tg:1", Text: "/start"}
	st.armed.Store(true)
	if _, err := e.Handle(ctx, start); err == nil {
		t.Fatal("a failed save was not reported")
	}
	want(flows.Telegram.Name(), 0, "a message that was not saved")
	outs := handle(start)
	want(flows.Telegram.Name(), 1, "the same message saved on the second try")
	handle(start)
	want(flows.Telegram.Name(), 1, "the same update delivered again")
	handle(flows.Inbound{User: tg, UpdateID: "tg:2", Text: "/start now", Edited: true})
	want(flows.Telegram.Name(), 1, "an edit")
	if len(outs) == 0 || len(outs[len(outs)-1].Buttons) == 0 {
		t.Fatalf("/start asked nothing with buttons: %+v", outs)
	}
	handle(flows.Inbound{User: tg, UpdateID: "tg:3", Button: outs[len(outs)-1].Buttons[0].ID})
	want(flows.Telegram.Name(), 2, "a button press")
	handle(flows.Inbound{User: tg, UpdateID: "tg:4", Text: "I want to kill myself"})
	want(flows.Telegram.Name(), 3, "a message on the crisis path")
	handle(flows.Inbound{User: flows.UserKey{Platform: flows.Discord, ID: "6"}, UpdateID: "dc:1", Text: "/help"})
	want(flows.Discord.Name(), 1, "a Discord message")
	want(flows.Telegram.Name(), 3, "a Discord message")
}
