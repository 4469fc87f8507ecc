package when

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
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
