package when

import (
	"regexp"
	"strings"
	"time"
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
