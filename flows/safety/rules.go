package safety

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

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
