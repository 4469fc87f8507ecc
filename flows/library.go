package flows

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// StepKind is what a step does. A flow is a list of steps; the engine walks them until one
// waits for the client.
type StepKind string

// Step kinds, as written in the flow files.
const (
	KindMessage StepKind = "message" // says something and goes on
	KindChoice  StepKind = "choice"  // buttons; waits
	KindScale   StepKind = "scale"   // buttons min..max; waits
	KindText    StepKind = "text"    // free text with a length limit; waits
	KindBranch  StepKind = "branch"  // goes on to a step chosen by an answer
	KindAction  StepKind = "action"  // runs a named engine action (consent, profile changes)
	KindGoto    StepKind = "goto"    // continues in another flow
	KindEnd     StepKind = "end"     // says something and ends the flow
)

// Limits every text and button must respect on every platform.
const (
	MaxTextLen     = 2000 // Discord's message limit, the smaller of the two
	MaxButtonBytes = 64   // Telegram's callback_data limit
	DefaultMaxLen  = 4000 // default limit for a free-text answer, in characters (longer ones are kept in parts)
)

//go:embed library/*.yaml
var embedded embed.FS

// Text is a message in every supported locale. In YAML it is either a mapping from locale to
// text, or a string "@key" that refers to an entry of the strings table.
type Text struct {
	ByLocale map[string]string
	Ref      string
}

// UnmarshalYAML accepts a locale mapping or an "@key" reference.
func (t *Text) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		if !strings.HasPrefix(n.Value, "@") {
			return fmt.Errorf("line %d: a text is a mapping of locale to text (en: ..., de: ...) or an @reference to a string", n.Line)
		}
		t.Ref = strings.TrimPrefix(n.Value, "@")
		return nil
	}
	return n.Decode(&t.ByLocale)
}

// Option is one button of a choice step.
type Option struct {
	ID    string `yaml:"id"`
	Label Text   `yaml:"label"`
	// Value is what gets stored; ID when empty.
	Value string `yaml:"value"`
	// Next overrides the step's next step for this option.
	Next string `yaml:"next"`
}

// StoredValue is the value stored when the option is chosen.
func (o Option) StoredValue() string {
	if o.Value != "" {
		return o.Value
	}
	return o.ID
}

// Case is one arm of a branch step: it matches when the answer is one of Equals, or a number
// within [AtLeast, AtMost].
type Case struct {
	Equals []string `yaml:"equals"`
	// Set matches when the answer is given (true) or empty (false).
	Set     *bool  `yaml:"set"`
	AtLeast *int   `yaml:"at_least"`
	AtMost  *int   `yaml:"at_most"`
	Next    string `yaml:"next"`
}

// Step is one node of a flow.
type Step struct {
	ID        string   `yaml:"id"`
	Kind      StepKind `yaml:"kind"`
	Text      *Text    `yaml:"text"`
	Options   []Option `yaml:"options"`
	Min       int      `yaml:"min"`
	Max       int      `yaml:"max"`
	MaxLen    int      `yaml:"max_len"`
	Skippable bool     `yaml:"skippable"`
	// Prompt makes a text step ask a reflective prompt from the library, after its Text; the
	// client can ask for another one.
	Prompt bool `yaml:"prompt"`
	// Validate names an input check for free text (see Validators), e.g. "zone".
	Validate string `yaml:"validate"`
	// OptionsFrom makes a choice take its buttons from the client's state instead of Options
	// (one of dynamicChoices: "goals_open", "goals_checkin").
	OptionsFrom string `yaml:"options_from"`
	// Store names where the answer goes: a flow variable, or "profile.<field>".
	Store string `yaml:"store"`
	Next  string `yaml:"next"`
	// On, Cases and Default are for branch steps.
	On      string `yaml:"on"`
	Cases   []Case `yaml:"cases"`
	Default string `yaml:"default"`
	// Do names the engine action of an action step.
	Do string `yaml:"do"`
	// Flow and Goto are for goto steps: the flow to continue in, and optionally its step.
	Flow string `yaml:"flow"`

	line int
	next string // resolved: Next, or the following step, or "" for the end
}

// Waits reports whether the step waits for the client.
func (s *Step) Waits() bool {
	return s.Kind == KindChoice || s.Kind == KindScale || s.Kind == KindText
}

// Flow is a named conversation.
type Flow struct {
	ID string `yaml:"id"`
	// Command starts the flow ("checkin" for /checkin).
	Command string `yaml:"command"`
	// Public flows may run before the client consented (onboarding, consent). Others may not.
	Public bool `yaml:"public"`
	// Keep makes the flow's answers an entry of the client's history when it ends or is left.
	Keep  bool    `yaml:"keep"`
	Steps []*Step `yaml:"steps"`

	file  string
	line  int
	index map[string]*Step
}

// Step returns the named step, or nil.
func (f *Flow) Step(id string) *Step { return f.index[id] }

// First is the step a flow starts at.
func (f *Flow) First() *Step { return f.Steps[0] }

// file is the shape of one YAML file of the library. Any of its parts may be present.
type file struct {
	Languages map[string]string            `yaml:"languages"`
	Strings   map[string]map[string]string `yaml:"strings"`
	Flows     []*Flow                      `yaml:"flows"`
	Topics    map[string]map[string]string `yaml:"topics"`
	Prompts   []*Prompt                    `yaml:"prompts"`
}

// Prompt is one reflective question of the prompt library.
type Prompt struct {
	ID    string `yaml:"id"`
	Topic string `yaml:"topic"`
	Text  Text   `yaml:"text"`

	file string
	line int
}

// Library is the validated set of flows and strings the engine runs.
type Library struct {
	// Languages maps each supported locale to its own name ("de": "Deutsch").
	Languages map[string]string
	// Topics maps a prompt topic id to its name per locale.
	Topics   map[string]map[string]string
	strings  map[string]map[string]string
	flows    map[string]*Flow
	commands map[string]*Flow
	prompts  map[string]*Prompt
	// byTopic lists the prompt ids of each topic, in file order.
	byTopic map[string][]string
}

// Flow returns the flow with the id, or nil.
func (l *Library) Flow(id string) *Flow { return l.flows[id] }

// ByCommand returns the flow started by /name, or nil.
func (l *Library) ByCommand(name string) *Flow { return l.commands[name] }

// Locales lists the supported locales, sorted.
func (l *Library) Locales() []string {
	out := make([]string, 0, len(l.Languages))
	for k := range l.Languages {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Stats is what `interlude flows check` reports about a library.
type Stats struct {
	Flows   int
	Steps   int
	Strings int
	Locales []string
	// Prompts and Topics count, per locale, the prompts with a text in that locale and the
	// topics they cover.
	Prompts map[string]int
	Topics  map[string]int
}

// Stats counts what the library holds.
func (l *Library) Stats() Stats {
	s := Stats{Flows: len(l.flows), Strings: len(l.strings), Locales: l.Locales(), Prompts: map[string]int{}, Topics: map[string]int{}}
	for _, f := range l.flows {
		s.Steps += len(f.Steps)
	}
	for _, loc := range s.Locales {
		topics := map[string]bool{}
		for _, p := range l.prompts {
			if strings.TrimSpace(p.Text.ByLocale[loc]) != "" {
				s.Prompts[loc]++
				topics[p.Topic] = true
			}
		}
		s.Topics[loc] = len(topics)
	}
	return s
}

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

// Load reads the embedded library and then, when dir is not empty, every *.yaml file in dir:
// a flow with the id of an embedded one replaces it, a string with the key of an embedded one
// replaces it, and new ones are added. Any problem is returned as Problems naming file and line.
func Load(dir string) (*Library, error) {
	sub, err := fs.Sub(embedded, "library")
	if err != nil {
		return nil, err
	}
	sources := []source{{fsys: sub, label: "embedded:"}}
	if dir != "" {
		info, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("flows directory: %w", err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("flows directory %s: not a directory", dir)
		}
		sources = append(sources, source{fsys: os.DirFS(dir), label: dir + string(os.PathSeparator)})
	}
	return load(sources)
}

// LoadOnly reads just the *.yaml files of dir, without the embedded library; `flows check DIR`
// uses Load, this is for tests of a library in isolation.
func LoadOnly(fsys fs.FS, label string) (*Library, error) {
	return load([]source{{fsys: fsys, label: label}})
}

type source struct {
	fsys  fs.FS
	label string
}

func load(sources []source) (*Library, error) {
	lib := &Library{
		Languages: map[string]string{},
		strings:   map[string]map[string]string{},
		Topics:    map[string]map[string]string{},
		flows:     map[string]*Flow{},
		commands:  map[string]*Flow{},
		prompts:   map[string]*Prompt{},
		byTopic:   map[string][]string{},
	}
	var probs Problems
	for _, src := range sources {
		names, err := fs.Glob(src.fsys, "*.yaml")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			label := src.label + name
			data, err := fs.ReadFile(src.fsys, name)
			if err != nil {
				probs = append(probs, Problem{File: label, Msg: err.Error()})
				continue
			}
			f, err := parseFile(data)
			if err != nil {
				probs = append(probs, yamlProblem(label, err))
				continue
			}
			for k, v := range f.Languages {
				lib.Languages[k] = v
			}
			for k, v := range f.Strings {
				lib.strings[k] = v
			}
			for k, v := range f.Topics {
				lib.Topics[k] = v
			}
			seenPrompt := map[string]bool{}
			for _, p := range f.Prompts {
				p.file = label
				if seenPrompt[p.ID] {
					probs = append(probs, Problem{File: label, Line: p.line, Msg: fmt.Sprintf("prompt %q is defined twice in this file", p.ID)})
				}
				seenPrompt[p.ID] = true
				if old := lib.prompts[p.ID]; old == nil {
					lib.byTopic[p.Topic] = append(lib.byTopic[p.Topic], p.ID)
				} else if old.Topic != p.Topic {
					lib.byTopic[old.Topic] = slices.DeleteFunc(lib.byTopic[old.Topic], func(id string) bool { return id == p.ID })
					lib.byTopic[p.Topic] = append(lib.byTopic[p.Topic], p.ID)
				}
				lib.prompts[p.ID] = p
			}
			seen := map[string]bool{}
			for _, fl := range f.Flows {
				fl.file = label
				if seen[fl.ID] {
					probs = append(probs, Problem{File: label, Line: fl.line, Msg: fmt.Sprintf("flow %q is defined twice in this file", fl.ID)})
				}
				seen[fl.ID] = true
				lib.flows[fl.ID] = fl
			}
		}
	}
	probs = append(probs, lib.check()...)
	if len(probs) > 0 {
		return nil, probs
	}
	return lib, nil
}

func parseFile(data []byte) (*file, error) {
	var f file
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return &f, nil
		}
		return nil, err
	}
	// An empty list item ("- ") decodes as nil: it is an error, not something to skip.
	for _, fl := range f.Flows {
		if fl == nil {
			return nil, errors.New("a flow is empty")
		}
		if slices.Contains(fl.Steps, nil) {
			return nil, fmt.Errorf("flow %s has an empty step", fl.ID)
		}
	}
	if slices.Contains(f.Prompts, nil) {
		return nil, errors.New("a prompt is empty")
	}
	// Lines of flows and steps, for problems found after decoding.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err == nil && len(root.Content) > 0 {
		flowsNode := mapValue(root.Content[0], "flows")
		if flowsNode != nil {
			for i, fn := range flowsNode.Content {
				if i >= len(f.Flows) {
					break
				}
				f.Flows[i].line = fn.Line
				if stepsNode := mapValue(fn, "steps"); stepsNode != nil {
					for j, sn := range stepsNode.Content {
						if j < len(f.Flows[i].Steps) {
							f.Flows[i].Steps[j].line = sn.Line
						}
					}
				}
			}
		}
	}
	if len(root.Content) > 0 {
		if promptsNode := mapValue(root.Content[0], "prompts"); promptsNode != nil {
			for i, pn := range promptsNode.Content {
				if i < len(f.Prompts) {
					f.Prompts[i].line = pn.Line
				}
			}
		}
	}
	return &f, nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlProblem turns a YAML error ("yaml: line 7: ...") into a Problem with the line.
func yamlProblem(label string, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscanf(m[1], "%d", &line)
		return Problem{File: label, Line: line, Msg: strings.Replace(msg, m[0], "", 1)}
	}
	return Problem{File: label, Msg: msg}
}

var (
	idPattern          = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	placeholderPattern = regexp.MustCompile(`\{([a-z_][a-z0-9_.]*)\}`)
)

// check validates the merged library: references, kinds, translations and platform limits.
func (l *Library) check() Problems {
	var probs Problems
	locales := l.Locales()
	if len(locales) == 0 {
		probs = append(probs, Problem{File: "library", Msg: "no languages declared (a `languages:` mapping such as en: English)"})
	}
	for key, byLocale := range l.strings {
		for _, loc := range locales {
			if strings.TrimSpace(byLocale[loc]) == "" {
				probs = append(probs, Problem{File: "strings", Msg: fmt.Sprintf("string %q has no %s text", key, loc)})
			}
		}
		for loc, s := range byLocale {
			if !slices.Contains(locales, loc) {
				// Most often an unquoted comma in a YAML flow mapping: {de: a, b} makes "b" a key.
				probs = append(probs, Problem{File: "strings", Msg: fmt.Sprintf("string %q has text for undeclared language %q (quote a text that has a comma)", key, loc)})
			}
			if len([]rune(s)) > MaxTextLen {
				probs = append(probs, Problem{File: "strings", Msg: fmt.Sprintf("string %q (%s) is %d characters, over the %d limit", key, loc, len([]rune(s)), MaxTextLen)})
			}
		}
	}
	for key, names := range l.Topics {
		for _, loc := range locales {
			if strings.TrimSpace(names[loc]) == "" {
				probs = append(probs, Problem{File: "topics", Msg: fmt.Sprintf("topic %q has no %s name", key, loc)})
			}
		}
	}
	probs = append(probs, l.checkPrompts(locales)...)
	if len(l.strings) > 0 {
		for _, c := range Commands {
			if l.strings["cmd_"+c] == nil {
				probs = append(probs, Problem{File: "strings", Msg: fmt.Sprintf("command /%s has no description (string cmd_%s)", c, c)})
			}
		}
	}
	flowIDs := make([]string, 0, len(l.flows))
	for id := range l.flows {
		flowIDs = append(flowIDs, id)
	}
	sort.Strings(flowIDs)
	for _, id := range flowIDs {
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
	bad := func(format string, args ...any) {
		probs = append(probs, Problem{File: f.file, Line: s.line, Msg: fmt.Sprintf("flow %s, step %s: ", f.ID, s.ID) + fmt.Sprintf(format, args...)})
	}
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
		for _, loc := range locales {
			if strings.TrimSpace(t.ByLocale[loc]) == "" {
				bad("%s has no %s translation", what, loc)
			}
		}
		for loc, s := range t.ByLocale {
			if !slices.Contains(locales, loc) {
				bad("%s has text for undeclared language %q", what, loc)
			}
			if n := len([]rune(s)); n > MaxTextLen {
				bad("%s (%s) is %d characters, over the %d limit", what, loc, n, MaxTextLen)
			}
		}
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
	ids := make([]string, 0, len(l.prompts))
	for id := range l.prompts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		p := l.prompts[id]
		bad := func(format string, args ...any) {
			probs = append(probs, Problem{File: p.file, Line: p.line, Msg: fmt.Sprintf("prompt %s: ", p.ID) + fmt.Sprintf(format, args...)})
		}
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
		for _, loc := range locales {
			if strings.TrimSpace(p.Text.ByLocale[loc]) == "" {
				bad("has no %s translation", loc)
			}
		}
		for loc, s := range p.Text.ByLocale {
			if n := len([]rune(s)); n > MaxTextLen {
				bad("text (%s) is %d characters, over the %d limit", loc, n, MaxTextLen)
			}
		}
	}
	return probs
}

// Prompt returns the prompt with the id, or nil.
func (l *Library) Prompt(id string) *Prompt { return l.prompts[id] }

// TopicPrompts lists the prompt ids of a topic, in library order.
func (l *Library) TopicPrompts(topic string) []string { return l.byTopic[topic] }

// TopicIDs lists the topics that have prompts, sorted.
func (l *Library) TopicIDs() []string {
	out := make([]string, 0, len(l.byTopic))
	for t, ids := range l.byTopic {
		if len(ids) > 0 {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}

// String returns the text of a strings-table entry in the locale (falling back to English).
func (l *Library) String(key, locale string) string {
	return pick(l.strings[key], locale)
}

// Render returns the text in the locale, resolving @references.
func (l *Library) Render(t *Text, locale string) string {
	if t == nil {
		return ""
	}
	if t.Ref != "" {
		return l.String(t.Ref, locale)
	}
	return pick(t.ByLocale, locale)
}

func pick(m map[string]string, locale string) string {
	if s, ok := m[locale]; ok {
		return strings.TrimRight(s, "\n")
	}
	return strings.TrimRight(m["en"], "\n")
}

// fill replaces {name} placeholders with values; unknown placeholders stay as they are.
func fill(s string, vals map[string]string) string {
	out := placeholderPattern.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := vals[m[1:len(m)-1]]; ok {
			return v
		}
		return m
	})
	// A value that ends with a full stop („4. Dez.“) at the end of a sentence takes the
	// sentence's full stop: never two.
	for _, v := range vals {
		if strings.HasSuffix(v, ".") && !strings.HasSuffix(v, "..") {
			out = strings.ReplaceAll(out, v+".", v)
		}
	}
	return out
}
