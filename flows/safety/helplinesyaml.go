package safety

import (
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// helplineFile is the format of helplines.yaml.
type helplineFile struct {
	Fallback   *contactSpec           `yaml:"fallback"`
	OutOfHours *contactSpec           `yaml:"out_of_hours"`
	Texts      map[string]textsSpec   `yaml:"texts"`
	Countries  map[string]countrySpec `yaml:"countries"`
}

func (d *Directory) merge(data []byte, strict bool) error {
	var f helplineFile
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && err != io.EOF {
		return err
	}
	if f.Fallback != nil {
		d.fallback = f.Fallback.Contact
	}
	if f.OutOfHours != nil {
		c := f.OutOfHours.Contact
		d.outOfHours = &c
	}
	for locale, ts := range f.Texts {
		if d.texts[locale] == nil {
			d.texts[locale] = map[string]string{}
		}
		for k, v := range ts.texts {
			d.texts[locale][k] = v
		}
	}
	for code, spec := range f.Countries {
		canon := canonicalCountry(code)
		if len(canon) != 2 || strings.Trim(canon, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return fmt.Errorf("line %d: country %q: want a two-letter ISO 3166-1 code such as DE", spec.line, code)
		}
		c := d.countries[canon]
		if len(spec.Emergency) > 0 {
			c.emergency = spec.Emergency
		}
		var lines []Contact
		for _, l := range spec.Lines {
			if strict && (l.Source == "" || l.Checked == "") {
				return fmt.Errorf("line %d: contact %q: every line of the embedded file names its source and the date it was checked", l.line, l.Name)
			}
			lines = append(lines, l.Contact)
		}
		if !spec.Replace {
			for _, old := range c.lines {
				if !slices.ContainsFunc(lines, func(n Contact) bool { return n.Name == old.Name }) {
					lines = append(lines, old)
				}
			}
		}
		c.lines = lines
		d.countries[canon] = c
	}
	return nil
}

// contactSpec is a Contact in YAML, with its line for error messages.
type contactSpec struct {
	Contact
	line int
}

func (c *contactSpec) UnmarshalYAML(n *yaml.Node) error {
	var plain struct {
		Name      string    `yaml:"name"`
		Phone     oneOrMore `yaml:"phone"`
		Text      string    `yaml:"text"`
		Keyword   string    `yaml:"keyword"`
		Chat      string    `yaml:"chat"`
		URL       string    `yaml:"url"`
		Hours     string    `yaml:"hours"`
		Free      freeSpec  `yaml:"free"`
		Languages []string  `yaml:"languages"`
		Source    string    `yaml:"source"`
		Checked   string    `yaml:"checked"`
	}
	if err := decodeStrict(n, &plain, "name", "phone", "text", "keyword", "chat", "url", "hours", "free", "languages", "source", "checked"); err != nil {
		return err
	}
	switch {
	case plain.Name == "":
		return fmt.Errorf("line %d: contact without a name", n.Line)
	case slices.Contains(plain.Phone, ""):
		return fmt.Errorf("line %d: contact %q has an empty phone number", n.Line, plain.Name)
	case len(plain.Phone) == 0 && plain.Text == "" && plain.URL == "" && plain.Chat == "":
		return fmt.Errorf("line %d: contact %q needs a phone, text, chat or url", n.Line, plain.Name)
	case plain.Checked != "" && !checkedDate.MatchString(plain.Checked):
		return fmt.Errorf("line %d: contact %q: checked %q: want a date such as 2026-12-02", n.Line, plain.Name, plain.Checked)
	case plain.Keyword != "" && plain.Text == "":
		return fmt.Errorf("line %d: contact %q has a keyword but no text number", n.Line, plain.Name)
	}
	*c = contactSpec{line: n.Line, Contact: Contact{
		Name: plain.Name, Phones: plain.Phone, Text: plain.Text, Keyword: plain.Keyword, Chat: plain.Chat,
		URL: plain.URL, Hours: plain.Hours, Free: plain.Free.Free, Languages: plain.Languages,
		Source: plain.Source, Checked: plain.Checked,
	}}
	return nil
}

var checkedDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// freeSpec is "free: true" (every way is free) or "free: {call: true, text: false}".
type freeSpec struct{ Free }

func (f *freeSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		var all bool
		if err := n.Decode(&all); err != nil {
			return fmt.Errorf("line %d: free: want true, false or a mapping of call, text, chat", n.Line)
		}
		f.Free = Free{all, all, all}
		return nil
	}
	var plain struct {
		Call bool `yaml:"call"`
		Text bool `yaml:"text"`
		Chat bool `yaml:"chat"`
	}
	if err := decodeStrict(n, &plain, "call", "text", "chat"); err != nil {
		return err
	}
	f.Free = Free{plain.Call, plain.Text, plain.Chat}
	return nil
}

// emergencySpec is a list of numbers, each a string ("112") or a mapping with what it is
// for ({number: "190", en: police, de: Polizei}).
type emergencySpec []Emergency

func (e *emergencySpec) UnmarshalYAML(n *yaml.Node) error {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	for _, it := range items {
		switch it.Kind {
		case yaml.ScalarNode:
			if it.Value == "" {
				return fmt.Errorf("line %d: empty emergency number", it.Line)
			}
			*e = append(*e, Emergency{Number: it.Value})
		case yaml.MappingNode:
			var m map[string]string
			if err := it.Decode(&m); err != nil {
				return fmt.Errorf("line %d: emergency: %w", it.Line, err)
			}
			num := m["number"]
			if num == "" {
				return fmt.Errorf("line %d: emergency entry without a number", it.Line)
			}
			delete(m, "number")
			*e = append(*e, Emergency{Number: num, Label: m})
		default:
			return fmt.Errorf("line %d: emergency: want a number or a list", it.Line)
		}
	}
	return nil
}

// countrySpec is one entry under countries: in helplines.yaml.
type countrySpec struct {
	Emergency emergencySpec
	Replace   bool
	Lines     []contactSpec
	line      int
}

func (c *countrySpec) UnmarshalYAML(n *yaml.Node) error {
	var plain struct {
		Emergency emergencySpec `yaml:"emergency"`
		Replace   bool          `yaml:"replace"`
		Lines     []contactSpec `yaml:"lines"`
	}
	if err := decodeStrict(n, &plain, "emergency", "replace", "lines"); err != nil {
		return err
	}
	*c = countrySpec{plain.Emergency, plain.Replace, plain.Lines, n.Line}
	return nil
}

// textsSpec is one locale under texts: in helplines.yaml.
type textsSpec struct{ texts map[string]string }

func (t *textsSpec) UnmarshalYAML(n *yaml.Node) error {
	return decodeStrict(n, &t.texts, textKeys...)
}

// oneOrMore is a YAML string or list of strings.
type oneOrMore []string

func (o *oneOrMore) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*o = oneOrMore{n.Value}
		return nil
	case yaml.SequenceNode:
		return n.Decode((*[]string)(o))
	}
	return fmt.Errorf("line %d: want a string or a list of strings", n.Line)
}
