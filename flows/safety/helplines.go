package safety

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Contact is one way to reach a person: a crisis line, or an operator's
// out-of-hours contact.
type Contact struct {
	Name      string
	Phones    []string // numbers to call, most useful first
	Text      string   // number to send a text message (SMS) to
	Keyword   string   // word to send to Text, when the service asks for one
	Chat      string   // address of a web chat
	URL       string
	Hours     string   // free text, such as "24/7" or "Mon-Fri 18:00-22:00"
	Free      Free     // which ways of reaching it cost nothing
	Languages []string // ISO 639-1 codes of the languages spoken
	Source    string   // where the details were found (an address), for the maintainers
	Checked   string   // when they were last found right there (YYYY-MM-DD)
}

// Free says which ways of reaching a contact are free of charge: a free call line may not
// mean a free text line.
type Free struct{ Call, Text, Chat bool }

// all reports whether every way c offers is free.
func (f Free) all(c Contact) bool {
	return (len(c.Phones) == 0 || f.Call) && (c.Text == "" || f.Text) && (c.Chat == "" || f.Chat) &&
		(len(c.Phones) > 0 || c.Text != "" || c.Chat != "")
}

// Emergency is an emergency number, with what it is for where a country has several
// (Brazil: 190 police, 192 ambulance).
type Emergency struct {
	Number string
	Label  map[string]string // locale → "police"; empty for a country's one number
}

// Helplines is the help to show one client: the emergency number and crisis
// lines of their country, the operator's out-of-hours contact and an
// international directory. Get it from Directory.For.
type Helplines struct {
	Country    string      // ISO 3166-1 alpha-2 code, "" when the country is not in the directory
	Emergency  []Emergency // emergency numbers, most common first; none when not known
	Lines      []Contact   // crisis lines of the country
	OutOfHours *Contact    // the operator's out-of-hours contact, nil when none is set
	Fallback   Contact     // international directory of helplines

	texts map[string]map[string]string
}

// Directory holds the helplines of every known country. It is built once by
// LoadDirectory, read-only afterwards and safe for concurrent use.
type Directory struct {
	countries  map[string]country
	fallback   Contact
	outOfHours *Contact
	texts      map[string]map[string]string // locale → key → text
}

type country struct {
	emergency []Emergency
	lines     []Contact
}

// textKeys are the texts a locale may set in helplines.yaml. {number}, {url}
// and {keyword} are replaced when rendering.
var textKeys = []string{
	"care", "limits", "preamble", "emergency", "emergency_unknown", "lines", "out_of_hours",
	"fallback", "fallback_only", "call", "text", "text_keyword", "chat", "or", "free",
}

// LoadDirectory builds the Directory from the embedded helplines.yaml and,
// when dir is not "", from dir/helplines.yaml (the engine passes
// $INTERLUDE_FLOWS_DIR/safety). The operator's file has the same format: its
// lines for a country come first and replace embedded lines of the same
// name, or all of them with "replace: true"; its emergency number, fallback,
// out_of_hours contact and texts override the embedded ones. A missing dir or
// file is not an error. Errors name the file and line.
func LoadDirectory(dir string) (*Directory, error) {
	d := &Directory{countries: map[string]country{}, texts: map[string]map[string]string{}}
	data, err := embedded.ReadFile("data/helplines.yaml")
	if err != nil {
		return nil, fmt.Errorf("safety: %w", err)
	}
	if err := d.merge(data, true); err != nil {
		return nil, fmt.Errorf("safety: embedded helplines.yaml: %w", err)
	}
	if dir == "" {
		return d, nil
	}
	name := filepath.Join(dir, "helplines.yaml")
	data, err = os.ReadFile(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return d, nil
	case err != nil:
		return nil, fmt.Errorf("safety: %w", err)
	}
	if err := d.merge(data, false); err != nil {
		return nil, fmt.Errorf("safety: %s: %w", name, err)
	}
	return d, nil
}

// For returns the helplines for an ISO 3166-1 alpha-2 country code (any case;
// "UK" is taken as "GB"). An unknown or empty code gets only the
// international fallback and the out-of-hours contact.
func (d *Directory) For(countryCode string) Helplines {
	code := canonicalCountry(countryCode)
	h := Helplines{OutOfHours: d.outOfHours, Fallback: d.fallback, texts: d.texts}
	if c, ok := d.countries[code]; ok {
		h.Country, h.Emergency, h.Lines = code, slices.Clone(c.emergency), slices.Clone(c.lines)
	}
	return h
}

// Care returns the fixed words of care that open the crisis reply. locale is
// "en" or "de" (others fall back to English, unless an operator adds texts).
func (d *Directory) Care(locale string) string {
	return text(d.texts, locale, "care")
}

// Limits returns the fixed sentence that closes the crisis reply: that this is
// an automated bot and nobody reads the messages in real time. An operator's
// "preamble" text, the name of this sentence before it moved to the end, is
// still honoured.
func (d *Directory) Limits(locale string) string {
	locale = baseLocale(locale)
	if s, ok := d.texts[locale]["preamble"]; ok && d.texts[locale]["limits"] == "" {
		return s
	}
	return text(d.texts, locale, "limits")
}

// Text renders h as plain text (no markup) in the given locale: the
// emergency number, the crisis lines, the out-of-hours contact and the
// international fallback. The caller puts the Preamble before it.
func (h Helplines) Text(locale string) string {
	t := func(key string, args ...string) string {
		return strings.NewReplacer(args...).Replace(text(h.texts, locale, key))
	}
	var b strings.Builder
	if len(h.Emergency) > 0 {
		nums := make([]string, len(h.Emergency))
		for i, e := range h.Emergency {
			nums[i] = e.Number
			if l := e.Label[baseLocale(locale)]; l != "" {
				nums[i] += " (" + l + ")"
			} else if l := e.Label["en"]; l != "" {
				nums[i] += " (" + l + ")"
			}
		}
		b.WriteString(t("emergency", "{number}", strings.Join(nums, ", ")))
	} else {
		b.WriteString(t("emergency_unknown"))
	}
	b.WriteString("\n")
	if len(h.Lines) > 0 {
		b.WriteString("\n" + t("lines") + "\n")
	}
	h.contacts(&b, locale)
	if h.Fallback.URL != "" {
		key := "fallback"
		if len(h.Lines) == 0 {
			key = "fallback_only"
		}
		b.WriteString("\n" + t(key, "{url}", h.Fallback.URL) + "\n")
	}
	return b.String()
}

// LinesText renders the crisis lines and the out-of-hours contact alone, one per line, for the
// professionals step of the safety plan.
func (h Helplines) LinesText(locale string) string {
	var b strings.Builder
	h.contacts(&b, locale)
	return strings.TrimSpace(b.String())
}

// contacts writes the crisis lines, then the out-of-hours contact under its heading.
func (h Helplines) contacts(b *strings.Builder, locale string) {
	t := func(key string, args ...string) string {
		return strings.NewReplacer(args...).Replace(text(h.texts, locale, key))
	}
	contact := func(c Contact) {
		allFree := c.Free.all(c)
		way := func(s string, free bool) string {
			if free && !allFree {
				return s + " (" + t("free") + ")"
			}
			return s
		}
		var ways []string
		if len(c.Phones) > 0 {
			ways = append(ways, way(t("call", "{number}", strings.Join(c.Phones, " "+t("or")+" ")), c.Free.Call))
		}
		switch {
		case c.Text != "" && c.Keyword != "":
			ways = append(ways, way(t("text_keyword", "{number}", c.Text, "{keyword}", c.Keyword), c.Free.Text))
		case c.Text != "":
			ways = append(ways, way(t("text", "{number}", c.Text), c.Free.Text))
		}
		if c.Chat != "" {
			ways = append(ways, way(t("chat", "{url}", c.Chat), c.Free.Chat))
		}
		b.WriteString("- " + c.Name)
		if len(ways) > 0 {
			b.WriteString(": " + strings.Join(ways, " "+t("or")+" "))
		}
		var notes []string
		if c.Hours != "" {
			notes = append(notes, c.Hours)
		}
		if allFree {
			notes = append(notes, t("free"))
		}
		if len(notes) > 0 {
			b.WriteString(" (" + strings.Join(notes, ", ") + ")")
		}
		b.WriteString("\n")
		if c.URL != "" && c.URL != c.Chat {
			b.WriteString("  " + c.URL + "\n")
		}
	}
	for _, c := range h.Lines {
		contact(c)
	}
	if h.OutOfHours != nil {
		b.WriteString("\n" + t("out_of_hours") + "\n")
		contact(*h.OutOfHours)
	}
}

// text returns the text for key in locale ("de", "de-AT", "de_CH" all mean
// "de"), falling back to English.
func text(texts map[string]map[string]string, locale, key string) string {
	if s, ok := texts[baseLocale(locale)][key]; ok {
		return s
	}
	return texts["en"][key]
}

// baseLocale reduces "de-AT" and "de_CH" to "de".
func baseLocale(locale string) string {
	locale, _, _ = strings.Cut(strings.ToLower(locale), "-")
	locale, _, _ = strings.Cut(locale, "_")
	return locale
}

// canonicalCountry upper-cases a country code and maps the common "UK" to
// the ISO code "GB".
func canonicalCountry(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "UK" {
		return "GB"
	}
	return code
}

// Countries returns the codes of every country the directory has, sorted.
func (d *Directory) Countries() []string {
	codes := make([]string, 0, len(d.countries))
	for c := range d.countries {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}
