package safety

import (
	"strings"
	"testing"
	"unicode/utf8"
)

var normalizeTests = []struct {
	name, in, want string
}{
	{"empty", "", ""},
	{"lower case", "I Want To DIE", "i want to die"},
	{"umlaut", "Möchte", "mochte"},
	{"umlaut as oe", "MOECHTE", "mochte"},
	{"umlaut without dots", "mochte", "mochte"},
	{"ae", "Ärger aerger", "arger arger"},
	{"ue", "für fuer", "fur fur"},
	{"sharp s", "Straße STRASSE", "strasse strasse"},
	{"capital sharp s", "GROẞ", "gross"},
	{"french", "Ça va? Très bien!", "ca va tres bien"},
	{"polish", "Łódź", "lodz"},
	{"ligatures", "Æsir Œuvre", "asir ouvre"},
	{"dotless i", "ıi", "ii"},
	{"combining accent", "Mo\u0308chte cafe\u0301", "mochte cafe"},
	{"other scripts kept", "ПРИВЕТ мир", "привет мир"},
	{"repeated letters", "killlll myselfffff", "kill myselff"},
	{"repeated vowels", "diieeee noooo", "diiee noo"},
	{"digits not squashed", "1000 pills", "1000 pills"},
	{"leet digits", "k1ll mys3lf su1c1de", "kill myself suicide"},
	{"leet symbols", "$uicide k!ll", "suicide kill"},
	{"numbers alone stay", "call 988 or 116 123", "call 988 or 116 123"},
	{"exclamation at end", "help!", "help"},
	{"at sign alone", "me @ home", "me home"},
	{"zero width", "ki\u200bll my\u200dself", "kill myself"},
	{"bidi marks", "\u202ekill\u202c \u2066me\u2069 \u200e", "kill me"},
	{"soft hyphen and BOM", "\ufeffsui\u00adcide", "suicide"},
	{"control characters", "ki\x00ll my\x7fse\u0080lf\x07", "kill myself"},
	{"whitespace", "\t\n  a \r\n  b  ", "a b"},
	{"invalid utf-8", "ki\xffll \xfe\xfe", "kill"},
	{"apostrophes", "don't I’m can`t", "dont im cant"},
	{"punctuation", "Hello, World!!! (yes) -- no...", "hello world yes no"},
	{"hyphen", "self-harm", "self harm"},
	{"emoji", "i want to die😭😭", "i want to die"},
}

func TestNormalize(t *testing.T) {
	for _, tt := range normalizeTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeSpellingsMatch(t *testing.T) {
	for _, group := range [][]string{
		{"möchte", "moechte", "mochte", "MÖCHTE", "MOECHTE"},
		{"tödlich", "toedlich", "todlich"},
		{"müde", "muede", "mude"},
		{"wäre", "waere", "ware"},
		{"Schluß", "Schluss"},
	} {
		for _, s := range group[1:] {
			if Normalize(s) != Normalize(group[0]) {
				t.Errorf("Normalize(%q) = %q, Normalize(%q) = %q; want equal", s, Normalize(s), group[0], Normalize(group[0]))
			}
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, tt := range normalizeTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if n2 := Normalize(n); n2 != n {
			t.Fatalf("not idempotent: Normalize(%q) = %q, Normalize of that = %q", s, n, n2)
		}
		if strings.Contains(n, "  ") || strings.TrimSpace(n) != n {
			t.Fatalf("Normalize(%q) = %q: whitespace not collapsed", s, n)
		}
	})
}
