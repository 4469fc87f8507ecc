package safety

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	_ "time/tzdata" // every zone in the table must exist, whatever the host has

	"github.com/google/go-cmp/cmp"
)

func mustDirectory(t *testing.T, dir string) *Directory {
	t.Helper()
	d, err := LoadDirectory(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDirectoryEmbedded(t *testing.T) {
	d := mustDirectory(t, "")
	// country → emergency numbers and phone or text numbers that must be listed
	want := map[string][]string{
		"US": {"911", "988"},
		"CA": {"911", "988"},
		"GB": {"999", "112", "116 123"},
		"IE": {"112", "116 123"},
		"DE": {"112", "0800 111 0 111", "0800 111 0 222", "116 123"},
		"AT": {"112", "142"},
		"CH": {"112", "143"},
		"AU": {"000", "13 11 14"},
		"FR": {"112"},
		"PL": {"112"},
	}
	for code, nums := range want {
		h := d.For(code)
		have := numbers(h.Emergency)
		for _, l := range h.Lines {
			have = append(have, l.Phones...)
			have = append(have, l.Text)
		}
		for _, n := range nums {
			if !slices.Contains(have, n) {
				t.Errorf("For(%q) lacks %s; has %q", code, n, have)
			}
		}
	}
	if got := d.For("US").Fallback.URL; got != "https://findahelpline.com" {
		t.Errorf("fallback URL = %q", got)
	}
	for _, locale := range []string{"en", "de"} {
		for _, k := range textKeys {
			if d.texts[locale][k] == "" && k != "preamble" { // preamble: an operator's old name for limits
				t.Errorf("texts.%s.%s is missing", locale, k)
			}
		}
	}
	if got := d.Care("en"); !strings.HasPrefix(got, "I'm really glad you told me.") {
		t.Errorf("Care(en) = %q: care comes first", got)
	}
	if got := d.Limits("en"); !strings.Contains(got, "automated bot") || !strings.Contains(got, "nobody reads this in real time") {
		t.Errorf("Limits(en) = %q", got)
	}
	if d.Care("de-AT") != d.Care("de") || d.Care("de") == d.Care("en") || d.Limits("de_CH") != d.Limits("de") {
		t.Error("Care and Limits of de-AT and de_CH should be the German texts")
	}
	if d.Care("xx") != d.Care("en") {
		t.Error("an unknown locale should fall back to English")
	}
	// Every line of the embedded file names where it was found and when.
	for code, c := range d.countries {
		for _, l := range c.lines {
			if !strings.HasPrefix(l.Source, "http") || l.Checked == "" {
				t.Errorf("%s %q: source %q, checked %q", code, l.Name, l.Source, l.Checked)
			}
		}
	}
	if d.For(" uk ").Country != "GB" {
		t.Error(`For("uk") is not GB`)
	}
}

func TestHelplinesText(t *testing.T) {
	d := mustDirectory(t, "")
	tests := []struct {
		country, locale, want string
	}{
		{"DE", "de", `In akuter Gefahr jetzt den Notruf wählen: 112 (Feuerwehr und Rettungsdienst), 110 (Polizei).

Jetzt mit einem Menschen sprechen:
- TelefonSeelsorge: Telefon 0800 111 0 111 oder 0800 111 0 222 oder 116 123 oder Chat unter https://online.telefonseelsorge.de (24/7, kostenlos)
  https://www.telefonseelsorge.de

Hilfe in anderen Ländern: https://findahelpline.com
`},
		{"us", "en", `If you are in danger right now, call the emergency number: 911.

You can talk to someone now:
- 988 Suicide & Crisis Lifeline: call 988 or text 988 or chat at https://988lifeline.org (24/7, free)
- Crisis Text Line: text HOME to 741741 (24/7, free)

Helplines in other countries: https://findahelpline.com
`},
		{"", "en", `If you are in danger right now, call your local emergency number (112 in Europe, 911 in North America, 999 in the UK, 000 in Australia).

Find a helpline in your country: https://findahelpline.com
`},
		{"SE", "de", `In akuter Gefahr jetzt den Notruf wählen: 112.

Jetzt mit einem Menschen sprechen:
- Självmordslinjen (Mind): Telefon 90101 oder Chat unter https://mind.se (24/7)

Hilfe in anderen Ländern: https://findahelpline.com
`},
		{"TR", "en", `If you are in danger right now, call the emergency number: 112.

Find a helpline in your country: https://findahelpline.com
`},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, d.For(tt.country).Text(tt.locale)); diff != "" {
			t.Errorf("For(%q).Text(%q) mismatch (-want +got):\n%s", tt.country, tt.locale, diff)
		}
	}
}

func TestLoadDirectoryOperator(t *testing.T) {
	dir := writeFiles(t, map[string]string{"helplines.yaml": `
out_of_hours:
  name: Praxis Beispiel
  phone: "+49 30 1234567"
  hours: Mo-Fr 18-22 Uhr
texts:
  de:
    out_of_hours: "Unsere Praxis außerhalb der Sprechzeiten:"
countries:
  de:
    lines:
      - name: Krisendienst Berlin
        phone: "030 390 63 10"
        hours: 24/7
      - name: TelefonSeelsorge        # replaces the embedded entry of this name
        phone: "0800 111 0 111"
  AT:
    replace: true
    lines:
      - name: Nur diese Linie
        url: https://example.org
  JP:
    emergency: ["119", "110"]
`})
	d := mustDirectory(t, dir)

	de := d.For("DE")
	names := func(h Helplines) (n []string) {
		for _, l := range h.Lines {
			n = append(n, l.Name)
		}
		return n
	}
	if diff := cmp.Diff([]string{"Krisendienst Berlin", "TelefonSeelsorge"}, names(de)); diff != "" {
		t.Errorf("DE lines (-want +got):\n%s", diff)
	}
	if got := de.Lines[1].Phones; !slices.Equal(got, []string{"0800 111 0 111"}) {
		t.Errorf("TelefonSeelsorge phones = %q, want the operator's", got)
	}
	if !slices.Equal(numbers(de.Emergency), []string{"112", "110"}) {
		t.Errorf("DE emergency = %q, want the embedded 112", de.Emergency)
	}
	if diff := cmp.Diff([]string{"Nur diese Linie"}, names(d.For("AT"))); diff != "" {
		t.Errorf("AT lines (-want +got):\n%s", diff)
	}
	if got := d.For("JP"); got.Country != "JP" || !slices.Equal(numbers(got.Emergency), []string{"119", "110"}) {
		t.Errorf("JP = %+v", got)
	}
	text := d.For("DE").Text("de")
	for _, want := range []string{"Unsere Praxis außerhalb der Sprechzeiten:\n- Praxis Beispiel: Telefon +49 30 1234567 (Mo-Fr 18-22 Uhr)\n", "Krisendienst Berlin"} {
		if !strings.Contains(text, want) {
			t.Errorf("Text(de) lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(d.For("").Text("en"), "Out-of-hours contact:\n- Praxis Beispiel") {
		t.Error("the out-of-hours contact is shown for every country")
	}
	// The embedded directory is unchanged.
	if len(mustDirectory(t, "").For("AT").Lines) != 2 {
		t.Error("loading an operator file changed the embedded data")
	}
}

func TestLoadDirectoryMissing(t *testing.T) {
	if _, err := LoadDirectory(t.TempDir()); err != nil {
		t.Errorf("no helplines.yaml: %v, want no error", err)
	}
}

func TestLoadDirectoryErrors(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"syntax", "countries: [\n", `helplines\.yaml: yaml: line \d+`},
		{"unknown field", "countrys: {}\n", `(?s)helplines\.yaml: .*line 1: field countrys not found`},
		{"bad country", "countries:\n  Germany:\n    emergency: \"112\"\n", `helplines\.yaml: line 3: country "Germany"`},
		{"unknown contact field", "countries:\n  DE:\n    lines:\n      - name: x\n        phone: \"1\"\n        fax: \"2\"\n", `line 6: unknown field "fax"`},
		{"no name", "countries:\n  DE:\n    lines:\n      - phone: \"1\"\n", `line 4: contact without a name`},
		{"no way to reach", "out_of_hours:\n  name: Praxis\n", `line 2: contact "Praxis" needs a phone, text, chat or url`},
		{"unknown text", "texts:\n  de:\n    hello: Hallo\n", `line 3: unknown field "hello"`},
		{"phone list of maps", "countries:\n  DE:\n    lines:\n      - name: x\n        phone: {a: b}\n", `line 5: want a string or a list`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"helplines.yaml": tt.content})
			_, err := LoadDirectory(dir)
			if err == nil {
				t.Fatalf("no error, want %s", tt.want)
			}
			if !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("error %q does not match %s", err, tt.want)
			}
		})
	}
}

func numbers(es []Emergency) []string {
	var n []string
	for _, e := range es {
		n = append(n, e.Number)
	}
	return n
}

func TestEmergencyNumbersSayWhichIsWhich(t *testing.T) {
	d := mustDirectory(t, "")
	for _, tt := range []struct{ code, locale, want string }{
		{"BR", "en", "190 (police), 192 (ambulance, SAMU), 193 (fire brigade)"},
		{"BR", "de", "190 (Polizei), 192 (Rettungsdienst, SAMU), 193 (Feuerwehr)"},
		{"FR", "en", "call the emergency number: 112."},
	} {
		if got := d.For(tt.code).Text(tt.locale); !strings.Contains(got, tt.want) {
			t.Errorf("%s in %s lacks %q:\n%s", tt.code, tt.locale, tt.want, got)
		}
	}
}

func TestFreePerChannel(t *testing.T) {
	dir := writeFiles(t, map[string]string{"helplines.yaml": `
countries:
  XX:
    emergency: "999"
    lines:
      - {name: Both free, phone: "1", text: "2", free: true}
      - {name: Call free only, phone: "3", text: "4", free: {call: true}}
      - {name: Chat line, chat: https://chat.example, free: {chat: true}}
`})
	text := mustDirectory(t, dir).For("XX").Text("en")
	for _, want := range []string{
		"- Both free: call 1 or text 2 (free)\n",
		"- Call free only: call 3 (free) or text 4\n",
		"- Chat line: chat at https://chat.example (free)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("lacks %q:\n%s", want, text)
		}
	}
}
