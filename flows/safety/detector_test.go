package safety

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustDetector(t testing.TB, dir string) *Detector {
	t.Helper()
	d, err := LoadDetector(dir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// writeFiles creates files (name → content) in a new temporary directory.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheck(t *testing.T) {
	d := mustDetector(t, "")
	tests := []struct {
		text string
		want Match
	}{
		{"I want to kill myself", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}},
		{"ich will mich umbringen", Match{Tier: TierDirect, Lang: "de", Rule: "de.mich_umbringen"}},
		{"I had a nice day", Match{}},
		{"", Match{}},
		// An idiom suppresses the phrase it covers, and says so.
		{"That would be career suicide", Match{Lang: "en", Rule: "en.idiom_suicide"}},
		{"Die Hitze bringt mich um", Match{Lang: "de", Rule: "de.redewendung_umbringen"}},
		// ... but not a longer phrase it overlaps, nor a phrase elsewhere.
		{"I cut myself on purpose", Match{Tier: TierDirect, Lang: "en", Rule: "en.self_harm"}},
		{"career suicide, honestly I want to die", Match{Tier: TierDirect, Lang: "en", Rule: "en.want_to_die"}},
		// "$" is the end of a clause or sentence.
		{"I can't go on.", Match{Tier: TierUnsure, Lang: "en", Rule: "en.cant_go_on"}},
		{"I can't go on, I'm so tired", Match{Tier: TierUnsure, Lang: "en", Rule: "en.cant_go_on"}},
		{"I can't go on the trip", Match{}},
		// A gap does not cross a sentence end; an ellipsis is only a pause.
		{"I want to go. Die Kinder sind müde", Match{}},
		{"I want to... die", Match{Tier: TierDirect, Lang: "en", Rule: "en.want_to_die"}},
		// <n> is a count of 10 or more.
		{"I took 40 pills", Match{Tier: TierDirect, Lang: "en", Rule: "en.method"}},
		{"I took 2 pills for my headache", Match{}},
		// Doubled letters, leetspeak and hidden characters.
		{"I want to kil mysellllf", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}},
		{"k\u200bi\u200bl\u200bl myself", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}},
		{"su1c1de", Match{Tier: TierDirect, Lang: "en", Rule: "en.suicide"}},
		// Tiers: the examples of what was missed.
		{"I hurt myself last night", Match{Tier: TierDirect, Lang: "en", Rule: "en.hurt_myself_now"}},
		{"kms", Match{Tier: TierUnsure, Lang: "en", Rule: "en.hurt_myself"}},
		{"honestly i just wanna kms", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}},
		{"Ich kann nicht mehr", Match{Tier: TierUnsure, Lang: "de", Rule: "de.kann_nicht_mehr"}},
		{"I've counted out the tablets in the bathroom", Match{Tier: TierUnsure, Lang: "en", Rule: "en.means"}},
		{"the train tracks are ten minutes from here and I keep walking there", Match{Tier: TierUnsure, Lang: "en", Rule: "en.means"}},
		{"I wrote letters to everyone today, just in case", Match{Tier: TierUnsure, Lang: "en", Rule: "en.means"}},
		// A direct phrase wins over an unsure one in the same message.
		{"I can't go on. I want to kill myself", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}},
		// Idioms keep ordinary talk quiet in both tiers.
		{"I hurt myself playing football", Match{Lang: "en", Rule: "en.idiom_hurt_myself"}},
		{"I ran 12 kms.", Match{Lang: "en", Rule: "en.idiom_means"}},
		{"Ich kann nicht mehr warten bis Freitag", Match{Lang: "de", Rule: "de.redewendung_kann_nicht_mehr"}},
		// Look-alike letters: full-width, mathematical bold, Cyrillic and Greek.
		{"ｋｉｌｌ ｍｙｓｅｌｆ", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}},
		{"𝐤𝐢𝐥𝐥 𝐦𝐲𝐬𝐞𝐥𝐟", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}},
		{"𝓀𝒾𝓁𝓁 𝓂𝓎𝓈𝑒𝓁𝒻", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}},
		{"kill mysеlf", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}}, // Cyrillic е
		{"ѕuіcіdе", Match{Tier: TierDirect, Lang: "en", Rule: "en.suicide"}},         // Cyrillic ѕ, і, е
		{"KILL MYSΕLF", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}}, // Greek Ε
		{"ⓚⓘⓛⓛ ⓜⓨⓢⓔⓛⓕ", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}}, // circled
		{"k‍i‌ll myself", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, d.Check(tt.text)); diff != "" {
			t.Errorf("Check(%q) mismatch (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestLoadDetectorOperatorFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"phrases.en.yaml": `
phrases:
  - id: kill_myself      # extends the embedded rule
    match: ["delete myself"]
  - id: practice_words
    match: ["purple * elephant"]
exclude:
  - id: idiom_board_game
    match: ["purple elephant card"]
`,
		"phrases.fr.yaml": `
lang: fr
phrases:
  - id: mourir
    match: ["je veux mourir", "me suicider"]
`,
		"README.md":           "not a phrase file",
		"phrases.en.yaml.bak": "not: [valid",
	})
	d := mustDetector(t, dir)
	tests := []struct {
		text string
		want Match
	}{
		{"I want to delete myself", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}},
		{"the purple sad elephant", Match{Tier: TierDirect, Lang: "en", Rule: "en.practice_words"}},
		{"the purple elephant card", Match{Lang: "en", Rule: "en.idiom_board_game"}},
		{"Je veux mourir.", Match{Tier: TierDirect, Lang: "fr", Rule: "fr.mourir"}},
		{"I want to kill myself", Match{Tier: TierDirect, Lang: "en", Rule: "en.kill_myself"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, d.Check(tt.text)); diff != "" {
			t.Errorf("Check(%q) mismatch (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestLoadDetectorMissingDir(t *testing.T) {
	if _, err := LoadDetector(filepath.Join(t.TempDir(), "nope")); err != nil {
		t.Errorf("missing dir: %v, want no error", err)
	}
	file := writeFiles(t, map[string]string{"f": ""})
	if _, err := LoadDetector(filepath.Join(file, "f")); err == nil {
		t.Error("dir is a file: no error")
	}
}

func TestLoadDetectorErrors(t *testing.T) {
	tests := []struct {
		name, content, want string // want: a regexp the error must match
	}{
		{"yaml syntax", "phrases:\n  - id: a\n    match: [x\n", `phrases\.en\.yaml: yaml: line \d+`},
		{"unknown top-level field", "phrase:\n  - id: a\n", `(?s)phrases\.en\.yaml: .*line 1: field phrase not found`},
		{"unknown rule field", "phrases:\n  - id: a\n    matches: [x]\n", `phrases\.en\.yaml: line 3: unknown field "matches"`},
		{"bad id", "phrases:\n  - id: Bad-Id\n    match: [x]\n", `phrases\.en\.yaml: line 2: id "Bad-Id"`},
		{"no patterns", "phrases:\n  - id: a\n", `phrases\.en\.yaml: line 2: rule "a" has no match patterns`},
		{"leading gap", "phrases:\n  - id: a\n    match:\n      - x\n      - \"* die\"\n", `phrases\.en\.yaml: line 5: pattern "\* die": \* must follow a word`},
		{"trailing gap", "phrases:\n  - id: a\n    match: [die *]\n", `line 3: pattern "die \*": \* must not come last`},
		{"short prefix", "phrases:\n  - id: a\n    match: [ab*]\n", `line 3: pattern "ab\*": prefix "ab\*": want at least 3 letters`},
		{"end not last", "phrases:\n  - id: a\n    match: [a $ b]\n", `line 3: pattern "a \$ b": \$ must come last`},
		{"no letters", "phrases:\n  - id: a\n    match: [\"!!\"]\n", `line 3: pattern "!!"`},
		{"wrong lang", "lang: de\nphrases:\n  - id: a\n    match: [x]\n", `phrases\.en\.yaml: lang "de" does not match`},
		{"phrase and exclude", "phrases:\n  - id: a\n    match: [x]\nexclude:\n  - id: a\n    match: [y]\n", `line 5: id "a" is used for both`},
		{"exclude clash with embedded", "exclude:\n  - id: kill_myself\n    match: [y]\n", `line 2: id "kill_myself" is used for both`},
		{"bad max_gap", "max_gap: 50\n", `max_gap 50`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"phrases.en.yaml": tt.content})
			_, err := LoadDetector(dir)
			if err == nil {
				t.Fatalf("no error, want %s", tt.want)
			}
			if !regexp.MustCompile(tt.want).MatchString(err.Error()) {
				t.Errorf("error %q does not match %s", err, tt.want)
			}
			if !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name the file's directory", err)
			}
		})
	}
}

// ruleIDs returns every rule id the detector can report.
func ruleIDs(d *Detector) map[string]bool {
	ids := map[string]bool{}
	for _, ps := range d.byWord {
		for _, p := range ps {
			ids[p.rule.id] = true
		}
	}
	for _, ps := range d.byPrefix {
		for _, p := range ps {
			ids[p.rule.id] = true
		}
	}
	for _, p := range d.byCount {
		ids[p.rule.id] = true
	}
	return ids
}

func FuzzCheck(f *testing.F) {
	for _, tt := range normalizeTests {
		f.Add(tt.in)
	}
	for _, e := range loadCorpus(f) {
		f.Add(e.Text)
	}
	d := mustDetector(f, "")
	ids := ruleIDs(d)
	f.Fuzz(func(t *testing.T, s string) {
		m := d.Check(s)
		if m.Rule != "" && !ids[m.Rule] {
			t.Fatalf("Check(%q).Rule = %q: not a rule id", s, m.Rule)
		}
		if m.Risk() && m.Rule == "" || m.Rule == "" && m.Lang != "" {
			t.Fatalf("Check(%q) = %+v: inconsistent", s, m)
		}
		if m.Lang != "" && m.Lang != "en" && m.Lang != "de" {
			t.Fatalf("Check(%q).Lang = %q", s, m.Lang)
		}
	})
}

// benchText is a long-ish ordinary check-in answer: no phrase matches, so
// Check does all of its work.
const benchText = "This week was a lot. Work is killing me, my boss wants the report by Friday " +
	"and I'm dead tired, but I went for a walk on Sunday and talked to my sister, which helped. " +
	"Ich möchte nächstes Mal über meine Mutter sprechen und darüber, was mir gut tut."

// BenchmarkCheck is the cost of the crisis check on every message. Compare it
// with BenchmarkNormalizeOnly and BenchmarkToLower, its floors.
func BenchmarkCheck(b *testing.B) {
	d := mustDetector(b, "")
	b.ReportAllocs()
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		if d.Check(benchText).Risk() {
			b.Fatal("risk")
		}
	}
}

// BenchmarkCheckRisk is Check on a short message that matches.
func BenchmarkCheckRisk(b *testing.B) {
	d := mustDetector(b, "")
	b.ReportAllocs()
	for b.Loop() {
		if !d.Check("honestly I just want to die").Risk() {
			b.Fatal("no risk")
		}
	}
}

// BenchmarkNormalizeOnly is the normalisation that Check starts with.
func BenchmarkNormalizeOnly(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		_ = Normalize(benchText)
	}
}

// BenchmarkToLower is the least any text matching must do.
func BenchmarkToLower(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		_ = strings.ToLower(benchText)
	}
}
