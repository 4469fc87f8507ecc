package when

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseZone(t *testing.T) {
	tests := []struct {
		in, want    string
		offset      int      // seconds east of UTC in January 2027
		suggestions []string // for errors: the start of the suggestion list
	}{
		{in: "Europe/Berlin", want: "Europe/Berlin", offset: 3600},
		{in: "europe/berlin", want: "Europe/Berlin", offset: 3600},
		{in: " EUROPE/BERLIN ", want: "Europe/Berlin", offset: 3600},
		{in: "Berlin", want: "Europe/Berlin", offset: 3600},
		{in: "berlin, germany", want: "Europe/Berlin", offset: 3600},
		{in: "Berlin (Germany)", want: "Europe/Berlin", offset: 3600},
		{in: "new york", want: "America/New_York", offset: -5 * 3600},
		{in: "New_York", want: "America/New_York", offset: -5 * 3600},
		{in: "america/new-york", want: "America/New_York", offset: -5 * 3600},
		{in: "São Paulo", want: "America/Sao_Paulo", offset: -3 * 3600},
		{in: "sao paulo", want: "America/Sao_Paulo", offset: -3 * 3600},
		{in: "Kolkata", want: "Asia/Kolkata", offset: 19800},
		{in: "Asia/Calcutta", want: "Asia/Kolkata", offset: 19800},
		{in: "Mumbai", want: "Asia/Kolkata", offset: 19800},
		{in: "Sydney", want: "Australia/Sydney", offset: 11 * 3600},
		{in: "Zürich", want: "Europe/Zurich", offset: 3600},
		{in: "zurich", want: "Europe/Zurich", offset: 3600},
		{in: "Wien", want: "Europe/Vienna", offset: 3600},
		{in: "München", want: "Europe/Berlin", offset: 3600},
		{in: "Buenos Aires", want: "America/Argentina/Buenos_Aires", offset: -3 * 3600},
		{in: "Ho Chi Minh", want: "Asia/Ho_Chi_Minh", offset: 7 * 3600},
		{in: "Port-au-Prince", want: "America/Port-au-Prince", offset: -5 * 3600},
		{in: "Europe/Kiev", want: "Europe/Kyiv", offset: 2 * 3600},
		{in: "US/Eastern", want: "America/New_York", offset: -5 * 3600},
		{in: "Germany", want: "Europe/Berlin", offset: 3600},
		{in: "Deutschland", want: "Europe/Berlin", offset: 3600},
		{in: "Österreich", want: "Europe/Vienna", offset: 3600},
		{in: "India", want: "Asia/Kolkata", offset: 19800},
		{in: "Japan", want: "Asia/Tokyo", offset: 9 * 3600},
		{in: "UTC", want: "UTC"},
		{in: "utc", want: "UTC"},
		{in: "GMT", want: "UTC"},
		{in: "Z", want: "UTC"},
		{in: "Etc/UTC", want: "UTC"},
		{in: "UTC+0", want: "UTC"},
		{in: "UTC+2", want: "UTC+02:00", offset: 2 * 3600},
		{in: "+05:30", want: "UTC+05:30", offset: 19800},
		{in: "+0530", want: "UTC+05:30", offset: 19800},
		{in: "GMT-3", want: "UTC-03:00", offset: -3 * 3600},
		{in: "utc +1", want: "UTC+01:00", offset: 3600},
		{in: "UTC−3", want: "UTC-03:00", offset: -3 * 3600}, // a Unicode minus
		{in: "utc+14", want: "UTC+14:00", offset: 14 * 3600},
		{in: "UTC-12:00", want: "UTC-12:00", offset: -12 * 3600},
		{in: "UTC+05:30", want: "UTC+05:30", offset: 19800},
		{in: "Etc/GMT-3", want: "Etc/GMT-3", offset: 3 * 3600}, // POSIX signs

		{in: "berln", suggestions: []string{"Europe/Berlin"}},
		{in: "Europe/Berln", suggestions: []string{"Europe/Berlin"}},
		{in: "Sao Paolo", suggestions: []string{"America/Sao_Paulo"}},
		{in: "Kolkatta", suggestions: []string{"Asia/Kolkata"}},
		{in: "CET", suggestions: []string{"Europe/Berlin", "Europe/Paris"}},
		{in: "MEZ", suggestions: []string{"Europe/Berlin"}},
		{in: "EST", suggestions: []string{"America/New_York"}},
		{in: "IST", suggestions: []string{"Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"}},
		{in: "United States", suggestions: []string{"America/New_York", "America/Chicago"}}, // most people first
		{in: "USA", suggestions: []string{"America/New_York"}},
		{in: "Korea", suggestions: []string{"Asia/Pyongyang", "Asia/Seoul"}}, // KP, KR
		{in: "Brazil", suggestions: []string{"America/Sao_Paulo"}},
		{in: "UTC+15", suggestions: []string{}},
		{in: "UTC+05:60", suggestions: []string{}},
		{in: "UTC+05:01", suggestions: []string{}},
		{in: "+001", suggestions: []string{}},
		{in: "UTC+05:45", want: "UTC+05:45", offset: 20700},
		{in: "Ź", suggestions: []string{}},
		{in: "UTC-13", suggestions: []string{}},
		{in: "", suggestions: []string{}},
		{in: "   ", suggestions: []string{}},
		{in: "xyzzy", suggestions: []string{}},
		{in: "Local", suggestions: []string{}},
		{in: "../../etc/passwd", suggestions: []string{}},
		{in: "/usr/share/zoneinfo/Europe/Berlin", suggestions: []string{}},
		{in: "CET5CEST", suggestions: []string{}},
	}
	jan := time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			loc, name, err := ParseZone(tt.in)
			if tt.want == "" {
				var ze *ZoneError
				if !errors.As(err, &ze) || !errors.Is(err, ErrUnknownZone) {
					t.Fatalf("ParseZone(%q) = %v, %q, %v; want a *ZoneError", tt.in, loc, name, err)
				}
				if ze.Input != tt.in || len(ze.Suggestions) > 5 || len(ze.Suggestions) < len(tt.suggestions) {
					t.Fatalf("ParseZone(%q): %+v", tt.in, ze)
				}
				if diff := cmp.Diff(tt.suggestions, ze.Suggestions[:len(tt.suggestions)], cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("ParseZone(%q) suggestions: -want +got:\n%s", tt.in, diff)
				}
				return
			}
			if err != nil || name != tt.want {
				t.Fatalf("ParseZone(%q) = %q, %v; want %q", tt.in, name, err, tt.want)
			}
			if _, off := jan.In(loc).Zone(); off != tt.offset {
				t.Errorf("ParseZone(%q): offset %d, want %d", tt.in, off, tt.offset)
			}
		})
	}
}

// TestZoneTables checks the generated tables: every zone and link loads and
// parses back to itself, and every zone's city finds it.
func TestZoneTables(t *testing.T) {
	if len(zones) < 400 || len(countries) < 200 || len(links) < 50 || tzVersion == "" {
		t.Fatalf("small tables: %d zones, %d countries, %d links, version %q", len(zones), len(countries), len(links), tzVersion)
	}
	for _, z := range zones {
		if _, ok := countries[z.country]; !ok {
			t.Errorf("%s: no country %q", z.name, z.country)
		}
		if _, name, err := ParseZone(z.name); err != nil || name != z.name {
			t.Errorf("ParseZone(%q) = %q, %v", z.name, name, err)
		}
		city := z.name[lastSlash(z.name)+1:]
		if _, name, err := ParseZone(city); err != nil || name != z.name {
			t.Errorf("ParseZone(%q) = %q, %v; want %q", city, name, err, z.name)
		}
	}
	for link, target := range links {
		if _, name, err := ParseZone(link); err != nil || name != target {
			t.Errorf("ParseZone(%q) = %q, %v; want %q", link, name, err, target)
		}
	}
	for alias, zone := range placeAliases {
		if _, name, err := ParseZone(alias); err != nil || name != zone {
			t.Errorf("ParseZone(%q) = %q, %v; want %q", alias, name, err, zone)
		}
	}
	for abbr, zs := range abbreviations {
		for _, z := range zs {
			if _, err := time.LoadLocation(z); err != nil {
				t.Errorf("abbreviation %q: %v", abbr, err)
			}
		}
	}
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

func TestZoneErrorMessage(t *testing.T) {
	_, _, err := ParseZone("berln")
	if got, want := err.Error(), `when: unknown time zone "berln" (did you mean Europe/Berlin, Europe/Zurich?)`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	_, _, err = ParseZone("xyzzy")
	if got, want := err.Error(), `when: unknown time zone "xyzzy"`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestSuggestionsAreCopies(t *testing.T) {
	_, _, err := ParseZone("CET")
	var ze *ZoneError
	errors.As(err, &ze)
	ze.Suggestions[0] = "Mars/Olympus_Mons"
	_, _, err = ParseZone("CET")
	errors.As(err, &ze)
	if ze.Suggestions[0] != "Europe/Berlin" {
		t.Errorf("changing a ZoneError's suggestions changed the index: %v", ze.Suggestions)
	}
}

func TestLocation(t *testing.T) {
	jan := time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		offset int // seconds east of UTC in January 2027
	}{
		{"", 0}, {"UTC", 0}, {"Europe/Berlin", 3600}, {"UTC+05:30", 19800}, {"Etc/GMT-3", 3 * 3600},
	} {
		loc, err := Location(tc.name)
		if err != nil {
			t.Errorf("Location(%q): %v", tc.name, err)
			continue
		}
		if _, off := jan.In(loc).Zone(); off != tc.offset {
			t.Errorf("Location(%q): offset %d, want %d", tc.name, off, tc.offset)
		}
		if again, _ := Location(tc.name); again != loc {
			t.Errorf("Location(%q) loaded the zone again instead of keeping it", tc.name)
		}
	}
	if _, err := Location("Nowhere/Atlantis"); err == nil {
		t.Error(`Location("Nowhere/Atlantis"): no error`)
	}
}
