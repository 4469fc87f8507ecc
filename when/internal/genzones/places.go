package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The place data is read at development time from three npm packages, unpacked under one
// directory (-npm), each in its own folder named after the package and its version:
//
//	npm pack city-timezones@1.3.4 cldr-dates-full@48.2.0 cldr-localenames-full@48.2.0
//	for f in *.tgz; do mkdir -p "${f%.tgz}" && tar xzf "$f" -C "${f%.tgz}"; done
//
// (cldr-dates-full is large; only main/{en,de}/timeZoneNames.json is read, and tar can be
// told to extract only those.)
const (
	cityPkg   = "city-timezones-1.3.4" // MIT licence: cities with population, country and zone
	datesPkg  = "cldr-dates-full-48.2.0"
	namesPkg  = "cldr-localenames-full-48.2.0"
	minPeople = 15000
)

// zoneTabEntry is a zone.tab line with its coordinates.
type zoneTabEntry struct {
	country, name string
	lat, lng      float64
}

// writePlaces writes places.go: every name a client may type for a place, folded, with the
// zone it stands for.
func writePlaces(npmDir, tzDir, out, tzVersion string, zones []zone, links map[string]string) error {
	tab, err := readZoneTab(filepath.Join(tzDir, "zone.tab"))
	if err != nil {
		return err
	}
	known := map[string]bool{}
	byCountry := map[string][]zoneTabEntry{}
	for _, z := range tab {
		known[z.name] = true
		byCountry[z.country] = append(byCountry[z.country], z)
	}
	canonical := func(z string) string {
		if known[z] {
			return z
		}
		if to, ok := links[z]; ok && known[to] {
			return to
		}
		return ""
	}

	// Zones are referred to by their index in placeZones.
	zoneIndex := map[string]int{}
	var zoneList []string
	zi := func(z string) int {
		if i, ok := zoneIndex[z]; ok {
			return i
		}
		zoneIndex[z] = len(zoneList)
		zoneList = append(zoneList, z)
		return zoneIndex[z]
	}
	for _, z := range zones {
		zi(z.name)
	}

	type row struct {
		key, zone, country, label string
		pop                       int
		kind                      byte // 'c' city, 'e' exemplar city, 'n' country
	}
	var rows []row

	// Cities of at least 15,000 people, with the zone the data names (or, when it names
	// none, the nearest zone of the city's country).
	var cities []struct {
		City      string  `json:"city"`
		CityASCII string  `json:"city_ascii"`
		Country   string  `json:"country"`
		Iso2      any     `json:"iso2"` // -99 for places without a code of their own
		Province  string  `json:"province"`
		Lat       float64 `json:"lat"`
		Lng       float64 `json:"lng"`
		Pop       float64 `json:"pop"`
		Timezone  *string `json:"timezone"`
	}
	if err := readJSON(filepath.Join(npmDir, cityPkg, "package/data/cityMap.json"), &cities); err != nil {
		return err
	}
	nearest, unplaced := 0, 0
	type region struct{ country, name string }
	regionPop := map[region]map[string]int{} // region → zone → people in its cities
	for _, c := range cities {
		if c.Pop < minPeople {
			continue
		}
		iso2, _ := c.Iso2.(string)
		if iso2 == "" {
			iso2 = map[string]string{"Kosovo": "XK", "Somaliland": "SO"}[c.Country]
		}
		z := ""
		if c.Timezone != nil {
			z = canonical(*c.Timezone)
		}
		if z == "" {
			best := math.Inf(1)
			for _, e := range byCountry[iso2] {
				if d := distanceKm(c.Lat, c.Lng, e.lat, e.lng); d < best {
					best, z = d, e.name
				}
			}
			if z == "" {
				unplaced++
				continue
			}
			nearest++
		}
		if c.Province != "" {
			r := region{iso2, c.Province}
			if regionPop[r] == nil {
				regionPop[r] = map[string]int{}
			}
			regionPop[r][z] += int(c.Pop)
		}
		label := c.City
		if c.Province != "" && !strings.EqualFold(c.Province, c.City) {
			label += ", " + c.Province
		}
		for _, name := range uniq(c.City, c.CityASCII) {
			rows = append(rows, row{key: fold(name), zone: z, country: iso2, label: label, pop: int(c.Pop), kind: 'c'})
		}
	}

	// Regions (states, provinces) with the zones of their cities, by the people living there:
	// "Indiana" is mostly America/Indiana/Indianapolis, partly America/Chicago.
	for r, pops := range regionPop {
		for z, pop := range pops {
			rows = append(rows, row{key: fold(r.name), zone: z, country: r.country, label: r.name, pop: pop, kind: 'r'})
		}
	}

	// CLDR's exemplar cities, in English and German ("Wien" for Europe/Vienna), and the
	// zones' own city names.
	labels := map[string][2]string{} // zone → English and German label
	for li, lang := range []string{"en", "de"} {
		var doc struct {
			Main map[string]struct {
				Dates struct {
					TimeZoneNames struct {
						Zone map[string]any `json:"zone"`
					} `json:"timeZoneNames"`
				} `json:"dates"`
			} `json:"main"`
		}
		if err := readJSON(filepath.Join(npmDir, datesPkg, "package/main", lang, "timeZoneNames.json"), &doc); err != nil {
			return err
		}
		walkZones("", doc.Main[lang].Dates.TimeZoneNames.Zone, func(id, city string) {
			z := canonical(id)
			if z == "" || city == "" {
				return
			}
			l := labels[z]
			l[li] = city
			labels[z] = l
			rows = append(rows, row{key: fold(city), zone: z, country: countryOf(tab, z), label: city, kind: 'e'})
		})
	}
	for _, z := range tab {
		city := strings.ReplaceAll(z.name[strings.LastIndexByte(z.name, '/')+1:], "_", " ")
		l := labels[z.name]
		for i := range l {
			if l[i] == "" {
				l[i] = city
			}
		}
		labels[z.name] = l
	}

	// Country names in English and German, from CLDR ("Österreich", "Vereinigte Staaten").
	for _, lang := range []string{"en", "de"} {
		var doc struct {
			Main map[string]struct {
				LocaleDisplayNames struct {
					Territories map[string]string `json:"territories"`
				} `json:"localeDisplayNames"`
			} `json:"main"`
		}
		if err := readJSON(filepath.Join(npmDir, namesPkg, "package/main", lang, "territories.json"), &doc); err != nil {
			return err
		}
		for code, name := range doc.Main[lang].LocaleDisplayNames.Territories {
			code, _, _ = strings.Cut(code, "-alt-")
			if len(code) != 2 || len(byCountry[code]) == 0 {
				continue
			}
			rows = append(rows, row{key: fold(name), country: code, label: name, kind: 'n'})
		}
	}

	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.key != b.key {
			return a.key < b.key
		}
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.pop != b.pop {
			return a.pop > b.pop
		}
		return a.label < b.label
	})
	var data strings.Builder
	seen := map[string]bool{}
	for _, r := range rows {
		if r.key == "" {
			continue
		}
		line := fmt.Sprintf("%s\t%c\t%s\t", r.key, r.kind, r.country)
		if r.kind != 'n' {
			line += strconv.Itoa(zi(r.zone))
		}
		line += "\t" + strconv.Itoa(r.pop) + "\t" + r.label + "\n"
		if !seen[line] {
			seen[line] = true
			data.WriteString(line)
		}
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, "// Code generated by internal/genzones; DO NOT EDIT.\n//\n")
	fmt.Fprintf(&b, "// Sources, read at development time:\n")
	fmt.Fprintf(&b, "//   - tz database %s: zone.tab (zones, countries, coordinates); public domain.\n", tzVersion)
	fmt.Fprintf(&b, "//   - npm %s (MIT licence): cities of at least %d people, with their zone\n", cityPkg, minPeople)
	fmt.Fprintf(&b, "//     (%d without one got the nearest zone of their country; %d were left out).\n", nearest, unplaced)
	fmt.Fprintf(&b, "//   - npm %s and %s (Unicode licence v3): CLDR's exemplar\n", datesPkg, namesPkg)
	fmt.Fprintf(&b, "//     cities and country names in English and German.\n\n")
	b.WriteString("package when\n\n")
	b.WriteString("// placeZones are the zones placeData refers to, by index.\n")
	b.WriteString("var placeZones = []string{\n")
	for _, z := range zoneList {
		fmt.Fprintf(&b, "\t%q,\n", z)
	}
	b.WriteString("}\n\n")
	b.WriteString("// zoneLabels are the English and German names of each zone's city, for buttons.\n")
	b.WriteString("var zoneLabels = map[string][2]string{\n")
	keys := make([]string, 0, len(labels))
	for z := range labels {
		keys = append(keys, z)
	}
	sort.Strings(keys)
	for _, z := range keys {
		fmt.Fprintf(&b, "\t%q: {%q, %q},\n", z, labels[z][0], labels[z][1])
	}
	b.WriteString("}\n\n")
	b.WriteString("// placeData has one line per name: the folded name, its kind (c a city, e a zone's city as\n")
	b.WriteString("// CLDR names it, n a country, r a region with one of its zones), the country code, the\n")
	b.WriteString("// zone's index in placeZones (empty for a country), the population (of a city, or of a\n")
	b.WriteString("// region's cities in that zone) and the name as written, tab-separated.\n")
	b.WriteString("const placeData = ")
	// One string literal per line keeps the file readable in diffs.
	lines := strings.SplitAfter(data.String(), "\n")
	for i, l := range lines {
		if l == "" {
			continue
		}
		if i > 0 {
			b.WriteString(" +\n\t")
		}
		fmt.Fprintf(&b, "%q", l)
	}
	b.WriteString("\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

func walkZones(prefix string, m map[string]any, fn func(id, city string)) {
	for k, v := range m {
		o, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if o["_type"] == "zone" {
			city, _ := o["exemplarCity"].(string)
			fn(prefix+k, city)
			continue
		}
		walkZones(prefix+k+"/", o, fn)
	}
}

func countryOf(tab []zoneTabEntry, z string) string {
	for _, e := range tab {
		if e.name == z {
			return e.country
		}
	}
	return ""
}

func uniq(a, b string) []string {
	if a == b || b == "" {
		return []string{a}
	}
	return []string{a, b}
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// readZoneTab reads zone.tab with coordinates (±DDMM±DDDMM or ±DDMMSS±DDDMMSS).
func readZoneTab(path string) ([]zoneTabEntry, error) {
	var zs []zoneTabEntry
	err := eachLine(path, func(line string) error {
		f := strings.Split(line, "\t")
		if len(f) < 3 {
			return fmt.Errorf("bad line %q", line)
		}
		lat, lng, err := coordinates(f[1])
		if err != nil {
			return err
		}
		if _, err := time.LoadLocation(f[2]); err != nil {
			return err
		}
		zs = append(zs, zoneTabEntry{country: f[0], name: f[2], lat: lat, lng: lng})
		return nil
	})
	return zs, err
}

func coordinates(s string) (lat, lng float64, err error) {
	i := strings.IndexAny(s[1:], "+-") + 1
	if i <= 0 {
		return 0, 0, fmt.Errorf("bad coordinates %q", s)
	}
	parse := func(p string, degDigits int) (float64, error) {
		sign := 1.0
		if p[0] == '-' {
			sign = -1
		}
		p = p[1:]
		deg, err := strconv.Atoi(p[:degDigits])
		if err != nil {
			return 0, err
		}
		mins, err := strconv.Atoi(p[degDigits : degDigits+2])
		if err != nil {
			return 0, err
		}
		secs := 0
		if len(p) > degDigits+2 {
			secs, _ = strconv.Atoi(p[degDigits+2:])
		}
		return sign * (float64(deg) + float64(mins)/60 + float64(secs)/3600), nil
	}
	if lat, err = parse(s[:i], 2); err != nil {
		return 0, 0, err
	}
	lng, err = parse(s[i:], 3)
	return lat, lng, err
}

// distanceKm is the great-circle distance between two points.
func distanceKm(lat1, lng1, lat2, lng2 float64) float64 {
	rad := math.Pi / 180
	dlat, dlng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	return 6371 * 2 * math.Atan2(math.Sqrt(a), math.Sqrt(1-a))
}

// fold is the key a name is found by: lower case, without accents, letters and digits
// separated by single spaces. It must agree with the package's key function (a test checks).
func fold(s string) string {
	s = strings.NewReplacer("ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "ł", "l", "đ", "d", "ı", "i", "’", "'").Replace(strings.ToLower(s))
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	f := strings.FieldsFunc(b.String(), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}
