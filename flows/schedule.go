package flows

import (
	"encoding/json"
	"strconv"
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
