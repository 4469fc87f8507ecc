package flows_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/flows"
)

func TestEmbeddedLibraryIsValid(t *testing.T) {
	lib, err := flows.Load("")
	if err != nil {
		t.Fatalf("embedded library: %v", err)
	}
	if lib.Flow("onboarding") == nil || lib.ByCommand("start") == nil {
		t.Error("no onboarding flow on /start")
	}
	if got := strings.Join(lib.Locales(), ","); got != "de,en" {
		t.Errorf("locales = %s", got)
	}
}

func TestBrokenLibraryNamesFileAndLine(t *testing.T) {
	long := strings.Repeat("a", flows.MaxTextLen+1)
	tests := []struct {
		name, yaml, want string
	}{
		{"syntax", "flows:\n  - id: x\n    steps: [\n", "broken.yaml:3: did not find expected node content"},
		{"unquoted comma in a string", "strings:\n  probe: {en: one, de: eins, zwei}\n", `string "probe" has text for undeclared language "zwei"`},
		{"unknown options_from", `flows:
  - id: x
    steps:
      - id: a
        kind: choice
        options_from: everything
        text: {en: hi, de: hallo}
`, `broken.yaml:4: flow x, step a: unknown options_from "everything"`},
		{"unknown field", "flows:\n  - id: x\n    colour: red\n    steps: []\n", "broken.yaml:3: field colour not found"},
		{"unknown step", `flows:
  - id: x
    steps:
      - id: a
        kind: message
        text: {en: hi, de: hallo}
        next: nowhere
`, `broken.yaml:4: flow x, step a: next refers to unknown step "nowhere"`},
		{"missing translation", `flows:
  - id: x
    steps:
      - id: a
        kind: message
        text: {en: hi}
`, "broken.yaml:4: flow x, step a: text has no de translation"},
		{"too long", `flows:
  - id: x
    steps:
      - id: a
        kind: message
        text: {en: ` + long + `, de: hallo}
`, "broken.yaml:4: flow x, step a: text (en) is 2001 characters, over the 2000 limit"},
		{"long option id", `flows:
  - id: x
    steps:
      - id: a
        kind: choice
        text: {en: hi, de: hallo}
        options:
          - id: ` + strings.Repeat("o", 65) + `
            label: {en: O, de: O}
`, "broken.yaml:4: flow x, step a: option id \"" + strings.Repeat("o", 65) + "\" is over 64 bytes"},
		{"duplicate step", `flows:
  - id: x
    steps:
      - id: a
        kind: end
      - id: a
        kind: end
`, `broken.yaml:6: flow x: duplicate step id "a"`},
		{"unknown kind", `flows:
  - id: x
    steps:
      - id: a
        kind: dance
`, `broken.yaml:4: flow x, step a: unknown kind "dance"`},
		{"unknown string", `flows:
  - id: x
    steps:
      - id: a
        kind: message
        text: "@nope"
`, "broken.yaml:4: flow x, step a: text refers to unknown string @nope"},
		{"command taken", `flows:
  - id: x
    command: start
    steps:
      - id: a
        kind: end
`, "command /start is also used by flow"},
		// Every text goes through the same check: strings, topics, prompts and steps alike.
		{"string without a translation", "strings:\n  probe: {en: one}\n", `string "probe" has no de translation`},
		{"topic in an undeclared language", "topics:\n  probe: {en: Probe, de: Probe, test}\n", `topic "probe" has text for undeclared language "test"`},
		{"prompt in an undeclared language", "prompts:\n  - id: probe_01\n    topic: trust\n    text: {en: one, de: eins, zwei}\n",
			`broken.yaml:2: prompt probe_01: text has text for undeclared language "zwei"`},
		{"prompt too long", "prompts:\n  - id: probe_01\n    topic: trust\n    text: {en: " + long + ", de: eins}\n",
			"broken.yaml:2: prompt probe_01: text (en) is 2001 characters, over the 2000 limit"},
		{"flow twice", "flows:\n  - id: x\n    steps: [{id: a, kind: end}]\n  - id: x\n    steps: [{id: a, kind: end}]\n",
			`broken.yaml:4: flow "x" is defined twice in this file`},
		{"prompt twice", "prompts:\n  - id: probe_01\n    topic: trust\n    text: {en: one, de: eins}\n  - id: probe_01\n    topic: trust\n    text: {en: one, de: eins}\n",
			`broken.yaml:5: prompt "probe_01" is defined twice in this file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte(tt.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := flows.Load(dir)
			if err == nil {
				t.Fatal("a broken library loaded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n%v\ndoes not contain\n%s", err, tt.want)
			}
		})
	}
}

func TestOperatorFlowOverridesEmbedded(t *testing.T) {
	dir := t.TempDir()
	custom := `strings:
  declined:
    en: Fine, nothing kept.
    de: Gut, nichts gespeichert.
`
	if err := os.WriteFile(filepath.Join(dir, "custom.yaml"), []byte(custom), 0o600); err != nil {
		t.Fatal(err)
	}
	lib, err := flows.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := lib.String("declined", "en"); got != "Fine, nothing kept." {
		t.Errorf("override not applied: %q", got)
	}
}

func TestDocumentedPromptPackLoads(t *testing.T) {
	lib, err := flows.Load("../docs/examples/prompt-pack")
	if err != nil {
		t.Fatalf("the example in docs/FLOWS.md does not load: %v", err)
	}
	if lib.ByCommand("gratitude") == nil || lib.Prompt("practice_01") == nil {
		t.Error("the pack's flow or prompt is missing")
	}
	s := lib.Stats()
	if s.Prompts["en"] < 60 || s.Topics["en"] < 10 || s.Prompts["de"] != s.Prompts["en"] {
		t.Errorf("prompts: %v in topics %v", s.Prompts, s.Topics)
	}
}
