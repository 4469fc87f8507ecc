package when

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// Weekly is a time of the week in the client's own time zone, such as a
// weekly check-in on Sunday at 19:00.
type Weekly struct {
	Day    time.Weekday `cbor:"1,keyasint,omitempty"`
	Hour   int          `cbor:"2,keyasint,omitempty"` // 0–23
	Minute int          `cbor:"3,keyasint,omitempty"` // 0–59
}

// String formats w as "Sunday 19:00", which [ParseWeekly] reads back.
func (w Weekly) String() string {
	return fmt.Sprintf("%s %02d:%02d", w.Day, w.Hour, w.Minute)
}

// valid reports whether every field of w is in range.
func (w Weekly) valid() bool {
	return w.Day >= time.Sunday && w.Day <= time.Saturday &&
		w.Hour >= 0 && w.Hour < 24 && w.Minute >= 0 && w.Minute < 60
}

// Next returns the first occurrence of w in loc strictly after after, in
// loc (nil means UTC), or the zero time if w is out of range.
//
// robfig/cron computes it. Around daylight saving changes two guards apply:
// a wall time that a spring-forward change skips occurs at the first valid
// instant after the gap (Europe/Berlin, Sunday 02:30 on 2027-03-28 gives
// 03:00 CEST, not 02:30 a week later), and a wall time that a fall-back
// change repeats occurs only at its first instant, so that
// Next(previous occurrence) never returns the second 02:30 of the same night
// (nor does Next of any instant between the two). Every week therefore has
// exactly one occurrence, at [FirstValid] of its date.
func (w Weekly) Next(after time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	s, ok := w.schedule(loc)
	if !ok {
		return time.Time{}
	}
	after = after.In(loc)
	c := w.cronNext(s, after, loc) // with guard 1
	// Guard 2: cron never fires at a skipped wall time and so loses a week.
	if g := w.skipped(after, c, loc); !g.IsZero() {
		return g
	}
	return c
}

// cronNext returns the first time after after at which the cron schedule s
// fires and that is the first instant of w's wall time, or the zero time.
//
// Guard 1: cron fires at both instants of a wall time that a fall-back
// change repeats; the second is dropped. robfig/cron can also return another
// day's time when the day after the schedule's day has no midnight
// (America/Sao_Paulo, 2018-11-04: "0 1 * * SAT" fires on Sunday 01:00);
// that is dropped too.
func (w Weekly) cronNext(s *cron.SpecSchedule, after time.Time, loc *time.Location) time.Time {
	c := after
	for range 4 {
		if c = s.Next(c); c.IsZero() || w.firstInstant(c, loc) {
			return c
		}
	}
	return time.Time{}
}

// schedule returns the cron schedule "M H * * D" in loc.
//
// It is the schedule that cron.ParseStandard("CRON_TZ=<zone> M H * * D")
// returns, with the location set directly rather than by name: that works
// for fixed zones like "UTC+05:30" too, which have no tz database name, and
// does not load the zone again on every call.
func (w Weekly) schedule(loc *time.Location) (*cron.SpecSchedule, bool) {
	if !w.valid() {
		return nil, false
	}
	s, err := cron.ParseStandard(fmt.Sprintf("%d %d * * %d", w.Minute, w.Hour, w.Day))
	if err != nil {
		return nil, false
	}
	spec := s.(*cron.SpecSchedule)
	spec.Location = loc
	return spec, true
}

// firstInstant reports whether c (in loc) is on w's day at w's time, and the
// first instant at which clocks show it.
func (w Weekly) firstInstant(c time.Time, loc *time.Location) bool {
	y, m, d := c.Date()
	return c.Weekday() == w.Day && c.Hour() == w.Hour && c.Minute() == w.Minute &&
		FirstValid(y, m, d, w.Hour, w.Minute, loc).Equal(c)
}

// skipped returns the first occurrence of w after after and before the cron
// time c (no later than a week on when c is zero) that cron did not return:
// a wall time that a spring-forward change skipped. It returns the zero time
// when there is none.
func (w Weekly) skipped(after, c time.Time, loc *time.Location) time.Time {
	y, m, d := after.Date()
	for i := -1; i <= 8; i++ { // from the day before: a gap can push a time past midnight
		day := time.Date(y, m, d+i, 12, 0, 0, 0, time.UTC)
		if !c.IsZero() && day.After(time.Date(c.Year(), c.Month(), c.Day(), 12, 0, 0, 0, time.UTC)) {
			break
		}
		if day.Weekday() != w.Day {
			continue
		}
		t := FirstValid(day.Year(), day.Month(), day.Day(), w.Hour, w.Minute, loc)
		if t.After(after) && (c.IsZero() || t.Before(c)) {
			return t
		}
	}
	return time.Time{}
}

// FirstValid returns the first instant at which clocks in loc (nil means
// UTC) show the given date and time, normalised like [time.Date].
//
// When the wall time happens twice (clocks go back), it is the first of the
// two instants. When it does not happen at all (clocks jump forward over
// it), it is the first instant after the gap: 03:00 for 02:30 when clocks
// jump from 02:00 to 03:00.
//
// time.Date is not enough for either case: it returns one of the two
// instants of a repeated time without saying which, and it moves a skipped
// time by the size of the gap, forward or backward depending on the zone
// (in Europe/Berlin 02:30 becomes 03:30; in America/New_York, 01:30).
func FirstValid(year int, month time.Month, day, hour, min int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	wall := time.Date(year, month, day, hour, min, 0, 0, time.UTC) // the wall time, read as UTC
	t := time.Date(year, month, day, hour, min, 0, 0, loc)
	start, end := t.ZoneBounds()

	// The wall time in t's zone, or in the zone before or after it.
	var best time.Time
	try := func(u time.Time) {
		if wallClock(u, loc).Equal(wall) && (best.IsZero() || u.Before(best)) {
			best = u
		}
	}
	try(t)
	if !start.IsZero() {
		try(inZoneOf(wall, start.Add(-time.Nanosecond), loc))
	}
	if !end.IsZero() {
		try(inZoneOf(wall, end, loc))
	}
	if !best.IsZero() {
		return best.In(loc)
	}

	// A gap: the first valid instant after it is the change that skipped it,
	// which bounds the zone time.Date picked on one side or the other.
	if wallClock(t, loc).Before(wall) {
		return end.In(loc)
	}
	return start.In(loc)
}

// wallClock returns the wall time of t in loc, read as UTC.
func wallClock(t time.Time, loc *time.Location) time.Time {
	_, offset := t.In(loc).Zone()
	return t.UTC().Add(time.Duration(offset) * time.Second)
}

// inZoneOf returns the instant at which the wall time wall (read as UTC)
// would be, given the UTC offset loc has at instant ref.
func inZoneOf(wall, ref time.Time, loc *time.Location) time.Time {
	_, offset := ref.In(loc).Zone()
	return wall.Add(-time.Duration(offset) * time.Second)
}
