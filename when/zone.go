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
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
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

// placeAliases are what people call a place that no data source lists under that name:
// nicknames and abbreviations. Every other place name comes from the generated placeData
// (cities, CLDR's names of the zones' cities, regions, countries in English and German).
var placeAliases = map[string]string{
	"nyc": "America/New_York", "ny": "America/New_York", "new york city": "America/New_York",
	"la": "America/Los_Angeles", "sf": "America/Los_Angeles", "san fran": "America/Los_Angeles",
	"dc": "America/New_York", "washington dc": "America/New_York", "philly": "America/New_York",
	"uk": "Europe/London", "england": "Europe/London", "scotland": "Europe/London", "wales": "Europe/London",
	"great britain": "Europe/London", "britain": "Europe/London", "grossbritannien": "Europe/London",
	"calcutta": "Asia/Kolkata", "bombay": "Asia/Kolkata", "madras": "Asia/Kolkata", "saigon": "Asia/Ho_Chi_Minh",
	"frisco": "America/Los_Angeles", "vegas": "America/Los_Angeles", "ffm": "Europe/Berlin",
	// German names of big cities that are not a zone's city, which the sources list only in
	// English or in their own language ("Munich", "Milano").
	"munchen": "Europe/Berlin", "nurnberg": "Europe/Berlin", "koln": "Europe/Berlin", "genf": "Europe/Zurich",
	"mailand": "Europe/Rome", "neapel": "Europe/Rome", "venedig": "Europe/Rome", "florenz": "Europe/Rome",
	"krakau": "Europe/Warsaw", "danzig": "Europe/Warsaw", "breslau": "Europe/Warsaw", "pressburg": "Europe/Bratislava",
}

// countryAliases are other names of countries in the zones table.
var countryAliases = map[string]string{"usa": "US", "united states of america": "US", "us": "US", "america": "US", "amerika": "US"}

// zoneIndex finds zone names by the keys of what a client may type.
type zoneIndex struct {
	names     map[string]string         // zone and link names → zone name
	cities    map[string][]string       // a zone's own city, CLDR's name for it, an alias → one zone
	places    map[string][]place        // cities, regions, countries from placeData, by key
	byCountry map[string][]string       // country code → its zones, most populous region first
	abbr      map[string][]string       // abbreviations → the zones they may mean
	people    map[string]map[string]int // country code → zone → people in its cities
}

// place is a line of placeData.
type place struct {
	kind    byte // 'c' city, 'e' a zone's city, 'r' region, 'n' country
	country string
	zone    string
	pop     int
	label   string
}

var index = sync.OnceValue(func() zoneIndex {
	ix := zoneIndex{names: map[string]string{}, cities: map[string][]string{}, places: map[string][]place{},
		byCountry: map[string][]string{}, abbr: abbreviations, people: map[string]map[string]int{}}
	for _, z := range zones {
		ix.names[key(z.name)] = z.name
		ix.byCountry[z.country] = append(ix.byCountry[z.country], z.name)
	}
	for link, z := range links {
		if _, ok := ix.names[key(link)]; !ok {
			ix.names[key(link)] = z
		}
	}
	for _, z := range zones {
		ix.cities[key(z.name[strings.LastIndexByte(z.name, '/')+1:])] = []string{z.name}
	}
	for data := placeData; data != ""; {
		var line string
		line, data, _ = strings.Cut(data, "\n")
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			continue
		}
		p := place{kind: f[1][0], country: f[2], label: f[5]}
		p.pop, _ = strconv.Atoi(f[4])
		if i, err := strconv.Atoi(f[3]); err == nil && i < len(placeZones) {
			p.zone = placeZones[i]
		}
		if p.kind == 'e' {
			if _, ok := ix.cities[f[0]]; !ok { // a zone's own city comes first ("Atikokan")
				ix.cities[f[0]] = []string{p.zone}
			}
			continue
		}
		if p.kind == 'c' {
			if ix.people[p.country] == nil {
				ix.people[p.country] = map[string]int{}
			}
			ix.people[p.country][p.zone] += p.pop
		}
		ix.places[f[0]] = append(ix.places[f[0]], p)
	}
	for _, code := range slices.Sorted(maps.Keys(countries)) {
		name := countries[code]
		k := key(name)
		ix.places[k] = append(ix.places[k], place{kind: 'n', country: code, label: name})
		if short, _, ok := strings.Cut(name, " ("); ok { // "Britain (UK)"
			ix.places[key(short)] = append(ix.places[key(short)], place{kind: 'n', country: code, label: short})
		}
	}
	for alias, code := range countryAliases {
		ix.places[alias] = append(ix.places[alias], place{kind: 'n', country: code, label: countries[code]})
	}
	for alias, z := range placeAliases {
		ix.cities[alias] = []string{z}
	}
	return ix
})

// dominance is how many times more people the biggest place of a name must have than the
// next one in another zone to be taken without asking: "Paris" is Paris, France; "Portland"
// (Oregon, Maine) and "Springfield" are asked.
const dominance = 20

// lookup resolves one key: the zones it stands for (one when it is clear), and the choices to
// offer when it is not. ok is false when nothing has that name.
func (ix zoneIndex) lookup(k string) (zs []string, choices []Choice, ok bool) {
	if z, ok := ix.names[k]; ok {
		return []string{z}, nil, true
	}
	if zs, ok := ix.cities[k]; ok {
		return zs, nil, true
	}
	if zs, ok := ix.abbr[k]; ok {
		return zs, zoneChoices(zs), true
	}
	ps := ix.places[k]
	if len(ps) == 0 {
		return nil, nil, false
	}
	for _, kind := range []byte{'c', 'r'} {
		byZone := map[string]int{}
		var order []string
		label := map[string]string{}
		for _, p := range ps {
			if p.kind != kind || p.zone == "" {
				continue
			}
			if _, seen := byZone[p.zone]; !seen {
				order = append(order, p.zone)
				label[p.zone] = p.label
			}
			byZone[p.zone] = max(byZone[p.zone], p.pop)
		}
		if len(order) == 0 {
			continue
		}
		slices.SortStableFunc(order, func(a, b string) int { return cmp.Compare(byZone[b], byZone[a]) })
		if len(order) == 1 || byZone[order[0]] >= dominance*byZone[order[1]] {
			return order[:1], nil, true
		}
		order = order[:min(len(order), 5)]
		for _, z := range order {
			l := label[z]
			if kind == 'r' {
				l = zoneLabel(z, false)
				choices = append(choices, Choice{Answer: z, Label: l, LabelDE: zoneLabel(z, true)})
				continue
			}
			choices = append(choices, Choice{Answer: z, Label: l, LabelDE: l})
		}
		return order, choices, true
	}
	// A country: its one zone, or the zone nearly all its people live in (Germany, not
	// Büsingen), or its zones to choose from, most people first. A name two countries share
	// ("Korea") offers both.
	var codes []string
	for _, p := range ps {
		if p.kind == 'n' && len(ix.byCountry[p.country]) > 0 && !slices.Contains(codes, p.country) {
			codes = append(codes, p.country)
		}
	}
	switch {
	case len(codes) == 0:
		return nil, nil, false
	case len(codes) > 1:
		for _, c := range codes {
			z := ix.byCountry[c][0]
			zs = append(zs, z)
			choices = append(choices, Choice{Answer: z, Label: countries[c], LabelDE: countries[c]})
		}
		return zs, choices, true
	}
	zs = slices.Clone(ix.byCountry[codes[0]])
	pop := ix.people[codes[0]]
	slices.SortStableFunc(zs, func(a, b string) int { return cmp.Compare(pop[b], pop[a]) })
	if len(zs) == 1 || pop[zs[0]] >= dominance*max(pop[zs[1]], 1) {
		return zs[:1], nil, true
	}
	zs = zs[:min(len(zs), 5)]
	return zs, zoneChoices(zs), true
}

// zoneChoices offers zones as buttons labelled with their cities.
func zoneChoices(zs []string) []Choice {
	var cs []Choice
	for _, z := range zs {
		cs = append(cs, Choice{Answer: z, Label: zoneLabel(z, false), LabelDE: zoneLabel(z, true)})
	}
	return cs
}

// zoneLabel is the name of a zone's city in English or German ("Vienna", "Wien").
func zoneLabel(z string, de bool) string {
	if l, ok := zoneLabels[z]; ok {
		if de {
			return l[1]
		}
		return l[0]
	}
	return strings.ReplaceAll(z[strings.LastIndexByte(z, '/')+1:], "_", " ")
}

// ZoneLabel is the name of a zone's city in the locale ("de…" German, else English), for a
// button or a sentence: "Vienna", "Wien", "New York". A fixed offset is its own name.
func ZoneLabel(zone, locale string) string {
	if !strings.Contains(zone, "/") {
		return zone
	}
	return zoneLabel(zone, strings.HasPrefix(strings.ToLower(locale), "de"))
}

// ParseZone reads a time zone as a client types it and returns the location
// and its canonical name. It accepts, case-insensitively and with or without
// accents:
//
//   - tz database names and their old aliases: "Europe/Berlin", "asia/calcutta";
//   - places, alone or in a sentence ("I live in Tokyo", "wohne in Wien", "near
//     Munich", "Graz, Austria"): the tz database's cities, CLDR's names for them
//     in English and German ("Wien", "Zürich", "São Paulo"), cities of at least
//     15,000 people with their zone, regions (Bayern, Arizona) and countries in
//     English and German, with one zone; and a few nicknames ("NYC", "LA");
//   - "UTC", "GMT" and "Z", all meaning UTC;
//   - UTC offsets from UTC-12 to UTC+14 in quarter hours: "UTC+2", "+05:30",
//     "GMT-3", "utc +1", which give a fixed zone named like "UTC+05:30"
//     (without daylight saving time). "GMT-3" means three hours behind UTC;
//     the tz name "Etc/GMT-3", also accepted, means three hours ahead, as
//     POSIX has it.
//
// Anything else returns a [*ZoneError] with zones to pick from as Suggestions
// and Choices: for an abbreviation ("CET", "PST", "IST"), a country or region
// with several zones, a name several places share (Portland, Springfield), a
// typo ("Berln"); none when nothing is close.
func ParseZone(s string) (*time.Location, string, error) {
	in := strings.TrimSpace(s)
	if in == "" || utf8.RuneCountInString(in) > maxZoneInput {
		return nil, "", &ZoneError{Input: s}
	}
	f := fold(in)
	if slices.Contains(utcNames, strings.ToLower(in)) {
		return time.UTC, "UTC", nil
	}
	if loc, name, ok := parseOffset(f); ok {
		return loc, name, nil
	}
	zs, choices, ok := resolve(f)
	if !ok {
		if m := offsetInRE.FindString(f); m != "" { // "my time is UTC+2"
			if loc, name, ok := parseOffset(strings.TrimSpace(m)); ok {
				return loc, name, nil
			}
		}
		zs, choices, ok = inSentence(f)
	}
	if ok && len(zs) == 1 && len(choices) == 0 {
		if loc, err := loadZone(zs[0]); err == nil {
			return loc, zs[0], nil
		}
	}
	if !ok {
		zs = suggest(key(f))
	}
	zs = slices.Clone(zs[:min(len(zs), 5)])
	if len(choices) == 0 {
		choices = zoneChoices(zs)
	}
	return nil, "", &ZoneError{Input: s, Suggestions: zs, Choices: choices[:min(len(choices), 5)], Guess: !ok && len(zs) > 0}
}

// maxZoneInput bounds what ParseZone reads: a sentence, not a pasted page.
const maxZoneInput = 300

// offsetInRE finds an offset inside a sentence.
var offsetInRE = regexp.MustCompile(`(?:utc|gmt)\s*[+-]\s*\d{1,2}(?:[:.]?\d{2})?\b`)

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

// resolve returns the zones that folded input may stand for, and the choices to offer when
// it is not clear; ok is false when nothing matches.
func resolve(f string) (zs []string, choices []Choice, ok bool) {
	ix := index()
	if zs, choices, ok := ix.lookup(key(f)); ok {
		return zs, choices, true
	}
	// "Berlin, Germany", "Berlin (Germany)"; "Portland, Oregon" is for inSentence to narrow
	if i := strings.IndexAny(f, ",("); i > 0 {
		if zs, choices, ok := resolve(f[:i]); ok && len(choices) == 0 {
			return zs, choices, ok
		}
	}
	return nil, nil, false
}

// prepositions come before a place in a sentence: "I live in Graz", "wohne bei München".
var prepositions = wordSet("in near from at around outside bei nahe aus nach von im")

// stopWords are common words of a sentence that are also the names of some place somewhere;
// in a sentence they are never read as one.
var stopWords = wordSet("the and und or oder but live living lived wohne wohnen lebe leben wohn ich bin " +
	"is am are was were be been my mine me mein meine meiner meinem meinen here hier there da now jetzt " +
	"right currently zurzeit derzeit city stadt time zone timezone zeitzone zeit near bei nahe from aus " +
	"this that what where which who with mit for fur by von nach one two also just only very much " +
	"eastern western central pacific mountain standard summer winter sommer ist sind war das der die " +
	"den dem des ein eine einer einem einen it its we wir you du sie er es our unser unsere home zuhause " +
	"moved gezogen living close next door work arbeite study studiere born geboren hi hello hallo hey " +
	"thanks danke please bitte yes ja no nein not nicht sure okay ok well good gut nice split bar " +
	"mobile reading bath hope orange victoria day tag morning evening morgen abend so do mo mi di fr sa")

// inSentence finds the places a sentence names, longest names first, and what they agree on:
// "Portland, Oregon" is the zone both name; "Graz in Austria" is Graz.
func inSentence(f string) (zs []string, choices []Choice, ok bool) {
	ws := strings.Fields(key(f))
	if len(ws) < 2 || len(ws) > 60 {
		return nil, nil, false
	}
	ix := index()
	type match struct {
		zs      []string
		choices []Choice
		prep    bool
	}
	var ms []match
	covered := make([]bool, len(ws))
	for n := min(4, len(ws)); n >= 1; n-- {
		for i := 0; i+n <= len(ws); i++ {
			if slices.Contains(covered[i:i+n], true) {
				continue
			}
			k := strings.Join(ws[i:i+n], " ")
			prep := i > 0 && prepositions[ws[i-1]]
			if n == 1 && (stopWords[k] || len([]rune(k)) < 3 && !prep) {
				continue
			}
			mzs, mch, ok := ix.lookup(k)
			if !ok {
				continue
			}
			for j := i; j < i+n; j++ {
				covered[j] = true
			}
			ms = append(ms, match{mzs, mch, prep})
		}
	}
	if len(ms) == 0 {
		return nil, nil, false
	}
	// What every place named agrees on.
	common := ms[0].zs
	for _, m := range ms[1:] {
		common = slices.DeleteFunc(slices.Clone(common), func(z string) bool { return !slices.Contains(m.zs, z) })
	}
	if len(common) > 0 {
		if len(common) == 1 {
			return common, nil, true
		}
		return common, keepChoices(ms[0].choices, common), true
	}
	// They disagree: the place after a preposition, or all of them.
	var after []match
	for _, m := range ms {
		if m.prep {
			after = append(after, m)
		}
	}
	if len(after) == 1 {
		return after[0].zs, after[0].choices, true
	}
	for _, m := range ms {
		for _, z := range m.zs {
			if !slices.Contains(zs, z) {
				zs = append(zs, z)
			}
		}
	}
	return zs, nil, true
}

// keepChoices keeps the choices whose answers are among zs, or offers zs.
func keepChoices(cs []Choice, zs []string) []Choice {
	var out []Choice
	for _, c := range cs {
		if slices.Contains(zs, c.Answer) {
			out = append(out, c)
		}
	}
	if len(out) != len(zs) {
		return zoneChoices(zs)
	}
	return out
}

// locations caches loaded zones, by the names that load them: loading one reads the time zone
// database. It is the one cache of zones of the program.
var locations sync.Map // zone name → *time.Location

// Location returns the zone of a name that [ParseZone] gave, as it is stored: an IANA name,
// "UTC" or a fixed offset such as "UTC+05:30"; "" means UTC. A zone is loaded once and kept.
func Location(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, _, err := ParseZone(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, loc)
	return loc, nil
}

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
	for cand, zs := range ix.cities {
		consider(cand, zs...)
	}
	for cand := range ix.places {
		if distance(k, cand, limit) <= limit { // only then resolve the name, which costs more
			if zs, _, ok := ix.lookup(cand); ok {
				consider(cand, zs...)
			}
		}
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
	"ß", "ss", "æ", "ae", "œ", "oe", "ø", "o", "ł", "l", "đ", "d", "ı", "i",
	"’", "'", "‘", "'", "−", "-", "–", "-", "—", "-",
)

// fold lower-cases s and removes the accents of letters, so that "São Paulo" and "sao
// paulo", or "Zürich" and "zurich", read the same. The generator of placeData folds its names
// the same way.
func fold(s string) string {
	s = foldReplacer.Replace(strings.ToLower(s))
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if ascii {
		return s
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
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

// LikelyZones returns the zones whose UTC offset at at is offset (seconds east of UTC), at
// most three: the places a client who typed a fixed offset such as "UTC+2" most likely means.
// Zones with daylight saving time come first (there a fixed offset goes wrong for half of the
// year), then those most people live in (by the cities of the place data).
func LikelyZones(offset int, at time.Time) []string {
	ix := index()
	total := map[string]int{}
	for _, byZone := range ix.people {
		for z, n := range byZone {
			total[z] += n
		}
	}
	var zs []string
	dst := map[string]int{}
	for z := range total {
		loc, err := loadZone(z)
		if err != nil {
			continue
		}
		if _, off := at.In(loc).Zone(); off == offset {
			zs = append(zs, z)
			_, jan := time.Date(at.Year(), 1, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone()
			_, jul := time.Date(at.Year(), 7, 15, 12, 0, 0, 0, time.UTC).In(loc).Zone()
			if jan != jul {
				dst[z] = 1
			}
		}
	}
	slices.SortFunc(zs, func(a, b string) int {
		return cmp.Or(cmp.Compare(dst[b], dst[a]), cmp.Compare(total[b], total[a]), cmp.Compare(a, b))
	})
	return zs[:min(len(zs), 3)]
}
