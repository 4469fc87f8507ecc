package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the zone tests must not depend on the host's zoneinfo

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func mood(v float64) *float64 { return &v }

// weeksOf returns weekly weeks starting Monday 2 Mar 2026 with the given
// moods; a NaN mood means no answer that week.
func weeksOf(moods ...float64) []Week {
	weeks := make([]Week, len(moods))
	for i, m := range moods {
		weeks[i].Start = time.Date(2026, 3, 2+7*i, 0, 0, 0, 0, time.UTC)
		if !math.IsNaN(m) {
			weeks[i].Mood = mood(m)
		}
	}
	return weeks
}

var gap = math.NaN()

// example is 12 weeks with two gaps: one missed week and two missed weeks.
var example = weeksOf(4, 5, 4.5, gap, 6, 6.5, 5, gap, gap, 7, 6, 7.5)

// year is 52 weeks of a wavy mood with a missed week now and then.
func year() []Week {
	moods := make([]float64, 52)
	for i := range moods {
		moods[i] = 5 + 3*math.Sin(float64(i)/4)
		if i%9 == 4 {
			moods[i] = gap
		}
	}
	return weeksOf(moods...)
}

var exampleLabels = Labels{
	Title:  "Your mood over the last weeks",
	XAxis:  "Week",
	YAxis:  "Mood",
	NoData: "No check-ins yet",
}

func TestSegments(t *testing.T) {
	tests := []struct {
		name  string
		weeks []Week
		want  [][]point
	}{
		{"no weeks", nil, nil},
		{"only gaps", weeksOf(gap, gap, gap), nil},
		{"one answered week", weeksOf(gap, 5, gap), [][]point{{{1, 5}}}},
		{
			"answered, gap, answered, answered",
			weeksOf(3, gap, 4, 6),
			[][]point{{{0, 3}}, {{2, 4}, {3, 6}}},
		},
		{
			"gaps at both ends and a double gap",
			weeksOf(gap, 2, 3, gap, gap, 8, gap),
			[][]point{{{1, 2}, {2, 3}}, {{5, 8}}},
		},
		{"all answered", weeksOf(1, 10, 5.5), [][]point{{{0, 1}, {1, 10}, {2, 5.5}}}},
		{
			"non-finite moods are gaps, out-of-range moods are clamped",
			[]Week{{Mood: mood(math.Inf(1))}, {Mood: mood(0)}, {Mood: mood(12)}, {Mood: mood(math.NaN())}},
			[][]point{{{1, 1}, {2, 10}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := segments(tt.weeks)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("segments() mismatch (-want +got):\n%s", diff)
			}
			for _, seg := range got {
				for _, p := range seg {
					if tt.weeks[int(p.X)].Mood == nil {
						t.Errorf("week %v has no answer but became point %v", p.X, p)
					}
				}
			}
		})
	}
}

func TestWeeksFrom(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	newYork, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	at := func(loc *time.Location, month time.Month, day, hour, min int) time.Time {
		return time.Date(2026, month, day, hour, min, 0, 0, loc)
	}
	// week is a Week starting on the given Monday (2026) in loc.
	week := func(loc *time.Location, month time.Month, day int, m *float64) Week {
		return Week{Start: at(loc, month, day, 0, 0), Mood: m}
	}

	tests := []struct {
		name     string
		answers  []Answer
		from, to time.Time
		loc      *time.Location
		want     []Week
	}{
		{
			name: "Monday 00:30 in Berlin is still Sunday in UTC",
			answers: []Answer{
				{At: at(berlin, 3, 8, 23, 30), Mood: 3}, // Sunday late: week of 2 Mar
				{At: at(berlin, 3, 9, 0, 30), Mood: 7},  // = Sun 8 Mar 23:30 UTC: week of 9 Mar in Berlin
			},
			from: at(berlin, 3, 4, 12, 0),
			to:   at(berlin, 3, 12, 12, 0),
			loc:  berlin,
			want: []Week{week(berlin, 3, 2, mood(3)), week(berlin, 3, 9, mood(7))},
		},
		{
			name: "the same answers grouped in UTC",
			answers: []Answer{
				{At: at(berlin, 3, 8, 23, 30), Mood: 3},
				{At: at(berlin, 3, 9, 0, 30), Mood: 7},
			},
			from: at(time.UTC, 3, 4, 12, 0),
			to:   at(time.UTC, 3, 12, 12, 0),
			loc:  time.UTC,
			want: []Week{week(time.UTC, 3, 2, mood(5)), week(time.UTC, 3, 9, nil)},
		},
		{
			name:    "late Sunday in New York is Monday in UTC",
			answers: []Answer{{At: at(newYork, 3, 8, 22, 0), Mood: 6}}, // Mon 9 Mar 02:00 UTC
			from:    at(newYork, 3, 2, 0, 0),
			to:      at(newYork, 3, 9, 0, 0),
			loc:     newYork,
			want:    []Week{week(newYork, 3, 2, mood(6)), week(newYork, 3, 9, nil)},
		},
		{
			name: "several answers in a week are averaged, empty weeks are nil",
			answers: []Answer{
				{At: at(berlin, 3, 2, 9, 0), Mood: 4},
				{At: at(berlin, 3, 4, 9, 0), Mood: 5},
				{At: at(berlin, 3, 8, 20, 0), Mood: 9},
				{At: at(berlin, 3, 25, 9, 0), Mood: 2},
			},
			from: at(berlin, 3, 2, 0, 0),
			to:   at(berlin, 3, 29, 23, 59), // Sunday: still the week of 23 Mar
			loc:  berlin,
			want: []Week{
				week(berlin, 3, 2, mood(6)),
				week(berlin, 3, 9, nil),
				week(berlin, 3, 16, nil),
				week(berlin, 3, 23, mood(2)),
			},
		},
		{
			name:    "weeks across the DST change start at local midnight",
			answers: []Answer{{At: at(berlin, 3, 30, 0, 15), Mood: 8}}, // first Monday of summer time
			from:    at(berlin, 3, 25, 0, 0),
			to:      at(berlin, 4, 7, 0, 0),
			loc:     berlin,
			want: []Week{
				week(berlin, 3, 23, nil),
				week(berlin, 3, 30, mood(8)),
				week(berlin, 4, 6, nil),
			},
		},
		{
			name: "answers outside the range and non-finite moods are ignored",
			answers: []Answer{
				{At: at(time.UTC, 2, 27, 12, 0), Mood: 1},
				{At: at(time.UTC, 3, 3, 12, 0), Mood: math.NaN()},
				{At: at(time.UTC, 3, 4, 12, 0), Mood: 5},
				{At: at(time.UTC, 3, 9, 12, 0), Mood: 10},
			},
			from: at(time.UTC, 3, 2, 0, 0),
			to:   at(time.UTC, 3, 8, 0, 0),
			loc:  nil, // UTC
			want: []Week{week(time.UTC, 3, 2, mood(5))},
		},
		{
			name:    "no answers: every week is nil",
			answers: nil,
			from:    at(time.UTC, 3, 2, 0, 0),
			to:      at(time.UTC, 3, 16, 0, 0),
			loc:     time.UTC,
			want:    []Week{week(time.UTC, 3, 2, nil), week(time.UTC, 3, 9, nil), week(time.UTC, 3, 16, nil)},
		},
		{
			name:    "to before from",
			answers: []Answer{{At: at(time.UTC, 3, 3, 0, 0), Mood: 5}},
			from:    at(time.UTC, 3, 16, 0, 0),
			to:      at(time.UTC, 3, 2, 0, 0),
			loc:     time.UTC,
			want:    nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := WeeksFrom(tt.answers, tt.from, tt.to, tt.loc)
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Week{}, "Answers")); diff != "" {
				t.Errorf("WeeksFrom() mismatch (-want +got):\n%s", diff)
			}
			for _, w := range got {
				if w.Start.Weekday() != time.Monday || w.Start.Hour() != 0 || w.Start.Minute() != 0 {
					t.Errorf("week start %v is not Monday 00:00", w.Start)
				}
			}
		})
	}
}

// TestWeeksKeepEachCheckin: a week keeps its single check-ins beside its average, so that one
// very hard day is drawn and not only hidden in the mean.
func TestWeeksKeepEachCheckin(t *testing.T) {
	mon := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	answers := []Answer{{At: mon, Mood: 2}, {At: mon.AddDate(0, 0, 4), Mood: 8}, {At: mon.AddDate(0, 0, 14), Mood: 6}}
	weeks := WeeksFrom(answers, mon, mon.AddDate(0, 0, 14), time.UTC)
	if len(weeks) != 3 || *weeks[0].Mood != 5 || len(weeks[0].Answers) != 2 || weeks[1].Mood != nil || len(weeks[1].Answers) != 0 || len(weeks[2].Answers) != 1 {
		t.Fatalf("weeks: %+v", weeks)
	}
	with, err := Mood(weeks, exampleLabels)
	if err != nil {
		t.Fatal(err)
	}
	for i := range weeks {
		weeks[i].Answers = nil
	}
	without, err := Mood(weeks, exampleLabels)
	if err != nil {
		t.Fatal(err)
	}
	count := func(b []byte) int {
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return pixelsOf(img, light)
	}
	if count(with) == 0 || count(without) != 0 {
		t.Errorf("single check-ins: %d light pixels with them, %d without", count(with), count(without))
	}
}

// dataPixels counts the pixels drawn in the data colour.
func dataPixels(img image.Image) int { return pixelsOf(img, teal) }

func pixelsOf(img image.Image, c color.RGBA) int {
	teal := c
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == uint32(teal.R) && g>>8 == uint32(teal.G) && bl>>8 == uint32(teal.B) {
				n++
			}
		}
	}
	return n
}

func TestMood(t *testing.T) {
	tests := []struct {
		name     string
		weeks    []Week
		labels   Labels
		wantData bool
	}{
		{"no weeks", nil, exampleLabels, false},
		{"weeks without answers", weeksOf(gap, gap, gap, gap), exampleLabels, false},
		{"one answered week", weeksOf(6), exampleLabels, true},
		{"one answered week between gaps", weeksOf(gap, 6, gap), exampleLabels, true},
		{"12 weeks with gaps", example, exampleLabels, true},
		{"52 weeks", year(), exampleLabels, true},
		{"no labels", example, Labels{}, true},
		{"numeric date layout", example, Labels{Title: "Stimmung", DateLayout: "2.1."}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Mood(tt.weeks, tt.labels)
			if err != nil {
				t.Fatalf("Mood() error: %v", err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("png.Decode: %v", err)
			}
			if got, want := img.Bounds().Size(), (image.Point{X: Width, Y: Height}); got != want {
				t.Errorf("image size = %v, want %v", got, want)
			}
			if got := dataPixels(img) > 0; got != tt.wantData {
				t.Errorf("data drawn = %v, want %v", got, tt.wantData)
			}
		})
	}
}

func TestMoodConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			if _, err := Mood(example, exampleLabels); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// TestMoodExample writes the 12-week example chart for a human to look at:
//
//	CHART_EXAMPLE=1 go test ./flows/chart/ -run Example
func TestMoodExample(t *testing.T) {
	if os.Getenv("CHART_EXAMPLE") != "1" {
		t.Skip("set CHART_EXAMPLE=1 to write /tmp/interlude-mood-example.png")
	}
	for name, c := range map[string]struct {
		weeks  []Week
		labels Labels
	}{
		"":        {example, exampleLabels},
		"-nodata": {weeksOf(gap, gap, gap, gap), exampleLabels},
		"-one":    {weeksOf(gap, gap, 6), exampleLabels},
		"-52":     {year(), exampleLabels},
		"-new": {WeeksFrom([]Answer{{At: time.Date(2026, 3, 3, 19, 0, 0, 0, time.UTC), Mood: 4}, {At: time.Date(2026, 3, 6, 19, 0, 0, 0, time.UTC), Mood: 5}},
			time.Date(2026, 3, 3, 19, 0, 0, 0, time.UTC), time.Date(2026, 3, 6, 20, 0, 0, 0, time.UTC), time.UTC),
			Labels{Title: "Deine Stimmung: jeder Check-in und der Wochendurchschnitt", XAxis: "Woche", YAxis: "Stimmung", DateLayout: "2.1.", Low: "sehr schwer", High: "sehr gut"}},
		"-singles": {WeeksFrom([]Answer{
			{At: time.Date(2026, 3, 2, 19, 0, 0, 0, time.UTC), Mood: 2}, {At: time.Date(2026, 3, 6, 19, 0, 0, 0, time.UTC), Mood: 8},
			{At: time.Date(2026, 3, 10, 19, 0, 0, 0, time.UTC), Mood: 6},
			{At: time.Date(2026, 3, 24, 19, 0, 0, 0, time.UTC), Mood: 7}, {At: time.Date(2026, 3, 29, 19, 0, 0, 0, time.UTC), Mood: 4},
			{At: time.Date(2026, 3, 31, 19, 0, 0, 0, time.UTC), Mood: 6},
		}, time.Date(2026, 3, 2, 19, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 19, 0, 0, 0, time.UTC), time.UTC),
			Labels{Title: "Your mood: each check-in, and the weekly average", XAxis: "Week", YAxis: "Mood", Low: "very hard", High: "very good"}},
	} {
		b, err := Mood(c.weeks, c.labels)
		if err != nil {
			t.Fatal(err)
		}
		path := "/tmp/interlude-mood-example" + name + ".png"
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
}

func BenchmarkMood(b *testing.B) {
	weeks := year()
	for b.Loop() {
		if _, err := Mood(weeks, exampleLabels); err != nil {
			b.Fatal(err)
		}
	}
}
