package when

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestBiweeklyEveryOtherWeek walks biweekly appointments through 2018 to
// 2030: occurrences are exactly 14 calendar days apart, in the Anchor's
// weeks, at the wall time or right after a spring-forward gap.
func TestBiweeklyEveryOtherWeek(t *testing.T) {
	for _, name := range testZones {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			loc := mustZone(t, name)
			for _, w := range []Weekly{{time.Sunday, 2, 30}, {time.Sunday, 0, 30}, {time.Saturday, 23, 30}} {
				start := time.Date(2018, 1, 1, 0, 0, 0, 0, loc)
				a := Appointment{Kind: KindBiweekly, Weekly: w, Anchor: w.Next(start, loc)}
				anchorDay := civilDays(a.Anchor)
				prev, n := start, 0
				for {
					got, ok := a.Next(prev, loc)
					if !ok {
						t.Fatalf("%v: no occurrence after %v", w, prev)
					}
					if got.Year() > 2030 {
						break
					}
					if days := civilDays(got) - anchorDay; days != 14*n {
						t.Fatalf("%v: occurrence %d is %v, %d days after the anchor %v; want %d", w, n, got, days, a.Anchor, 14*n)
					}
					wall := time.Date(got.Year(), got.Month(), got.Day(), w.Hour, w.Minute, 0, 0, time.UTC)
					if gotWall := wallClock(got, loc); !gotWall.Equal(wall) &&
						!(gotWall.After(wall) && wallClock(got.Add(-time.Minute), loc).Before(wall)) {
						t.Fatalf("%v: occurrence %v is neither at %v nor right after a gap", w, got, wall)
					}
					prev, n = got, n+1
				}
				if n < 330 {
					t.Errorf("%v: only %d occurrences in 13 years", w, n)
				}
			}
		})
	}
}

func TestAppointmentNext(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	kolkata := mustZone(t, "Asia/Kolkata")
	tue := Weekly{time.Tuesday, 18, 30}
	anchor := time.Date(2026, 11, 24, 18, 30, 0, 0, berlin)
	biweekly := Appointment{Kind: KindBiweekly, Weekly: tue, Anchor: anchor}
	once := Appointment{Kind: KindOnce, Anchor: time.Date(2026, 12, 3, 10, 0, 0, 0, berlin)}
	tests := []struct {
		name   string
		a      Appointment
		loc    *time.Location
		after  time.Time
		want   time.Time
		wantOK bool
	}{
		{"none", Appointment{}, berlin, anchor, time.Time{}, false},
		{"weekly", Appointment{Kind: KindWeekly, Weekly: tue}, berlin, anchor, anchor.AddDate(0, 0, 7), true},
		{"weekly, invalid", Appointment{Kind: KindWeekly, Weekly: Weekly{time.Tuesday, 25, 0}}, berlin, anchor, time.Time{}, false},
		{"biweekly, long before the anchor", biweekly, berlin, anchor.AddDate(-1, 0, 0), anchor, true},
		{"biweekly, just before the anchor", biweekly, berlin, anchor.Add(-time.Second), anchor, true},
		{"biweekly, at the anchor", biweekly, berlin, anchor, anchor.AddDate(0, 0, 14), true},
		{"biweekly, in an off week", biweekly, berlin, anchor.AddDate(0, 0, 7), anchor.AddDate(0, 0, 14), true},
		{"biweekly, 52 weeks on", biweekly, berlin, time.Date(2027, 11, 23, 0, 0, 0, 0, berlin), time.Date(2027, 11, 23, 18, 30, 0, 0, berlin), true},
		{"biweekly, 53 weeks on", biweekly, berlin, time.Date(2027, 11, 30, 0, 0, 0, 0, berlin), time.Date(2027, 12, 7, 18, 30, 0, 0, berlin), true},
		{"biweekly, across spring forward", biweekly, berlin, time.Date(2027, 3, 20, 0, 0, 0, 0, berlin), time.Date(2027, 3, 30, 18, 30, 0, 0, berlin), true}, // week 18
		{"biweekly, from another zone", biweekly, kolkata, anchor, time.Date(2026, 12, 8, 18, 30, 0, 0, kolkata), true},
		{"biweekly, no anchor", Appointment{Kind: KindBiweekly, Weekly: tue}, berlin, anchor, time.Time{}, false},
		{"once, before", once, berlin, anchor, once.Anchor, true},
		{"once, at", once, berlin, once.Anchor, time.Time{}, false},
		{"once, after", once, berlin, once.Anchor.Add(time.Hour), time.Time{}, false},
		{"unknown kind", Appointment{Kind: 9, Weekly: tue, Anchor: anchor}, berlin, anchor, time.Time{}, false},
		{"nil location", Appointment{Kind: KindWeekly, Weekly: tue}, nil, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 18, 30, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.a.Next(tt.after, tt.loc)
			if diff := cmp.Diff(tt.want, got, instant); diff != "" || ok != tt.wantOK {
				t.Errorf("Next = %v, %v; want %v, %v; -want +got:\n%s", got, ok, tt.want, tt.wantOK, diff)
			}
		})
	}
}

func TestDescribe(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	tests := []struct {
		a      Appointment
		en, de string
	}{
		{Appointment{}, "no appointment", "kein Termin"},
		{Appointment{Kind: KindWeekly, Weekly: Weekly{time.Thursday, 10, 0}}, "every Thursday at 10:00", "jeden Donnerstag um 10:00"},
		{Appointment{Kind: KindBiweekly, Weekly: Weekly{time.Tuesday, 18, 30}, Anchor: time.Date(2026, 11, 24, 18, 30, 0, 0, berlin)},
			"every other Tuesday at 18:30, starting 24 November 2026", "jeden zweiten Dienstag um 18:30, ab dem 24. November 2026"},
		{Appointment{Kind: KindBiweekly, Weekly: Weekly{time.Tuesday, 18, 30}}, "every other Tuesday at 18:30", "jeden zweiten Dienstag um 18:30"},
		{Appointment{Kind: KindOnce, Anchor: time.Date(2026, 12, 3, 10, 0, 0, 0, berlin)},
			"on Thursday, 3 December 2026 at 10:00", "am Donnerstag, 3. Dezember 2026 um 10:00"},
		{Appointment{Kind: KindOnce, Anchor: time.Date(2027, 3, 1, 8, 5, 0, 0, berlin)},
			"on Monday, 1 March 2027 at 08:05", "am Montag, 1. März 2027 um 08:05"},
		{Appointment{Kind: KindWeekly, Weekly: Weekly{Day: 9, Hour: 8}}, "every %!Weekday(9) at 08:00", "jeden %!Weekday(9) um 08:00"},
		{Appointment{Kind: 7}, "AppointmentKind(7)", "AppointmentKind(7)"},
	}
	for _, tt := range tests {
		for locale, want := range map[string]string{"en": tt.en, "": tt.en, "fr": tt.en, "de": tt.de, "de-AT": tt.de, "DE_ch": tt.de} {
			if got := tt.a.Describe(locale); got != want {
				t.Errorf("%+v.Describe(%q) = %q, want %q", tt.a, locale, got, want)
			}
		}
	}
}

func TestAppointmentKindString(t *testing.T) {
	for k, want := range map[AppointmentKind]string{KindNone: "none", KindWeekly: "weekly", KindBiweekly: "biweekly", KindOnce: "once", -1: "AppointmentKind(-1)"} {
		if got := k.String(); got != want {
			t.Errorf("AppointmentKind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

// TestDescribeRoundTrips checks that what Describe says, ParseAppointment
// reads back as the same appointment.
func TestDescribeRoundTrips(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, berlin)
	for _, in := range []string{"none", "thu 10:00", "every other tuesday 18:30", "jeden zweiten Montag ab dem 2.3.2026 um 9 Uhr",
		"3.12.2026 10:00", "2027-03-28 03:00", "1.3.2027 8:05", "tomorrow 3pm", "next friday 9am"} {
		a, err := ParseAppointment(in, now, berlin)
		if err != nil {
			t.Fatal(err)
		}
		for _, locale := range []string{"en", "de"} {
			text := a.Describe(locale)
			back, err := ParseAppointment(text, now, berlin)
			if diff := cmp.Diff(a, back, instant); err != nil || diff != "" {
				t.Errorf("%q → %q → error %v, -want +got:\n%s", in, text, err, diff)
			}
		}
	}
}
