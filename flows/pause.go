package flows

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/when"
)

// Silence: /pause and /resume, and a client who blocked the bot.

// pause silences reminders, until a date when one is given ("/pause until 2027-01-06").
func (t *turn) pause(arg string) {
	sc := &t.st.Schedule
	arg = strings.TrimSpace(arg)
	if arg == "" {
		sc.Paused, sc.PausedUntil = true, time.Time{}
		t.rearm = true
		t.say(t.str("paused"))
		t.reask()
		return
	}
	until, err := when.ParseDate(arg, t.now, t.zone())
	if err != nil {
		key := "pause_unclear"
		var ue *when.UnclearError
		if errors.As(err, &ue) && (ue.Missing == when.MissingPast || ue.Missing == when.MissingFar) {
			key = "pause_" + ue.Missing
		}
		t.say(t.str(key))
		t.reask()
		return
	}
	sc.Paused, sc.PausedUntil = true, until
	t.rearm = true
	t.say(fill(t.str("paused_until"), map[string]string{"date": t.date(until)}))
	t.reask()
}

func (t *turn) resume() {
	sc := &t.st.Schedule
	if !sc.Paused {
		t.say(t.str("not_paused"))
		t.reask()
		return
	}
	sc.Paused, sc.PausedUntil = false, time.Time{}
	sc.changed(t.now)
	t.rearm = true
	t.say(t.str("resumed") + "\n" + t.nextCheckin())
	t.reask()
}

// Block marks a client who blocked the bot as inactive: nothing is sent, and their reminders
// stop, until they /start again.
func (e *Engine) Block(ctx context.Context, user UserKey) error {
	_, err := e.apply(ctx, user, "", func(t *turn) {
		if !t.st.Started() {
			return
		}
		t.st.Inactive = true
		t.rearm = true
		e.log.Info("client blocked the bot: marked inactive", "user", user.String())
	})
	return err
}
