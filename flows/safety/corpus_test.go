package safety

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// corpusEntry is one statement of testdata/corpus.yaml.
type corpusEntry struct {
	Lang    string `yaml:"lang"`
	Kind    string `yaml:"kind"` // direct, indirect, harmless, ambiguous
	Text    string `yaml:"text"`
	Variant string `yaml:"variant"`
	Set     string `yaml:"set"` // "" or "holdout"
}

func loadCorpus(t testing.TB) []corpusEntry {
	t.Helper()
	data, err := os.ReadFile("testdata/corpus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c []corpusEntry
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("corpus.yaml: %v", err)
	}
	return c
}

// Thresholds the corpus must reach. Direct statements are not a threshold:
// every one must reach the crisis reply or the question.
const (
	minRecall    = 0.95 // direct + indirect reaching the crisis reply or the question
	maxFPRate    = 0.05 // harmless statements given the reply or the question
	maxReplyRate = 0.02 // harmless statements given the crisis reply
)

// TestCorpus measures the embedded phrase lists against testdata/corpus.yaml.
// Run it with -v to see the figures: go test -run TestCorpus -v ./flows/safety/
func TestCorpus(t *testing.T) {
	d, err := LoadDetector("")
	if err != nil {
		t.Fatal(err)
	}
	corpus := loadCorpus(t)

	type tally struct{ n, flagged int }
	counts := map[string]*tally{} // by kind, and by kind/lang and kind/set
	count := func(key string, flagged bool) {
		c := counts[key]
		if c == nil {
			c = &tally{}
			counts[key] = c
		}
		c.n++
		if flagged {
			c.flagged++
		}
	}
	var missedDirect []string
	for i, e := range corpus {
		switch e.Kind {
		case "direct", "indirect", "harmless", "ambiguous":
		default:
			t.Fatalf("entry %d: unknown kind %q", i, e.Kind)
		}
		if e.Lang != "en" && e.Lang != "de" {
			t.Fatalf("entry %d: unknown lang %q", i, e.Lang)
		}
		m := d.Check(e.Text)
		reached := m.Tier != TierNone // the crisis reply or the question
		set := e.Set
		if set == "" {
			set = "dev"
		}
		count(e.Kind, reached)
		count(e.Kind+"/"+e.Lang, reached)
		count(e.Kind+"/"+set, reached)
		count(e.Kind+"/reply", m.Risk())
		switch {
		case e.Kind == "direct" && !reached:
			missedDirect = append(missedDirect, fmt.Sprintf("#%d %q (%s)", i, e.Text, m.Rule))
		case e.Kind == "indirect" && !reached:
			t.Logf("missed indirect #%d: %q", i, e.Text)
		case e.Kind == "harmless" && reached:
			t.Logf("false positive (%s) #%d: %q (rule %s)", m.Tier, i, e.Text, m.Rule)
		case e.Kind == "ambiguous" && !reached:
			t.Logf("ambiguous, no help shown #%d: %q", i, e.Text)
		}
	}

	get := func(key string) tally {
		if c := counts[key]; c != nil {
			return *c
		}
		return tally{}
	}
	rate := func(c tally) string {
		if c.n == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%d/%d = %.3f", c.flagged, c.n, float64(c.flagged)/float64(c.n))
	}
	for _, k := range []string{"direct", "indirect", "harmless", "ambiguous"} {
		t.Logf("%-9s crisis reply at once %s", k, rate(get(k+"/reply")))
		t.Logf("%-9s flagged %-16s  en %-16s  de %-16s  dev %-16s  holdout1 %-16s  holdout2 %s", k,
			rate(get(k)), rate(get(k+"/en")), rate(get(k+"/de")), rate(get(k+"/dev")), rate(get(k+"/holdout1")), rate(get(k+"/holdout2")))
	}
	dir, ind, harm := get("direct"), get("indirect"), get("harmless")
	overall := tally{n: dir.n + ind.n, flagged: dir.flagged + ind.flagged}
	recall := float64(overall.flagged) / float64(overall.n)
	fpRate := float64(harm.flagged) / float64(harm.n)
	replyRate := float64(get("harmless/reply").flagged) / float64(harm.n)
	t.Logf("recall: direct %s, indirect %s, overall %s; false-positive rate %s",
		rate(dir), rate(ind), rate(overall), rate(harm))

	if dir.n < 50 || ind.n < 50 || harm.n < 110 || dir.n+ind.n < 110 {
		t.Errorf("corpus too small: %d direct, %d indirect, %d harmless", dir.n, ind.n, harm.n)
	}
	if len(missedDirect) > 0 {
		t.Errorf("%d direct statements not caught:\n%s", len(missedDirect), strings.Join(missedDirect, "\n"))
	}
	if recall < minRecall {
		t.Errorf("overall recall %.3f < %.2f", recall, minRecall)
	}
	if fpRate > maxFPRate {
		t.Errorf("false-positive rate (reply or question) %.3f > %.2f", fpRate, maxFPRate)
	}
	if replyRate > maxReplyRate {
		t.Errorf("harmless statements given the crisis reply: %.3f > %.2f", replyRate, maxReplyRate)
	}
}
