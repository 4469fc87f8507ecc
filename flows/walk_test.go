package flows_test

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

var walks = flag.Int("walks", 10000, "random walks in TestRandomWalks")

// TestRandomWalks sends random input (commands, buttons old and new, forged ids, text of every
// kind) through every flow and checks after every message that the state is valid.
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
	for w := range *walks {
		rng := rand.New(rand.NewPCG(uint64(w), 42))
		user := flows.UserKey{Platform: flows.Telegram, ID: flows.UserID(strconv.Itoa(w % 500))}
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
				t.Fatalf("walk %d step %d (%+v): %v", w, i, in, err)
			}
			for _, o := range outs {
				if o.Text == "" && o.File == nil && o.Image == nil {
					t.Fatalf("walk %d step %d: empty message", w, i)
				}
				// Answers keep up to 4,000 characters and the agenda up to 30 items, so a list of
				// them may be long; adapters split it. This only catches a runaway message.
				if len([]rune(o.Text)) > flows.MaxTextLen*40 {
					t.Fatalf("walk %d step %d: message of %d characters: %.200q", w, i, len([]rune(o.Text)), o.Text)
				}
				for _, b := range o.Buttons {
					if len(b.ID) > flows.MaxButtonBytes || b.Label == "" {
						t.Fatalf("walk %d step %d: bad button %+v", w, i, b)
					}
				}
				if len(o.Buttons) > 0 {
					buttons = o.Buttons
				}
			}
			checkState(t, lib, store, user, fmt.Sprintf("walk %d step %d", w, i))
		}
	}
}

func checkState(t *testing.T, lib *flows.Library, store *memStore, user flows.UserKey, where string) {
	t.Helper()
	snap, _ := store.Load(context.Background(), user, "")
	if snap.State == nil {
		return
	}
	st, err := flows.DecodeState(snap.State)
	if err != nil {
		t.Fatalf("%s: state does not decode: %v", where, err)
	}
	if st.Flow != "" {
		f := lib.Flow(st.Flow)
		if f == nil || f.Step(st.Step) == nil || !f.Step(st.Step).Waits() {
			t.Fatalf("%s: state rests on %s/%s, which is not a waiting step", where, st.Flow, st.Step)
		}
	}
	if st.Consent == nil && (len(st.Vars) > 0 || len(st.Agenda) > 0 || st.Intention != "") {
		t.Fatalf("%s: answers kept without consent: %+v", where, st)
	}
	if st.Locale != "en" && st.Locale != "de" {
		t.Fatalf("%s: locale %q", where, st.Locale)
	}
	if len(st.Agenda) > 30 {
		t.Fatalf("%s: agenda of %d items", where, len(st.Agenda))
	}
	for k, v := range st.Vars {
		if len([]rune(v)) > flows.DefaultMaxLen || strings.ContainsAny(v, "\x00\u202e") {
			t.Fatalf("%s: answer %s is %d characters or holds control characters", where, k, len([]rune(v)))
		}
	}
}
