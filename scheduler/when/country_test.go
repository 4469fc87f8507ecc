package when

import (
	"archive/zip"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// noCountry are the zone names that stand for no one country, and why.
func noCountry(name string) (reason string, ok bool) {
	switch {
	case strings.HasPrefix(name, "Etc/"), name == "UTC", name == "UCT", name == "Universal", name == "Zulu",
		name == "GMT", name == "GMT0", name == "GMT+0", name == "GMT-0", name == "Greenwich":
		return "a UTC offset, not a place", true
	case name == "Factory":
		return "the tz database's placeholder", true
	case !strings.Contains(name, "/") && strings.ToUpper(name) == name || strings.Contains(name, "5") ||
		strings.Contains(name, "6") || strings.Contains(name, "7") || strings.Contains(name, "8"):
		return "a rule name such as CET or EST5EDT, used in several countries", true
	}
	return "", false
}

// TestEveryZoneHasACountryOrAReason walks every name in Go's own zone database (the one the
// binary embeds through time/tzdata) and finds its country, or says why there is none.
func TestEveryZoneHasACountryOrAReason(t *testing.T) {
	root := os.Getenv("GOROOT")
	if root == "" {
		root = runtime.GOROOT()
	}
	zr, err := zip.OpenReader(filepath.Join(root, "lib", "time", "zoneinfo.zip"))
	if err != nil {
		t.Fatalf("Go's zone database: %v", err)
	}
	defer zr.Close()
	n, unknown := 0, []string{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		n++
		if _, ok := Country(f.Name); ok {
			continue
		}
		if _, ok := noCountry(f.Name); !ok {
			unknown = append(unknown, f.Name)
		}
	}
	if n < 500 {
		t.Fatalf("only %d names in zoneinfo.zip", n)
	}
	if len(unknown) > 0 {
		t.Errorf("%d of %d zone names have no country and no reason: %q", len(unknown), n, unknown)
	}
}

func TestCountry(t *testing.T) {
	for name, want := range map[string]string{
		"Europe/Berlin": "DE", "Europe/Busingen": "DE", "Europe/Vaduz": "LI", "America/Indiana/Knox": "US",
		"America/Indiana/Tell_City": "US", "America/North_Dakota/Beulah": "US", "America/Cuiaba": "BR",
		"Antarctica/Macquarie": "AU", "US/Aleutian": "US", "Asia/Calcutta": "IN", "America/Knox_IN": "US",
		"Canada/Saskatchewan": "CA", "America/Phoenix": "US", "America/Puerto_Rico": "PR",
		"UTC": "", "Etc/GMT+1": "", "UTC+05:30": "", "CET": "", "": "", "Not/A_Zone": "",
	} {
		if got, _ := Country(name); got != want {
			t.Errorf("Country(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestCountryByName(t *testing.T) {
	for in, want := range map[string]string{
		"AT": "AT", "at": "AT", "uk": "GB", "Austria": "AT", "Österreich": "AT", "osterreich": "AT",
		"Germany": "DE", "deutschland": "DE", "United States": "US", "USA": "US", "Schweiz": "CH",
		"Wien": "AT", "Toronto": "CA", "Narnia": "", "": "", "XX": "", strings.Repeat("a", 5000): "",
	} {
		if got, _ := CountryByName(in); got != want {
			t.Errorf("CountryByName(%.20q) = %q, want %q", in, got, want)
		}
	}
}
