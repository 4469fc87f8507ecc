// Package when understands the times a client types into a chat and turns
// them into schedules that survive daylight saving time.
//
// It parses time zones ([ParseZone]), weekly check-in times ([ParseWeekly])
// and therapy appointments ([ParseAppointment]) in English and German, and it
// computes the next occurrence of a weekly or every-other-week schedule
// ([Weekly.Next], [Appointment.Next]) with github.com/robfig/cron/v3, guarded
// against the two ways cron gets daylight saving time wrong:
//
//   - A wall time that a spring-forward change skips (02:30 when clocks jump
//     from 02:00 to 03:00) fires at the first valid instant after the gap
//     (03:00), in the same week, instead of not at all.
//   - A wall time that a fall-back change repeats (02:30 when clocks go back
//     from 03:00 to 02:00) fires once, at the first of its two instants.
//
// Nothing in the package reads the clock: every function that needs "now"
// takes it as an argument, so that tests can run years in milliseconds.
//
// Parsers never guess. Input that could mean two things, or that lacks a day
// or a time, returns an [*UnclearError] carrying a short question to ask.
package when

//go:generate go run ./internal/genzones -dir /usr/share/zoneinfo -o zones.go

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownZone is matched by every [*ZoneError] (use errors.Is).
var ErrUnknownZone = errors.New("when: unknown time zone")

// ErrUnclear is matched by every [*UnclearError] (use errors.Is).
var ErrUnclear = errors.New("when: unclear input")

// ZoneError reports a time zone that [ParseZone] did not accept, with the
// canonical names of zones the client may have meant (best first; empty when
// nothing is close).
type ZoneError struct {
	Input       string
	Suggestions []string
}

// Error describes the error, listing the suggestions if there are any.
func (e *ZoneError) Error() string {
	if len(e.Suggestions) == 0 {
		return fmt.Sprintf("when: unknown time zone %q", e.Input)
	}
	return fmt.Sprintf("when: unknown time zone %q (did you mean %s?)", e.Input, strings.Join(e.Suggestions, ", "))
}

// Is reports whether target is [ErrUnknownZone].
func (e *ZoneError) Is(target error) bool { return target == ErrUnknownZone }

// The values of UnclearError.Missing. An engine that speaks the client's
// language can pick its own question by this code.
const (
	// MissingTime means that no valid time of day was given, or only an
	// hour that may be am or pm ("Sunday 7").
	MissingTime = "time"
	// MissingDay means that no day of the week (or, for an appointment, no
	// date) was given.
	MissingDay = "day"
	// MissingDate means a relative ("next week", "tomorrow"), impossible
	// ("31.2.") or past date.
	MissingDate = "date"
	// MissingAmbiguous means two days or two times, a negation next to a
	// time ("not Thursday 10:00"), a time that contradicts its part of the
	// day, or a date that reads two ways ("3/4/2026").
	MissingAmbiguous = "ambiguous"
	// MissingPast means a date or time that has already passed.
	MissingPast = "past"
	// MissingFar means a date more than a year ahead.
	MissingFar = "far"
	// MissingGap means a wall time that does not exist on that day: the
	// clocks skip it for daylight saving time.
	MissingGap = "gap"
)

// Choice is one reading of an answer that reads two ways. Answer is text
// the same parser reads back without doubt; Label and LabelDE are what a
// button shows in English and German.
type Choice struct {
	Answer, Label, LabelDE string
}

// LabelFor returns the button label in the locale ("de", "de-AT", … or
// English).
func (c Choice) LabelFor(locale string) string {
	if strings.HasPrefix(strings.ToLower(locale), "de") && c.LabelDE != "" {
		return c.LabelDE
	}
	return c.Label
}

// UnclearError reports input that the parsers will not guess about. Question
// is a short English question to send back; Missing is one of the Missing*
// codes. Choices, when not empty, are the readings to offer as buttons
// (best first).
type UnclearError struct {
	Input    string
	Question string
	Missing  string
	Choices  []Choice
}

// Error describes the error.
func (e *UnclearError) Error() string {
	return fmt.Sprintf("when: unclear %s in %q: %s", e.Missing, e.Input, e.Question)
}

// Is reports whether target is [ErrUnclear].
func (e *UnclearError) Is(target error) bool { return target == ErrUnclear }
