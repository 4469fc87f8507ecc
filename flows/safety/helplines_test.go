package safety

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
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
	for code, numbers := range want {
		h := d.For(code)
		have := slices.Clone(h.Emergency)
		for _, l := range h.Lines {
			have = append(have, l.Phones...)
			have = append(have, l.Text)
		}
		for _, n := range numbers {
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
			if d.texts[locale][k] == "" {
				t.Errorf("texts.%s.%s is missing", locale, k)
			}
		}
	}
	if got, want := d.Preamble("en"), "I'm an automated bot and cannot help in an emergency; nobody reads these messages in real time."; got != want {
		t.Errorf("Preamble(en) = %q, want %q", got, want)
	}
	if d.Preamble("de-AT") != d.Preamble("de") || d.Preamble("de") == d.Preamble("en") {
		t.Error("Preamble(de-AT) should be the German text")
	}
	if d.Preamble("xx") != d.Preamble("en") {
		t.Error("an unknown locale should fall back to English")
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
		{"DE", "de", `In akuter Gefahr: jetzt den Notruf 112 wählen.

Jetzt mit einem Menschen sprechen:
- TelefonSeelsorge: Telefon 0800 111 0 111 oder 0800 111 0 222 oder 116 123 (24/7, kostenlos)
  https://www.telefonseelsorge.de

Hilfe in anderen Ländern: https://findahelpline.com
`},
		{"us", "en", `If you are in danger right now, call the emergency number 911.

You can talk to someone now:
- 988 Suicide & Crisis Lifeline: call 988 or text 988 (24/7, free)
  https://988lifeline.org
- Crisis Text Line: text HOME to 741741 (24/7, free)
  https://www.crisistextline.org

Helplines in other countries: https://findahelpline.com
`},
		{"", "en", `If you are in danger right now, call your local emergency number (112 in Europe, 911 in North America, 999 in the UK, 000 in Australia).

Find a helpline in your country: https://findahelpline.com
`},
		{"SE", "de", `In akuter Gefahr: jetzt den Notruf 112 wählen.

Eine Hotline im eigenen Land finden: https://findahelpline.com
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
	if !slices.Equal(de.Emergency, []string{"112"}) {
		t.Errorf("DE emergency = %q, want the embedded 112", de.Emergency)
	}
	if diff := cmp.Diff([]string{"Nur diese Linie"}, names(d.For("AT"))); diff != "" {
		t.Errorf("AT lines (-want +got):\n%s", diff)
	}
	if got := d.For("JP"); got.Country != "JP" || !slices.Equal(got.Emergency, []string{"119", "110"}) {
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
		{"no way to reach", "out_of_hours:\n  name: Praxis\n", `line 2: contact "Praxis" needs a phone, text or url`},
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

func TestCountryForZone(t *testing.T) {
	for tz, want := range map[string]string{
		"Europe/Berlin":       "DE",
		"Europe/London":       "GB",
		"Europe/Dublin":       "IE",
		"Europe/Vienna":       "AT",
		"Europe/Zurich":       "CH",
		"America/New_York":    "US",
		"US/Pacific":          "US",
		"America/Toronto":     "CA",
		"America/St_Johns":    "CA",
		"Australia/Sydney":    "AU",
		"Australia/Perth":     "AU",
		"Pacific/Auckland":    "NZ",
		"Asia/Kolkata":        "IN",
		"America/Sao_Paulo":   "BR",
		"America/Puerto_Rico": "PR",
		"UTC":                 "",
		"Etc/GMT+1":           "",
		"":                    "",
		"Not/A_Zone":          "",
	} {
		if got := CountryForZone(tz); got != want {
			t.Errorf("CountryForZone(%q) = %q, want %q", tz, got, want)
		}
	}
}

func TestZoneTable(t *testing.T) {
	seen := map[string]string{}
	for code, zones := range zonesByCountry {
		if len(code) != 2 || strings.ToUpper(code) != code {
			t.Errorf("bad country code %q", code)
		}
		for _, z := range strings.Fields(zones) {
			if other, dup := seen[z]; dup {
				t.Errorf("%s is listed for %s and %s", z, other, code)
			}
			seen[z] = code
			if _, err := time.LoadLocation(z); err != nil {
				t.Errorf("%s (%s): %v", z, code, err)
			}
		}
	}
	if len(seen) < 60 {
		t.Errorf("only %d zones", len(seen))
	}
	// Every European capital's zone is known.
	for _, z := range strings.Fields("Europe/Amsterdam Europe/Andorra Europe/Athens Europe/Belgrade Europe/Berlin " +
		"Europe/Bratislava Europe/Brussels Europe/Bucharest Europe/Budapest Europe/Chisinau Europe/Copenhagen " +
		"Europe/Dublin Europe/Helsinki Europe/Kyiv Europe/Lisbon Europe/Ljubljana Europe/London Europe/Luxembourg " +
		"Europe/Madrid Europe/Malta Europe/Minsk Europe/Monaco Europe/Moscow Europe/Oslo Europe/Paris " +
		"Europe/Podgorica Europe/Prague Atlantic/Reykjavik Europe/Riga Europe/Rome Europe/San_Marino " +
		"Europe/Sarajevo Europe/Skopje Europe/Sofia Europe/Stockholm Europe/Tallinn Europe/Tirane Europe/Vaduz " +
		"Europe/Vatican Europe/Vienna Europe/Vilnius Europe/Warsaw Europe/Zagreb Europe/Zurich Asia/Nicosia") {
		if CountryForZone(z) == "" {
			t.Errorf("%s is not mapped", z)
		}
	}
}
