package store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
	"github.com/interlude-bot/interlude/internal/redistest"
	"github.com/interlude-bot/interlude/store"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func sealer(t *testing.T, k []byte, old ...[]byte) *store.Sealer {
	t.Helper()
	s, err := store.NewSealer(k, old...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var ana = flows.UserKey{Platform: flows.Telegram, ID: "1001"}

func TestSaveLoadRoundTripAndNothingReadableInRedis(t *testing.T) {
	srv := redistest.Start(t)
	st := store.New(srv.Client(), sealer(t, key(1)))
	ctx := context.Background()
	secret := []byte(`{"vars":{"moment":"I told my sister the truth"}}`)
	if err := st.Save(ctx, ana, flows.Change{State: secret, Entries: [][]byte{[]byte("entry: I told my sister")}, TTL: time.Hour}); err != nil {
		t.Fatal(err)
	}
	snap, err := st.Load(ctx, ana, "")
	if err != nil {
		t.Fatal(err)
	}
	if snap.Rev != 1 || !bytes.Equal(snap.State, secret) {
		t.Errorf("loaded rev %d state %s", snap.Rev, snap.State)
	}
	keys, _ := srv.Client().Keys(ctx, "*").Result()
	for _, k := range keys {
		if strings.Contains(srv.Raw(k), "sister") {
			t.Errorf("key %s holds the client's words in plaintext", k)
		}
	}
	if ttl := srv.Client().PTTL(ctx, "interlude:{tg:1001}:state").Val(); ttl <= 0 || ttl > time.Hour {
		t.Errorf("state TTL %v, want ≤ 1h", ttl)
	}
}

func TestStaleRevisionAndSeenUpdateAreRefused(t *testing.T) {
	srv := redistest.Start(t)
	st := store.New(srv.Client(), nil)
	ctx := context.Background()
	if err := st.Save(ctx, ana, flows.Change{State: []byte("a"), UpdateID: "u1"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, ana, flows.Change{Rev: 0, State: []byte("b")}); !errors.Is(err, flows.ErrConflict) {
		t.Errorf("stale revision: %v, want ErrConflict", err)
	}
	if err := st.Save(ctx, ana, flows.Change{Rev: 1, State: []byte("b"), UpdateID: "u1"}); !errors.Is(err, flows.ErrDuplicate) {
		t.Errorf("seen update: %v, want ErrDuplicate", err)
	}
	snap, _ := st.Load(ctx, ana, "u1")
	if !snap.Seen || string(snap.State) != "a" {
		t.Errorf("snapshot %+v", snap)
	}
}

func TestEraseRemovesEveryKeyOfOneClientOnly(t *testing.T) {
	srv := redistest.Start(t)
	st := store.New(srv.Client(), nil)
	ctx := context.Background()
	bob := flows.UserKey{Platform: flows.Discord, ID: "1001"}
	for _, u := range []flows.UserKey{ana, bob} {
		if err := st.Save(ctx, u, flows.Change{State: []byte("s"), Entries: [][]byte{[]byte("e")}, UpdateID: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	snap, _ := st.Load(ctx, ana, "")
	if err := st.Save(ctx, ana, flows.Change{Rev: snap.Rev, Erase: true}); err != nil {
		t.Fatal(err)
	}
	keys, _ := srv.Client().Keys(ctx, "*").Result()
	for _, k := range keys {
		if bytes.Contains([]byte(k), []byte("tg:1001")) {
			t.Errorf("key %s of the erased client remains", k)
		}
	}
	if len(keys) != 3 {
		t.Errorf("the other client's keys: %v", keys)
	}
}

func TestRotatedKeyStillOpensOldRecords(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	if err := store.New(srv.Client(), sealer(t, key(1))).Save(ctx, ana, flows.Change{State: []byte("old")}); err != nil {
		t.Fatal(err)
	}
	rotated := store.New(srv.Client(), sealer(t, key(2), key(1)))
	snap, err := rotated.Load(ctx, ana, "")
	if err != nil || string(snap.State) != "old" {
		t.Fatalf("after rotation: %q, %v", snap.State, err)
	}
	_, err = store.New(srv.Client(), sealer(t, key(2))).Load(ctx, ana, "")
	if !errors.Is(err, store.ErrUnknownKey) || !errors.Is(err, flows.ErrUnreadable) {
		t.Errorf("without the old key: %v, want ErrUnknownKey (unreadable, so adapters move on)", err)
	}
}

func TestRecordOfOneClientDoesNotOpenForAnother(t *testing.T) {
	s := sealer(t, key(3))
	rec, err := s.Seal([]byte("mine"), "tg:1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(rec, "tg:2"); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("opened for another client: %v", err)
	}
	again, _ := s.Seal([]byte("mine"), "tg:1")
	if bytes.Equal(rec, again) {
		t.Error("two seals of the same text are equal: the nonce is not fresh")
	}
}

func TestCompressedRecordsOpenAndShrink(t *testing.T) {
	s := sealer(t, key(4))
	plain := bytes.Repeat([]byte(`{"flow":"checkin","answers":{"moment":"a long week"}}`), 10)
	small, err := s.SealCompressed(plain, "tg:1")
	if err != nil {
		t.Fatal(err)
	}
	big, _ := s.Seal(plain, "tg:1")
	if len(small) >= len(big) {
		t.Errorf("compressed record of %d bytes, uncompressed %d", len(small), len(big))
	}
	for _, rec := range [][]byte{small, big} {
		got, err := s.Open(rec, "tg:1")
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("open: %v", err)
		}
	}
	if _, err := s.Open(small, "tg:2"); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("a compressed record opened for another client: %v", err)
	}

	// Decompressors are reused: one left broken by a damaged record, or shared by many
	// goroutines, still opens every record as it was written.
	plainStore := sealer(t, nil)
	cut, _ := plainStore.SealCompressed(plain, "tg:1")
	if _, err := plainStore.Open(cut[:len(cut)/2], "tg:1"); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("a cut compressed record: %v", err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			mine := bytes.Repeat([]byte(fmt.Sprintf("client %d wrote this; ", i)), 20+i)
			for range 50 {
				rec, _ := s.SealCompressed(mine, "tg:1")
				if got, err := s.Open(rec, "tg:1"); err != nil || !bytes.Equal(got, mine) {
					t.Errorf("goroutine %d: %q, %v", i, got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

type countingObserver struct{ n atomic.Int64 }

func (o *countingObserver) RedisDone(took time.Duration) {
	if took > 0 {
		o.n.Add(1)
	}
}

// An observer hears of every command and every pipeline (a Load is one pipeline).
func TestObserverTimesCommandsAndPipelines(t *testing.T) {
	srv := redistest.Start(t)
	var o countingObserver
	st := store.New(srv.Client(), nil, store.WithObserver(&o))
	ctx := context.Background()
	for name, do := range map[string]func() error{
		"a command":  func() error { return st.Ping(ctx) },
		"a pipeline": func() error { _, err := st.Load(ctx, ana, "u1"); return err },
	} {
		before := o.n.Load()
		if err := do(); err != nil {
			t.Fatal(err)
		}
		if o.n.Load() == before {
			t.Errorf("%s was not timed", name)
		}
	}
}

// TestAKeyOfTheWrongTypeIsUnreadable: a client key that is not what the store writes (set by
// hand, or by another program sharing the database) makes Load say the record cannot be read,
// whichever of the three keys it is, instead of being mistaken for an empty history or an
// unseen update, or retried as if Redis were down.
func TestAKeyOfTheWrongTypeIsUnreadable(t *testing.T) {
	srv := redistest.Start(t)
	st := store.New(srv.Client(), sealer(t, key(1)))
	ctx := context.Background()
	for _, k := range []string{"state", "entries", "seen"} {
		t.Run(k, func(t *testing.T) {
			if err := st.Save(ctx, ana, flows.Change{State: []byte("state"), Entries: [][]byte{[]byte("entry")}, UpdateID: "u1", TTL: time.Hour}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.Load(ctx, ana, "u2"); err != nil {
				t.Fatalf("before the damage: %v", err)
			}
			name := "interlude:{tg:1001}:" + k
			srv.Client().Del(ctx, name)
			srv.Client().Set(ctx, name, "not a "+k, 0)
			_, err := st.Load(ctx, ana, "u2")
			if !errors.Is(err, flows.ErrUnreadable) {
				t.Errorf("Load with a damaged %s key: %v, want ErrUnreadable", k, err)
			}
			srv.Client().FlushAll(ctx)
		})
	}
}
