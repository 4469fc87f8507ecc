package flows

import (
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// The library the engine runs: its flows, strings and prompts, and texts rendered from them.

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
	return slices.Sorted(maps.Keys(l.Languages))
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

// placeholderPattern is a {name} in a text.
var placeholderPattern = regexp.MustCompile(`\{([a-z_][a-z0-9_.]*)\}`)

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

// FlowIDs lists the ids of every flow in the library, sorted (for metrics that start at zero).
func (l *Library) FlowIDs() []string {
	return slices.Sorted(maps.Keys(l.flows))
}

// LocaleFor is the library's locale for a platform's language code ("de-AT" → de), else en.
func (l *Library) LocaleFor(hint string) string {
	hint = strings.ToLower(hint)
	if i := strings.IndexAny(hint, "-_"); i > 0 {
		hint = hint[:i]
	}
	if _, ok := l.Languages[hint]; ok {
		return hint
	}
	return "en"
}
