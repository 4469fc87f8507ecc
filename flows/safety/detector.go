package safety

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unicode/utf8"
)

//go:embed data/*.yaml
var embedded embed.FS

// Tier is how plainly a message signals risk. Each phrase rule belongs to one.
type Tier uint8

const (
	// TierNone: no risk phrase, or only one that an idiom covers.
	TierNone Tier = iota
	// TierUnsure: worrying but not explicit (means or a plan without the
	// explicit words, farewells, giving things away, "can't go on",
	// hopelessness about living). The bot asks the client directly.
	TierUnsure
	// TierDirect: intent, a plan, an attempt or self-harm in plain words,
	// slang or typos. The bot shows the crisis reply at once.
	TierDirect
)

// String returns the name used in phrase files: "none", "unsure", "direct".
func (t Tier) String() string {
	switch t {
	case TierUnsure:
		return "unsure"
	case TierDirect:
		return "direct"
	}
	return "none"
}

func parseTier(s string) (Tier, bool) {
	switch s {
	case "direct":
		return TierDirect, true
	case "unsure":
		return TierUnsure, true
	}
	return TierNone, false
}

// Match is the result of Detector.Check. It never contains what the client
// wrote. Rule and Tier together still say something about the client's
// health: the engine does not log them (tests and `flows check` use them).
type Match struct {
	// Tier is the highest tier of the risk phrases that matched and that no
	// idiom suppressed; TierNone when there is none.
	Tier Tier
	// Lang is the language of the phrase file Rule came from ("en", "de"),
	// empty when Rule is.
	Lang string
	// Rule identifies the matched phrase, as "<lang>.<id>" (for example
	// "en.kill_myself"). When Tier is TierNone and an idiom suppressed a
	// phrase, Rule names the idiom (for example "en.idiom_killing_me");
	// otherwise it is empty.
	Rule string
}

// Risk reports whether the match calls for the crisis reply at once.
func (m Match) Risk() bool { return m.Tier == TierDirect }

// Detector finds risk phrases in messages. It is built once by LoadDetector,
// is read-only afterwards and safe for concurrent use.
type Detector struct {
	byWord   map[string][]*pattern // patterns starting with a word, by that word
	byPrefix map[string][]*pattern // patterns starting with a prefix, by its first 3 bytes
	byCount  []*pattern            // patterns starting with <n>
}

// DefaultMaxGap is how many words a "*" in a pattern may skip when the phrase
// file does not set max_gap.
const DefaultMaxGap = 3

// LoadDetector builds a Detector from the embedded phrase files and, when dir
// is not "", from every phrases.<lang>.yaml in dir (the engine passes
// $INTERLUDE_FLOWS_DIR/safety). Operator files add phrases and idioms: a rule
// with an id that already exists gets the extra patterns, a new id is a new
// rule, and a new language is simply a new file. A missing dir is not an
// error. Errors name the file and line.
//
// The phrase file format is described in docs/SAFETY.md.
func LoadDetector(dir string) (*Detector, error) {
	b := newBuilder()
	sub, _ := fs.Sub(embedded, "data")
	b.strict = true
	if err := b.addDir(sub, "embedded"); err != nil {
		return nil, err
	}
	b.strict = false
	if dir != "" {
		fi, err := os.Stat(dir)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("safety: %w", err)
		case !fi.IsDir():
			return nil, fmt.Errorf("safety: %s is not a directory", dir)
		default:
			if err := b.addDir(os.DirFS(dir), dir); err != nil {
				return nil, err
			}
		}
	}
	return b.build(), nil
}

// Check reports whether text contains a risk phrase. It allocates little and
// touches nothing outside the Detector, so it can run on every message before
// any other work.
func (d *Detector) Check(text string) Match {
	var stack [64]token
	toks := tokenize(stack[:0], text)
	var found [8]hit
	hits := found[:0]
	try := func(ps []*pattern, i int) {
		for _, p := range ps {
			if end, ok := p.matchAt(toks, i); ok {
				hits = append(hits, hit{p, i, end})
			}
		}
	}
	for i, t := range toks {
		try(d.byWord[t.key], i)
		if len(t.key) >= 3 {
			try(d.byPrefix[t.key[:3]], i)
		}
		if '1' <= t.key[0] && t.key[0] <= '9' {
			try(d.byCount, i)
		}
	}
	return decide(hits)
}

// decide returns the first hit of the highest tier that no longer-or-equal
// idiom overlaps. Ties go to the idiom: an idiom entry is written to cover the
// phrase.
func decide(hits []hit) Match {
	var suppressed *hit
	var best Match
	for i := range hits {
		h := &hits[i]
		if h.p.rule.idiom || h.p.rule.tier <= best.Tier {
			continue
		}
		by := -1
		for j, e := range hits {
			if e.p.rule.idiom && e.start < h.end && h.start < e.end && e.end-e.start >= h.end-h.start {
				by = j
				break
			}
		}
		if by < 0 {
			best = Match{Tier: h.p.rule.tier, Lang: h.p.rule.lang, Rule: h.p.rule.id}
			continue
		}
		if suppressed == nil {
			suppressed = &hits[by]
		}
	}
	if best.Tier != TierNone {
		return best
	}
	if suppressed != nil {
		return Match{Lang: suppressed.p.rule.lang, Rule: suppressed.p.rule.id}
	}
	return Match{}
}

type hit struct {
	p          *pattern
	start, end int // token span [start, end)
}

// A token is one word of normalised text in its matching form: runs of the
// same letter collapsed to one, so "kill", "kil" and "killlll" are the same
// word, as are "suicide" and "suiccide". Break tokens stand for clause and
// sentence ends.
type token struct {
	key string
	brk byte // the break just before this token: 0, softBreak or hardBreak
}

// tokenize splits text into matching tokens, appending to dst.
func tokenize(dst []token, text string) []token {
	var buf [512]byte
	norm := normalize(buf[:0], text, true)
	// Collapse runs of the same letter in place; the result is never longer.
	w := 0
	var prev rune
	for i := 0; i < len(norm); {
		r, size := utf8.DecodeRune(norm[i:])
		if r != prev || !isLetter(r) {
			w += copy(norm[w:], norm[i:i+size])
		}
		prev = r
		i += size
	}
	var brk byte
	for f := range strings.FieldsSeq(string(norm[:w])) {
		if f == string(softBreak) || f == string(hardBreak) {
			brk = max(brk, f[0])
			continue
		}
		dst = append(dst, token{key: f, brk: brk})
		brk = 0
	}
	return dst
}

// A pattern is one entry of a rule's match list, compiled.
type pattern struct {
	rule  *rule
	elems []elem
}

type rule struct {
	lang  string
	id    string // "<lang>.<id>"
	idiom bool   // an exclude entry: suppresses shorter overlapping phrases
	tier  Tier   // TierNone for an idiom
}

type elemKind uint8

const (
	elemWord   elemKind = iota // the word itself
	elemPrefix                 // any word starting with word
	elemGap                    // up to max words, within one sentence
	elemEnd                    // end of a clause or sentence
	elemCount                  // <n>: a number of 10 or more ("took 30 pills")
)

type elem struct {
	kind elemKind
	word string
	max  int
}

func (e elem) matches(key string) bool {
	switch e.kind {
	case elemPrefix:
		return strings.HasPrefix(key, e.word)
	case elemCount:
		return len(key) >= 2 && key[0] != '0' && strings.Trim(key, "0123456789") == ""
	}
	return key == e.word
}

// matchAt reports whether p matches toks starting at i, and where the match
// ends. Gaps take as few words as possible.
func (p *pattern) matchAt(toks []token, i int) (end int, ok bool) {
	return matchFrom(p.elems, toks, i, i)
}

func matchFrom(el []elem, toks []token, i, start int) (int, bool) {
	if len(el) == 0 {
		return i, true
	}
	// entering reports whether the match may take token j.
	entering := func(j int) bool {
		return j < len(toks) && (j == start || toks[j].brk != hardBreak)
	}
	switch e := el[0]; e.kind {
	case elemEnd:
		if i == len(toks) || toks[i].brk != 0 {
			return matchFrom(el[1:], toks, i, start)
		}
		return 0, false
	case elemGap:
		for n := 0; n <= e.max; n++ {
			if end, ok := matchFrom(el[1:], toks, i+n, start); ok {
				return end, true
			}
			if !entering(i + n) {
				break
			}
		}
		return 0, false
	default:
		if !entering(i) || !e.matches(toks[i].key) {
			return 0, false
		}
		return matchFrom(el[1:], toks, i+1, start)
	}
}
