package when

import (
	"fmt"
	"strings"
	"time"
)

// AppointmentKind says how a therapy appointment repeats.
type AppointmentKind int

// The kinds of appointment.
const (
	KindNone     AppointmentKind = iota // no appointment known (yet)
	KindWeekly                          // every week at Appointment.Weekly
	KindBiweekly                        // every other week at Appointment.Weekly, in the weeks of Appointment.Anchor
	KindOnce                            // once, at Appointment.Anchor
)

// String returns "none", "weekly", "biweekly" or "once".
func (k AppointmentKind) String() string {
	switch k {
	case KindNone:
		return "none"
	case KindWeekly:
		return "weekly"
	case KindBiweekly:
		return "biweekly"
	case KindOnce:
		return "once"
	}
	return fmt.Sprintf("AppointmentKind(%d)", int(k))
}

// Appointment is a client's therapy appointment.
type Appointment struct {
	Kind AppointmentKind `cbor:"1,keyasint,omitempty"`
	// Weekly is the day and time of a weekly or biweekly appointment.
	Weekly Weekly `cbor:"2,keyasint,omitzero"`
	// Anchor is, for a biweekly appointment, one of its occurrences (the
	// first, unless the client named another date), which decides which
	// weeks are "on"; for a one-off appointment, its date and time. It is
	// zero for the other kinds.
	Anchor time.Time `cbor:"3,keyasint,omitzero"`
}

// Next returns the first occurrence of a strictly after after, with the
// daylight saving guards of [Weekly.Next], and false when there is none:
// no appointment, a one-off appointment that has passed, or a biweekly one
// without an Anchor.
//
// The weeks of a biweekly appointment are counted in whole calendar weeks in
// loc between the dates of Anchor and of each weekly occurrence (not in
// multiples of 168 hours, which drift by an hour at every daylight saving
// change); occurrences before Anchor do not count.
func (a Appointment) Next(after time.Time, loc *time.Location) (time.Time, bool) {
	if loc == nil {
		loc = time.UTC
	}
	var t time.Time
	switch a.Kind {
	case KindWeekly:
		t = a.Weekly.Next(after, loc)
	case KindBiweekly:
		if a.Anchor.IsZero() {
			return time.Time{}, false
		}
		if after.Before(a.Anchor) {
			after = a.Anchor.Add(-time.Nanosecond)
		}
		t = a.Weekly.Next(after, loc)
		if !t.IsZero() && weeksBetween(a.Anchor.In(loc), t)%2 != 0 {
			t = a.Weekly.Next(t, loc)
		}
	case KindOnce:
		if a.Anchor.After(after) {
			t = a.Anchor
		}
	}
	return t, !t.IsZero()
}

// weeksBetween returns the number of calendar weeks between a's date and
// b's date (each read in its own location), rounded to the nearest week so
// that a time pushed past midnight by a daylight saving gap, or an anchor
// seen from another zone, still counts for its week.
func weeksBetween(a, b time.Time) int {
	days := civilDays(b) - civilDays(a)
	if days < 0 {
		days = -days
	}
	return (days + 3) / 7
}

// civilDays returns the number of days from 1970-01-01 to t's date.
func civilDays(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Describe says when a is, in English ("en", the default) or German ("de",
// "de-AT", …): "every Thursday at 10:00", "jeden Donnerstag um 10:00", "on
// Thursday, 3 December 2026 at 10:00". A biweekly appointment names the date
// of its Anchor, so that the client can check the weeks: "every other
// Tuesday at 18:30, starting 24 November 2026", "jeden zweiten Dienstag um
// 18:30, ab dem 24. November 2026". Dates are those of the Anchor in its
// own location. [ParseAppointment] reads the text back.
func (a Appointment) Describe(locale string) string {
	de := strings.HasPrefix(strings.ToLower(locale), "de")
	w := a.Weekly
	day := dayName(w.Day, de)
	clock := fmt.Sprintf("%02d:%02d", w.Hour, w.Minute)
	switch {
	case a.Kind == KindNone && de:
		return "kein Termin"
	case a.Kind == KindNone:
		return "no appointment"
	case a.Kind == KindWeekly && de:
		return fmt.Sprintf("jeden %s um %s", day, clock)
	case a.Kind == KindWeekly:
		return fmt.Sprintf("every %s at %s", day, clock)
	case a.Kind == KindBiweekly && de && a.Anchor.IsZero():
		return fmt.Sprintf("jeden zweiten %s um %s", day, clock)
	case a.Kind == KindBiweekly && de:
		t := a.Anchor
		return fmt.Sprintf("jeden zweiten %s um %s, ab dem %d. %s %d", day, clock, t.Day(), germanMonths[t.Month()-1], t.Year())
	case a.Kind == KindBiweekly && a.Anchor.IsZero():
		return fmt.Sprintf("every other %s at %s", day, clock)
	case a.Kind == KindBiweekly:
		return fmt.Sprintf("every other %s at %s, starting %s", day, clock, a.Anchor.Format("2 January 2006"))
	case a.Kind == KindOnce && de:
		t := a.Anchor
		return fmt.Sprintf("am %s, %d. %s %d um %02d:%02d",
			germanDays[t.Weekday()], t.Day(), germanMonths[t.Month()-1], t.Year(), t.Hour(), t.Minute())
	case a.Kind == KindOnce:
		return a.Anchor.Format("on Monday, 2 January 2006 at 15:04")
	}
	return a.Kind.String()
}

// dayName returns the English or German name of d.
func dayName(d time.Weekday, de bool) string {
	if de && d >= time.Sunday && d <= time.Saturday {
		return germanDays[d]
	}
	return d.String()
}

var (
	germanDays   = [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}
	germanMonths = [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}
)
