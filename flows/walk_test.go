package flows_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

var walks = flag.Int("walks", 10000, "random walks in TestRandomWalks")

// TestRandomWalks sends random input (commands, buttons old and new, forged ids, text of every
// kind) through every flow and checks after every message that the state is valid. The walks
// of 500 clients run on as many goroutines as there are cores, each client's walks in order on
// one of them (so every walk meets the state its predecessors left, whatever the cores).
func TestRandomWalks(t *testing.T) {
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	commands := []string{"/start", "/checkin", "/prepare", "/reflect", "/language", "/forget", "/help", "/crisis", "/cancel", "/skip", "/nonsense", "/CHECKIN", "/history", "/export"}
	texts := []string{"", "1", "7", "10", "11", "-3", "Berlin", "Europe/Berlin", "UTC", "Atlantis", "yes", "calm",
		"🙂🙂 emoji 👩‍👩‍👧", strings.Repeat("long ", 1200), "\x00\x01\u202e\xff", "<b>bold</b> *md* _x_", "{zone} {intention}", "   "}
	store := newMemStore()
	now := time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)
	e := flows.New(lib, store, flows.Options{Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
	ctx := context.Background()
	const clients = 500
	walk := func(w int) error {
		rng := rand.New(rand.NewPCG(uint64(w), 42))
		user := flows.UserKey{Platform: flows.Telegram, ID: flows.UserID(strconv.Itoa(w % clients))}
		var buttons []flows.Button
		steps := 5 + rng.IntN(25)
		for i := range steps {
			var in flows.Inbound
			in.User = user
			in.UpdateID = fmt.Sprintf("%d-%d", w, i)
			switch r := rng.IntN(100); {
			case r < 45 && len(buttons) > 0:
				in.Button = buttons[rng.IntN(len(buttons))].ID
			case r < 50:
				in.Button = []string{"q1.0", "q999.1", "q-1.0", "x", "q3.99", "q0.0"}[rng.IntN(6)]
			case r < 70:
				cmd := commands[rng.IntN(len(commands))]
				if (cmd == "/history" || cmd == "/export") && rng.IntN(20) != 0 {
					cmd = "/help" // pictures are slow to draw; a few are enough
				}
				in.Text = cmd
			default:
				in.Text = texts[rng.IntN(len(texts))]
			}
			if rng.IntN(20) == 0 && i > 0 {
				in.UpdateID = fmt.Sprintf("%d-%d", w, i-1) // a redelivery
			}
			outs, err := func() (outs []flows.Outbound, err error) {
				defer func() {
					if p := recover(); p != nil {
						err = fmt.Errorf("panic: %v", p)
					}
				}()
				return e.Handle(ctx, in)
			}()
			if err != nil {
				return fmt.Errorf("walk %d step %d (%+v): %v", w, i, in, err)
			}
			for _, o := range outs {
				if o.Text == "" && o.File == nil && o.Image == nil {
					return fmt.Errorf("walk %d step %d: empty message", w, i)
				}
				// Answers keep up to 4,000 characters and the agenda up to 30 items, so a list of
				// them may be long; adapters split it. This only catches a runaway message.
				if len([]rune(o.Text)) > flows.MaxTextLen*40 {
					return fmt.Errorf("walk %d step %d: message of %d characters: %.200q", w, i, len([]rune(o.Text)), o.Text)
				}
				for _, b := range o.Buttons {
					if len(b.ID) > flows.MaxButtonBytes || b.Label == "" {
						return fmt.Errorf("walk %d step %d: bad button %+v", w, i, b)
					}
				}
				if len(o.Buttons) > 0 {
					buttons = o.Buttons
				}
			}
			if err := checkState(lib, store, user); err != nil {
				return fmt.Errorf("walk %d step %d: %w", w, i, err)
			}
		}
		return nil
	}
	lanes := runtime.GOMAXPROCS(0)
	var failed atomic.Bool
	var wg sync.WaitGroup
	for lane := range lanes {
		wg.Go(func() {
			for w := 0; w < *walks && !failed.Load(); w++ {
				if w%clients%lanes != lane {
					continue
				}
				if err := walk(w); err != nil {
					failed.Store(true)
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

// checkState says what is wrong with the state the client's last message left, if anything.
func checkState(lib *flows.Library, store *memStore, user flows.UserKey) error {
	snap, _ := store.Load(context.Background(), user, "")
	if snap.State == nil {
		return nil
	}
	st, err := flows.DecodeState(snap.State)
	if err != nil {
		return fmt.Errorf("state does not decode: %v", err)
	}
	if st.Flow != "" {
		f := lib.Flow(st.Flow)
		if f == nil || f.Step(st.Step) == nil || !f.Step(st.Step).Waits() {
			return fmt.Errorf("state rests on %s/%s, which is not a waiting step", st.Flow, st.Step)
		}
	}
	if st.Consent == nil && (len(st.Vars) > 0 || len(st.Agenda) > 0 || st.Intention != "") {
		return fmt.Errorf("answers kept without consent: %+v", st)
	}
	if st.Locale != "en" && st.Locale != "de" {
		return fmt.Errorf("locale %q", st.Locale)
	}
	if len(st.Agenda) > 30 {
		return fmt.Errorf("agenda of %d items", len(st.Agenda))
	}
	for k, v := range st.Vars {
		if len([]rune(v)) > flows.DefaultMaxLen || strings.ContainsAny(v, "\x00\u202e") {
			return fmt.Errorf("answer %s is %d characters or holds control characters", k, len([]rune(v)))
		}
	}
	return nil
}
