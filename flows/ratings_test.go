package flows_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

// rate answers /reflect's three ratings by button and leaves the rest.
func rate(c *client, heard, matters, suits string) {
	c.t.Helper()
	c.send("/reflect")
	c.press(heard)
	c.press(matters)
	c.press(suits)
	c.send("/cancel")
}

func TestRatingsTypedAsWordsOrOutOfRange(t *testing.T) {
	e, _ := clocked(t)
	c := onboarded(t, e, "words")
	c.send("/reflect")
	if got := joined(c.send("four")); !strings.Contains(got, "We worked on what matters to me.") {
		t.Fatalf("“four” is not taken as 4: %q", got)
	}
	for _, out := range []string{"7", "0"} {
		if got := joined(c.send(out)); !strings.Contains(got, "The scale goes from 1 to 5.") {
			t.Fatalf("%s out of 1–5: %q", out, got)
		}
	}
	if got := joined(c.send("Five")); !strings.Contains(got, "The way we work suits me.") {
		t.Fatalf("“Five” is not taken as 5: %q", got)
	}
	c.send("3")
	c.send("/cancel")
	c.send("/history")
	if got := joined(c.last); !strings.Contains(got, "4 · 5 · 3") {
		t.Errorf("/history shows %q, want the ratings 4 · 5 · 3", got)
	}

	// German words, for a German client.
	d := onboarded(t, e, "wörter")
	d.send("/language")
	d.press("Deutsch")
	d.send("/reflect")
	if got := joined(d.send("vier")); !strings.Contains(got, "Wir haben an dem gearbeitet, was mir wichtig ist.") {
		t.Fatalf("„vier“ wird nicht als 4 genommen: %q", got)
	}
	if got := joined(d.send("sechs")); !strings.Contains(got, "1 bis 5") {
		t.Errorf("„sechs“ außerhalb von 1–5: %q", got)
	}
}

func TestARatingButtonFromLastMonthChangesNothing(t *testing.T) {
	e, now := clocked(t)
	c := onboarded(t, e, "old")
	outs := c.send("/reflect")
	var old string
	for _, o := range outs {
		for _, b := range o.Buttons {
			if b.Label == "1" {
				old = b.ID
			}
		}
	}
	c.press("5")
	c.press("5")
	c.press("5")
	c.send("/cancel")

	*now = now.AddDate(0, 1, 0)
	c.send("/reflect")
	got, err := e.Handle(context.Background(), flows.Inbound{User: c.user, Button: old})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(joined(got), "belongs to an earlier question") || !strings.Contains(joined(got), "I felt heard and understood.") {
		t.Fatalf("an old rating button: %q", joined(got))
	}
	c.send("/cancel")
	c.send("/history")
	if h := joined(c.last); !strings.Contains(h, "5 · 5 · 5") || strings.Contains(h, "1 · ") {
		t.Errorf("the old button changed the ratings: %q", h)
	}
}

func TestPrepareSaysPlainlyWhenSessionsFeltLessGood(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ratings [][3]string
		want    string // "" means no notice
	}{
		{"two points down", [][3]string{{"5", "4", "4"}, {"3", "4", "4"}}, "Your last session felt less like you were being heard than the one before."},
		{"lower two sessions running", [][3]string{{"4", "5", "4"}, {"4", "4", "4"}, {"4", "3", "4"}}, "Your last two sessions felt less like you worked on what matters to you."},
		{"one point down once", [][3]string{{"5", "5", "5"}, {"4", "5", "5"}}, ""},
		{"better", [][3]string{{"2", "2", "2"}, {"4", "4", "4"}}, ""},
		{"a single session", [][3]string{{"1", "1", "1"}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, now := clocked(t)
			c := onboarded(t, e, "drop")
			for _, r := range tc.ratings {
				rate(c, r[0], r[1], r[2])
				*now = now.Add(7 * 24 * time.Hour)
			}
			got := joined(c.send("/prepare"))
			if tc.want == "" {
				if strings.Contains(got, "felt less like") {
					t.Fatalf("notice without a drop: %q", got)
				}
				return
			}
			if !strings.Contains(got, tc.want+" Would you like to bring that up?") {
				t.Fatalf("/prepare says %q, want %q", got, tc.want)
			}
			c.press("Yes, put it on my agenda")
			c.send("/skip")
			c.send("/skip")
			summary := joined(c.send("/skip"))
			if !strings.Contains(summary, "How my last sessions felt: less like") {
				t.Errorf("the summary's agenda lacks the ratings: %q", summary)
			}
			// Said once: the next /prepare, without a new rating, does not say it again.
			*now = now.Add(24 * time.Hour)
			if again := joined(c.send("/prepare")); strings.Contains(again, "felt less like") {
				t.Errorf("the notice came again without a new rating: %q", again)
			}
		})
	}
}

func TestGermanRatingsAndNotice(t *testing.T) {
	e, now := clocked(t)
	c := onboarded(t, e, "deutsch")
	c.send("/language")
	c.press("Deutsch")
	rate(c, "5", "4", "4")
	*now = now.Add(7 * 24 * time.Hour)
	rate(c, "3", "4", "4")
	got := joined(c.send("/prepare"))
	if !strings.Contains(got, "Deine letzte Stunde hat sich weniger danach angefühlt, dass du gehört und verstanden wirst, als die davor. Möchtest du das ansprechen?") {
		t.Errorf("/prepare auf Deutsch: %q", got)
	}
}

// /prepare in the middle of /reflect: the ratings just given count for the notice.
func TestPrepareRightAfterAnUnfinishedReflectionSeesItsRatings(t *testing.T) {
	e, now := clocked(t)
	c := onboarded(t, e, "midway")
	rate(c, "5", "4", "4")
	*now = now.Add(7 * 24 * time.Hour)
	c.send("/reflect")
	c.press("3")
	c.press("4")
	c.press("4")
	if got := joined(c.send("/prepare")); !strings.Contains(got, "Your last session felt less like you were being heard than the one before.") {
		t.Errorf("/prepare does not see the reflection it interrupted: %q", got)
	}
}
