package flows

import (
	"strings"

	"github.com/interlude-bot/interlude/when"
)

// Whose helplines the crisis reply gives: the client's country, from their zone or their choice.

// hintCountry is the country a platform language code suggests: its region ("de-AT" → AT),
// else the country of a language spoken mainly in one ("de" → DE); "" for English.
func hintCountry(hint, locale string) string {
	if _, region, ok := strings.Cut(strings.ReplaceAll(hint, "_", "-"), "-"); ok && len(region) == 2 {
		return strings.ToUpper(region)
	}
	if locale == "de" {
		return "DE"
	}
	return ""
}

// country is the client's country for helplines: the one they chose, else the one of their
// zone, else "" (the international directory).
func (t *turn) country() string {
	if t.st.Safety.Country != "" {
		return t.st.Safety.Country
	}
	c, _ := when.Country(t.st.Zone)
	return c
}

// askCountry asks which country's helplines the client wants.
func (t *turn) askCountry() {
	vals := map[string]string{"country": t.countryName(t.country())}
	if vals["country"] == "" {
		t.say(t.str("crisis_country_question_none"))
		return
	}
	t.say(fill(t.str("crisis_country_question"), vals))
}

// countryAnswer takes a typed country: a name in English or German, or a two-letter code.
func (t *turn) countryAnswer(text string) {
	code, ok := when.CountryByName(text)
	if !ok {
		t.say(t.str("crisis_country_unknown"))
		return
	}
	t.setCountry(code)
}

func (t *turn) setCountry(code string) {
	if _, ok := when.CountryName(code); !ok {
		t.say(t.str("stale_button"))
		return
	}
	t.st.Safety.Country, t.st.Safety.AskCountry = code, false
	t.say(fill(t.str("crisis_country_set"), map[string]string{"country": t.countryName(code)}))
	t.say(t.e.crisis.Helplines.For(code).Text(t.locale()))
	t.reask()
}

func (t *turn) countryName(code string) string {
	if code == "" {
		return ""
	}
	if name := t.str("country_" + code); name != "" {
		return name
	}
	name, _ := when.CountryName(code)
	return name
}

// safetySettings is the crisis path's line in /settings: whose helplines the client gets, how
// to change that, and whether they have a safety plan.
func (t *turn) safetySettings() string {
	vals := map[string]string{"country": t.countryName(t.country())}
	key := "settings_help_zone"
	switch {
	case t.st.Safety.Country != "":
		key = "settings_help_chosen"
	case vals["country"] == "":
		key = "settings_help_none"
	}
	plan := t.str("settings_plan_none")
	if t.st.Plan != nil && !t.st.Plan.empty() {
		plan = t.str("settings_plan")
	}
	return fill(t.str(key), vals) + " " + plan
}
