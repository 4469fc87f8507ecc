package when

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/robfig/cron/v3"
)

// The zones the schedule tests run in. America/Sao_Paulo had daylight saving
// time until February 2019, with changes at midnight.
var testZones = []string{"Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo", "UTC+05:30", "UTC-03:00"}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, got, err := ParseZone(name)
	if err != nil || got != name {
		t.Fatalf("ParseZone(%q) = %q, %v", name, got, err)
	}
	return loc
}

// at parses an RFC 3339 time and returns it in loc.
func at(t testing.TB, s string, loc *time.Location) time.Time {
	t.Helper()
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm.In(loc)
}

// instant compares times as instants, ignoring their locations.
var instant = cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })

func TestFirstValid(t *testing.T) {
	tests := []struct {
		zone                 string
		y, mo, d, h, mi      int
		want, whatTimeDateIs string // RFC 3339; what time.Date gives
	}{
		// Spring forward: the first valid instant after the gap.
		{"Europe/Berlin", 2027, 3, 28, 2, 30, "2027-03-28T03:00:00+02:00", "2027-03-28T03:30:00+02:00"},
		{"Europe/Berlin", 2027, 3, 28, 2, 0, "2027-03-28T03:00:00+02:00", "2027-03-28T03:00:00+02:00"},
		{"Europe/Berlin", 2027, 3, 28, 3, 0, "2027-03-28T03:00:00+02:00", "2027-03-28T03:00:00+02:00"},
		{"Europe/Berlin", 2027, 3, 28, 1, 59, "2027-03-28T01:59:00+01:00", "2027-03-28T01:59:00+01:00"},
		{"America/New_York", 2027, 3, 14, 2, 30, "2027-03-14T03:00:00-04:00", "2027-03-14T01:30:00-05:00"},
		{"Australia/Sydney", 2027, 10, 3, 2, 30, "2027-10-03T03:00:00+11:00", "2027-10-03T03:30:00+11:00"},
		{"America/Sao_Paulo", 2018, 11, 4, 0, 30, "2018-11-04T01:00:00-02:00", "2018-11-03T23:30:00-03:00"},
		{"Australia/Lord_Howe", 2027, 10, 3, 2, 15, "2027-10-03T02:30:00+11:00", "2027-10-03T02:45:00+11:00"},
		{"Antarctica/Troll", 2027, 3, 28, 2, 0, "2027-03-28T03:00:00+02:00", "2027-03-28T04:00:00+02:00"}, // a two-hour gap
		// Fall back: the first of the two instants.
		{"Europe/Berlin", 2027, 10, 31, 2, 30, "2027-10-31T02:30:00+02:00", "2027-10-31T02:30:00+01:00"},
		{"Europe/Berlin", 2027, 10, 31, 2, 0, "2027-10-31T02:00:00+02:00", "2027-10-31T02:00:00+01:00"},
		{"Europe/Berlin", 2027, 10, 31, 3, 0, "2027-10-31T03:00:00+01:00", "2027-10-31T03:00:00+01:00"},
		{"America/New_York", 2027, 11, 7, 1, 30, "2027-11-07T01:30:00-04:00", "2027-11-07T01:30:00-04:00"},
		{"Australia/Sydney", 2027, 4, 4, 2, 30, "2027-04-04T02:30:00+11:00", "2027-04-04T02:30:00+10:00"},
		{"America/Sao_Paulo", 2018, 2, 17, 23, 30, "2018-02-17T23:30:00-02:00", "2018-02-17T23:30:00-02:00"},
		{"America/Sao_Paulo", 2019, 2, 16, 23, 30, "2019-02-16T23:30:00-02:00", "2019-02-16T23:30:00-02:00"},
		// Normal times, and zones without changes.
		{"America/Sao_Paulo", 2019, 11, 3, 0, 30, "2019-11-03T00:30:00-03:00", "2019-11-03T00:30:00-03:00"},
		{"Asia/Kolkata", 2027, 3, 28, 2, 30, "2027-03-28T02:30:00+05:30", "2027-03-28T02:30:00+05:30"},
		{"UTC+05:30", 2027, 3, 28, 2, 30, "2027-03-28T02:30:00+05:30", "2027-03-28T02:30:00+05:30"},
		{"Europe/Berlin", 2027, 1, 32, 25, 0, "2027-02-02T01:00:00+01:00", "2027-02-02T01:00:00+01:00"}, // normalised
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%s/%04d-%02d-%02d_%02d:%02d", tt.zone, tt.y, tt.mo, tt.d, tt.h, tt.mi)
		t.Run(name, func(t *testing.T) {
			loc := mustZone(t, tt.zone)
			got := FirstValid(tt.y, time.Month(tt.mo), tt.d, tt.h, tt.mi, loc)
			if diff := cmp.Diff(at(t, tt.want, loc), got, instant); diff != "" {
				t.Errorf("FirstValid: -want +got:\n%s", diff)
			}
			if got.Location() != loc {
				t.Errorf("FirstValid returned a time in %v, want %v", got.Location(), loc)
			}
			// Documents what time.Date does, which is why FirstValid exists.
			naive := time.Date(tt.y, time.Month(tt.mo), tt.d, tt.h, tt.mi, 0, 0, loc)
			if diff := cmp.Diff(at(t, tt.whatTimeDateIs, loc), naive, instant); diff != "" {
				t.Errorf("time.Date: -want +got:\n%s", diff)
			}
		})
	}
	if got, want := FirstValid(2027, 3, 28, 2, 30, nil), time.Date(2027, 3, 28, 2, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("FirstValid(nil location) = %v, want %v", got, want)
	}
}

// transitions returns the instants in [from, to) at which loc changes its
// UTC offset.
func transitions(loc *time.Location, from, to time.Time) []time.Time {
	var ts []time.Time
	for t := from; t.Before(to); {
		_, end := t.In(loc).ZoneBounds()
		if end.IsZero() || !end.Before(to) {
			break
		}
		if _, o1 := end.Add(-time.Nanosecond).In(loc).Zone(); func() bool { _, o2 := end.In(loc).Zone(); return o1 != o2 }() {
			ts = append(ts, end)
		}
		t = end
	}
	return ts
}

// scanFirstValid is the obvious, slow FirstValid: the first minute in
// [from, from+span) whose wall clock shows w or later.
func scanFirstValid(w time.Time, from time.Time, span time.Duration, loc *time.Location) time.Time {
	for u := from; u.Before(from.Add(span)); u = u.Add(time.Minute) {
		if !wallClock(u, loc).Before(w) {
			return u
		}
	}
	return time.Time{}
}

// TestFirstValidAroundTransitions compares FirstValid with a minute-by-minute
// scan around every change of the test zones from 2018 to 2030, and of every
// zone in 2027.
func TestFirstValidAroundTransitions(t *testing.T) {
	check := func(t *testing.T, name string, from, to time.Time) {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range transitions(loc, from, to) {
			before := wallClock(tr.Add(-time.Minute), loc).Add(time.Minute)
			after := wallClock(tr, loc)
			lo, hi := min(before.Unix(), after.Unix())-3600, max(before.Unix(), after.Unix())+3600
			for w := time.Unix(lo, 0).UTC(); w.Unix() <= hi; w = w.Add(15 * time.Minute) {
				want := scanFirstValid(w, tr.Add(-4*time.Hour), 8*time.Hour, loc)
				if want.IsZero() || want.Equal(tr.Add(-4*time.Hour)) {
					t.Fatalf("%s %v: scan window too small for %v", name, tr, w)
				}
				got := FirstValid(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), loc)
				if !got.Equal(want) {
					t.Errorf("%s (change at %v): FirstValid(%s) = %v, want %v", name, tr.In(loc), w.Format("2006-01-02 15:04"), got, want.In(loc))
				}
			}
		}
	}
	from, to := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, name := range append(testZones[:5:5], "Australia/Lord_Howe", "Antarctica/Troll", "America/Santiago", "America/Havana", "Africa/Casablanca", "Europe/Dublin", "Pacific/Chatham", "Asia/Tehran") {
		check(t, name, from, to)
	}
	for _, z := range zones {
		check(t, z.name, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC))
	}
}

func TestWeeklyNextAtChanges(t *testing.T) {
	tests := []struct {
		zone   string
		w      Weekly
		after  string
		want   string
		cronTo string // what plain cron returns; empty when it agrees
	}{
		// Spring forward: cron loses the week; we fire right after the gap.
		{"Europe/Berlin", Weekly{time.Sunday, 2, 30}, "2027-03-21T02:30:00+01:00", "2027-03-28T03:00:00+02:00", "2027-04-04T02:30:00+02:00"},
		{"Europe/Berlin", Weekly{time.Sunday, 2, 30}, "2027-03-28T03:00:00+02:00", "2027-04-04T02:30:00+02:00", ""},
		{"Europe/Berlin", Weekly{time.Sunday, 2, 0}, "2026-03-22T12:00:00+01:00", "2026-03-29T03:00:00+02:00", "2026-04-05T02:00:00+02:00"},
		{"America/New_York", Weekly{time.Sunday, 2, 30}, "2027-03-10T00:00:00-05:00", "2027-03-14T03:00:00-04:00", "2027-03-21T02:30:00-04:00"},
		{"Australia/Sydney", Weekly{time.Sunday, 2, 30}, "2027-09-30T00:00:00+10:00", "2027-10-03T03:00:00+11:00", "2027-10-10T02:30:00+11:00"},
		{"America/Sao_Paulo", Weekly{time.Sunday, 0, 30}, "2018-11-01T00:00:00-03:00", "2018-11-04T01:00:00-02:00", "2018-11-11T00:30:00-02:00"},
		{"America/Sao_Paulo", Weekly{time.Saturday, 1, 0}, "2018-11-03T01:00:00-03:00", "2018-11-10T01:00:00-02:00", "2018-11-04T01:00:00-02:00"}, // cron picks a Sunday
		// Fall back: cron fires twice; we fire once, at the first instant.
		{"Europe/Berlin", Weekly{time.Sunday, 2, 30}, "2027-10-24T02:30:00+02:00", "2027-10-31T02:30:00+02:00", ""},
		{"Europe/Berlin", Weekly{time.Sunday, 2, 30}, "2027-10-31T02:30:00+02:00", "2027-11-07T02:30:00+01:00", "2027-10-31T02:30:00+01:00"},
		{"Europe/Berlin", Weekly{time.Sunday, 2, 30}, "2027-10-31T02:45:00+02:00", "2027-11-07T02:30:00+01:00", "2027-10-31T02:30:00+01:00"},
		{"America/New_York", Weekly{time.Sunday, 1, 30}, "2027-11-07T01:30:00-04:00", "2027-11-14T01:30:00-05:00", "2027-11-07T01:30:00-05:00"},
		{"Australia/Sydney", Weekly{time.Sunday, 2, 30}, "2027-04-04T02:30:00+11:00", "2027-04-11T02:30:00+10:00", "2027-04-04T02:30:00+10:00"},
		{"America/Sao_Paulo", Weekly{time.Saturday, 23, 30}, "2018-02-17T23:30:00-02:00", "2018-02-24T23:30:00-03:00", "2018-02-17T23:30:00-03:00"},
		{"America/Sao_Paulo", Weekly{time.Saturday, 23, 30}, "2019-02-16T23:30:00-02:00", "2019-02-23T23:30:00-03:00", "2019-02-16T23:30:00-03:00"},
		// After Brazil dropped daylight saving time, and zones without it.
		{"America/Sao_Paulo", Weekly{time.Sunday, 0, 30}, "2019-11-01T00:00:00-03:00", "2019-11-03T00:30:00-03:00", ""},
		{"Asia/Kolkata", Weekly{time.Sunday, 2, 30}, "2027-03-27T00:00:00+05:30", "2027-03-28T02:30:00+05:30", ""},
		{"UTC+05:30", Weekly{time.Sunday, 2, 30}, "2027-03-27T00:00:00Z", "2027-03-28T02:30:00+05:30", ""},
		{"UTC-03:00", Weekly{time.Wednesday, 19, 0}, "2027-03-24T22:00:00Z", "2027-03-31T19:00:00-03:00", ""},
		// Ordinary weeks; "after" is exclusive.
		{"Europe/Berlin", Weekly{time.Wednesday, 19, 0}, "2026-12-02T19:00:00+01:00", "2026-12-09T19:00:00+01:00", ""},
		{"Europe/Berlin", Weekly{time.Wednesday, 19, 0}, "2026-12-02T18:59:59+01:00", "2026-12-02T19:00:00+01:00", ""},
	}
	for _, tt := range tests {
		t.Run(tt.zone+"/"+tt.w.String()+"/"+tt.after, func(t *testing.T) {
			loc := mustZone(t, tt.zone)
			after := at(t, tt.after, time.UTC) // any location will do
			got := tt.w.Next(after, loc)
			if diff := cmp.Diff(at(t, tt.want, loc), got, instant); diff != "" {
				t.Errorf("Next: -want +got:\n%s", diff)
			}
			if got.Location() != loc {
				t.Errorf("Next returned a time in %v, want %v", got.Location(), loc)
			}
			s, _ := tt.w.schedule(loc)
			cronTo := tt.cronTo
			if cronTo == "" {
				cronTo = tt.want
			}
			if diff := cmp.Diff(at(t, cronTo, loc), s.Next(after), instant); diff != "" {
				t.Errorf("plain cron: -want +got:\n%s", diff)
			}
		})
	}
}

// TestWeeklyEveryWeek walks weekly schedules through every week of 2018 to
// 2030: exactly one occurrence per week, at the wall time, or right after a
// spring-forward gap, and never at the second instant of a fall-back hour.
// The times cover the changes of every test zone: 02:00–03:00 on Sundays,
// and 00:00–01:00 on Sundays and 23:00–24:00 on Saturdays in São Paulo.
func TestWeeklyEveryWeek(t *testing.T) {
	var all []Weekly
	for _, c := range [][2]int{{0, 30}, {1, 30}, {2, 0}, {2, 30}, {3, 0}} {
		all = append(all, Weekly{time.Sunday, c[0], c[1]})
	}
	all = append(all, Weekly{time.Saturday, 23, 30}, Weekly{time.Saturday, 1, 0}, Weekly{time.Wednesday, 19, 0})
	for _, name := range testZones {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			loc := mustZone(t, name)
			ws := all
			if len(transitions(loc, time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))) == 0 {
				ws = []Weekly{{time.Sunday, 2, 30}, {time.Wednesday, 19, 0}}
			}
			for _, w := range ws {
				walkWeeks(t, w, loc)
			}
		})
	}
}

func walkWeeks(t *testing.T, w Weekly, loc *time.Location) {
	t.Helper()
	date := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC) // the civil date of the next occurrence
	for date.Weekday() != w.Day {
		date = date.AddDate(0, 0, 1)
	}
	prev := time.Date(2018, 1, 1, 0, 0, 0, 0, loc)
	for ; date.Year() <= 2030; date = date.AddDate(0, 0, 7) {
		got := w.Next(prev, loc)
		wall := time.Date(date.Year(), date.Month(), date.Day(), w.Hour, w.Minute, 0, 0, time.UTC)
		switch gotWall := wallClock(got, loc); {
		case gotWall.Equal(wall):
			for _, d := range []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour} {
				if wallClock(got.Add(-d), loc).Equal(wall) {
					t.Fatalf("%v after %v: %v is the second time clocks show %v", w, prev, got, wall)
				}
			}
		case gotWall.After(wall) && wallClock(got.Add(-time.Minute), loc).Before(wall):
			// in a gap: got is the first valid instant after it
		default:
			t.Fatalf("%v in %v after %v = %v, want it at %v or right after a gap", w, loc, prev, got, wall.Format("Mon 2006-01-02 15:04"))
		}
		prev = got
	}
}

func TestWeeklyNextWithoutLocation(t *testing.T) {
	w := Weekly{time.Monday, 9, 0}
	after := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if got, want := w.Next(after, nil), time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("Next(nil location) = %v, want %v", got, want)
	}
}

func TestWeeklyNextInvalid(t *testing.T) {
	after := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, w := range []Weekly{{7, 9, 0}, {-1, 9, 0}, {time.Monday, 24, 0}, {time.Monday, -1, 0}, {time.Monday, 9, 60}} {
		if got := w.Next(after, time.UTC); !got.IsZero() {
			t.Errorf("%+v.Next = %v, want the zero time", w, got)
		}
	}
}

// TestScheduleIsCronTZ checks that setting the schedule's Location gives the
// schedule that the design's "CRON_TZ=<zone> M H * * D" gives.
func TestScheduleIsCronTZ(t *testing.T) {
	for _, name := range testZones[:5] {
		loc := mustZone(t, name)
		w := Weekly{time.Tuesday, 18, 30}
		ours, _ := w.schedule(loc)
		theirs, err := cron.ParseStandard(fmt.Sprintf("CRON_TZ=%s 30 18 * * TUE", name))
		if err != nil {
			t.Fatal(err)
		}
		a, b := time.Date(2026, 1, 1, 0, 0, 0, 0, loc), time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
		for range 60 {
			a, b = ours.Next(a), theirs.Next(b)
			if !a.Equal(b) {
				t.Fatalf("%s: schedule gives %v, CRON_TZ gives %v", name, a, b)
			}
		}
	}
}

func TestWeeklyString(t *testing.T) {
	for w, want := range map[Weekly]string{
		{time.Sunday, 19, 0}:    "Sunday 19:00",
		{time.Tuesday, 6, 5}:    "Tuesday 06:05",
		{time.Saturday, 0, 0}:   "Saturday 00:00",
		{time.Thursday, 23, 59}: "Thursday 23:59",
	} {
		if got := w.String(); got != want {
			t.Errorf("%+v.String() = %q, want %q", w, got, want)
		}
		if back, err := ParseWeekly(want); err != nil || back != w {
			t.Errorf("ParseWeekly(%q) = %+v, %v; want %+v", want, back, err, w)
		}
	}
}
