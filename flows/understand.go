package flows

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// This file reads short answers as people type them, in English and German: yes and no in
// their many forms, numbers in words ("four", "vier", "maybe a 4"), a button's label typed
// instead of pressed, and greetings.

// words splits folded text into lower-case words of letters and digits: "Ja, alles löschen!"
// gives [ja alles loschen]. A minus sign right before a digit stays with it ("-3").
func words(s string) []string {
	s = foldAccents(strings.ToLower(s))
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '\''
	})
}

var accentFolder = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss", "é", "e", "è", "e", "á", "a", "à", "a", "ó", "o", "í", "i", "ñ", "n", "ç", "c", "’", "'")

func foldAccents(s string) string { return accentFolder.Replace(s) }

// Words and phrases that answer a yes/no question. A phrase of several words must be the
// whole answer or its start; a single word must be the answer's first word.
var (
	yesWords = set("yes y yeah yea yep yup sure ok okay alright absolutely definitely certainly " +
		"ja jo jep jap klar gerne gern genau sicher okay passt freilich jawohl einverstanden")
	noWords = set("no n nope nah never nein ne nee noe niemals")
	// Phrases whose first word alone would mislead: "not now" is no, "of course" is yes.
	yesPhrases = []string{"of course", "go ahead", "why not", "na klar", "auf jeden fall", "na sicher"}
	noPhrases  = []string{"not now", "no thanks", "not really", "jetzt nicht", "lieber nicht", "eher nicht", "nicht jetzt", "danke nein", "nein danke"}
)

func set(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// yesNo reads a yes or a no. ok is false when the text is neither, or both ("yes no").
func yesNo(text string) (yes, ok bool) {
	ws := words(text)
	if len(ws) == 0 {
		return false, false
	}
	joined := strings.Join(ws, " ")
	for _, p := range yesPhrases {
		if joined == p || strings.HasPrefix(joined, p+" ") {
			return true, true
		}
	}
	for _, p := range noPhrases {
		if joined == p || strings.HasPrefix(joined, p+" ") {
			return false, true
		}
	}
	first := ws[0]
	y, n := yesWords[first], noWords[first]
	// "yes, no wait": the answer contradicts itself
	for _, w := range ws[1:] {
		if yesWords[w] && n || noWords[w] && y {
			return false, false
		}
	}
	switch {
	case y && !n:
		return true, true
	case n && !y:
		return false, true
	}
	return false, false
}

// numberWord are number words from zero to ten, in English and German (folded).
var numberWord = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10,
	"null": 0, "eins": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4, "funf": 5, "fuenf": 5,
	"sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
}

// outOfRE drops the scale's top after a number: "4/10", "4 out of 10", "4 von 10".
var outOfRE = regexp.MustCompile(`(\d)\s*(?:/|out of|of|von|aus)\s*10\b`)

// scaleAnswer reads a number on a scale from what a client typed: "4", "a 4", "maybe a 4",
// "pretty rough week honestly, maybe a 4", "four", "vier", "4/10", "4 von 10". It returns the
// numbers found: one for a clear answer, two for "like 4 or 5" or "4-5", none when there is no
// number. Numbers out of the scale are returned too (the caller says what the scale is).
func scaleAnswer(text string) []int {
	s := foldAccents(strings.ToLower(text))
	s = outOfRE.ReplaceAllString(s, "$1 ")
	s = strings.NewReplacer("–", "-", "—", "-", "−", "-").Replace(s)
	var nums []int
	add := func(n int) {
		for _, m := range nums {
			if m == n {
				return
			}
		}
		nums = append(nums, n)
	}
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsDigit(r) || r == '-' && i+1 < len(rs) && unicode.IsDigit(rs[i+1]) && (i == 0 || !unicode.IsDigit(rs[i-1])):
			j := i + 1
			for j < len(rs) && unicode.IsDigit(rs[j]) {
				j++
			}
			if j < len(rs) && (rs[j] == '.' || rs[j] == ',') && j+1 < len(rs) && unicode.IsDigit(rs[j+1]) {
				// "4.5": between two numbers
				k := j + 1
				for k < len(rs) && unicode.IsDigit(rs[k]) {
					k++
				}
				n, _ := strconv.Atoi(string(rs[i:j]))
				add(n)
				add(n + 1)
				i = k
				continue
			}
			n, err := strconv.Atoi(string(rs[i:j]))
			if err != nil || len(rs[i:j]) > 4 {
				n = 1 << 20
			}
			add(n)
			i = j
		case unicode.IsLetter(r):
			j := i
			for j < len(rs) && unicode.IsLetter(rs[j]) {
				j++
			}
			w := string(rs[i:j])
			if n, ok := numberWord[w]; ok && !((w == "ein" || w == "eine" || w == "one") && !alone(rs)) {
				add(n)
			}
			i = j
		default:
			i++
		}
	}
	return nums
}

// alone reports whether the answer is one word: "one" and "eine" are numbers then, and not
// pronouns or articles ("a rough one", "eine harte Woche").
func alone(rs []rune) bool {
	return len(strings.FieldsFunc(string(rs), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })) == 1
}

// labelMatch finds the option whose label (or id) the client typed: the whole label, its
// number, or the part before a comma ("Ja" for "Ja, alles löschen"), and a yes or no word for
// options with the ids "yes" and "no". It returns -1 when nothing or more than one matches.
func labelMatch(labels, ids []string, text string) int {
	want := strings.Join(words(text), " ")
	if want == "" {
		return -1
	}
	if n, err := strconv.Atoi(want); err == nil {
		if n >= 1 && n <= len(labels) {
			return n - 1
		}
		return -1
	}
	found := -1
	for i, l := range labels {
		lw := strings.Join(words(l), " ")
		head, _, _ := strings.Cut(l, ",")
		if lw == want || strings.ToLower(ids[i]) == want || strings.Join(words(head), " ") == want && head != l {
			if found >= 0 && found != i {
				return -1
			}
			found = i
		}
	}
	if found >= 0 {
		return found
	}
	if yes, ok := yesNo(text); ok {
		id := "no"
		if yes {
			id = "yes"
		}
		for i := range ids {
			if ids[i] == id {
				return i
			}
		}
	}
	return -1
}

// greetingWords are the words a greeting is made of; a greeting is a short message of only
// these (and "there", a name for the bot, punctuation, emoji).
var greetingWords = set("hi hello hey heya hiya howdy yo hallo hallochen moin servus gruss gruezi " +
	"huhu na tach tag morgen abend guten good morning evening afternoon day there bot interlude " +
	"gott grussgott everyone all ihr du")

// greetingCores must appear: "good" or "there" alone is not a greeting.
var greetingCores = set("hi hello hey heya hiya howdy yo hallo hallochen moin servus gruss gruezi huhu tach morning evening afternoon tag morgen abend grussgott")

// isGreeting reports whether the text is only a greeting: "hi", "Hello!", "hey there",
// "Hallo 👋", "Guten Morgen", "moin".
func isGreeting(text string) bool {
	ws := words(text)
	if len(ws) == 0 || len(ws) > 4 {
		return false
	}
	core := false
	for _, w := range ws {
		if !greetingWords[w] {
			return false
		}
		core = core || greetingCores[w]
	}
	// "morgen" alone answers many questions (tomorrow); with "guten" it greets.
	if len(ws) == 1 && (ws[0] == "morgen" || ws[0] == "tag" || ws[0] == "abend") {
		return false
	}
	return core
}
