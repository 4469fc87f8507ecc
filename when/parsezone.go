package when

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zone names must work on machines without a tz database
	"unicode/utf8"
)

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
