package when

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestPlacesAsPeopleTypeThem: a city, region or country, alone or in a sentence, gives its
// zone; a name several places share, or an abbreviation, gives buttons.
func TestPlacesAsPeopleTypeThem(t *testing.T) {
	tests := []struct {
		in   string
		want string // a zone, or "?" and the choices' English labels joined by "|"
	}{
		{"I live in Tokyo", "Asia/Tokyo"},
		{"Ich wohne in Wien", "Europe/Vienna"},
		{"wohne in Wien", "Europe/Vienna"},
		{"near Munich", "Europe/Berlin"},
		{"in der Nähe von München", "Europe/Berlin"},
		{"NYC", "America/New_York"},
		{"LA", "America/Los_Angeles"},
		{"I'm in LA right now", "America/Los_Angeles"},
		{"new york city", "America/New_York"},
		{"São Paulo", "America/Sao_Paulo"},
		{"Sao Paulo", "America/Sao_Paulo"},
		{"Zürich", "Europe/Zurich"},
		{"Zurich", "Europe/Zurich"},
		{"Graz", "Europe/Vienna"},
		{"Graz, Austria", "Europe/Vienna"},
		{"Hi! I'm from Graz in Austria and moved here last year.", "Europe/Vienna"},
		{"Wien", "Europe/Vienna"},
		{"Vienna", "Europe/Vienna"},
		{"Köln", "Europe/Berlin"},
		{"Paris", "Europe/Paris"}, // Paris, Texas is far smaller
		{"London", "Europe/London"},
		{"Bayern", "Europe/Berlin"},
		{"Österreich", "Europe/Vienna"},
		{"Vereinigtes Königreich", "Europe/London"},
		{"Schweiz", "Europe/Zurich"},
		{"Germany", "Europe/Berlin"}, // Büsingen has no city of 15,000 people
		{"I live in Germany", "Europe/Berlin"},
		{"Japan", "Asia/Tokyo"},
		// Where a country's zones differ within a region.
		{"Phoenix", "America/Phoenix"},   // Arizona keeps standard time
		{"Tucson", "America/Phoenix"},    // a city without a zone of its own
		{"Flagstaff", "America/Phoenix"}, //
		{"Arizona", "America/Phoenix"},
		{"Indianapolis", "America/Indiana/Indianapolis"},
		{"Fort Wayne", "America/Indiana/Indianapolis"},
		{"Evansville", "America/Chicago"}, // south-west Indiana is on Central time
		{"Gary", "America/Chicago"},       // and so is the north-west
		{"El Paso", "America/Denver"},     // Texas, but Mountain time
		{"Texas", "America/Chicago"},
		{"Boise", "America/Boise"},
		{"Portland, Oregon", "America/Los_Angeles"},
		{"Springfield, Missouri", "America/Chicago"},
		{"Springfield, Illinois", "America/Chicago"},
		// Ambiguous: buttons.
		{"Portland", "?Portland, Oregon|Portland, Maine"},
		{"Springfield", "?Springfield, Massachusetts|Springfield, Missouri|Springfield, Oregon"},
		{"Indiana", "?Indianapolis|Chicago|Louisville"}, // by the people in its cities
		{"CET", "?Berlin|Paris|Vienna|Zurich|Rome"},
		{"MEZ", "?Berlin|Vienna|Zurich"},
		{"PST", "?Los Angeles|Vancouver"},
		{"EST", "?New York|Toronto|Sydney"},
		{"IST", "?Kolkata|Dublin|Jerusalem"},
		{"I'm on CET", "?Berlin|Paris|Vienna|Zurich|Rome"},
		{"United States", "?New York|Chicago|Los Angeles|Denver|Phoenix"},
		{"Berln", "?Berlin"},
		// Nothing to go on.
		{"🙂🙂🙂", "?"},
		{"مرحبا", "?"},
		{"\u202ewoh", "?"},
		{strings.Repeat("I live somewhere nice. ", 2200), "?"}, // a 50,000-character paste
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 40 {
			name = name[:40]
		}
		t.Run(name, func(t *testing.T) {
			_, got, err := ParseZone(tt.in)
			if err != nil {
				var ze *ZoneError
				if !errors.As(err, &ze) {
					t.Fatalf("error %v", err)
				}
				var labels []string
				for _, c := range ze.Choices {
					labels = append(labels, c.Label)
					if c.Answer == "" || c.LabelDE == "" {
						t.Errorf("choice %+v", c)
					}
					if _, back, err := ParseZone(c.Answer); err != nil || back != c.Answer {
						t.Errorf("choice %q does not parse back: %q, %v", c.Answer, back, err)
					}
				}
				got = "?" + strings.Join(labels, "|")
				if len(ze.Choices) != len(ze.Suggestions) {
					t.Errorf("%d choices for %d suggestions", len(ze.Choices), len(ze.Suggestions))
				}
			}
			want := tt.want
			if strings.HasPrefix(want, "?") && len(want) > 1 && strings.HasPrefix(got, want) {
				got = want // the first choices are the ones that matter
			}
			if got != want {
				t.Errorf("ParseZone(%.60q) = %q, want %q", tt.in, got, want)
			}
		})
	}
}

// TestChoiceLabelsInGerman: buttons name the places in the client's language.
func TestChoiceLabelsInGerman(t *testing.T) {
	_, _, err := ParseZone("CET")
	var ze *ZoneError
	if !errors.As(err, &ze) {
		t.Fatal(err)
	}
	var de []string
	for _, c := range ze.Choices {
		de = append(de, c.LabelFor("de"))
	}
	if got := strings.Join(de, "|"); got != "Berlin|Paris|Wien|Zürich|Rom" {
		t.Errorf("German labels %q", got)
	}
	if got := ZoneLabel("Europe/Vienna", "de-AT"); got != "Wien" {
		t.Errorf("ZoneLabel = %q", got)
	}
}

// TestPlaceDataFoldsLikeTheParser: the generator's keys are what the parser makes of the
// names as written, or the names could not be found.
func TestPlaceDataFoldsLikeTheParser(t *testing.T) {
	n := 0
	for data := placeData; data != ""; {
		var line string
		line, data, _ = strings.Cut(data, "\n")
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			t.Fatalf("bad line %q", line)
		}
		if f[1] == "e" || f[1] == "n" || f[1] == "r" {
			if k := key(f[5]); k != f[0] {
				t.Errorf("%q: key %q, data %q", f[5], k, f[0])
			}
		}
		n++
	}
	if n < 5000 {
		t.Errorf("only %d places", n)
	}
}

// TestLikelyZonesForAnOffset: an offset offers the zones most people with it live in.
func TestLikelyZonesForAnOffset(t *testing.T) {
	jan := time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)
	jul := time.Date(2027, 7, 15, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		offset int
		at     time.Time
		want   string
	}{
		{3600, jan, "Europe/Berlin"},
		{2 * 3600, jul, "Europe/Berlin"}, // summer time
		{2 * 3600, jan, "Africa/Cairo"},
		{-5 * 3600, jan, "America/New_York"},
		{9 * 3600, jan, "Asia/Tokyo"},
		{5*3600 + 1800, jan, "Asia/Kolkata"},
	} {
		if got := LikelyZones(tt.offset, tt.at); !slices.Contains(got, tt.want) {
			t.Errorf("LikelyZones(%d, %v) = %v, want %s among them", tt.offset, tt.at.Month(), got, tt.want)
		}
	}
}
