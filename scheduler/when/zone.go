package when

import (
	"cmp"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zone names must work on machines without a tz database
	"unicode"
)

// zone is one row of the generated zones table.
type zone struct{ country, name string }

// utcNames are the only abbreviations ParseZone accepts; they all mean UTC.
// "GMT" means UTC here, not the time in London (which is BST in summer).
var utcNames = []string{"utc", "gmt", "z", "zulu", "etc/utc", "etc/gmt", "universal"}

// abbreviations name a UTC offset, not a place, and many are ambiguous ("IST"
// is India, Ireland and Israel; "CST" is Chicago and China). ParseZone never
// accepts them; it suggests the zones a client most likely means.
var abbreviations = map[string][]string{
	"cet":  {"Europe/Berlin", "Europe/Paris", "Europe/Vienna", "Europe/Zurich", "Europe/Rome"},
	"cest": {"Europe/Berlin", "Europe/Paris", "Europe/Vienna", "Europe/Zurich", "Europe/Rome"},
	"mez":  {"Europe/Berlin", "Europe/Vienna", "Europe/Zurich"},
	"mesz": {"Europe/Berlin", "Europe/Vienna", "Europe/Zurich"},
	"wet":  {"Europe/Lisbon", "Atlantic/Canary"},
	"west": {"Europe/Lisbon", "Atlantic/Canary"},
	"eet":  {"Europe/Athens", "Europe/Helsinki", "Europe/Bucharest", "Europe/Kyiv", "Africa/Cairo"},
	"eest": {"Europe/Athens", "Europe/Helsinki", "Europe/Bucharest", "Europe/Kyiv"},
	"bst":  {"Europe/London", "Asia/Dhaka"},
	"ist":  {"Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"},
	"est":  {"America/New_York", "America/Toronto", "Australia/Sydney"},
	"edt":  {"America/New_York", "America/Toronto"},
	"cst":  {"America/Chicago", "America/Mexico_City", "Asia/Shanghai", "America/Havana"},
	"cdt":  {"America/Chicago", "America/Winnipeg"},
	"mst":  {"America/Denver", "America/Phoenix", "America/Edmonton"},
	"mdt":  {"America/Denver", "America/Edmonton"},
	"pst":  {"America/Los_Angeles", "America/Vancouver"},
	"pdt":  {"America/Los_Angeles", "America/Vancouver"},
	"hst":  {"Pacific/Honolulu"},
	"aest": {"Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"},
	"aedt": {"Australia/Sydney", "Australia/Melbourne"},
	"acst": {"Australia/Adelaide", "Australia/Darwin"},
	"awst": {"Australia/Perth"},
	"nzst": {"Pacific/Auckland"},
	"nzdt": {"Pacific/Auckland"},
	"jst":  {"Asia/Tokyo"},
	"msk":  {"Europe/Moscow"},
	"brt":  {"America/Sao_Paulo"},
}

// placeAliases are place names that are not in the tz database but certain
// to mean one zone: German names of tz cities, old city names, large cities
// in Germany, Austria, Switzerland and India, and a few country names (for
// Germany, Büsingen is the exception that the client can still pick by name).
var placeAliases = map[string]string{
	"deutschland": "Europe/Berlin", "germany": "Europe/Berlin", "osterreich": "Europe/Vienna",
	"schweiz": "Europe/Zurich", "uk": "Europe/London", "united kingdom": "Europe/London",
	"england": "Europe/London", "great britain": "Europe/London",
	"hamburg": "Europe/Berlin", "munchen": "Europe/Berlin", "munich": "Europe/Berlin",
	"koln": "Europe/Berlin", "cologne": "Europe/Berlin", "frankfurt": "Europe/Berlin",
	"stuttgart": "Europe/Berlin", "dusseldorf": "Europe/Berlin", "leipzig": "Europe/Berlin",
	"dresden": "Europe/Berlin", "hannover": "Europe/Berlin", "nurnberg": "Europe/Berlin",
	"wien": "Europe/Vienna", "graz": "Europe/Vienna", "linz": "Europe/Vienna",
	"salzburg": "Europe/Vienna", "innsbruck": "Europe/Vienna",
	"bern": "Europe/Zurich", "basel": "Europe/Zurich", "genf": "Europe/Zurich", "geneva": "Europe/Zurich",
	"rom": "Europe/Rome", "prag": "Europe/Prague", "warschau": "Europe/Warsaw",
	"brussel": "Europe/Brussels", "kopenhagen": "Europe/Copenhagen", "lissabon": "Europe/Lisbon",
	"athen": "Europe/Athens", "moskau": "Europe/Moscow", "kiew": "Europe/Kyiv", "kiev": "Europe/Kyiv",
	"bukarest": "Europe/Bucharest", "belgrad": "Europe/Belgrade", "luxemburg": "Europe/Luxembourg",
	"calcutta": "Asia/Kolkata", "mumbai": "Asia/Kolkata", "bombay": "Asia/Kolkata",
	"delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata", "bengaluru": "Asia/Kolkata",
	"bangalore": "Asia/Kolkata", "chennai": "Asia/Kolkata", "saigon": "Asia/Ho_Chi_Minh",
	"montreal": "America/Toronto",
}

// countryAliases are other names of countries in the zones table.
var countryAliases = map[string]string{"usa": "US", "united states of america": "US"}

// zoneIndex finds zone names by the keys of what a client may type.
type zoneIndex struct {
	names  map[string]string   // zone and link names → zone name
	places map[string][]string // cities, countries, aliases, abbreviations → zone names
}

var index = sync.OnceValue(func() zoneIndex {
	ix := zoneIndex{names: map[string]string{}, places: map[string][]string{}}
	byCountry := map[string][]string{}
	for _, z := range zones {
		ix.names[key(z.name)] = z.name
		byCountry[z.country] = append(byCountry[z.country], z.name)
	}
	for link, z := range links {
		if _, ok := ix.names[key(link)]; !ok {
			ix.names[key(link)] = z
		}
	}
	for _, code := range slices.Sorted(maps.Keys(countries)) {
		name := countries[code]
		ix.places[key(name)] = byCountry[code]
		if short, _, ok := strings.Cut(name, " ("); ok { // "Britain (UK)"
			k := key(short)
			ix.places[k] = slices.Concat(ix.places[k], byCountry[code])
		}
	}
	for alias, code := range countryAliases {
		ix.places[alias] = byCountry[code]
	}
	for _, z := range zones { // a city wins over a country of the same name
		ix.places[key(z.name[strings.LastIndexByte(z.name, '/')+1:])] = []string{z.name}
	}
	for alias, z := range placeAliases {
		ix.places[alias] = []string{z}
	}
	for abbr, zs := range abbreviations {
		if _, ok := ix.places[abbr]; !ok {
			ix.places[abbr] = zs
		}
	}
	return ix
})

// ParseZone reads a time zone as a client types it and returns the location
// and its canonical name. It accepts, case-insensitively and with or without
// accents:
//
//   - tz database names and their old aliases: "Europe/Berlin", "asia/calcutta";
//   - tz database cities: "Berlin", "new york", "São Paulo", "sao paulo";
//   - countries with a single zone, and a few common place names listed in
//     this package ("Wien", "München", "Mumbai");
//   - "UTC", "GMT" and "Z", all meaning UTC;
//   - UTC offsets from UTC-12 to UTC+14 in quarter hours: "UTC+2", "+05:30",
//     "GMT-3", "utc +1", which give a fixed zone named like "UTC+05:30"
//     (without daylight saving time). "GMT-3" means three hours behind UTC;
//     the tz name "Etc/GMT-3", also accepted, means three hours ahead, as
//     POSIX has it.
//
// Anything else, including abbreviations like "CET" or "EST" and countries
// with several zones, returns a [*ZoneError] suggesting zones to pick from.
func ParseZone(s string) (*time.Location, string, error) {
	in := strings.TrimSpace(s)
	if in == "" || len(in) > 100 {
		return nil, "", &ZoneError{Input: s}
	}
	f := fold(in)
	if slices.Contains(utcNames, strings.ToLower(in)) {
		return time.UTC, "UTC", nil
	}
	if loc, name, ok := parseOffset(f); ok {
		return loc, name, nil
	}
	zs := resolve(f)
	if len(zs) == 1 {
		if loc, err := loadZone(zs[0]); err == nil {
			return loc, zs[0], nil
		}
	}
	if len(zs) == 0 {
		zs = suggest(key(f))
	}
	return nil, "", &ZoneError{Input: s, Suggestions: slices.Clone(zs[:min(len(zs), 5)])}
}

var (
	offsetRE = regexp.MustCompile(`^(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?:[:.]?(\d{2}))?$`)
	etcRE    = regexp.MustCompile(`^etc/gmt([+-])(\d{1,2})$`)
)

// parseOffset reads "utc+2", "+05:30", "gmt -3" and "etc/gmt-3" from folded input.
func parseOffset(f string) (*time.Location, string, bool) {
	if m := etcRE.FindStringSubmatch(f); m != nil {
		h, _ := strconv.Atoi(m[2])
		name := fmt.Sprintf("Etc/GMT%s%d", m[1], h)
		loc, err := loadZone(name)
		return loc, name, err == nil
	}
	m := offsetRE.FindStringSubmatch(f)
	if m == nil {
		return nil, "", false
	}
	h, _ := strconv.Atoi(m[2])
	mins, _ := strconv.Atoi(m[3]) // "" → 0
	total := h*60 + mins
	if mins%15 != 0 || mins >= 60 || m[1] == "+" && total > 14*60 || m[1] == "-" && total > 12*60 {
		return nil, "", false
	}
	if total == 0 {
		return time.UTC, "UTC", true
	}
	name := fmt.Sprintf("UTC%s%02d:%02d", m[1], h, mins)
	if m[1] == "-" {
		total = -total
	}
	return time.FixedZone(name, total*60), name, true
}

// resolve returns the zones that folded input may stand for: one for a
// match, several for an ambiguous name, none when nothing matches.
func resolve(f string) []string {
	ix := index()
	k := key(f)
	if z, ok := ix.names[k]; ok {
		return []string{z}
	}
	if zs := ix.places[k]; len(zs) > 0 {
		return zs
	}
	// "Berlin, Germany", "Berlin (Germany)"
	if i := strings.IndexAny(f, ",("); i > 0 {
		return resolve(f[:i])
	}
	return nil
}

var locations sync.Map // zone name → *time.Location

// loadZone loads a zone once and keeps it.
func loadZone(name string) (*time.Location, error) {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, loc)
	return loc, nil
}

// suggest returns up to five zones whose names, cities or countries are a
// few typing mistakes away from the key k, closest first.
func suggest(k string) []string {
	n := len([]rune(k))
	if n < 3 || n > 40 {
		return nil
	}
	limit := 1 + n/6 // 1 for "berln", 2 from 6 letters on, 3 from 12
	best := map[string]int{}
	consider := func(cand string, zs ...string) {
		if d := distance(k, cand, limit); d <= limit {
			for _, z := range zs {
				if old, ok := best[z]; !ok || d < old {
					best[z] = d
				}
			}
		}
	}
	ix := index()
	for cand, z := range ix.names {
		consider(cand, z)
	}
	for cand, zs := range ix.places {
		consider(cand, zs...)
	}
	out := make([]string, 0, len(best))
	for z := range best {
		out = append(out, z)
	}
	slices.SortFunc(out, func(a, b string) int {
		return cmp.Or(cmp.Compare(best[a], best[b]), cmp.Compare(a, b))
	})
	return out[:min(len(out), 5)]
}

// distance is the Levenshtein distance between a and b, or limit+1 when it
// is certainly larger than limit.
func distance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

var foldReplacer = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ä", "a", "ã", "a", "å", "a", "ā", "a", "æ", "ae",
	"ç", "c", "č", "c", "ć", "c", "đ", "d",
	"é", "e", "è", "e", "ê", "e", "ë", "e", "ē", "e", "ě", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i", "ı", "i",
	"ñ", "n", "ń", "n", "ł", "l", "ğ", "g", "ř", "r",
	"ó", "o", "ò", "o", "ô", "o", "ö", "o", "õ", "o", "ø", "o", "œ", "oe",
	"ú", "u", "ù", "u", "û", "u", "ü", "u", "ů", "u", "ý", "y", "ÿ", "y",
	"ś", "s", "š", "s", "ş", "s", "ș", "s", "ț", "t", "ž", "z", "ź", "z", "ż", "z", "ß", "ss",
	"’", "'", "‘", "'", "−", "-", "–", "-", "—", "-",
)

// fold lower-cases s and removes the accents of Latin letters, so that
// "São Paulo" and "sao paulo", or "Zürich" and "zurich", read the same.
func fold(s string) string {
	return foldReplacer.Replace(strings.ToLower(s))
}

// key reduces a name to letters, digits and slashes separated by single
// spaces: "America/New_York", "america/new york" and "America/New-York"
// all have the key "america/new york".
func key(s string) string {
	f := strings.FieldsFunc(fold(s), func(r rune) bool {
		return r != '/' && !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(f, " ")
}
