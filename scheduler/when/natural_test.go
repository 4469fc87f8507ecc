package when

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The suites the rows below come from. A row marked with a suite takes its
// phrase from that suite's tests (adapted to our reference time and to our
// rules: a pause ends in the future, an appointment is one instant, an hour
// that may be am or pm is asked back instead of guessed).
const (
	olebedev   = "olebedev/when"               // rules/en/*_test.go
	naturaldt  = "tj/go-naturaldate"           // naturaldate_test.go
	goDatepars = "markusmobius/go-dateparser"  // its test tables, a port of Python's
	pyDatepars = "scrapinghub/dateparser (py)" // tests/test_freshness_date_parser.py, test_date_parser.py
	issue      = "issue 14"                    // what clients typed in the issue
	ours       = "ours"                        // edge cases of our own
)

// naturalRow is one answer a client may type, the question it answers and
// what the bot must make of it, as text:
//
//	date:     "2026-12-16" (the start of that day) or "2026-12-16 09:00"
//	once:     "once 2026-12-04 09:00"; weekly: "weekly Tuesday 18:00"
//	biweekly: "biweekly Tuesday 18:30 from 2026-12-08"; none: "none"
//	an error: "!" + Missing, and the Choices' labels in brackets: "!time [18:00 06:00]"
type naturalRow struct {
	src, q, in, want string
}

// Now is Wednesday, 2 December 2026, 12:00 in Berlin.
var naturalRows = []naturalRow{
	// /pause and every other "until when": relative days and weeks.
	{issue, "date", "in 2 weeks", "2026-12-16"},
	{issue, "date", "in two weeks", "2026-12-16"},
	{issue, "date", "2 weeks", "2026-12-16"},
	{issue, "date", "next monday", "2026-12-07"},
	{issue, "date", "6 January", "2027-01-06"},
	{issue, "date", "January 6th", "2027-01-06"},
	{issue, "date", "bis 6. Januar", "2027-01-06"},
	{issue, "date", "übermorgen", "2026-12-04"},
	{issue, "date", "in zwei Monaten", "2027-02-02"},
	{issue, "date", "in 2 Wochen", "2026-12-16"},
	{issue, "date", "in zwei Wochen", "2026-12-16"},
	{issue, "date", "nächsten Montag", "2026-12-07"},
	{issue, "date", "in a month", "2027-01-02"},
	{issue, "date", "the 6th", "2026-12-06"},
	{issue, "date", "tomorrow", "2026-12-03"},
	{issue, "date", "until 2027-01-06", "2027-01-06"},
	{issue, "date", "6.1.", "2027-01-06"},
	{issue, "date", "6th of jnuary", "2027-01-06"},
	{naturaldt, "date", "tomorrow", "2026-12-03"},
	{naturaldt, "date", "next week", "2026-12-09"},
	{naturaldt, "date", "a week from now", "2026-12-09"},
	{naturaldt, "date", "next month", "2027-01-02"},
	{naturaldt, "date", "a month from now", "2027-01-02"},
	{naturaldt, "date", "2 months from now", "2027-02-02"},
	{naturaldt, "date", "1 day from now", "2026-12-03"},
	{naturaldt, "date", "next tuesday", "2026-12-08"},
	{naturaldt, "date", "next wednesday", "2026-12-09"}, // typed on a Wednesday: a week ahead
	{naturaldt, "date", "next thursday", "2026-12-03"},
	{naturaldt, "date", "next friday", "2026-12-04"},
	{naturaldt, "date", "next saturday", "2026-12-05"},
	{naturaldt, "date", "next sunday", "2026-12-06"},
	{naturaldt, "date", "april 3 2027", "2027-04-03"},
	{naturaldt, "date", "april 3, 2027", "2027-04-03"},
	{naturaldt, "date", "oct 7, 2027", "2027-10-07"},
	{naturaldt, "date", "7 oct 1970", "!past"},
	{naturaldt, "date", "03 February 2027", "2027-02-03"},
	{naturaldt, "date", "2 July 2027", "2027-07-02"},
	{naturaldt, "date", "2027-4-26", "2027-04-26"},
	{naturaldt, "date", "2014-04-26", "!past"},
	{naturaldt, "date", "31/3/2027", "2027-03-31"},
	{naturaldt, "date", "yesterday", "!past"},
	{naturaldt, "date", "today", "!past"},
	{naturaldt, "date", "tomorrow at 10am", "2026-12-03 10:00"},
	{naturaldt, "date", "10am tomorrow", "2026-12-03 10:00"},
	{naturaldt, "date", "next sunday at 22:45", "2026-12-06 22:45"},
	{naturaldt, "date", "December 25th at 7am", "2026-12-25 07:00"},
	{naturaldt, "date", "25th of December at 7am", "2026-12-25 07:00"},
	{naturaldt, "date", "not a date or a time", "!date"},
	{naturaldt, "date", "a", "!date"},
	{naturaldt, "date", "10am", "!date"},
	{olebedev, "date", "in a week", "2026-12-09"},
	{olebedev, "date", "in five days", "2026-12-07"},
	{olebedev, "date", "in 5 days", "2026-12-07"},
	{olebedev, "date", "within two weeks", "2026-12-16"},
	{olebedev, "date", "within a month", "2027-01-02"},
	{olebedev, "date", "7 days from now", "2026-12-09"},
	{olebedev, "date", "march 3rd", "2027-03-03"},
	{olebedev, "date", "3rd march", "2027-03-03"},
	{olebedev, "date", "march 3", "2027-03-03"},
	{olebedev, "date", "1 september", "2027-09-01"},
	{olebedev, "date", "1 sept", "2027-09-01"},
	{olebedev, "date", "1st of september", "2027-09-01"},
	{olebedev, "date", "march 7th", "2027-03-07"},
	{olebedev, "date", "october 21st", "2027-10-21"},
	{olebedev, "date", "march 10th", "2027-03-10"},
	{olebedev, "date", "jan. 4", "2027-01-04"},
	{olebedev, "date", "next tuesday", "2026-12-08"},
	{olebedev, "date", "next saturday", "2026-12-05"},
	{olebedev, "date", "this saturday", "2026-12-05"},
	{olebedev, "date", "this wednesday", "!past"}, // today
	{olebedev, "date", "february", "!date"},
	{olebedev, "date", "5 minutes", "!date"},
	{pyDatepars, "date", "in 1 day", "2026-12-03"},
	{pyDatepars, "date", "in 3 days", "2026-12-05"},
	{pyDatepars, "date", "in 1 week", "2026-12-09"},
	{pyDatepars, "date", "in 3 weeks", "2026-12-23"},
	{pyDatepars, "date", "in 6 months", "2027-06-02"},
	{pyDatepars, "date", "in 13 months", "!far"},
	{pyDatepars, "date", "Heute", "!past"},
	{pyDatepars, "date", "Gestern", "!past"},
	{pyDatepars, "date", "vorgestern", "!past"},
	{pyDatepars, "date", "in einem Tag", "2026-12-03"},
	{pyDatepars, "date", "in einer Woche", "2026-12-09"},
	{pyDatepars, "date", "in einem Monat", "2027-01-02"},
	{pyDatepars, "date", "13 August 2027", "2027-08-13"},
	{pyDatepars, "date", "12/12/26", "2026-12-12"},
	{pyDatepars, "date", "the day after tomorrow", "2026-12-04"},
	{ours, "date", "28. Juli 2027", "2027-07-28"},
	{ours, "date", "15. Mai", "2027-05-15"},
	{ours, "date", "Dienstag, 5. Januar 2027", "2027-01-05"},
	{ours, "date", "Montag", "2026-12-07"},
	{ours, "date", "2 Tage", "2026-12-04"},
	{ours, "date", "in 3 Tagen", "2026-12-05"},
	{ours, "date", "morgen", "2026-12-03"},
	{ours, "date", "14.01.2027", "2027-01-14"},
	{ours, "date", "Thursday 4 February 2027", "2027-02-04"},
	{goDatepars, "date", "21. Dezember 2013", "!past"},
	{goDatepars, "date", "26. Juli 2014", "!past"},
	{goDatepars, "date", "19. Februar 2027", "2027-02-19"},
	{goDatepars, "date", "13/03/2027", "2027-03-13"},
	{goDatepars, "date", "January 25, 2027", "2027-01-25"},
	{goDatepars, "date", "10 December", "2026-12-10"},
	{goDatepars, "date", "Friday", "2026-12-04"},
	{goDatepars, "date", "Monday", "2026-12-07"},
	{goDatepars, "date", "29 Feb", "!far"}, // the next one is in 2028
	{goDatepars, "date", "Tuesday Jul 22, 2014", "!past"},
	{goDatepars, "appt", "23. März 18.37 Uhr", "once 2027-03-23 18:37"},
	{goDatepars, "appt", "18.10.14 um 22:56 Uhr", "!past"},
	{goDatepars, "appt", "Monday 7:15 AM", "weekly Monday 07:15"},
	{goDatepars, "appt", "Nov 25 2014 10:17 pm", "!past"},
	{goDatepars, "appt", "April 9, 2027 at 6:11 a.m.", "once 2027-04-09 06:11"},
	{goDatepars, "appt", "Aug. 9, 2027 at 2:57 p.m.", "once 2027-08-09 14:57"},
	{goDatepars, "appt", "November 19, 2027 at noon", "once 2027-11-19 12:00"},
	{goDatepars, "appt", "May 5, 2027 13:00", "once 2027-05-05 13:00"},
	{goDatepars, "appt", "August 8, 2027 5 PM", "once 2027-08-08 17:00"},
	{goDatepars, "appt", "16:00", "!day"},
	{goDatepars, "appt", "Friday 10:00", "weekly Friday 10:00"},
	{ours, "date", "bis zum 6.", "2026-12-06"},
	{ours, "date", "am 2.", "2027-01-02"}, // the 2nd is today: the next one
	{ours, "date", "the 31st", "2026-12-31"},
	{ours, "date", "next week Tuesday", "2026-12-08"},
	{ours, "date", "nächste Woche Freitag", "2026-12-11"},
	{ours, "date", "in 2 weeks on Monday", "2026-12-14"},
	{ours, "date", "for three weeks", "2026-12-23"},
	{ours, "date", "2028-06-01", "!far"},
	{ours, "date", "in 400 days", "!far"},
	{ours, "date", "6.1.2027", "2027-01-06"},
	{ours, "date", "1/6/2027", "!ambiguous [1 June 2027 6 January 2027]"},
	{ours, "date", "13/1/2027", "2027-01-13"},
	{ours, "date", "1/13/2027", "2027-01-13"},
	{ours, "date", "31.2.2027", "!date"},
	{ours, "date", "🙂🙂", "!date"},
	{ours, "date", "غدا", "!date"},               // right-to-left text
	{ours, "date", "\u202eyadnom txen", "!date"}, // a right-to-left override
	{ours, "date", "a couple of weeks", "!date"}, // vague: asked, not guessed
	{ours, "date", "ein paar Tage", "!date"},
	{ours, "date", "tomorrow or friday", "!ambiguous"},
	{ours, "date", "in 2 weeks, 6 January", "!ambiguous"},
	{ours, "date", "Sonntag, 6. Dezember", "2026-12-06"},
	{ours, "date", "Saturday, 6 December", "!ambiguous"},
	{ours, "date", "until monday 9am", "2026-12-07 09:00"},
	{ours, "date", "bis Montag 9", "!time [09:00 21:00]"},

	// Appointments (onboarding, /session).
	{issue, "appt", "next friday 9am", "once 2026-12-04 09:00"},
	{issue, "appt", "tomorrow 3pm", "once 2026-12-03 15:00"},
	{issue, "appt", "Tuesday at 6", "!time [18:00 06:00]"},
	{issue, "appt", "Thursdays 10:00", "weekly Thursday 10:00"},
	{issue, "appt", "every other Tuesday 18:30", "biweekly Tuesday 18:30 from 2026-12-08"},
	{issue, "appt", "I'll tell you later", "none"},
	{issue, "appt", "6:30pm Thursday", "weekly Thursday 18:30"},
	{issue, "appt", "Donnerstag 18 Uhr", "weekly Thursday 18:00"},
	{issue, "appt", "Dienstag halb sieben", "!time [18:30 06:30]"},
	{issue, "appt", "next friday 9am", "once 2026-12-04 09:00"},
	{naturaldt, "appt", "tomorrow 10am", "once 2026-12-03 10:00"},
	{naturaldt, "appt", "tomorrow at 10:15am", "once 2026-12-03 10:15"},
	{naturaldt, "appt", "today at 10am", "!past"},
	{naturaldt, "appt", "yesterday at 10am", "!past"},
	{naturaldt, "appt", "next December 23rd AT 5:25 PM", "once 2026-12-23 17:25"},
	{naturaldt, "appt", "September 17, 2012 10:11", "!past"},
	{naturaldt, "appt", "december 23rd at 5pm", "once 2026-12-23 17:00"},
	{naturaldt, "appt", "7am on December 25th", "once 2026-12-25 07:00"},
	{naturaldt, "appt", "10:25am", "!day"},
	{naturaldt, "appt", "10", "!day"},
	{olebedev, "appt", "next wednesday 10:00", "once 2026-12-09 10:00"},
	{olebedev, "appt", "this saturday 11am", "once 2026-12-05 11:00"},
	{olebedev, "appt", "this wednesday 15:00", "once 2026-12-02 15:00"},
	{pyDatepars, "appt", "morgen um 10 Uhr", "once 2026-12-03 10:00"},
	{pyDatepars, "appt", "übermorgen 14:30", "once 2026-12-04 14:30"},
	{ours, "appt", "nächsten Freitag um 9 Uhr", "once 2026-12-04 09:00"},
	{ours, "appt", "kommenden Dienstag 18:30", "once 2026-12-08 18:30"},
	{ours, "appt", "tonight", "once 2026-12-02 19:00"},
	{ours, "appt", "tonight at 8", "once 2026-12-02 20:00"},
	{ours, "appt", "morgen Abend", "once 2026-12-03 19:00"},
	{ours, "appt", "tomorrow at 10", "!time [10:00 22:00]"},
	{ours, "appt", "tomorrow at 7", "!time [19:00 07:00]"},
	{ours, "appt", "today at 9", "!time [21:00]"}, // 09:00 has passed
	{ours, "appt", "the 6th at 10:00", "once 2026-12-06 10:00"},
	{ours, "appt", "in 2 weeks on Tuesday 10:00", "once 2026-12-15 10:00"},
	{ours, "appt", "next week Tuesday 10:00", "once 2026-12-08 10:00"},
	{ours, "appt", "next week", "!day"},
	{ours, "appt", "3/4/2027 10:00", "!ambiguous [3 April 2027 4 March 2027]"},
	{ours, "appt", "2027-03-28 02:30", "!gap [03:00 01:30]"},
	{ours, "appt", "28.3.2027 2:30", "!gap [03:00 01:30]"},
	{ours, "appt", "2027-10-31 02:30", "once 2027-10-31 02:30"},
	{ours, "appt", "2028-01-10 10:00", "!far"},
	{ours, "appt", "6th of jnuary 10:00", "once 2027-01-06 10:00"},
	{ours, "appt", "Thursday quarter past 6 pm", "weekly Thursday 18:15"},
	{ours, "appt", "Donnerstag viertel vor acht abends", "weekly Thursday 19:45"},
	{ours, "appt", "Thursday half past 6", "!time [18:30 06:30]"},
	{ours, "appt", "🙂", "!day"},
	{ours, "appt", "jeden Donnerstag at 10am", "weekly Thursday 10:00"}, // two languages in one answer
	{ours, "appt", "next Freitag 9am", "once 2026-12-04 09:00"},

	// Weekly check-ins.
	{issue, "weekly", "Sunday evening", "weekly Sunday 19:00"},
	{issue, "weekly", "Sunday 7", "!time [19:00 07:00]"},
	{ours, "weekly", "Sonntag halb acht", "!time [19:30 07:30]"},
	{ours, "weekly", "Sonntag halb acht abends", "weekly Sunday 19:30"},
	{ours, "weekly", "sunday at nine", "!time [09:00 21:00]"},
	{ours, "weekly", "sunday at seven pm", "weekly Sunday 19:00"},
	{ours, "weekly", "Sonntag um sieben Uhr abends", "weekly Sunday 19:00"},
	{ours, "weekly", "sunday 12", "!time [12:00 00:00]"},
	{ours, "weekly", "tomorrow 19:00", "!day"},
	{ours, "weekly", "um 7 am Sonntag", "!time [19:00 07:00]"}, // German "am", not a.m.
	{ours, "weekly", "Sunday 7 am", "weekly Sunday 07:00"},
}

// TestNextMondayOnAMonday: "next monday" typed on a Monday is a week ahead,
// never today; "this monday" is today.
func TestNextMondayOnAMonday(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	monday := time.Date(2026, 12, 7, 8, 0, 0, 0, berlin)
	for in, want := range map[string]string{
		"next monday":          "2026-12-14 00:00",
		"nächsten Montag":      "2026-12-14 00:00",
		"monday":               "2026-12-14 00:00",
		"next monday 10:00":    "2026-12-14 10:00",
		"this monday at 10:00": "2026-12-07 10:00",
	} {
		got, err := ParseDate(in, monday, berlin)
		if err != nil || got.Format("2006-01-02 15:04") != want {
			t.Errorf("on a Monday, ParseDate(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	a, err := ParseAppointment("next monday 10:00", monday, berlin)
	if err != nil || a.Kind != KindOnce || a.Anchor.Format("2006-01-02 15:04") != "2026-12-14 10:00" {
		t.Errorf("on a Monday, ParseAppointment(next monday 10:00) = %+v, %v", a, err)
	}
}

func TestNaturalAnswers(t *testing.T) {
	if len(naturalRows) < 150 {
		t.Errorf("only %d rows", len(naturalRows))
	}
	berlin := mustZone(t, "Europe/Berlin")
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, berlin)
	for _, r := range naturalRows {
		t.Run(r.q+"/"+r.in, func(t *testing.T) {
			var got string
			var err error
			switch r.q {
			case "date":
				var d time.Time
				d, err = ParseDate(r.in, now, berlin)
				if err == nil {
					got = d.In(berlin).Format("2006-01-02 15:04")
					got = strings.TrimSuffix(got, " 00:00")
				}
			case "appt":
				var a Appointment
				a, err = ParseAppointment(r.in, now, berlin)
				if err == nil {
					got = describeForTest(a, berlin)
				}
			case "weekly":
				var w Weekly
				w, err = ParseWeekly(r.in)
				if err == nil {
					got = "weekly " + w.String()
				}
			}
			if err != nil {
				got = unclearForTest(t, r.in, err)
			}
			if got != r.want {
				t.Errorf("%s (from %s): %q = %q, want %q", r.q, r.src, r.in, got, r.want)
			}
		})
	}
}

// TestNaturalChoicesReadBack checks that every Choice offered is an answer
// the same parser takes without asking again.
func TestNaturalChoicesReadBack(t *testing.T) {
	berlin := mustZone(t, "Europe/Berlin")
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, berlin)
	for _, r := range naturalRows {
		parse := func(s string) error { _, err := ParseWeekly(s); return err }
		switch r.q {
		case "date":
			parse = func(s string) error { _, err := ParseDate(s, now, berlin); return err }
		case "appt":
			parse = func(s string) error { _, err := ParseAppointment(s, now, berlin); return err }
		}
		var ue *UnclearError
		if !errors.As(parse(r.in), &ue) {
			continue
		}
		for _, c := range ue.Choices {
			if err := parse(c.Answer); err != nil {
				t.Errorf("%q offers %q, which gives %v", r.in, c.Answer, err)
			}
			if c.Label == "" || c.LabelDE == "" {
				t.Errorf("%q: choice %+v without a label", r.in, c)
			}
		}
	}
}

func describeForTest(a Appointment, loc *time.Location) string {
	switch a.Kind {
	case KindOnce:
		return "once " + a.Anchor.In(loc).Format("2006-01-02 15:04")
	case KindWeekly:
		return "weekly " + a.Weekly.String()
	case KindBiweekly:
		return fmt.Sprintf("biweekly %s from %s", a.Weekly, a.Anchor.In(loc).Format("2006-01-02"))
	}
	return "none"
}

func unclearForTest(t *testing.T, in string, err error) string {
	t.Helper()
	var ue *UnclearError
	if !errors.As(err, &ue) || ue.Question == "" || ue.Input != in {
		t.Fatalf("%q: error %#v, want an *UnclearError with a question", in, err)
	}
	s := "!" + ue.Missing
	if len(ue.Choices) > 0 {
		var labels []string
		for _, c := range ue.Choices {
			labels = append(labels, c.Label)
		}
		s += " [" + strings.Join(labels, " ") + "]"
	}
	return s
}
