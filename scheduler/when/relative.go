package when

import (
	"fmt"
	"strconv"
	"time"
)

// rel is a date relative to today that the input names: "tomorrow",
// "übermorgen", "in 2 weeks", "in zwei Monaten", "next week", "the 6th".
type rel struct {
	days, months int
	nextWeek     bool // "next week": with a day of the week, that day in the next calendar week
	dom          int  // "the 6th", "am 6.": the next such day of a month
	text         string
}

// numberValues are the number words read as digits, in English and German.
var numberValues = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "twenty": 20, "thirty": 30,
	"eins": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "sechs": 6, "sieben": 7, "acht": 8,
	"neun": 9, "zehn": 10, "elf": 11, "zwolf": 12, "vierzehn": 14, "zwanzig": 20, "dreissig": 30,
}

// articleOne are words that mean "one" before a unit: "in a week", "in einem Monat".
var articleOne = wordSet("a an ein eine einen einem einer")

// numberWords turns number words into number tokens: "two weeks" is "2 weeks",
// "in a month" is "in 1 month", "halb sieben" is "halb 7". "a" and "ein"
// count only before a unit ("a week"). Vague amounts ("a couple of weeks",
// "ein paar Tage") stay words: they are asked back, not guessed.
func numberWords(toks []token) []token {
	out := make([]token, 0, len(toks))
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		next := func(k int) string {
			if i+k < len(toks) && !toks[i+k].num {
				return toks[i+k].text
			}
			return ""
		}
		if t.num {
			out = append(out, t)
			continue
		}
		switch n, ok := numberValues[t.text]; {
		case articleOne[t.text] && unitWords[next(1)]:
			out = append(out, token{"1", true})
		case ok:
			out = append(out, token{strconv.Itoa(n), true})
		default:
			out = append(out, t)
		}
	}
	return out
}

// fullMonths are the month names a typo is matched against.
var fullMonths = map[string]time.Month{
	"january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12,
	"januar": 1, "februar": 2, "juni": 6, "juli": 7, "oktober": 10, "dezember": 12,
}

// fuzzyMonth matches a month name with one typing mistake ("jnuary",
// "feburary" has two and does not match); words under five letters never match.
func fuzzyMonth(w string) (time.Month, bool) {
	if len(w) < 5 {
		return 0, false
	}
	var found time.Month
	for name, m := range fullMonths {
		if distance(w, name, 1) <= 1 || transposed(w, name) {
			if found != 0 && found != m {
				return 0, false
			}
			found = m
		}
	}
	return found, found != 0
}

// transposed reports whether a is b with two neighbouring letters swapped.
func transposed(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i+1 < len(a); i++ {
		if a[i] != b[i] {
			return a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
		}
	}
	return false
}

// clockPhrases reads "halb sieben" (6:30), "half past 6" (6:30), "quarter
// past 6" and "viertel nach 6" (6:15), "quarter to 7", "viertel vor 7" and
// "dreiviertel 7" (6:45). They name an hour on the 12-hour dial, so without a
// part of the day they read two ways and are asked back.
func (f *found) clockPhrases(toks []token, used []bool) {
	hourAt := func(i int) (int, bool) {
		if i >= len(toks) || !toks[i].num || used[i] || !numberRE.MatchString(toks[i].text) {
			return 0, false
		}
		h := atoi(toks[i].text)
		return h, h >= 1 && h <= 12
	}
	word := func(i int) string {
		if i < len(toks) && !toks[i].num {
			return toks[i].text
		}
		return ""
	}
	for i := 0; i < len(toks); i++ {
		if used[i] || toks[i].num {
			continue
		}
		hour, minute, n := -1, 0, 0 // n: tokens used after i
		switch w := toks[i].text; {
		case w == "halb":
			if h, ok := hourAt(i + 1); ok {
				hour, minute, n = h-1, 30, 1
			}
		case w == "dreiviertel":
			if h, ok := hourAt(i + 1); ok {
				hour, minute, n = h-1, 45, 1
			}
		case (w == "half" || w == "quarter" || w == "viertel") && (word(i+1) == "past" || word(i+1) == "nach" || word(i+1) == "after"):
			if h, ok := hourAt(i + 2); ok {
				hour, minute, n = h, 30, 2
				if w != "half" {
					minute = 15
				}
			}
		case (w == "quarter" || w == "viertel") && (word(i+1) == "to" || word(i+1) == "vor" || word(i+1) == "before"):
			if h, ok := hourAt(i + 2); ok {
				hour, minute, n = h-1, 45, 2
			}
		}
		if hour < 0 {
			continue
		}
		if hour == 0 {
			hour = 12 // "halb eins" is 12:30 (or 00:30)
		}
		for k := i; k <= i+n; k++ {
			used[k] = true
		}
		c := clock{hour: hour, minute: minute, soft: true, bare: true}
		k := i + n + 1
		if hourSuffixes[word(k)] { // "halb acht Uhr"
			used[k] = true
			k++
		}
		if m := word(k); m == "pm" || m == "am" && !isDay(word(k+1)) { // "quarter to 8 pm", not "halb acht am Sonntag"
			used[k] = true
			c.hour %= 12
			if m == "pm" {
				c.hour += 12
			}
			c.soft, c.bare = false, false
		}
		f.clocks = append(f.clocks, c)
		i += n
	}
}

// civil is a date without a time zone.
type civil struct {
	year  int
	month time.Month
	day   int
}

func civilOf(t time.Time) civil {
	y, m, d := t.Date()
	return civil{y, m, d}
}

func (c civil) time() time.Time { return time.Date(c.year, c.month, c.day, 12, 0, 0, 0, time.UTC) }

func (c civil) addDays(n int) civil { return civilOf(c.time().AddDate(0, 0, n)) }

// addMonths adds n months, keeping the day or taking the last day of a
// shorter month (31 January + 1 month is 28 or 29 February).
func (c civil) addMonths(n int) civil {
	first := time.Date(c.year, c.month, 1, 12, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return civil{first.Year(), first.Month(), min(c.day, last)}
}

// nextWeekday returns the first day after c (or c itself, when today counts)
// that is a wd.
func (c civil) nextWeekday(wd time.Weekday, today bool) civil {
	n := (int(wd) - int(c.time().Weekday()) + 7) % 7
	if n == 0 && !today {
		n = 7
	}
	return c.addDays(n)
}

// relDate resolves the relative date of the input against today. ok is
// false when the input names no relative date (nor a day of the week with
// "next" or "this", or when days is set, any day of the week).
func (f *found) relDate(today civil, days bool) (d date, ok bool, err *UnclearError) {
	switch {
	case len(f.rels) > 1 || len(f.rels) == 1 && len(f.dates) > 0:
		return date{}, false, unclear(f.input, MissingAmbiguous, "Which one date do you mean? For example \"6 January\".")
	case len(f.rels) == 1:
		r := f.rels[0]
		var c civil
		switch {
		case r.dom > 0:
			c = civil{today.year, today.month, r.dom}
			for i := 0; !validDate(date{year: c.year, month: c.month, day: c.day}) || !c.time().After(today.time()); i++ {
				if i > 12 {
					return date{}, false, unclear(f.input, MissingDate, fmt.Sprintf("There is no date %q. Which date do you mean, for example \"6 January\"?", r.text))
				}
				m := time.Date(c.year, c.month, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 1, 0)
				c = civil{m.Year(), m.Month(), r.dom}
			}
		case r.days > 0 && r.days%7 == 0 && len(f.days) > 0:
			// "next week tuesday", "in 2 weeks on Tuesday", "nächste Woche Dienstag": that day
			// of the calendar week (from Monday) so many weeks ahead
			monday := today.addDays(-((int(today.time().Weekday()) + 6) % 7)).addDays(r.days)
			c = monday.addDays((int(f.days[0]) + 6) % 7)
		case r.months != 0:
			c = today.addMonths(r.months)
		default:
			c = today.addDays(r.days)
		}
		return date{year: c.year, month: c.month, day: c.day, text: r.text}, true, nil
	case len(f.days) > 0 && len(f.dates) == 0 && (f.next || f.this || days):
		c := today.nextWeekday(f.days[0], f.this)
		return date{year: c.year, month: c.month, day: c.day, text: f.days[0].String()}, true, nil
	}
	return date{}, false, nil
}

// fullDate returns an absolute date, with a year, on or after today when no
// year was given.
func fullDate(d date, today civil, strict bool) date {
	if d.year != 0 {
		return d
	}
	for y := today.year; y < today.year+8; y++ {
		c := civil{y, d.month, d.day}
		if validDate(date{year: y, month: d.month, day: d.day}) && (c.time().After(today.time()) || !strict && c == today) {
			d.year = y
			return d
		}
	}
	return d
}

// ParseDate reads the day a client means, in English or German, with now
// and loc (nil means UTC): "2027-01-06", "6.1.2027", "6.1.", "6 January",
// "January 6th", "6. Januar", "the 6th", "tomorrow", "übermorgen", "next
// monday", "nächsten Montag", "in 2 weeks", "in zwei Wochen", "2 weeks", "in
// a month", "next week". Words around the date ("until", "bis", "zum") do not
// matter. It returns the start of that day in loc, or the time given with
// it ("until Monday 9am"); a day without a year, or a day of the week, is
// the next one after today.
//
// It is meant for the end of something that starts now (a pause): a day that
// is today or has passed returns an [*UnclearError] with [MissingPast], a
// day more than a year ahead one with [MissingFar], and input without a date
// one with [MissingDate].
func ParseDate(s string, now time.Time, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	f := scan(s)
	t, err := f.date(now, loc)
	if hs, ok := f.bareHours(err); ok {
		return time.Time{}, withChoices(f, hs, func() (string, error) {
			t, err := f.date(now, loc)
			return t.Format("2006-01-02 15:04"), err
		})
	}
	return t, err
}

func (f *found) date(now time.Time, loc *time.Location) (time.Time, error) {
	s := f.input
	today := civilOf(now)
	if f.bad != nil {
		return time.Time{}, f.bad
	}
	d, ok, uerr := f.relDate(today, true)
	switch {
	case uerr != nil:
		return time.Time{}, uerr
	case !ok && len(f.dates) == 1:
		d, ok = fullDate(f.dates[0], today, true), true
	case !ok && len(f.dates) > 1:
		return time.Time{}, unclear(s, MissingAmbiguous, "Which one date do you mean? For example \"6 January\".")
	}
	if !ok {
		return time.Time{}, unclear(s, MissingDate, "Until when? For example \"6 January\" or \"in 2 weeks\".")
	}
	if len(f.days) > 0 {
		if wd := (civil{d.year, d.month, d.day}).time().Weekday(); wd != f.days[0] {
			return time.Time{}, unclear(s, MissingAmbiguous, fmt.Sprintf("%d %s %d is a %s, not a %s. Which do you mean?", d.day, d.month, d.year, wd, f.days[0]))
		}
	}
	h, m := 0, 0
	if len(f.clocks) > 0 || len(f.parts) > 0 {
		var err error
		if h, m, err = f.clock(d.text); err != nil {
			return time.Time{}, err
		}
	}
	t := FirstValid(d.year, d.month, d.day, h, m, loc)
	c := civil{d.year, d.month, d.day}
	switch {
	case !t.After(now) || c == today && len(f.clocks)+len(f.parts) == 0:
		return time.Time{}, unclear(s, MissingPast, "That day has passed, or is today. Which day in the future do you mean?")
	case t.After(now.AddDate(1, 0, 1)):
		return time.Time{}, unclear(s, MissingFar, "That is more than a year ahead. Which date within the next year do you mean?")
	}
	return t, nil
}
