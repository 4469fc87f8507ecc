package when

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Parts of the day and the times they stand for when no time is given.
// "Sunday evening" is Sunday 19:00; "Sunday evening 7" and "Sonntag 7 Uhr
// abends" are too.
const (
	morning   = "morning"   // 09:00; also "morgens", "vormittags"
	noon      = "noon"      // 12:00; also "midday", "mittags"
	afternoon = "afternoon" // 15:00; also "nachmittags"
	evening   = "evening"   // 19:00; also "abends"
)

var partDefaults = map[string]int{morning: 9, noon: 12, afternoon: 15, evening: 19}

// partHours are the hours (from, to inclusive) a time must fall in to go
// with a part of the day: "Sunday morning 19:00" is unclear.
var partHours = map[string][2]int{morning: {4, 11}, noon: {11, 13}, afternoon: {12, 17}, evening: {17, 23}}

var partWords = map[string]string{
	"morning": morning, "mornings": morning, "morgens": morning, "vormittag": morning, "vormittags": morning,
	"noon": noon, "midday": noon, "mittag": noon, "mittags": noon,
	"afternoon": afternoon, "afternoons": afternoon, "nachmittag": afternoon, "nachmittags": afternoon,
	"evening": evening, "evenings": evening, "abend": evening, "abends": evening,
}

var dayWords = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday, "sundays": time.Sunday,
	"monday": time.Monday, "mon": time.Monday, "mondays": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday, "tues": time.Tuesday, "tuesdays": time.Tuesday,
	"wednesday": time.Wednesday, "wed": time.Wednesday, "weds": time.Wednesday, "wednesdays": time.Wednesday,
	"thursday": time.Thursday, "thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursdays": time.Thursday,
	"friday": time.Friday, "fri": time.Friday, "fridays": time.Friday,
	"saturday": time.Saturday, "sat": time.Saturday, "saturdays": time.Saturday,
	// German: "so" and "do" are also English words, but a sentence that
	// uses them next to another day is unclear anyway.
	"so": time.Sunday, "mo": time.Monday, "di": time.Tuesday, "mi": time.Wednesday,
	"do": time.Thursday, "fr": time.Friday, "sa": time.Saturday,
}

// germanDayStems also take a part of the day: "sonntagabend", "Sonntags".
var germanDayStems = map[string]time.Weekday{
	"sonntag": time.Sunday, "montag": time.Monday, "dienstag": time.Tuesday, "mittwoch": time.Wednesday,
	"donnerstag": time.Thursday, "freitag": time.Friday, "samstag": time.Saturday, "sonnabend": time.Saturday,
}

var monthWords = map[string]time.Month{
	"january": 1, "jan": 1, "januar": 1, "janner": 1,
	"february": 2, "feb": 2, "februar": 2,
	"march": 3, "mar": 3, "marz": 3, "maerz": 3,
	"april": 4, "apr": 4,
	"may": 5, "mai": 5,
	"june": 6, "jun": 6, "juni": 6,
	"july": 7, "jul": 7, "juli": 7,
	"august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9,
	"october": 10, "oct": 10, "oktober": 10, "okt": 10,
	"november": 11, "nov": 11,
	"december": 12, "dec": 12, "dezember": 12, "dez": 12,
}

// Words that make input mean something the parsers do not support, or not
// mean a time at all.
var (
	// "I'll tell you later", "keine": no appointment, when nothing else is said.
	negationWords = wordSet("no nope none not never nothing later skip dont unknown unsure except " +
		"nein kein keine keinen keiner nicht nie nichts spater ausser unklar")
	// Dates relative to today, which a weekly schedule cannot hold and a
	// one-off appointment should state exactly.
	relativeWords = wordSet("today tonight tomorrow yesterday heute ubermorgen gestern vorgestern")
	nextWords     = wordSet("next coming nachste nachsten nachster nachstes kommende kommenden")
	thisWords     = wordSet("this diese diesen dieser dieses")
	// "am 6.", "bis zum 6.": a day number after these is a day of the month.
	domWords = wordSet("am zum den bis ab vom the on")
	// Numbers followed by these are durations: "in 2 weeks".
	unitWords = wordSet("day days week weeks month months hour hours minute minutes min mins " +
		"tag tage tagen woche wochen monat monate monaten stunde stunden minute minuten")
	// "halb acht" is 7:30 and "quarter to 7" is 6:45; rather than misread
	// them, ask for the time in digits.
	clockPhraseWords = wordSet("half halb quarter viertel dreiviertel past")
	ordinalSuffixes  = wordSet("st nd rd th")
	hourSuffixes     = wordSet("uhr h oclock hrs")
	biweeklyWords    = wordSet("biweekly fortnightly zweiwochentlich zweiwochig vierzehntagig")
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// Phrases replaced before the input is split into words.
var (
	meridiemRE = regexp.MustCompile(`(^|[\s\d])([ap])\.\s?m(?:\.|\b)`) // "a.m.", "p. m."
	dayAfterRE = regexp.MustCompile(`\b(?:the\s+)?day\s+after\s+tomorrow\b`)
	biweeklyRE = regexp.MustCompile(`\b(?:` +
		`(?:every|each)\s+(?:other|second|2nd|two\s+weeks?|2\s+weeks?|fortnight|14\s+days)\b|` +
		`jede[nrs]?\s+(?:zweite[nrs]?\b|2\.)|` +
		`alle\s+(?:zwei|2)\s+wochen\b|alle\s+(?:vierzehn|14)\s+tage\b|` +
		`(?:vierzehn|14)[\s-]?tagig\b|bi-weekly\b)`)
)

// Numbers and dates.
var (
	isoDateRE   = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)
	dotDateRE   = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})?$`)
	slashDateRE = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$`)
	colonTimeRE = regexp.MustCompile(`^(\d{1,2}):(\d{2})$`)
	dotTimeRE   = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})$`) // "19.00", or "3.12" (a date)
	numberRE    = regexp.MustCompile(`^(\d{1,4})(\.?)$`)
)

// clock is a time of day found in the input.
type clock struct {
	hour, minute int
	soft         bool  // "7", "7:30", "7 Uhr": a part of the day may move it to 19:00
	bare         bool  // "7": without a part of the day, 07:00 or 19:00 is unclear
	alt          *date // "3.12" may be a date when another time is given
}

// date is a calendar date found in the input; year is 0 when not given.
type date struct {
	year  int
	month time.Month
	day   int
	text  string
}

// found is what scan found in the input.
type found struct {
	input            string
	days             []time.Weekday
	clocks           []clock
	parts            []string
	dates            []date
	biweekly         bool
	relative, next   bool
	this             bool  // "this friday": the day may be today
	rels             []rel // dates relative to today
	negation, extras bool  // a negation; a number that fits nowhere
	bad              *UnclearError
}

// token is a word (letters) or a number (digits, possibly with inner ":",
// ".", "/", "-" and a trailing ".") of the input.
type token struct {
	text string
	num  bool
}

// lex splits folded input into tokens, dropping everything else.
func lex(s string) []token {
	var toks []token
	rs := []rune(s)
	isDigit := func(i int) bool { return i < len(rs) && rs[i] >= '0' && rs[i] <= '9' }
	for i := 0; i < len(rs); {
		switch r := rs[i]; {
		case isDigit(i):
			j := i
			for j < len(rs) && (isDigit(j) || strings.ContainsRune(":./-", rs[j]) && isDigit(j+1)) {
				j++
			}
			if j < len(rs) && rs[j] == '.' {
				j++ // "3." in "3. Dezember", "3.12."
			}
			toks = append(toks, token{string(rs[i:j]), true})
			i = j
		case unicode.IsLetter(r):
			var b strings.Builder
			for i < len(rs) && (unicode.IsLetter(rs[i]) || rs[i] == '\'' && i+1 < len(rs) && unicode.IsLetter(rs[i+1])) {
				if rs[i] != '\'' {
					b.WriteRune(rs[i])
				}
				i++
			}
			toks = append(toks, token{b.String(), false})
		default:
			i++
		}
	}
	return toks
}

// scan finds the days, times, dates and hints in s.
func scan(s string) *found {
	f := &found{input: s}
	if len(s) > 200 {
		f.bad = unclear(s, MissingAmbiguous, "That is a lot to read. When is it, in a few words? For example \"Thursday 10:00\".")
		return f
	}
	norm := fold(s)
	norm = meridiemRE.ReplaceAllString(norm, "${1}${2}m ")
	norm = biweeklyRE.ReplaceAllString(norm, " biweekly ")
	norm = dayAfterRE.ReplaceAllString(norm, " ubermorgen ")
	toks := numberWords(lex(norm))
	used := make([]bool, len(toks))
	f.monthDates(toks, used)
	f.clockPhrases(toks, used)
	for i := 0; i < len(toks); i++ {
		if used[i] {
			continue
		}
		if toks[i].num {
			i = f.number(toks, i, used)
		} else {
			f.word(toks, i)
		}
	}
	if len(f.clocks) > 1 { // "3.12 10:00": the "3.12" is a date
		var rest []clock
		for _, c := range f.clocks {
			if c.alt != nil {
				f.addDate(*c.alt)
			} else {
				rest = append(rest, c)
			}
		}
		f.clocks = rest
	}
	return f
}

// word reads the word toks[i].
func (f *found) word(toks []token, i int) {
	w := toks[i].text
	if d, ok := dayWords[w]; ok {
		f.days = append(f.days, d)
		return
	}
	for stem, d := range germanDayStems {
		if rest, ok := strings.CutPrefix(w, stem); ok {
			if rest == "morgen" {
				rest = "morgens"
			}
			if p, ok := partWords[rest]; ok || rest == "" || rest == "s" {
				f.days = append(f.days, d)
				if ok {
					f.parts = append(f.parts, p)
				}
				return
			}
		}
	}
	if w == "morgen" { // "Sonntag morgen" is Sunday morning; "morgen" alone is tomorrow
		if i > 0 && isDay(toks[i-1].text) {
			f.parts = append(f.parts, morning)
		} else {
			f.relative = true
			f.rels = append(f.rels, rel{days: 1, text: w})
		}
		return
	}
	switch {
	case partWords[w] != "":
		f.parts = append(f.parts, partWords[w])
	case biweeklyWords[w]:
		f.biweekly = true
	case negationWords[w]:
		f.negation = true
	case relativeWords[w]:
		f.relative = true
		switch w {
		case "today", "heute":
			f.rels = append(f.rels, rel{text: w})
		case "tonight":
			f.rels = append(f.rels, rel{text: w})
			f.parts = append(f.parts, evening)
		case "tomorrow":
			f.rels = append(f.rels, rel{days: 1, text: w})
		case "ubermorgen":
			f.rels = append(f.rels, rel{days: 2, text: w})
		case "yesterday", "gestern":
			f.rels = append(f.rels, rel{days: -1, text: w})
		case "vorgestern":
			f.rels = append(f.rels, rel{days: -2, text: w})
		}
	case thisWords[w]:
		f.this = true
	case nextWords[w]:
		f.next = true
		if i+1 < len(toks) {
			switch toks[i+1].text {
			case "week", "woche":
				f.relative = true
				f.rels = append(f.rels, rel{days: 7, nextWeek: true, text: w + " " + toks[i+1].text})
			case "month", "monat":
				f.relative = true
				f.rels = append(f.rels, rel{months: 1, text: w + " " + toks[i+1].text})
			}
		}
	case clockPhraseWords[w]:
		f.fail(MissingTime, "At what time exactly? Please write it in digits, for example 18:30.")
	}
}

func isDay(w string) bool {
	if _, ok := dayWords[w]; ok {
		return true
	}
	_, ok := germanDayStems[strings.TrimSuffix(w, "s")]
	return ok
}

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

// fail records the first problem found.
func (f *found) fail(missing, question string) {
	if f.bad == nil {
		f.bad = unclear(f.input, missing, question)
	}
}

func unclear(input, missing, question string) *UnclearError {
	return &UnclearError{Input: input, Question: question, Missing: missing}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// year reads a two- or four-digit year; "" gives 0.
func year(s string) int {
	y := atoi(s)
	if len(s) == 2 {
		y += 2000
	}
	return y
}

// day returns the one weekday mentioned, or an error when there are none or
// several.
func (f *found) day(question string) (time.Weekday, error) {
	for _, d := range f.days[min(len(f.days), 1):] {
		if d != f.days[0] {
			return 0, unclear(f.input, MissingAmbiguous, "Which one day do you mean? Please give one day and one time, for example \"Thursday 10:00\".")
		}
	}
	if len(f.days) == 0 {
		return 0, unclear(f.input, MissingDay, question)
	}
	return f.days[0], nil
}

// clock returns the time of day given by the clocks and parts of the day;
// on is the day or date it is for, to ask about.
func (f *found) clock(on string) (hour, minute int, err error) {
	cs, parts := dedupe(f.clocks), dedupe(f.parts)
	if len(cs) > 1 || len(parts) > 1 {
		return 0, 0, unclear(f.input, MissingAmbiguous, "Which one time do you mean? Please give one day and one time, for example \"Thursday 10:00\".")
	}
	if len(cs) == 0 && len(parts) == 0 {
		return 0, 0, unclear(f.input, MissingTime, fmt.Sprintf("At what time on %s? For example 18:30.", on))
	}
	if len(cs) == 0 {
		return partDefaults[parts[0]], 0, nil
	}
	c := cs[0]
	if len(parts) == 0 {
		if c.bare {
			return 0, 0, unclear(f.input, MissingTime, fmt.Sprintf("Do you mean %02d:00 or %02d:00?", c.hour%12, c.hour%12+12))
		}
		return c.hour, c.minute, nil
	}
	span := partHours[parts[0]]
	if c.soft && c.hour < 12 && c.hour+12 >= span[0] && c.hour+12 <= span[1] && parts[0] != morning {
		c.hour += 12 // "7 in the evening"
	}
	if c.hour < span[0] || c.hour > span[1] {
		return 0, 0, unclear(f.input, MissingAmbiguous, fmt.Sprintf("%02d:%02d is not in the %s. Which time do you mean, for example 18:30?", c.hour, c.minute, parts[0]))
	}
	return c.hour, c.minute, nil
}

// dedupe drops repeated elements, keeping the first of each.
func dedupe[T comparable](xs []T) []T {
	var out []T
	for _, x := range xs {
		seen := false
		for _, y := range out {
			seen = seen || x == y
		}
		if !seen {
			out = append(out, x)
		}
	}
	return out
}

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
		return Weekly{}, withChoices(f, hs, func() (string, error) {
			w, err := f.weekly()
			return w.String(), err
		})
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
		return Appointment{}, withChoices(f, hs, func() (string, error) {
			a, err := f.appointment(now, loc)
			if err != nil {
				return "", err
			}
			return a.answer(loc), nil
		})
	}
	return a, err
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
