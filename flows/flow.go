package flows

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The flow language: flows of steps, their kinds, texts in every locale, and prompts, as they
// are written in the library's YAML files.

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

// Prompt is one reflective question of the prompt library.
type Prompt struct {
	ID    string `yaml:"id"`
	Topic string `yaml:"topic"`
	Text  Text   `yaml:"text"`

	file string
	line int
}
