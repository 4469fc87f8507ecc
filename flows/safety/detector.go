package safety

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
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

// builder collects phrase files into a Detector.
type builder struct {
	rules  map[string]*rule // by full id
	pats   []*pattern
	strict bool // every phrase rule must name its tier (the embedded files)
}

func newBuilder() *builder { return &builder{rules: map[string]*rule{}} }

var phraseFileName = regexp.MustCompile(`^phrases\.([a-z]{2,3})\.yaml$`)

// addDir adds every phrases.<lang>.yaml in fsys; where names fsys in errors.
func (b *builder) addDir(fsys fs.FS, where string) error {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return fmt.Errorf("safety: %s: %w", where, err)
	}
	for _, e := range entries {
		m := phraseFileName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			continue
		}
		data, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return fmt.Errorf("safety: %w", err)
		}
		if err := b.addFile(data, m[1]); err != nil {
			return fmt.Errorf("safety: %s: %w", filepath.Join(where, e.Name()), err)
		}
	}
	return nil
}

// phraseFile is the format of phrases.<lang>.yaml.
type phraseFile struct {
	Lang    string     `yaml:"lang"`
	MaxGap  int        `yaml:"max_gap"`
	Phrases []ruleSpec `yaml:"phrases"`
	Exclude []ruleSpec `yaml:"exclude"`
}

type ruleSpec struct {
	ID    string
	Tier  string // "direct" or "unsure"; required for phrases of the embedded files
	Match []lineString
	line  int
}

var ruleID = regexp.MustCompile(`^[a-z0-9_]+$`)

func (r *ruleSpec) UnmarshalYAML(n *yaml.Node) error {
	var plain struct {
		ID    string       `yaml:"id"`
		Tier  string       `yaml:"tier"`
		Match []lineString `yaml:"match"`
	}
	if err := decodeStrict(n, &plain, "id", "tier", "match"); err != nil {
		return err
	}
	*r = ruleSpec{ID: plain.ID, Tier: plain.Tier, Match: plain.Match, line: n.Line}
	return nil
}

func (b *builder) addFile(data []byte, lang string) error {
	var f phraseFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && err != io.EOF {
		return err
	}
	if f.Lang != "" && f.Lang != lang {
		return fmt.Errorf("lang %q does not match the file name", f.Lang)
	}
	if f.MaxGap == 0 {
		f.MaxGap = DefaultMaxGap
	}
	if f.MaxGap < 0 || f.MaxGap > 10 {
		return fmt.Errorf("max_gap %d: want 1 to 10", f.MaxGap)
	}
	for _, spec := range append(f.Phrases, f.Exclude...) {
		if !ruleID.MatchString(spec.ID) {
			return fmt.Errorf("line %d: id %q: want lower-case letters, digits and _", spec.line, spec.ID)
		}
		if len(spec.Match) == 0 {
			return fmt.Errorf("line %d: rule %q has no match patterns", spec.line, spec.ID)
		}
	}
	for i, spec := range append(f.Phrases, f.Exclude...) {
		idiom := i >= len(f.Phrases)
		id := lang + "." + spec.ID
		var tier Tier
		switch t, ok := parseTier(spec.Tier); {
		case idiom && spec.Tier != "":
			return fmt.Errorf("line %d: exclude %q has a tier: excludes are idioms, they have none", spec.line, spec.ID)
		case idiom:
		case ok:
			tier = t
		case spec.Tier != "":
			return fmt.Errorf("line %d: rule %q: tier %q: want direct or unsure", spec.line, spec.ID, spec.Tier)
		case b.strict:
			return fmt.Errorf("line %d: rule %q has no tier (want direct or unsure)", spec.line, spec.ID)
		}
		r, ok := b.rules[id]
		switch {
		case !ok:
			if !idiom && tier == TierNone {
				tier = TierDirect // an operator's new rule without a tier: err towards help
			}
			r = &rule{lang: lang, id: id, idiom: idiom, tier: tier}
			b.rules[id] = r
		case r.idiom != idiom:
			return fmt.Errorf("line %d: id %q is used for both a phrase and an exclude", spec.line, spec.ID)
		case tier != TierNone && tier != r.tier:
			return fmt.Errorf("line %d: rule %q is %s already; a rule has one tier", spec.line, spec.ID, r.tier)
		}
		for _, m := range spec.Match {
			elems, err := compile(m.s, f.MaxGap)
			if err != nil {
				return fmt.Errorf("line %d: pattern %q: %w", m.line, m.s, err)
			}
			b.pats = append(b.pats, &pattern{rule: r, elems: elems})
		}
	}
	return nil
}

// compile turns a pattern such as "want to * die", "suicid*" or "cant go on $"
// into elements.
func compile(src string, maxGap int) ([]elem, error) {
	var el []elem
	for _, w := range strings.Fields(src) {
		switch {
		case w == "*":
			if len(el) == 0 || el[len(el)-1].kind == elemGap {
				return nil, errors.New("* must follow a word")
			}
			el = append(el, elem{kind: elemGap, max: maxGap})
		case w == "<n>":
			el = append(el, elem{kind: elemCount})
		case w == "$":
			if len(el) == 0 || el[len(el)-1].kind == elemGap {
				return nil, errors.New("$ must follow a word")
			}
			el = append(el, elem{kind: elemEnd})
		default:
			if len(el) > 0 && el[len(el)-1].kind == elemEnd {
				return nil, errors.New("$ must come last")
			}
			prefix := strings.HasSuffix(w, "*")
			if strings.Contains(strings.TrimSuffix(w, "*"), "*") {
				return nil, fmt.Errorf("%q: * may only end a word", w)
			}
			toks := tokenize(nil, strings.TrimSuffix(w, "*"))
			for i, t := range toks {
				if t.brk != 0 {
					return nil, fmt.Errorf("%q has sentence punctuation in it", w)
				}
				e := elem{kind: elemWord, word: t.key}
				if prefix && i == len(toks)-1 {
					if len(t.key) < 3 {
						return nil, fmt.Errorf("prefix %q: want at least 3 letters", w)
					}
					e.kind = elemPrefix
				}
				el = append(el, e)
			}
			if len(toks) == 0 {
				return nil, fmt.Errorf("%q has no letters or digits", w)
			}
		}
	}
	if len(el) == 0 {
		return nil, errors.New("empty pattern")
	}
	if el[len(el)-1].kind == elemGap {
		return nil, errors.New("* must not come last")
	}
	return el, nil
}

func (b *builder) build() *Detector {
	d := &Detector{byWord: map[string][]*pattern{}, byPrefix: map[string][]*pattern{}}
	for _, p := range b.pats {
		switch first := p.elems[0]; first.kind {
		case elemWord:
			d.byWord[first.word] = append(d.byWord[first.word], p)
		case elemPrefix:
			d.byPrefix[first.word[:3]] = append(d.byPrefix[first.word[:3]], p)
		case elemCount:
			d.byCount = append(d.byCount, p)
		}
	}
	return d
}

// decodeStrict decodes a mapping node into v after checking that it has no
// keys other than allowed, so that a typo in an operator's file is an error
// with a line number rather than a silently ignored entry.
func decodeStrict(n *yaml.Node, v any, allowed ...string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: want a mapping with %s", n.Line, strings.Join(allowed, ", "))
	}
	for i := 0; i < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(allowed, k.Value) {
			return fmt.Errorf("line %d: unknown field %q (want %s)", k.Line, k.Value, strings.Join(allowed, ", "))
		}
	}
	return n.Decode(v)
}

// lineString is a YAML string that remembers its line.
type lineString struct {
	s    string
	line int
}

func (l *lineString) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a string", n.Line)
	}
	*l = lineString{n.Value, n.Line}
	return nil
}
