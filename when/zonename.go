package when

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zone names must work on machines without a tz database
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

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
