package flows

import (
	"fmt"

	"github.com/interlude-bot/interlude/when"
)

// The schedule as the client reads it: /schedule, /settings and the closing line of a
// check-in that says when the next one comes.

// scheduleText describes the schedule for summaries and /schedule.
func (t *turn) scheduleText() string {
	sc := &t.st.Schedule
	checkin := t.str("no_checkins")
	if sc.Checkin != nil {
		checkin = fill(t.str("checkin_at"), map[string]string{"when": weeklyText(t, *sc.Checkin)})
	}
	appt := t.str("no_session")
	if sc.Appointment.Kind != when.KindNone {
		a := sc.Appointment
		a.Anchor = a.Anchor.In(t.zone()) // said in the client's clock time
		appt = fill(t.str("session_at"), map[string]string{"when": a.Describe(t.locale())})
		if sc.Appointment.Kind == when.KindOnce && !sc.Appointment.Anchor.After(t.now) {
			appt = t.str("no_session")
		}
	}
	return checkin + "\n" + appt
}

// nextCheckin is the closing line of a check-in: when the next one comes.
func (t *turn) nextCheckin() string {
	sc := &t.st.Schedule
	if sc.Checkin == nil {
		return t.str("no_checkins")
	}
	at, ok := sc.after(RemindCheckin, t.now, t.zone(), t.e.policy)
	if !ok {
		return ""
	}
	skipped := ""
	if t.skips(at) {
		skipped = fill(t.str("skip_note"), map[string]string{"day": t.dayRef(t.e.policy.quietEnd(at, t.zone()))}) + " "
		at, _ = sc.after(RemindCheckin, at, t.zone(), t.e.policy)
	}
	at = t.e.policy.quietEnd(at, t.zone())
	if sc.Paused && (sc.PausedUntil.IsZero() || at.Before(sc.PausedUntil)) {
		return t.str("paused_line")
	}
	return skipped + fill(t.str("next_checkin"), map[string]string{"when": t.whenText(at), "zone": t.st.Zone})
}

// quietNote says, when the check-in time lies in quiet hours, when it will really come;
// empty when it does not.
func (t *turn) quietNote() string {
	sc := &t.st.Schedule
	if sc.Checkin == nil {
		return ""
	}
	at, _ := sc.after(RemindCheckin, t.now, t.zone(), t.e.policy)
	real := t.e.policy.quietEnd(at, t.zone())
	if real.Equal(at) {
		return ""
	}
	p := t.e.policy
	clock := func(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }
	return fill(t.str("checkin_quiet"), map[string]string{
		"chosen": weeklyText(t, *sc.Checkin), "from": clock(p.QuietFrom), "to": clock(p.QuietTo),
		"day": t.weekday(real.In(t.zone()).Weekday()), "time": real.In(t.zone()).Format("15:04"),
	})
}
