package when

import (
	"fmt"
	"time"
)

// ParseWeekly reads a weekly check-in time as a client types it, in English
// or German: "Sunday 19:00", "sun 7pm", "19:00 sunday", "Sonntag 19 Uhr",
// "so 19:00", "sonntagabends". A part of the day stands for a fixed time:
// morning (morgens, vormittags) 09:00, noon (mittags) 12:00, afternoon
// (nachmittags) 15:00, evening (abends) 19:00; with an hour it says am or
// pm ("Sunday evening 7" is 19:00).
//
// Input without a day or a time, with two days or two times, or with a date,
// returns an [*UnclearError]. An hour that may be am or pm ("Sunday 7",
// "Sonntag halb acht") returns one with both readings as Choices.
func ParseWeekly(s string) (Weekly, error) {
	f := scan(s)
	w, err := f.weekly()
	if hs, ok := f.bareHours(err); ok {
		err = withChoices(f, hs, func() (string, error) {
			w, err := f.weekly()
			return w.String(), err
		})
		return Weekly{}, keepReadable(err, func(a string) bool { _, err := scan(a).weekly(); return err == nil })
	}
	return w, err
}

func (f *found) weekly() (Weekly, error) {
	s := f.input
	switch {
	case f.bad != nil:
		return Weekly{}, f.bad
	case f.negation || f.extras || f.biweekly:
		return Weekly{}, unclear(s, MissingAmbiguous, "Which day of the week and what time should I check in? For example \"Sunday 19:00\".")
	case f.relative || len(f.dates) > 0:
		return Weekly{}, unclear(s, MissingDay, "Check-ins repeat every week. On which day of the week? For example \"Sunday 19:00\".")
	}
	day, err := f.day("On which day of the week? For example \"Sunday 19:00\".")
	if err != nil {
		return Weekly{}, err
	}
	h, m, err := f.clock(day.String())
	if err != nil {
		return Weekly{}, err
	}
	return Weekly{Day: day, Hour: h, Minute: m}, nil
}

// bareHours returns, for an error about an hour that may be am or pm, the
// two hours it may mean, the likelier first: "6" is more often 18:00 than
// 06:00, "9" more often 09:00.
func (f *found) bareHours(err error) ([]int, bool) {
	ue, ok := err.(*UnclearError)
	if !ok || ue.Missing != MissingTime || len(f.clocks) != 1 || !f.clocks[0].bare || len(f.parts) > 0 {
		return nil, false
	}
	h := f.clocks[0].hour % 12
	if h == 0 {
		return []int{12, 0}, true
	}
	if h >= 8 {
		return []int{h, h + 12}, true
	}
	return []int{h + 12, h}, true
}

// withChoices returns the UnclearError for a bare hour with one Choice per
// hour in hs: render parses the input again with f.clocks[0] set to the hour
// and returns text the parser reads back. A reading that fails on its own
// (a past date) is left out.
func withChoices(f *found, hs []int, render func() (string, error)) error {
	c := f.clocks[0]
	ue := unclear(f.input, MissingTime, fmt.Sprintf("Do you mean %02d:%02d or %02d:%02d?", hs[0], c.minute, hs[1], c.minute))
	var other *UnclearError
	for _, h := range hs {
		f.clocks[0] = clock{hour: h, minute: c.minute}
		answer, err := render()
		if err != nil {
			if e, ok := err.(*UnclearError); ok && other == nil {
				other = e
			}
			continue
		}
		label := fmt.Sprintf("%02d:%02d", h, c.minute)
		ue.Choices = append(ue.Choices, Choice{Answer: answer, Label: label, LabelDE: label})
	}
	f.clocks[0] = c
	if len(ue.Choices) == 0 && other != nil {
		other.Input = f.input
		return other
	}
	return ue
}

// ParseAppointment reads a therapy appointment as a client types it, in
// English or German, with now and loc (nil means UTC) to place dates:
//
//   - weekly: "Thursday 10:00", "thu 18:30", "donnerstags 10 Uhr";
//   - every other week: "every other tuesday 6:30pm", "biweekly tue 18:30",
//     "jeden zweiten Dienstag 18:30", "alle zwei Wochen dienstags 18:30";
//     the Anchor is the first occurrence after now, or the date of one
//     occurrence if it is given, which may have passed ("every other
//     Tuesday at 18:30, starting 24 November 2026");
//   - once: "2026-12-03 10:00", "3.12.2026 10:00", "3 December 2026 10:00",
//     "Thursday, 3.12. 10:00" (without a year, the next such date), and
//     dates relative to today: "tomorrow 3pm", "next friday 9am", "this
//     thursday 10:00", "übermorgen 10 Uhr", "in 2 weeks on Tuesday 10:00",
//     "the 6th at 10:00";
//   - none: "none", "keine", "later", "I'll tell you later".
//
// Parts of the day work as in [ParseWeekly]. A one-off date must lie after
// now ([MissingPast]) and within a year of it ([MissingFar]); a wall time
// that a daylight saving change skips on that date is asked back
// ([MissingGap], with the times around the gap as Choices). Input that lacks
// a day or a time, names two days or times, mixes a negation with a time,
// or writes a date that reads two ways ("3/4/2026", with both readings as
// Choices), returns an [*UnclearError]; so does an hour that may be am or pm
// ("Tuesday at 6", with both readings as Choices).
func ParseAppointment(s string, now time.Time, loc *time.Location) (Appointment, error) {
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	f := scan(s)
	a, err := f.appointment(now, loc)
	if hs, ok := f.bareHours(err); ok {
		err = withChoices(f, hs, func() (string, error) {
			a, err := f.appointment(now, loc)
			if err != nil {
				return "", err
			}
			return a.answer(loc), nil
		})
	}
	return a, keepReadable(err, func(s string) bool { _, err := scan(s).appointment(now, loc); return err == nil })
}

// answer is text that ParseAppointment reads back as a.
func (a Appointment) answer(loc *time.Location) string {
	switch a.Kind {
	case KindOnce:
		return a.Anchor.In(loc).Format("2006-01-02 15:04")
	case KindBiweekly:
		return fmt.Sprintf("every other %s %02d:%02d starting %s", a.Weekly.Day, a.Weekly.Hour, a.Weekly.Minute, a.Anchor.In(loc).Format("2006-01-02"))
	case KindWeekly:
		return a.Weekly.String()
	}
	return "none"
}

func (f *found) appointment(now time.Time, loc *time.Location) (Appointment, error) {
	s := f.input
	content := len(f.days)+len(f.clocks)+len(f.parts)+len(f.dates)+len(f.rels) > 0 || f.biweekly || f.relative || f.next || f.extras
	switch {
	case f.bad != nil:
		return Appointment{}, f.bad
	case !content && f.negation:
		return Appointment{Kind: KindNone}, nil
	case !content:
		return Appointment{}, unclear(s, MissingDay, "When is your next appointment? For example \"Thursday 10:00\", \"every other Tuesday 18:30\" or \"3.12.2026 10:00\" (or \"none\").")
	case f.negation || f.extras || len(f.dates) > 1:
		return Appointment{}, unclear(s, MissingAmbiguous, "When exactly is your appointment? Please give one day and time, for example \"Thursday 10:00\" or \"3.12.2026 10:00\".")
	}
	today := civilOf(now)
	if d, ok, err := f.relDate(today, false); err != nil {
		return Appointment{}, err
	} else if ok && !f.biweekly {
		if len(f.rels) == 1 && f.rels[0].nextWeek && len(f.days) == 0 {
			return Appointment{}, unclear(s, MissingDay, "On which day next week? For example \"next week Tuesday 10:00\".")
		}
		return f.onDate(d, now, loc)
	}
	if f.relative {
		return Appointment{}, unclear(s, MissingDate, "Which date exactly? For one appointment, for example \"3.12.2026 10:00\"; for a weekly one, for example \"Thursday 10:00\".")
	}
	if len(f.dates) == 1 {
		return f.onDate(f.dates[0], now, loc)
	}
	day, err := f.day("On which day? For example \"Thursday 10:00\" or \"3.12.2026 10:00\".")
	if err != nil {
		return Appointment{}, err
	}
	h, m, err := f.clock(day.String())
	if err != nil {
		return Appointment{}, err
	}
	w := Weekly{Day: day, Hour: h, Minute: m}
	if f.biweekly {
		return Appointment{Kind: KindBiweekly, Weekly: w, Anchor: w.Next(now, loc)}, nil
	}
	return Appointment{Kind: KindWeekly, Weekly: w}, nil
}

// onDate returns the appointment on the date d: once, or the first of an
// every-other-week appointment.
func (f *found) onDate(d date, now time.Time, loc *time.Location) (Appointment, error) {
	h, m, err := f.clock(d.text)
	if err != nil {
		return Appointment{}, err
	}
	given := d.year
	d = fullDate(d, civilOf(now), false)
	y := d.year
	t := FirstValid(y, d.month, d.day, h, m, loc)
	if !t.After(now) && !f.biweekly { // a biweekly series may have started already
		return Appointment{}, unclear(f.input, MissingPast, "That time has passed. When is your next appointment? For example \"3.12.2026 10:00\".")
	}
	if given != 0 && y < now.Year()-2 {
		return Appointment{}, unclear(f.input, MissingPast, fmt.Sprintf("That is long past. Is %d the right year?", y))
	}
	if given != 0 && y > now.Year()+2 || !f.biweekly && t.After(now.AddDate(1, 0, 1)) {
		return Appointment{}, unclear(f.input, MissingFar, fmt.Sprintf("That is more than a year ahead. Is %d the right year?", y))
	}
	wd := time.Date(y, d.month, d.day, 12, 0, 0, 0, time.UTC).Weekday() // not t's: a gap may move t past midnight
	if len(f.days) > 0 {
		day, err := f.day("")
		if err != nil {
			return Appointment{}, err
		}
		if day != wd {
			return Appointment{}, unclear(f.input, MissingAmbiguous, fmt.Sprintf("%d %s %d is a %s, not a %s. Which do you mean?", d.day, d.month, y, wd, day))
		}
	}
	if w := t.In(loc); !f.biweekly && (w.Hour() != h || w.Minute() != m) {
		// The clocks skip this time on that day (spring forward): ask, offering the times around the gap.
		ue := unclear(f.input, MissingGap, fmt.Sprintf("%02d:%02d does not exist on %d %s %d: the clocks skip it for daylight saving time. Which time do you mean?", h, m, d.day, d.month, y))
		choices := []time.Time{t}
		if h > 0 {
			if b := FirstValid(y, d.month, d.day, h-1, m, loc); b.In(loc).Hour() == h-1 {
				choices = append(choices, b)
			}
		}
		for _, c := range choices {
			if c.After(now) {
				label := c.In(loc).Format("15:04")
				ue.Choices = append(ue.Choices, Choice{Answer: c.In(loc).Format("2006-01-02 15:04"), Label: label, LabelDE: label})
			}
		}
		return Appointment{}, ue
	}
	if f.biweekly {
		return Appointment{Kind: KindBiweekly, Weekly: Weekly{Day: wd, Hour: h, Minute: m}, Anchor: t}, nil
	}
	return Appointment{Kind: KindOnce, Anchor: t}, nil
}
