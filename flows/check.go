package flows

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Checking a loaded library: references, kinds, translations and the platforms' limits.

// Problem is one thing wrong with a library file, with where it is.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// Problems is every problem found in a library; its Error lists them one per line.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// reporter returns a func that records a problem in file at line, its message after prefix
// ("flow x, step a: ").
func (ps *Problems) reporter(file string, line int, prefix string) func(format string, args ...any) {
	return func(format string, args ...any) {
		*ps = append(*ps, Problem{File: file, Line: line, Msg: prefix + fmt.Sprintf(format, args...)})
	}
}

// checkText is the one check of a text in every locale: a text for each declared locale,
// none for a language that is not declared, and none over the platforms' limit. what names
// the text in a problem ("string \"help\"", "label of option yes"); bad records one.
func checkText(what string, byLocale map[string]string, locales []string, bad func(format string, args ...any)) {
	for _, loc := range locales {
		if strings.TrimSpace(byLocale[loc]) == "" {
			bad("%s has no %s translation", what, loc)
		}
	}
	for _, loc := range slices.Sorted(maps.Keys(byLocale)) {
		if !slices.Contains(locales, loc) {
			// Most often an unquoted comma in a YAML flow mapping: {de: a, b} makes "b" a key.
			bad("%s has text for undeclared language %q (quote a text that has a comma)", what, loc)
		}
		if n := utf8.RuneCountInString(byLocale[loc]); n > MaxTextLen {
			bad("%s (%s) is %d characters, over the %d limit", what, loc, n, MaxTextLen)
		}
	}
}

// idPattern is what ids of flows, steps and prompts look like.
var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// check validates the merged library: references, kinds, translations and platform limits.
func (l *Library) check() Problems {
	var probs Problems
	locales := l.Locales()
	if len(locales) == 0 {
		probs = append(probs, Problem{File: "library", Msg: "no languages declared (a `languages:` mapping such as en: English)"})
	}
	for _, key := range slices.Sorted(maps.Keys(l.strings)) {
		checkText(fmt.Sprintf("string %q", key), l.strings[key], locales, probs.reporter("strings", 0, ""))
	}
	for _, key := range slices.Sorted(maps.Keys(l.Topics)) {
		checkText(fmt.Sprintf("topic %q", key), l.Topics[key], locales, probs.reporter("topics", 0, ""))
	}
	probs = append(probs, l.checkPrompts(locales)...)
	if len(l.strings) > 0 {
		for _, c := range Commands {
			if l.strings["cmd_"+c] == nil {
				probs = append(probs, Problem{File: "strings", Msg: fmt.Sprintf("command /%s has no description (string cmd_%s)", c, c)})
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(l.flows)) {
		f := l.flows[id]
		bad := func(line int, format string, args ...any) {
			probs = append(probs, Problem{File: f.file, Line: line, Msg: fmt.Sprintf("flow %s: ", f.ID) + fmt.Sprintf(format, args...)})
		}
		if !idPattern.MatchString(f.ID) {
			bad(f.line, "the id must be lower case letters, digits and _")
		}
		if f.Command != "" {
			if other := l.commands[f.Command]; other != nil && other != f {
				bad(f.line, "command /%s is also used by flow %s", f.Command, other.ID)
			}
			l.commands[f.Command] = f
		}
		if len(f.Steps) == 0 {
			bad(f.line, "has no steps")
			continue
		}
		f.index = map[string]*Step{}
		for _, s := range f.Steps {
			if !idPattern.MatchString(s.ID) {
				bad(s.line, "step id %q must be lower case letters, digits and _", s.ID)
			}
			if f.index[s.ID] != nil {
				bad(s.line, "duplicate step id %q", s.ID)
			}
			f.index[s.ID] = s
		}
		for i, s := range f.Steps {
			s.next = s.Next
			if s.next == "" && i+1 < len(f.Steps) && s.Kind != KindEnd && s.Kind != KindGoto {
				s.next = f.Steps[i+1].ID
			}
			probs = append(probs, l.checkStep(f, s, locales)...)
		}
	}
	return probs
}

func (l *Library) checkStep(f *Flow, s *Step, locales []string) Problems {
	var probs Problems
	bad := probs.reporter(f.file, s.line, fmt.Sprintf("flow %s, step %s: ", f.ID, s.ID))
	ref := func(what, id string) {
		if id != "" && f.index[id] == nil {
			bad("%s refers to unknown step %q", what, id)
		}
	}
	text := func(what string, t *Text, required bool) {
		if t == nil {
			if required {
				bad("%s is missing", what)
			}
			return
		}
		if t.Ref != "" {
			if l.strings[t.Ref] == nil {
				bad("%s refers to unknown string @%s", what, t.Ref)
			}
			return
		}
		checkText(what, t.ByLocale, locales, bad)
	}
	ref("next", s.Next)
	switch s.Kind {
	case KindMessage:
		text("text", s.Text, true)
	case KindEnd:
		text("text", s.Text, false)
	case KindChoice:
		text("text", s.Text, true)
		if s.OptionsFrom != "" && !slices.Contains(dynamicChoices, s.OptionsFrom) {
			bad("unknown options_from %q (known: %s)", s.OptionsFrom, strings.Join(dynamicChoices, ", "))
		}
		if len(s.Options) == 0 && s.OptionsFrom == "" {
			bad("a choice needs options")
		}
		ids := map[string]bool{}
		for _, o := range s.Options {
			if o.ID == "" {
				bad("an option has no id")
			}
			if ids[o.ID] {
				bad("duplicate option id %q", o.ID)
			}
			ids[o.ID] = true
			if len(o.ID) > MaxButtonBytes {
				bad("option id %q is over %d bytes", o.ID, MaxButtonBytes)
			}
			lbl := o.Label
			text("label of option "+o.ID, &lbl, true)
			ref("next of option "+o.ID, o.Next)
		}
	case KindScale:
		text("text", s.Text, true)
		if s.Min >= s.Max || s.Max-s.Min > 10 {
			bad("a scale needs min < max and at most 11 points (got %d..%d)", s.Min, s.Max)
		}
	case KindText:
		text("text", s.Text, true)
		if s.Prompt && len(l.prompts) == 0 {
			bad("asks a prompt, but the library has no prompts")
		}
		if s.MaxLen < 0 || s.MaxLen > 4000 {
			bad("max_len must be between 1 and 4000")
		}
	case KindBranch:
		if s.On == "" {
			bad("a branch needs `on`, the answer it looks at")
		}
		for _, c := range s.Cases {
			if c.Next == "" {
				bad("a case has no next step")
			}
			ref("next of a case", c.Next)
		}
		ref("default", s.Default)
	case KindAction:
		if _, ok := actions[s.Do]; !ok {
			bad("unknown action %q (known: %s)", s.Do, strings.Join(actionNames(), ", "))
		}
	case KindGoto:
		target := l.flows[s.Flow]
		switch {
		case s.Flow == "":
			bad("a goto needs `flow`")
		case target == nil:
			bad("goto refers to unknown flow %q", s.Flow)
		}
	default:
		bad("unknown kind %q (one of message, choice, scale, text, branch, action, goto, end)", s.Kind)
	}
	if s.Validate != "" {
		if _, ok := validators[s.Validate]; !ok {
			bad("unknown validation %q", s.Validate)
		}
	}
	if strings.HasPrefix(s.Store, "profile.") {
		if _, ok := profileFields[strings.TrimPrefix(s.Store, "profile.")]; !ok {
			bad("store %q is not a profile field", s.Store)
		}
	}
	return probs
}

func (l *Library) checkPrompts(locales []string) Problems {
	var probs Problems
	for _, id := range slices.Sorted(maps.Keys(l.prompts)) {
		p := l.prompts[id]
		bad := probs.reporter(p.file, p.line, fmt.Sprintf("prompt %s: ", p.ID))
		if !idPattern.MatchString(p.ID) {
			bad("the id must be lower case letters, digits and _")
		}
		if l.Topics[p.Topic] == nil {
			bad("unknown topic %q", p.Topic)
		}
		if p.Text.Ref != "" {
			bad("a prompt's text must be written out, not a reference")
			continue
		}
		checkText("text", p.Text.ByLocale, locales, bad)
	}
	return probs
}
