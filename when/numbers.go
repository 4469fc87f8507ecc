package when

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// monthDates reads dates with a month name, "3 December 2026", "3. Dezember",
// "December 3rd", "3rd of December", and marks their tokens used.
func (f *found) monthDates(toks []token, used []bool) {
	dayAt := func(i int) (int, bool) {
		if i < 0 || i >= len(toks) || used[i] || !toks[i].num {
			return 0, false
		}
		m := numberRE.FindStringSubmatch(toks[i].text)
		if m == nil {
			return 0, false
		}
		d, _ := strconv.Atoi(m[1])
		return d, d >= 1 && d <= 31 && len(m[1]) <= 2
	}
	wordAt := func(i int) string {
		if i >= 0 && i < len(toks) && !toks[i].num {
			return toks[i].text
		}
		return ""
	}
	for i, t := range toks {
		if t.num {
			continue
		}
		month, ok := monthWords[t.text]
		if !ok {
			// "jnuary", "Feburary": a typo next to a day number
			month, ok = fuzzyMonth(t.text)
			_, before := dayAt(i - 1)
			_, after := dayAt(i + 1)
			near := before || after || wordAt(i-1) == "of"
			if !ok || !near {
				continue
			}
		}
		var d, last int
		j := i - 1
		if wordAt(j) == "of" {
			j--
		}
		if ordinalSuffixes[wordAt(j)] {
			j--
		}
		if n, ok := dayAt(j); ok { // "3 December", "3rd of December"
			d, last = n, i
			for k := j; k <= i; k++ {
				used[k] = true
			}
		} else if n, ok := dayAt(i + 1); ok && !hourSuffixes[wordAt(i+2)] && wordAt(i+2) != "am" && wordAt(i+2) != "pm" {
			d, last = n, i+1 // "December 3", "December 3rd"
			used[i], used[i+1] = true, true
			if ordinalSuffixes[wordAt(i+2)] {
				last, used[i+2] = i+2, true
			}
		} else {
			continue // "may" without a day is just a word
		}
		year := 0
		if k := last + 1; k < len(toks) && toks[k].num && len(toks[k].text) == 4 && !used[k] {
			if y, err := strconv.Atoi(toks[k].text); err == nil {
				year, used[k] = y, true
			}
		}
		text := fmt.Sprintf("%d %s", d, month)
		if year != 0 {
			text += fmt.Sprintf(" %d", year)
		}
		f.addDate(date{year: year, month: month, day: d, text: text})
	}
}

// number reads the number toks[i] and the words that belong to it, and
// returns the index of the last token it used.
func (f *found) number(toks []token, i int, used []bool) int {
	t := toks[i].text
	suffix := "" // the word after the number
	if k := i + 1; k < len(toks) && !toks[k].num && !used[k] {
		suffix = toks[k].text
	}
	if m := isoDateRE.FindStringSubmatch(t); m != nil {
		f.addDate(date{year: atoi(m[1]), month: time.Month(atoi(m[2])), day: atoi(m[3]), text: t})
		return i
	}
	if m := dotDateRE.FindStringSubmatch(t); m != nil {
		d := date{year: year(m[3]), month: time.Month(atoi(m[2])), day: atoi(m[1]), text: t}
		if m[3] != "" || validDate(d) {
			f.addDate(d)
			return i
		}
	}
	if m := slashDateRE.FindStringSubmatch(t); m != nil {
		f.slashDate(t, atoi(m[1]), atoi(m[2]), year(m[3]))
		return i
	}
	switch {
	case unitWords[suffix] && i > 0 && (toks[i-1].text == "every" || toks[i-1].text == "alle"):
		f.extras = true // "every 3 weeks": not a schedule we keep
		return i + 1
	case unitWords[suffix]: // "in 2 weeks"
		f.relative = true
		n := atoi(t)
		if !numberRE.MatchString(t) || strings.HasSuffix(t, ".") {
			f.extras = true
			return i + 1
		}
		r := rel{text: t + " " + suffix}
		switch {
		case strings.HasPrefix(suffix, "day") || strings.HasPrefix(suffix, "tag"):
			r.days = n
		case strings.HasPrefix(suffix, "week") || strings.HasPrefix(suffix, "woche"):
			r.days = 7 * n
		case strings.HasPrefix(suffix, "month") || strings.HasPrefix(suffix, "monat"):
			r.months = n
		default: // hours and minutes: not a date
			f.extras = true
			return i + 1
		}
		f.rels = append(f.rels, r)
		return i + 1
	case ordinalSuffixes[suffix] && numberRE.MatchString(t): // "the 3rd", without a month
		if d := atoi(t); d >= 1 && d <= 31 {
			f.relative = true
			f.rels = append(f.rels, rel{dom: d, text: t + suffix})
		} else {
			f.extras = true
		}
		return i + 1
	case strings.HasSuffix(t, ".") && numberRE.MatchString(t) && i > 0 && !toks[i-1].num && domWords[toks[i-1].text]:
		// "am 6.", "bis zum 6.": a day of this or next month
		if d := atoi(strings.TrimSuffix(t, ".")); d >= 1 && d <= 31 {
			f.relative = true
			f.rels = append(f.rels, rel{dom: d, text: t})
			return i
		}
	}
	// "7 am" is 07:00, but "7 am Sonntag" is German: at 7 on Sunday.
	meridiem := suffix == "pm" || suffix == "am" && !(i+2 < len(toks) && !toks[i+2].num && isDay(toks[i+2].text))
	if suffix == "am" && !meridiem {
		suffix = ""
	}
	hours := hourSuffixes[suffix]                              // "19 Uhr", "18h", "7 o'clock"
	h24 := suffix == "uhr" || suffix == "h" || suffix == "hrs" // but "7 o'clock" may be 19:00
	last := i
	if meridiem || hours {
		last = i + 1
	}
	var c clock
	if tt := strings.TrimSuffix(t, "."); tt != t && !numberRE.MatchString(t) {
		t = tt // "Sunday 19:00."
	}
	if m := colonTimeRE.FindStringSubmatch(t); m != nil {
		c = clock{hour: atoi(m[1]), minute: atoi(m[2]), soft: m[1][0] != '0'}
	} else if m := dotTimeRE.FindStringSubmatch(t); m != nil {
		c = clock{hour: atoi(m[1]), minute: atoi(m[2]), soft: m[1][0] != '0'}
		d := date{month: time.Month(atoi(m[2])), day: atoi(m[1]), text: t}
		switch {
		case len(m[2]) == 1 || c.hour > 23: // "3.5", "24.12": only a date
			if !validDate(d) {
				f.extras = true
				return i
			}
			f.addDate(d)
			return i
		case !meridiem && !hours && validDate(d):
			c.alt = &d
		}
	} else if numberRE.MatchString(t) && !strings.HasSuffix(t, ".") && len(t) <= 2 {
		c = clock{hour: atoi(t), soft: t[0] != '0', bare: t[0] != '0' && !meridiem && !h24}
		if k := i + 2; hours && k < len(toks) && toks[k].num && len(toks[k].text) == 2 && numberRE.MatchString(toks[k].text) {
			c.minute, last = atoi(toks[k].text), k // "19 Uhr 30", "18h30"
		}
		if !meridiem && !hours && c.hour > 23 {
			f.extras = true // "Sunday 25"
			return i
		}
	} else {
		f.extras = true // "1900", "10-11", "3."
		return i
	}
	if meridiem {
		if c.hour < 1 || c.hour > 12 {
			f.fail(MissingTime, fmt.Sprintf("%q is not a time of day. What time do you mean, for example 6:30pm or 18:30?", t+suffix))
			return last
		}
		c.hour %= 12
		if suffix == "pm" {
			c.hour += 12
		}
		c.soft, c.bare = false, false
	}
	if c.hour > 23 || c.minute > 59 {
		f.fail(MissingTime, fmt.Sprintf("%q is not a time of day. What time do you mean, for example 18:30?", t))
		return last
	}
	if c.hour == 0 || c.hour > 12 {
		c.soft, c.bare = false, false
	}
	f.clocks = append(f.clocks, c)
	return last
}

// slashDate reads a/b or a/b/y, which is day/month in most of the world and
// month/day in the USA; when both read as a date, it is unclear.
func (f *found) slashDate(t string, a, b, y int) {
	dm := date{year: y, month: time.Month(b), day: a, text: t}
	md := date{year: y, month: time.Month(a), day: b, text: t}
	switch okDM, okMD := validDate(dm), validDate(md); {
	case okDM && okMD && a != b:
		f.fail(MissingAmbiguous, fmt.Sprintf("Is %s the %d %s or the %d %s? Please write the month as a word, for example \"%d %s\".",
			t, a, time.Month(b), b, time.Month(a), a, time.Month(b)))
		if f.bad.Input == f.input && len(f.bad.Choices) == 0 && strings.Contains(f.input, t) {
			for _, d := range []date{dm, md} {
				en, de := fmt.Sprintf("%d %s", d.day, d.month), fmt.Sprintf("%d. %s", d.day, germanMonths[d.month-1])
				if y != 0 {
					en, de = fmt.Sprintf("%s %d", en, y), fmt.Sprintf("%s %d", de, y)
				}
				f.bad.Choices = append(f.bad.Choices, Choice{Answer: strings.Replace(f.input, t, en, 1), Label: en, LabelDE: de})
			}
		}
	case okDM:
		f.addDate(dm)
	default:
		f.addDate(md)
	}
}

// addDate records d, or the problem with it.
func (f *found) addDate(d date) {
	if !validDate(d) {
		f.fail(MissingDate, fmt.Sprintf("There is no date %q. Which date do you mean, for example 3.12.2026?", d.text))
		return
	}
	for _, e := range f.dates {
		if e.year == d.year && e.month == d.month && e.day == d.day {
			return
		}
	}
	f.dates = append(f.dates, d)
}

// validDate reports whether d exists (in a leap year, when no year is given).
func validDate(d date) bool {
	y := d.year
	if y == 0 {
		y = 2000
	}
	if y < 1 || y > 9999 || d.month < 1 || d.month > 12 || d.day < 1 {
		return false
	}
	return time.Date(y, d.month, d.day, 12, 0, 0, 0, time.UTC).Day() == d.day
}
