package safety

import (
	"fmt"
	"os"
	"testing"

	"go.yaml.in/yaml/v3"
)

// heldOutFloors are the figures of the first run of testdata/heldout.yaml (188 sentences
// written on 2026-12-02 by someone who had not seen the phrase files, after they were frozen).
// The test fails when a change makes the detector do worse on them than that run; docs/SAFETY.md
// reports the run, misses included. Tuning the lists on these sentences would make them a
// development set: add new sentences to corpus.yaml instead.
var heldOutFloors = struct {
	reached map[string]int // direct and unsure: the reply or the question
	reply   map[string]int // harmless: at most this many get the crisis reply
	asked   map[string]int // harmless: at most this many get the question
}{
	reached: map[string]int{"direct": 45, "unsure": 28},
	reply:   map[string]int{"harmless": 2},
	asked:   map[string]int{"harmless": 2},
}

func TestHeldOut(t *testing.T) {
	data, err := os.ReadFile("testdata/heldout.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var set []struct{ Lang, Kind, Text string }
	if err := yaml.Unmarshal(data, &set); err != nil {
		t.Fatal(err)
	}
	if len(set) < 150 {
		t.Fatalf("held-out set has %d sentences, want at least 150", len(set))
	}
	d := mustDetector(t, "")
	type tally struct{ n, reply, asked int }
	by := map[string]*tally{}
	var lines []string
	for _, e := range set {
		key := e.Kind
		for _, k := range []string{key, key + "/" + e.Lang} {
			if by[k] == nil {
				by[k] = &tally{}
			}
		}
		m := d.Check(e.Text)
		for _, k := range []string{key, key + "/" + e.Lang} {
			by[k].n++
			switch m.Tier {
			case TierDirect:
				by[k].reply++
			case TierUnsure:
				by[k].asked++
			}
		}
		switch {
		case e.Kind != "harmless" && m.Tier == TierNone:
			lines = append(lines, fmt.Sprintf("missed %s/%s: %q", e.Kind, e.Lang, e.Text))
		case e.Kind == "harmless" && m.Tier != TierNone:
			lines = append(lines, fmt.Sprintf("harmless got %s (%s): %q", m.Tier, m.Rule, e.Text))
		}
	}
	for _, l := range lines {
		t.Log(l)
	}
	for _, k := range []string{"direct", "direct/en", "direct/de", "unsure", "unsure/en", "unsure/de", "harmless", "harmless/en", "harmless/de"} {
		c := by[k]
		if c == nil {
			t.Fatalf("no %s sentences", k)
		}
		t.Logf("%-11s n=%3d  crisis reply %3d (%.2f)  question %3d (%.2f)  neither %3d", k, c.n,
			c.reply, float64(c.reply)/float64(c.n), c.asked, float64(c.asked)/float64(c.n), c.n-c.reply-c.asked)
	}
	for kind, floor := range heldOutFloors.reached {
		if c := by[kind]; c.reply+c.asked < floor {
			t.Errorf("%s: %d reached the reply or the question, fewer than the first run's %d", kind, c.reply+c.asked, floor)
		}
	}
	for kind, ceil := range heldOutFloors.reply {
		if c := by[kind]; c.reply > ceil {
			t.Errorf("%s: %d got the crisis reply, more than the first run's %d", kind, c.reply, ceil)
		}
	}
	for kind, ceil := range heldOutFloors.asked {
		if c := by[kind]; c.asked > ceil {
			t.Errorf("%s: %d got the question, more than the first run's %d", kind, c.asked, ceil)
		}
	}
}
