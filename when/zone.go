package when

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	_ "time/tzdata" // zone names must work on machines without a tz database
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
