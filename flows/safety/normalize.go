// Package safety finds messages that signal a risk of suicide or self-harm and
// holds the helplines shown in reply.
//
// It is deliberately simple and runs in memory: phrase matching on normalised
// text (not understanding), and a fixed directory of crisis lines. Nothing here
// touches Redis or the network, so the crisis path works when everything else
// is down. See docs/SAFETY.md for what it does and does not do.
package safety

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize returns the form of s that phrases are matched against: lower
// case; accents folded to ASCII (ä→a, ß→ss, é→e, ł→l …) and the German ae/oe/ue
// spellings of umlauts folded the same way (möchte, moechte and mochte all
// become "mochte"); zero-width, bidi and control characters removed (tabs
// and line breaks separate words);
// apostrophes removed ("don't" → "dont"); other punctuation turned into
// spaces; runs of three or more equal letters cut to two ("killlll" →
// "kill"); simple leetspeak inside words undone ("k1ll", "$uicide"); and
// whitespace collapsed to single spaces.
//
// The result is a matching key, not display text. Normalize never panics,
// always returns valid UTF-8 and is idempotent.
func Normalize(s string) string {
	return string(normalize(make([]byte, 0, len(s)), s, false))
}

// Markers written into the token stream by normalize when asked to keep
// clause boundaries. They are single tokens of their own and never occur in
// Normalize's output.
const (
	softBreak = ',' // comma-like: ends a clause for "$", invisible otherwise
	hardBreak = '.' // sentence end: nothing matches across it
)

// normalize appends the normalised form of s to dst. With breaks set it also
// writes softBreak and hardBreak tokens where clauses and sentences end.
func normalize(dst []byte, s string, breaks bool) []byte {
	n := normalizer{out: dst, tok: make([]rune, 0, 32), breaks: breaks}
	for _, r := range s {
		n.rune(r)
	}
	n.resolvePending(false)
	n.flush()
	return n.out
}

type normalizer struct {
	out    []byte
	tok    []rune // the current word, folded but not yet leet-mapped or squashed
	breaks bool
	brk    byte // strongest break seen since the last word, 0 if none

	pending    rune // '@', '$' or '!' waiting to see whether a letter follows
	pendingMid bool // the pending symbol came right after a letter
	lastDot    bool // the last kept rune was '.'
}

func (n *normalizer) rune(r rune) {
	if r >= utf8.RuneSelf {
		if _, ok := foldTable[unicode.ToLower(r)]; !ok {
			// Compatibility forms (full-width, mathematical, circled, ligatures,
			// superscripts) and precomposed accents become their plain letters.
			// A decomposition is final: its runes do not decompose again.
			var buf [utf8.UTFMax]byte
			if d := norm.NFKD.Properties(buf[:utf8.EncodeRune(buf[:], r)]).Decomposition(); d != nil {
				for _, x := range string(d) {
					n.rune1(x)
				}
				return
			}
		}
	}
	n.rune1(r)
}

func (n *normalizer) rune1(r rune) {
	c := classify(r)
	if c == classDrop {
		return
	}
	dot := n.lastDot
	n.lastDot = r == '.'
	switch c {
	case classLetter, classDigit:
		n.resolvePending(c == classLetter)
		if r < utf8.RuneSelf {
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			n.tok = append(n.tok, r)
			return
		}
		if _, ok := confusables[r]; c == classDigit || ok {
			n.tok = append(n.tok, r) // a look-alike keeps its case until flush
			return
		}
		r = unicode.ToLower(r)
		if f, ok := foldTable[r]; ok {
			for i := 0; i < len(f); i++ {
				n.tok = append(n.tok, rune(f[i]))
			}
		} else {
			n.tok = append(n.tok, r)
		}
	case classLeet:
		n.resolvePending(false)
		n.pending = r
		n.pendingMid = len(n.tok) > 0 && isLetter(n.tok[len(n.tok)-1])
	case classHardBreak:
		n.resolvePending(false)
		n.separate(hardBreak)
		if dot && r == '.' && n.brk == hardBreak {
			n.brk = softBreak // an ellipsis "..." is a pause, not a sentence end
		}
	case classSoftBreak:
		n.resolvePending(false)
		n.separate(softBreak)
	default:
		n.resolvePending(false)
		n.separate(0)
	}
}

// resolvePending decides what a pending leet symbol was, now that the next
// kept rune is known to be a letter (or not).
func (n *normalizer) resolvePending(letterNext bool) {
	p := n.pending
	if p == 0 {
		return
	}
	n.pending = 0
	if letterNext && (p != '!' || n.pendingMid) {
		l, _ := unleet(p)
		n.tok = append(n.tok, l)
		return
	}
	if p == '!' {
		n.separate(hardBreak)
	} else {
		n.separate(0)
	}
}

// separate ends the current word and remembers the strongest break.
func (n *normalizer) separate(brk byte) {
	n.flush()
	if n.breaks && brk > n.brk { // hardBreak > softBreak > 0
		n.brk = brk
	}
}

// flush writes the current word: leetspeak digits become letters when the
// word has a letter, "ae/oe/ue" lose the "e", and no letter appears three
// times in a row.
func (n *normalizer) flush() {
	if len(n.tok) == 0 {
		return
	}
	if len(n.out) > 0 {
		if n.brk != 0 {
			n.out = append(n.out, ' ', n.brk)
		}
		n.out = append(n.out, ' ')
	}
	n.brk = 0
	hasLetter := false
	for _, r := range n.tok {
		if isLetter(r) {
			hasLetter = true
			break
		}
	}
	// Look-alike letters become Latin only in a word that has Latin letters
	// ("mysеlf" with a Cyrillic е); a word in Cyrillic or Greek stays as it is.
	latin := false
	for i, r := range n.tok {
		if l, ok := unleet(r); ok && hasLetter {
			r = l
			n.tok[i] = l
		}
		latin = latin || 'a' <= r && r <= 'z'
	}
	var prev1, prev2 rune
	for _, r := range n.tok {
		if l, ok := confusables[r]; ok {
			if latin {
				r = l
			} else {
				r = unicode.ToLower(r)
			}
		}
		if r == 'e' && (prev1 == 'a' || prev1 == 'o' || prev1 == 'u') {
			continue
		}
		if r == prev1 && r == prev2 && isLetter(r) {
			continue
		}
		n.out = utf8.AppendRune(n.out, r)
		prev2, prev1 = prev1, r
	}
	n.tok = n.tok[:0]
}

type class uint8

const (
	classSeparator class = iota
	classDrop            // invisible: zero-width, bidi, control, combining marks, apostrophes, invalid bytes
	classLetter
	classDigit
	classLeet      // '@', '$', '!': a letter inside a word, punctuation otherwise
	classSoftBreak // ',' and the like
	classHardBreak // '.', '?', '!', ';', ':', newline and the like
)

func classify(r rune) class {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
			return classLetter
		case '0' <= r && r <= '9':
			return classDigit
		}
		switch r {
		case '\'', '`':
			return classDrop
		case '@', '$', '!':
			return classLeet
		case ',':
			return classSoftBreak
		case '.', '?', ';', ':', '\n', '\r':
			return classHardBreak
		case '\t', '\v', '\f':
			return classSeparator
		}
		if r < ' ' || r == 0x7f {
			return classDrop // other control characters
		}
		return classSeparator
	}
	switch r {
	case utf8.RuneError, '’', '‘', 'ʼ', '´', 'ʹ', '′':
		return classDrop
	case '、', '，':
		return classSoftBreak
	case '…':
		return classSoftBreak
	case '。', '！', '？', '¡', '¿', '\u2028', '\u2029', '\u0085':
		return classHardBreak
	}
	switch {
	case unicode.IsLetter(r), unicode.Is(unicode.Mc, r):
		return classLetter
	case unicode.IsDigit(r):
		return classDigit
	case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Mn, unicode.Me):
		return classDrop
	}
	return classSeparator
}

// unleet maps the look-alike digits and symbols that are undone inside words.
func unleet(r rune) (rune, bool) {
	switch r {
	case '0':
		return 'o', true
	case '1', '!':
		return 'i', true
	case '3':
		return 'e', true
	case '4', '@':
		return 'a', true
	case '5', '$':
		return 's', true
	case '7':
		return 't', true
	}
	return r, false
}

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

// confusables maps Cyrillic and Greek letters that look like Latin ones to
// those Latin letters, so that "kill mysеlf" with a Cyrillic "е" reads as
// "kill myself". Capitals map by their own shape (Greek "Η" looks like "H",
// its small "η" like "n"). Nothing we match is written in these scripts, so
// a word truly written in them only becomes a key that matches nothing.
var confusables = func() map[rune]rune {
	pairs := []string{
		// Cyrillic
		"аa", "Аa", "вb", "Вb", "еe", "Еe", "ёe", "Ёe", "кk", "Кk", "мm", "Мm",
		"нh", "Нh", "оo", "Оo", "рp", "Рp", "сc", "Сc", "тt", "Тt", "уy", "Уy",
		"хx", "Хx", "ѕs", "Ѕs", "іi", "Іi", "їi", "Їi", "јj", "Јj", "ԁd", "һh",
		"Һh", "ԛq", "ԝw", "Ԝw", "ӏl", "Ӏl", "үy", "Үy", "ьb", "гr",
		// Greek
		"αa", "Αa", "βb", "Βb", "εe", "Εe", "ζz", "Ζz", "ηn", "Ηh", "ιi", "Ιi",
		"κk", "Κk", "μu", "Μm", "νv", "Νn", "οo", "Οo", "ρp", "Ρp", "τt", "Τt",
		"υu", "Υy", "χx", "Χx", "ωw", "γy", "ϲc", "Ϲc", "ϳj", "ίi", "όo", "έe",
		"ύu", "ά" + "a",
	}
	m := make(map[rune]rune, len(pairs))
	for _, p := range pairs {
		r := []rune(p)
		m[r[0]] = r[1]
	}
	return m
}()

// foldTable maps lower-case Latin-1 and Latin Extended-A letters (and a few
// more) to ASCII. Upper-case letters are lowered before the lookup.
var foldTable = func() map[rune]string {
	groups := map[string]string{
		"a":  "àáâãäåāăąǎ",
		"c":  "çćĉċč",
		"d":  "ďđð",
		"e":  "èéêëēĕėęě",
		"g":  "ĝğġģ",
		"h":  "ĥħ",
		"i":  "ìíîïĩīĭįıǐ",
		"j":  "ĵ",
		"k":  "ķĸ",
		"l":  "ĺļľŀł",
		"n":  "ñńņňŉŋ",
		"o":  "òóôõöøōŏőǒ",
		"r":  "ŕŗř",
		"s":  "śŝşšſș",
		"t":  "ţťŧț",
		"u":  "ùúûüũūŭůűųǔ",
		"w":  "ŵ",
		"y":  "ýÿŷ",
		"z":  "źżž",
		"ae": "æ",
		"oe": "œ",
		"ij": "ĳ",
		"ss": "ß",
		"th": "þ",
	}
	t := make(map[rune]string)
	for ascii, letters := range groups {
		for _, r := range letters {
			t[r] = ascii
		}
	}
	return t
}()
