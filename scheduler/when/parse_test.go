package when

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseWeekly(t *testing.T) {
	sun19 := Weekly{time.Sunday, 19, 0}
	tests := []struct {
		in      string
		want    Weekly
		missing string // the UnclearError's Missing; empty for success
	}{
		{in: "Sunday 19:00", want: sun19},
		{in: "sun 7pm", want: sun19},
		{in: "Sun 7 PM", want: sun19},
		{in: "sunday 7 p.m.", want: sun19},
		{in: "sunday at 7:30pm", want: Weekly{time.Sunday, 19, 30}},
		{in: "Sonntag 19 Uhr", want: sun19},
		{in: "sonntags um 19 Uhr", want: sun19},
		{in: "Sonntag, 19:30 Uhr", want: Weekly{time.Sunday, 19, 30}},
		{in: "So 19:00", want: sun19},
		{in: "so. 19.00", want: sun19},
		{in: "sunday evening", want: sun19},
		{in: "Sonntagabend", want: sun19},
		{in: "sonntag abends", want: sun19},
		{in: "Sonntag Morgen", want: Weekly{time.Sunday, 9, 0}},
		{in: "sonntagmorgens", want: Weekly{time.Sunday, 9, 0}},
		{in: "sunday morning", want: Weekly{time.Sunday, 9, 0}},
		{in: "saturday afternoon", want: Weekly{time.Saturday, 15, 0}},
		{in: "Samstagnachmittag", want: Weekly{time.Saturday, 15, 0}},
		{in: "friday noon", want: Weekly{time.Friday, 12, 0}},
		{in: "Freitag mittags", want: Weekly{time.Friday, 12, 0}},
		{in: "Freitag mittags um 1", want: Weekly{time.Friday, 13, 0}},
		{in: "19:00 sunday", want: sun19},
		{in: "19:00 Uhr am Sonntag", want: sun19},
		{in: "every Sunday at 19:00", want: sun19},
		{in: "jeden Sonntag um 19 Uhr", want: sun19},
		{in: "Sunday 7 in the evening", want: sun19},
		{in: "sunday evening at 7 o'clock", want: sun19},
		{in: "Sonntag 7 Uhr abends", want: sun19},
		{in: "Sonntag 7 Uhr", want: Weekly{time.Sunday, 7, 0}},
		{in: "mon 08:15", want: Weekly{time.Monday, 8, 15}},
		{in: "Montag 8.15 Uhr", want: Weekly{time.Monday, 8, 15}},
		{in: "Mittwoch 18h30", want: Weekly{time.Wednesday, 18, 30}},
		{in: "Mittwoch 18 Uhr 30", want: Weekly{time.Wednesday, 18, 30}},
		{in: "wed 12am", want: Weekly{time.Wednesday, 0, 0}},
		{in: "wed 12pm", want: Weekly{time.Wednesday, 12, 0}},
		{in: "Thursday 0:30", want: Weekly{time.Thursday, 0, 30}},
		{in: "tues 21:45", want: Weekly{time.Tuesday, 21, 45}},
		{in: "next sunday 19:00", want: sun19},
		{in: "Sunday 19:00.", want: sun19},
		{in: "Sunday 19:00 (7pm)", want: sun19},
		{in: "  SUNDAY   19:00  ", want: sun19},
		{in: "Sunday 19:00 please", want: sun19},

		{in: "sunday", missing: MissingTime},
		{in: "Sonntag", missing: MissingTime},
		{in: "sunday 7", missing: MissingTime},
		{in: "sunday 7 o'clock", missing: MissingTime},
		{in: "Sonntag um 7", missing: MissingTime},
		{in: "sunday 12", missing: MissingTime},
		{in: "sunday 25:00", missing: MissingTime},
		{in: "sunday 19:75", missing: MissingTime},
		{in: "sunday 24:00", missing: MissingTime},
		{in: "sunday 13pm", missing: MissingTime},
		{in: "halb acht am Sonntag", missing: MissingTime},
		{in: "sunday night", missing: MissingTime},
		{in: "sunday midnight", missing: MissingTime},
		{in: "19:00", missing: MissingDay},
		{in: "7pm", missing: MissingDay},
		{in: "evening", missing: MissingDay},
		{in: "every day 19:00", missing: MissingDay},
		{in: "next week", missing: MissingDay},
		{in: "tomorrow 19:00", missing: MissingDay},
		{in: "morgen 19 Uhr", missing: MissingDay},
		{in: "3.12.2026 19:00", missing: MissingDay},
		{in: "", missing: MissingDay},
		{in: "banana", missing: MissingDay},
		{in: "sundy 19:00", missing: MissingDay},
		{in: "sunday or monday 19:00", missing: MissingAmbiguous},
		{in: "Sonntag oder Montag 19 Uhr", missing: MissingAmbiguous},
		{in: "sunday 19:00 or 20:00", missing: MissingAmbiguous},
		{in: "sunday 19:00-20:00", missing: MissingAmbiguous},
		{in: "sunday morning 19:00", missing: MissingAmbiguous},
		{in: "sunday evening 9am", missing: MissingAmbiguous},
		{in: "every other sunday 19:00", missing: MissingAmbiguous},
		{in: "not sunday 19:00", missing: MissingAmbiguous},
		{in: "sunday 1900", missing: MissingAmbiguous},
		{in: "sa 0.1", missing: MissingAmbiguous},
		{in: "wed 7.5", missing: MissingDay},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseWeekly(tt.in)
			checkUnclear(t, tt.in, err, tt.missing)
			if tt.missing == "" {
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("ParseWeekly(%q): -want +got:\n%s", tt.in, diff)
				}
			}
		})
	}
}

// checkUnclear checks that err is nil when missing is empty, and otherwise
// an *UnclearError about missing with a question.
func checkUnclear(t *testing.T, in string, err error, missing string) {
	t.Helper()
	if missing == "" {
		if err != nil {
			t.Fatalf("%q: unexpected error %v", in, err)
		}
		return
	}
	var u *UnclearError
	if !errors.As(err, &u) {
		t.Fatalf("%q: error %v, want an *UnclearError", in, err)
	}
	if u.Missing != missing || u.Input != in || u.Question == "" || !errors.Is(err, ErrUnclear) {
		t.Errorf("%q: got %+v, want Missing %q", in, u, missing)
	}
}

func TestParseAppointment(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, berlin) // a Friday
	weekly := func(d time.Weekday, h, m int) Appointment {
		return Appointment{Kind: KindWeekly, Weekly: Weekly{d, h, m}}
	}
	biweekly := func(d time.Weekday, h, m int, anchor string) Appointment {
		return Appointment{Kind: KindBiweekly, Weekly: Weekly{d, h, m}, Anchor: at(t, anchor, berlin)}
	}
	once := func(s string) Appointment { return Appointment{Kind: KindOnce, Anchor: at(t, s, berlin)} }
	tue := biweekly(time.Tuesday, 18, 30, "2026-11-24T18:30:00+01:00")
	dec3 := once("2026-12-03T10:00:00+01:00")
	none := Appointment{Kind: KindNone}

	tests := []struct {
		in      string
		want    Appointment
		missing string
	}{
		{in: "Thursday 10:00", want: weekly(time.Thursday, 10, 0)},
		{in: "thu 18:30", want: weekly(time.Thursday, 18, 30)},
		{in: "donnerstags 10 Uhr", want: weekly(time.Thursday, 10, 0)},
		{in: "every Thursday at 10am", want: weekly(time.Thursday, 10, 0)},
		{in: "weekly, Thursdays 10:00", want: weekly(time.Thursday, 10, 0)},
		{in: "jede Woche Donnerstag 10:00", want: weekly(time.Thursday, 10, 0)},
		{in: "friday 11:00", want: weekly(time.Friday, 11, 0)}, // weekly: today's slot has passed, which does not matter

		{in: "every other tuesday 6:30pm", want: tue},
		{in: "biweekly tue 18:30", want: tue},
		{in: "bi-weekly Tuesday 18:30", want: tue},
		{in: "fortnightly on tuesdays at 18:30", want: tue},
		{in: "every second Tuesday 18:30", want: tue},
		{in: "every 2 weeks on Tuesday 18:30", want: tue},
		{in: "jeden zweiten Dienstag 18:30", want: tue},
		{in: "jeden 2. Dienstag um 18:30 Uhr", want: tue},
		{in: "alle zwei Wochen dienstags 18:30", want: tue},
		{in: "alle 14 Tage Dienstag 18:30", want: tue},
		{in: "14-tägig dienstags 18:30", want: tue},
		{in: "zweiwöchentlich Dienstag 18:30", want: tue},
		{in: "every other friday 13:00", want: biweekly(time.Friday, 13, 0, "2026-11-20T13:00:00+01:00")},
		{in: "every other friday 11:00", want: biweekly(time.Friday, 11, 0, "2026-11-27T11:00:00+01:00")},
		{in: "every other week from 3.12.2026 10:00", want: biweekly(time.Thursday, 10, 0, "2026-12-03T10:00:00+01:00")},
		{in: "jeden zweiten Donnerstag ab 3.12. 10 Uhr", want: biweekly(time.Thursday, 10, 0, "2026-12-03T10:00:00+01:00")},
		{in: "every other Tuesday at 18:30, starting 24 November 2026", want: tue},
		{in: "jeden zweiten Dienstag um 18:30, ab dem 24. November 2026", want: tue},
		{in: "every other Tuesday 18:30 since 3 November 2026", want: biweekly(time.Tuesday, 18, 30, "2026-11-03T18:30:00+01:00")},

		{in: "2026-12-03 10:00", want: dec3},
		{in: "2026-12-03T10:00", want: dec3},
		{in: "3.12.2026 10:00", want: dec3},
		{in: "03.12.26 10:00", want: dec3},
		{in: "3.12. 10:00", want: dec3},
		{in: "3.12 10:00", want: dec3},
		{in: "Thursday, 3.12.2026, 10:00", want: dec3},
		{in: "3 December 2026 10:00", want: dec3},
		{in: "December 3, 2026 at 10am", want: dec3},
		{in: "3rd of December 10:00", want: dec3},
		{in: "3. Dezember 2026 um 10 Uhr", want: dec3},
		{in: "on Thursday, 3 December 2026 at 10:00", want: dec3},
		{in: "am Donnerstag, 3. Dezember 2026 um 10:00", want: dec3},
		{in: "12/25/2026 10:00", want: once("2026-12-25T10:00:00+01:00")},
		{in: "25/12/2026 10:00", want: once("2026-12-25T10:00:00+01:00")},
		{in: "1.2. 10:00", want: once("2027-02-01T10:00:00+01:00")},
		{in: "20.11. 13:00", want: once("2026-11-20T13:00:00+01:00")},
		{in: "29.2. 10:00", missing: MissingFar},                          // the next 29 February is in 2028
		{in: "2027-03-28 02:30", missing: MissingGap},                     // in the spring-forward gap: asked back
		{in: "2027-10-31 02:30", want: once("2027-10-31T02:30:00+02:00")}, // the first of two

		{in: "none", want: none},
		{in: "None.", want: none},
		{in: "keine", want: none},
		{in: "kein Termin", want: none},
		{in: "later", want: none},
		{in: "später", want: none},
		{in: "I'll tell you later", want: none},
		{in: "I don't know yet", want: none},
		{in: "weiß ich noch nicht", want: none},
		{in: "noch keinen", want: none},

		{in: "thursday", missing: MissingTime},
		{in: "Donnerstag", missing: MissingTime},
		{in: "thursday 10", missing: MissingTime},
		{in: "thursday 25:00", missing: MissingTime},
		{in: "25:00", missing: MissingTime},
		{in: "3.12.2026", missing: MissingTime},
		{in: "10:00", missing: MissingDay},
		{in: "at 6:30pm", missing: MissingDay},
		{in: "every other week 10:00", missing: MissingDay},
		{in: "", missing: MissingDay},
		{in: "soon", missing: MissingDay},
		{in: "next week", missing: MissingDay},
		{in: "nächste Woche", missing: MissingDay},
		{in: "next thursday 10:00", want: once("2026-11-26T10:00:00+01:00")},
		{in: "this thursday 10:00", want: once("2026-11-26T10:00:00+01:00")},
		{in: "tomorrow at 10", missing: MissingTime},
		{in: "morgen 10 Uhr", want: once("2026-11-21T10:00:00+01:00")},
		{in: "in 2 weeks", missing: MissingTime},
		{in: "2025-12-03 10:00", missing: MissingPast},
		{in: "20.11.2026 11:00", missing: MissingPast},
		{in: "20.11. 11:00", missing: MissingPast},
		{in: "31.2.2027 10:00", missing: MissingDate},
		{in: "3.12.2062 10:00", missing: MissingFar},
		{in: "the 3rd at 10:00", want: dec3},
		{in: "thu or fri 10:00", missing: MissingAmbiguous},
		{in: "Donnerstag oder Freitag 10 Uhr", missing: MissingAmbiguous},
		{in: "thursday 10:00 or 11:00", missing: MissingAmbiguous},
		{in: "3/4/2027 10:00", missing: MissingAmbiguous},
		{in: "friday 3.12.2026 10:00", missing: MissingAmbiguous},
		{in: "every other friday starting 3.12.2026 10:00", missing: MissingAmbiguous},
		{in: "every other Tuesday 18:30 since 2.11.2021", missing: MissingPast},
		{in: "3.12.2026 or 10.12.2026 10:00", missing: MissingAmbiguous},
		{in: "every 3 weeks thursday 10:00", missing: MissingAmbiguous},
		{in: "no, thursday 10:00", missing: MissingAmbiguous},
		{in: "not thursday 10:00", missing: MissingAmbiguous},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAppointment(tt.in, now, berlin)
			checkUnclear(t, tt.in, err, tt.missing)
			if tt.missing == "" {
				if diff := cmp.Diff(tt.want, got, instant); diff != "" {
					t.Errorf("ParseAppointment(%q): -want +got:\n%s", tt.in, diff)
				}
			}
		})
	}
}

func TestParseAppointmentOtherZones(t *testing.T) {
	tests := []struct {
		zone, now, in, want string
	}{
		{"America/New_York", "2027-03-01T12:00:00-05:00", "2027-03-14 03:30", "2027-03-14T03:30:00-04:00"},
		{"America/Sao_Paulo", "2018-10-01T12:00:00-03:00", "4.11.2018 01:30", "2018-11-04T01:30:00-02:00"},
		{"UTC+05:30", "2026-11-20T12:00:00+05:30", "3.12.2026 10:00", "2026-12-03T10:00:00+05:30"},
	}
	for _, tt := range tests {
		loc := mustZone(t, tt.zone)
		got, err := ParseAppointment(tt.in, at(t, tt.now, loc), loc)
		want := Appointment{Kind: KindOnce, Anchor: at(t, tt.want, loc)}
		if diff := cmp.Diff(want, got, instant); err != nil || diff != "" {
			t.Errorf("%s: ParseAppointment(%q) error %v, -want +got:\n%s", tt.zone, tt.in, err, diff)
		}
	}
	// A nil location means UTC.
	got, err := ParseAppointment("3.12.2026 10:00", time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), nil)
	if err != nil || !got.Anchor.Equal(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseAppointment(nil location) = %+v, %v", got, err)
	}
}

func TestUnclearErrorMessage(t *testing.T) {
	_, err := ParseWeekly("sunday")
	want := `when: unclear time in "sunday": At what time on Sunday? For example 18:30.`
	if err == nil || err.Error() != want {
		t.Errorf("Error() = %v, want %q", err, want)
	}
	if errors.Is(err, ErrUnknownZone) || !errors.Is(err, ErrUnclear) {
		t.Errorf("errors.Is got the sentinels wrong for %v", err)
	}
}
