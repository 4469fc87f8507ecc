package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/when"
)

// Reminder is a kind of message the bot sends on its own. A client has at most one pending
// wake-up per kind.
type Reminder string

// The reminders.
const (
	RemindCheckin Reminder = "checkin" // the weekly check-in
	RemindPrepare Reminder = "prepare" // before a session
	RemindReflect Reminder = "reflect" // a few hours after a session
	RemindNudge   Reminder = "nudge"   // one gentle nudge for an unanswered check-in
	RemindExpire  Reminder = "expire"  // an unanswered check-in quietly ends
)

// Reminders lists every kind, for erasure and re-arming.
var Reminders = []Reminder{RemindCheckin, RemindPrepare, RemindReflect, RemindNudge, RemindExpire}

// Schedule is when the bot writes on its own, in the client's time zone.
type Schedule struct {
	// Checkin is the weekly check-in time; nil means no check-ins.
	Checkin *when.Weekly `json:"checkin,omitempty" cbor:"1,keyasint,omitempty"`
	// Appointment is the therapy appointment.
	Appointment when.Appointment `json:"appointment,omitzero" cbor:"2,keyasint,omitzero"`
	// PrepHours is how long before a session the preparation reminder comes (2, 24 or 48).
	PrepHours int `json:"prep_hours,omitempty" cbor:"3,keyasint,omitempty"`
	// ReflectHours is how long after a session the reflection comes; -1 turns it off.
	ReflectHours int `json:"reflect_hours,omitempty" cbor:"4,keyasint,omitempty"`
	// Paused silences every reminder; PausedUntil, when set, ends the pause by itself.
	Paused      bool      `json:"paused,omitempty" cbor:"5,keyasint,omitempty"`
	PausedUntil time.Time `json:"paused_until,omitzero" cbor:"6,keyasint,omitzero"`
	// Fired is, per reminder, the last occurrence handled (sent, skipped or paused). Nothing at
	// or before it is sent again: the idempotency key of a reminder is (client, kind, occurrence).
	Fired map[Reminder]time.Time `json:"fired,omitempty" cbor:"7,keyasint,omitempty"`
	// Pending is the scheduled check-in waiting for a first answer, for the nudge and expiry.
	Pending *Pending `json:"pending,omitempty" cbor:"8,keyasint,omitempty"`
	// Sent counts the scheduled check-ins sent (every fourth repeats the disclaimer).
	Sent int `json:"sent,omitempty" cbor:"9,keyasint,omitempty"`
	// ManualFlow is the start of the check-in in progress when the client started it by hand;
	// LastManual is when they last finished one started by hand (a scheduled check-in soon
	// after it is skipped).
	ManualFlow time.Time `json:"manual_flow,omitzero" cbor:"10,keyasint,omitzero"`
	LastManual time.Time `json:"last_manual,omitzero" cbor:"11,keyasint,omitzero"`
}

// Pending is a scheduled check-in that has not been answered yet.
type Pending struct {
	Occurrence time.Time `json:"occurrence" cbor:"1,keyasint,omitempty"`
	SentAt     time.Time `json:"sent_at" cbor:"2,keyasint,omitempty"`
	Nudged     bool      `json:"nudged,omitempty" cbor:"3,keyasint,omitempty"`
}

// Defaults of a new schedule.
const (
	defaultPrepHours    = 24
	defaultReflectHours = 3
)

// Policy is the delivery policy of reminders; the zero value of a field means its default.
type Policy struct {
	// QuietFrom and QuietTo are the quiet hours in minutes after local midnight (default
	// 21:30–08:00): a reminder due inside them waits for their end.
	QuietFrom, QuietTo int
	// NoQuiet turns quiet hours off.
	NoQuiet bool
	// Grace is how late a reminder may still go out (default 6 h); a later one is skipped.
	Grace time.Duration
	// NudgeAfter is when an unanswered check-in gets its one nudge (default 24 h); it quietly
	// closes as long again after that.
	NudgeAfter time.Duration
	// SkipAfterManual: a scheduled check-in is skipped when the client did one by hand within
	// this time before it (default 3 days); negative means never skip.
	SkipAfterManual time.Duration
}

// DefaultPolicy is the policy used where none is set.
var DefaultPolicy = Policy{QuietFrom: 21*60 + 30, QuietTo: 8 * 60, Grace: 6 * time.Hour, NudgeAfter: 24 * time.Hour, SkipAfterManual: 72 * time.Hour}

func (p Policy) withDefaults() Policy {
	d := DefaultPolicy
	if p.QuietFrom != 0 || p.QuietTo != 0 || p.NoQuiet {
		d.QuietFrom, d.QuietTo = p.QuietFrom, p.QuietTo
	}
	if p.NoQuiet {
		d.QuietFrom, d.QuietTo = 0, 0
	}
	if p.Grace > 0 {
		d.Grace = p.Grace
	}
	if p.NudgeAfter > 0 {
		d.NudgeAfter = p.NudgeAfter
	}
	if p.SkipAfterManual != 0 {
		d.SkipAfterManual = p.SkipAfterManual
	}
	return d
}

// busyDelay is how long a reminder waits for a client who is in the middle of something.
const busyDelay = 30 * time.Minute

func (s *Schedule) prepHours() int {
	if s.PrepHours == 0 {
		return defaultPrepHours
	}
	return s.PrepHours
}

func (s *Schedule) reflectHours() int {
	if s.ReflectHours == 0 {
		return defaultReflectHours
	}
	return s.ReflectHours
}

// changed marks every reminder up to now as handled, so that a new schedule never sends
// something for a time that has already passed.
func (s *Schedule) changed(now time.Time) {
	if s.Fired == nil {
		s.Fired = map[Reminder]time.Time{}
	}
	for _, k := range []Reminder{RemindCheckin, RemindPrepare, RemindReflect} {
		s.Fired[k] = now
	}
}

func (s *Schedule) setCheckin(v string) {
	if v == "off" {
		s.Checkin = nil
		return
	}
	if w, err := when.ParseWeekly(v); err == nil {
		s.Checkin = &w
	}
}

func (s *Schedule) setAppointment(v string) {
	var a when.Appointment
	if err := json.Unmarshal([]byte(v), &a); err == nil {
		s.Appointment = a
	}
}

func (s *Schedule) setPrepLead(v string) {
	if h, err := strconv.Atoi(v); err == nil && (h == 2 || h == 24 || h == 48) {
		s.PrepHours = h
	}
}

func (s *Schedule) setReflect(v string) {
	if v == "off" {
		s.ReflectHours = -1
	} else if h, err := strconv.Atoi(v); err == nil && h > 0 && h <= 24 {
		s.ReflectHours = h
	}
}

// after returns the first occurrence of a reminder strictly after t.
func (s *Schedule) after(k Reminder, t time.Time, loc *time.Location, p Policy) (time.Time, bool) {
	switch k {
	case RemindCheckin:
		if s.Checkin == nil {
			return time.Time{}, false
		}
		return s.Checkin.Next(t, loc), true
	case RemindPrepare:
		lead := time.Duration(s.prepHours()) * time.Hour
		at, ok := s.Appointment.Next(t.Add(lead), loc)
		return at.Add(-lead), ok
	case RemindReflect:
		if s.reflectHours() < 0 {
			return time.Time{}, false
		}
		lag := time.Duration(s.reflectHours()) * time.Hour
		at, ok := s.Appointment.Next(t.Add(-lag), loc)
		return at.Add(lag), ok
	case RemindNudge:
		if s.Pending == nil || s.Pending.Nudged {
			return time.Time{}, false
		}
		at := s.Pending.SentAt.Add(p.NudgeAfter)
		return at, at.After(t)
	case RemindExpire:
		if s.Pending == nil {
			return time.Time{}, false
		}
		at := s.Pending.SentAt.Add(2 * p.NudgeAfter)
		return at, at.After(t)
	}
	return time.Time{}, false
}

// latest returns the last occurrence of a reminder at or before now (looking back 16 days).
func (s *Schedule) latest(k Reminder, now time.Time, loc *time.Location, p Policy) (time.Time, bool) {
	switch k {
	case RemindNudge, RemindExpire:
		if s.Pending == nil {
			return time.Time{}, false
		}
		at := s.Pending.SentAt.Add(p.NudgeAfter)
		if k == RemindExpire {
			at = at.Add(p.NudgeAfter)
		}
		return at, !at.After(now)
	}
	var last time.Time
	t := now.Add(-16 * 24 * time.Hour)
	for range 8 {
		next, ok := s.after(k, t, loc, p)
		if !ok || next.After(now) {
			break
		}
		last, t = next, next
	}
	return last, !last.IsZero()
}

// quietEnd returns when a message due at t may go out: t itself, or the end of the quiet
// hours (in the client's zone) that t falls in. Quiet hours may span midnight (21:30–08:00) or
// not (13:00–14:00); equal ends mean none.
func (p Policy) quietEnd(t time.Time, loc *time.Location) time.Time {
	local := t.In(loc)
	m := local.Hour()*60 + local.Minute()
	from, to := p.QuietFrom, p.QuietTo
	end := func(dayOffset int) time.Time {
		y, mo, d := local.AddDate(0, 0, dayOffset).Date()
		return when.FirstValid(y, mo, d, to/60, to%60, loc)
	}
	switch {
	case from == to:
		return t
	case from > to && m >= from:
		return end(1)
	case from > to && m < to:
		return end(0)
	case from < to && m >= from && m < to:
		return end(0)
	}
	return t
}

// wakes computes, per reminder, when the dispatcher should next look at this client: the next
// occurrence (moved out of quiet hours), or nothing.
func (t *turn) wakes() map[Reminder]time.Time {
	out := map[Reminder]time.Time{}
	st := t.st
	if st.Inactive || !st.consented(t.e.opts.ConsentVersion) || st.Schedule.Paused && st.Schedule.PausedUntil.IsZero() {
		return out
	}
	loc := t.zone()
	for _, k := range Reminders {
		if at, ok := st.Schedule.after(k, t.now, loc, t.e.policy); ok {
			if k != RemindExpire {
				at = t.e.policy.quietEnd(at, loc)
			}
			out[k] = at
		}
	}
	return out
}

// Fired is what Fire decided.
type Fired struct {
	// Out is what to send now; empty when nothing is due.
	Out []Outbound
	// Occurrence is the reminder's occurrence (zero when none was due).
	Occurrence time.Time
	// Outcome is one of "sent", "resent", "delivered", "late", "paused", "quiet", "busy",
	// "skipped" (a check-in by hand just before), "none".
	Outcome string
	// Key identifies the occurrence for idempotent delivery ("sched:checkin:1732561200").
	Key string
	// Due is when the reminder was due to go out (its occurrence, moved out of quiet hours).
	Due time.Time
}

// Deliveries records which reminder occurrences reached the client.
type Deliveries interface {
	// Delivered reports whether the occurrence with the key was delivered.
	Delivered(ctx context.Context, user UserKey, key string) (bool, error)
}

// Fire handles a due wake-up of reminder k for a client: it finds the occurrence that is due,
// applies the delivery policy (quiet hours, grace window, pause, not interrupting a client who
// is busy) and, when a message is to go out, starts the flow and saves the state before
// returning what to send. The dispatcher marks the occurrence delivered after sending.
func (e *Engine) Fire(ctx context.Context, user UserKey, k Reminder) (Fired, error) {
	var res Fired
	_, err := e.apply(ctx, user, "", func(t *turn) {
		res = t.fire(k)
		// Only an occurrence sent before may have been delivered already (a first send has
		// nothing to look up: one round trip less per reminder).
		if res.Key != "" && res.Outcome == "resent" && e.deliveries != nil {
			delivered, err := e.deliveries.Delivered(ctx, user, res.Key)
			if err != nil {
				t.err = err
				return
			}
			if delivered {
				res.Out, res.Outcome = nil, "delivered"
			}
		}
	})
	return res, err
}

func (t *turn) fire(k Reminder) Fired {
	st := t.st
	if st.Inactive || !st.consented(t.e.opts.ConsentVersion) {
		t.rearm = true
		return Fired{Outcome: "none"}
	}
	loc := t.zone()
	sc := &st.Schedule
	occ, ok := sc.latest(k, t.now, loc, t.e.policy)
	if !ok {
		t.rearm = true
		return Fired{Outcome: "none"}
	}
	key := "sched:" + string(k) + ":" + strconv.FormatInt(occ.Unix(), 10)
	if sc.Fired == nil {
		sc.Fired = map[Reminder]time.Time{}
	}
	switch k {
	case RemindNudge:
		t.rearm = true
		if st.Flow != "checkin" || st.Active.After(sc.Pending.SentAt) {
			sc.Pending = nil
			return Fired{Outcome: "none"}
		}
		if deliver := t.e.policy.quietEnd(occ, loc); t.now.Before(deliver) {
			t.rearm = false
			t.wakeAt = map[Reminder]time.Time{k: deliver}
			return Fired{Occurrence: occ, Outcome: "quiet"}
		}
		outcome := "sent"
		if sc.Pending.Nudged {
			outcome = "resent" // sent before; the delivery record says whether it arrived
		}
		sc.Pending.Nudged = true
		t.say(t.str("nudge"))
		t.reask()
		return Fired{Out: t.out, Occurrence: occ, Outcome: outcome, Key: key}
	case RemindExpire:
		t.rearm = true
		if st.Flow == "checkin" && !st.Active.After(sc.Pending.SentAt) {
			t.leave(false)
			t.e.log.Info("check-in expired", "user", t.user.String())
		}
		sc.Pending = nil
		return Fired{Outcome: "none"}
	}
	if fired := sc.Fired[k]; !occ.After(fired) {
		if fired.Equal(occ) && t.pendingFor(k) {
			deliver := t.e.policy.quietEnd(occ, loc)
			if t.now.Sub(deliver) > t.e.policy.Grace {
				// Never delivered, and now too late: close it quietly.
				t.leave(false)
				t.rearm = true
				return Fired{Occurrence: occ, Outcome: "late"}
			}
			if q := t.e.policy.quietEnd(t.now, loc); q.After(t.now) {
				t.wakeAt = map[Reminder]time.Time{k: q}
				return Fired{Occurrence: occ, Outcome: "quiet"}
			}
			// Started, but perhaps never delivered (a failed send, a crash): say it again.
			t.reask()
			return Fired{Out: t.out, Occurrence: occ, Outcome: "resent", Key: key}
		}
		t.rearm = true
		return Fired{Outcome: "none"}
	}
	deliver := t.e.policy.quietEnd(occ, loc)
	switch {
	case t.now.Before(deliver):
		t.wakeAt = map[Reminder]time.Time{k: deliver}
		return Fired{Occurrence: occ, Outcome: "quiet"}
	case t.now.Sub(deliver) > t.e.policy.Grace:
		sc.Fired[k] = occ
		t.rearm = true
		t.e.log.Warn("reminder skipped: too late", "user", t.user.String(), "reminder", string(k), "late", t.now.Sub(deliver).Round(time.Minute).String())
		return Fired{Occurrence: occ, Outcome: "late"}
	case sc.Paused && (sc.PausedUntil.IsZero() || t.now.Before(sc.PausedUntil)):
		sc.Fired[k] = occ
		t.rearm = true
		return Fired{Occurrence: occ, Outcome: "paused"}
	case st.Flow != "" && (t.now.Sub(st.Active) < busyDelay || t.now.Sub(st.FlowAt) < busyDelay):
		// The client is in the middle of something, or another reminder has just started a
		// conversation: do not interrupt, look again later.
		t.wakeAt = map[Reminder]time.Time{k: t.now.Add(busyDelay)}
		return Fired{Occurrence: occ, Outcome: "busy"}
	}
	if sc.Paused { // the pause has ended by itself
		sc.Paused, sc.PausedUntil = false, time.Time{}
	}
	sc.Fired[k] = occ
	t.rearm = true
	if k == RemindCheckin && t.skips(occ) {
		// The client checked in by hand just before; the check-in's closing words said so.
		t.e.log.Info("reminder skipped: a check-in by hand just before", "user", t.user.String(), "reminder", string(k))
		return Fired{Occurrence: occ, Outcome: "skipped"}
	}
	switch k {
	case RemindCheckin:
		sc.Sent++
		if sc.Sent%4 == 0 {
			t.say(t.str("reminder_disclaimer"))
		}
		t.start("checkin", "")
		sc.Pending = &Pending{Occurrence: occ, SentAt: t.now}
	case RemindPrepare:
		t.start("prepare_invite", "")
	case RemindReflect:
		t.start("reflect_invite", "")
	}
	t.e.log.Info("reminder sent", "user", t.user.String(), "reminder", string(k))
	return Fired{Out: t.out, Occurrence: occ, Outcome: "sent", Key: key, Due: deliver}
}

// pendingFor reports whether the client is still in the flow the reminder started (whether it
// reached them is for the delivery record to say).
func (t *turn) pendingFor(k Reminder) bool {
	flow := map[Reminder]string{RemindCheckin: "checkin", RemindPrepare: "prepare_invite", RemindReflect: "reflect"}[k]
	return t.st.Flow == flow
}

// whenText says when a time is, relative to now, in the client's zone and language:
// "today at 10:00", "tomorrow at 10:00" or "on 3 Dec at 10:00".
func (t *turn) whenText(at time.Time) string {
	loc := t.zone()
	local, now := at.In(loc), t.now.In(loc)
	clock := local.Format("15:04")
	dayDiff := civilDay(local) - civilDay(now)
	switch dayDiff {
	case 0:
		return fill(t.str("today_at"), map[string]string{"time": clock})
	case 1:
		return fill(t.str("tomorrow_at"), map[string]string{"time": clock})
	}
	weekdays := strings.Fields(t.str("weekdays"))
	day := local.Weekday().String()
	if len(weekdays) == 7 {
		day = weekdays[local.Weekday()]
	}
	return fill(t.str("on_day_at"), map[string]string{"day": day, "date": t.date(at), "time": clock})
}

func civilDay(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
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

// lastManual is when the client last checked in by hand: now, while they finish one.
func (t *turn) lastManual() time.Time {
	sc := &t.st.Schedule
	if t.st.Flow == "checkin" && !sc.ManualFlow.IsZero() && sc.ManualFlow.Equal(t.st.FlowAt) && t.st.Vars["mood"] != "" {
		return t.now
	}
	return sc.LastManual
}

// skips reports whether the scheduled check-in at occ is skipped: the client checked in by
// hand within the policy's window before it.
func (t *turn) skips(occ time.Time) bool {
	last, within := t.lastManual(), t.e.policy.SkipAfterManual
	return within > 0 && !last.IsZero() && !last.After(occ) && occ.Sub(last) <= within
}

// dayRef names the day of a time relative to today, for "I'll skip Sunday's": "today's",
// "tomorrow's", "Sunday's".
func (t *turn) dayRef(at time.Time) string {
	local, now := at.In(t.zone()), t.now.In(t.zone())
	switch civilDay(local) - civilDay(now) {
	case 0:
		return t.str("skip_day_today")
	case 1:
		return t.str("skip_day_tomorrow")
	}
	weekdays := strings.Fields(t.str("weekdays"))
	day := local.Weekday().String()
	if len(weekdays) == 7 {
		day = weekdays[local.Weekday()]
	}
	return fill(t.str("skip_day_on"), map[string]string{"day": day})
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
	weekdays := strings.Fields(t.str("weekdays"))
	day := real.In(t.zone()).Weekday().String()
	if len(weekdays) == 7 {
		day = weekdays[real.In(t.zone()).Weekday()]
	}
	return fill(t.str("checkin_quiet"), map[string]string{
		"chosen": weeklyText(t, *sc.Checkin), "from": clock(p.QuietFrom), "to": clock(p.QuietTo),
		"day": day, "time": real.In(t.zone()).Format("15:04"),
	})
}

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

func weeklyText(t *turn, w when.Weekly) string {
	weekdays := strings.Fields(t.str("weekly_days"))
	day := w.Day.String() + "s"
	if len(weekdays) == 7 {
		day = weekdays[w.Day]
	}
	return fill(t.str("weekly_at"), map[string]string{"day": day, "time": fmt.Sprintf("%02d:%02d", w.Hour, w.Minute)})
}

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
