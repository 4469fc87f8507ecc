package when

import (
	"strings"
	"sync"
)

// Country returns the ISO 3166-1 alpha-2 code of the country a tz database
// name belongs to, as zone.tab has it: "Europe/Berlin" → "DE",
// "America/Indiana/Knox" → "US". Backward-compatible names are followed to
// their zone ("US/Aleutian" → "US", "Asia/Calcutta" → "IN"). It returns ""
// and false for names that stand for no one country: "UTC", "Etc/GMT+1",
// fixed offsets such as "UTC+05:30", the rule names "CET" and "EST5EDT",
// and names it does not know.
func Country(name string) (string, bool) {
	name = strings.TrimSpace(name)
	if c, ok := zoneCountries()[name]; ok {
		return c, true
	}
	if z, ok := links[name]; ok {
		c, ok := zoneCountries()[z]
		return c, ok
	}
	return "", false
}

var zoneCountries = sync.OnceValue(func() map[string]string {
	m := make(map[string]string, len(zones))
	for _, z := range zones {
		m[z.name] = z.country
	}
	return m
})

// CountryName returns the English name of a country code ("DE" → "Germany").
func CountryName(code string) (string, bool) {
	name, ok := countries[strings.ToUpper(strings.TrimSpace(code))]
	return name, ok
}

// countryNames maps the folded English and German names of every country (CLDR, from the
// generated place data: "osterreich" → AT) to its code.
var countryNames = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for line := range strings.SplitSeq(placeData, "\n") {
		f := strings.Split(line, "\t")
		if len(f) >= 3 && f[1] == "n" {
			m[f[0]] = f[2]
		}
	}
	return m
})

// CountryByName reads a country as a client types it: its two-letter code ("AT"), its name in
// English or German, with or without accents ("Austria", "Österreich"), or a place in it that
// names one zone ("Wien", "Toronto").
func CountryByName(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 100 {
		return "", false
	}
	if len(s) == 2 {
		code := strings.ToUpper(s)
		if code == "UK" {
			code = "GB"
		}
		if _, ok := countries[code]; ok {
			return code, true
		}
	}
	k := key(s)
	if c, ok := countryNames()[k]; ok {
		return c, true
	}
	if c, ok := countryAliases[k]; ok {
		return c, true
	}
	for code, name := range countries {
		short, _, _ := strings.Cut(name, " (")
		if key(name) == k || key(short) == k {
			return code, true
		}
	}
	if _, zone, err := ParseZone(s); err == nil {
		return Country(zone)
	}
	return "", false
}

// Zones returns the names of the tz database's zones, one per region of a country.
func Zones() []string {
	names := make([]string, len(zones))
	for i, z := range zones {
		names[i] = z.name
	}
	return names
}
