package flows

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/interlude-bot/interlude/when"
)

// actions are the engine's named effects that flows may run with an action step. An action
// returns true when it has ended the turn (the flow must not go on).
var actions = map[string]func(*turn) (stop bool){
	// consent.accept records consent at the configured version and time.
	"consent.accept": func(t *turn) bool {
		t.st.Consent = &Consent{Version: t.e.opts.ConsentVersion, At: t.now.UTC()}
		t.rearm = true
		t.e.log.Info("consent given", "user", t.user.String(), "version", t.e.opts.ConsentVersion)
		return false
	},
	// erase removes every key of the client (consent declined, or /forget confirmed).
	"erase": func(t *turn) bool {
		t.e.log.Info("client erased", "user", t.user.String(), "flow", t.st.Flow)
		t.erase = true
		t.declined = t.st.Flow != "forget"
		return false
	},
	// prepare.collect prepares {collected}: what the client noted since their last session.
	"prepare.collect": func(t *turn) bool {
		t.collect()
		return t.err != nil
	},
	// prepare.summary sends the session summary (message and Markdown file) and marks the
	// agenda done.
	"prepare.summary": func(t *turn) bool {
		t.summary()
		return false
	},
	// agenda.tick closes the open agenda items: the client ticked them off after a session.
	"agenda.tick": func(t *turn) bool {
		t.tickAgenda()
		return false
	},
	// intention.recalled forgets the intention once the check-in has mentioned it: it is said
	// once, not every week (the reflection it came from keeps it in the history).
	"intention.recalled": func(t *turn) bool {
		t.st.Intention = ""
		return false
	},
	// profile.reactivate clears the "blocked the bot" mark: the client came back.
	"profile.reactivate": func(t *turn) bool {
		t.st.Inactive = false
		t.rearm = true
		return false
	},
}

func actionNames() []string {
	names := make([]string, 0, len(actions))
	for n := range actions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// validators check and normalise typed answers. They return the value to store, or an error
// whose text is a short hint for the client about what was wrong (may be empty).
var validators = map[string]func(*turn, string) (string, error){
	"zone":        validateZone,
	"word":        validateWord,
	"weekly":      validateWeekly,
	"appointment": validateAppointment,
}

// validateWord accepts a short word or phrase of one line.
func validateWord(_ *turn, s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || utf8.RuneCountInString(s) > 40 {
		return "", errors.New("")
	}
	return s, nil
}

// fixedConfirmed marks the answer of the button that keeps a fixed offset after being told it
// does not follow daylight saving time.
const fixedConfirmed = "fixed:"

func validateZone(t *turn, s string) (string, error) {
	if name, ok := strings.CutPrefix(s, fixedConfirmed); ok {
		if _, n, err := when.ParseZone(name); err == nil && n == name {
			return name, nil
		}
	}
	loc, name, err := when.ParseZone(s)
	if err != nil {
		var ze *when.ZoneError
		if errors.As(err, &ze) && len(ze.Choices) > 0 {
			r := &reask{text: t.str("choose_zone")}
			if ze.Guess {
				r.text = t.str("zone_guess")
			}
			for _, c := range ze.Choices {
				r.choices = append(r.choices, Offer{Answer: c.Answer, Label: c.LabelFor(t.locale())})
			}
			return "", r
		}
		return "", errors.New("")
	}
	if strings.HasPrefix(name, "UTC+") || strings.HasPrefix(name, "UTC-") || strings.HasPrefix(name, "Etc/GMT") {
		// A fixed offset is taken only after saying that it does not follow daylight saving
		// time, with the places that have that offset now to pick instead.
		_, off := t.now.In(loc).Zone()
		vals := map[string]string{"offset": name}
		r := &reask{text: fill(t.str("zone_fixed"), vals)}
		for _, z := range when.LikelyZones(off, t.now) {
			if len(r.choices) < 2 {
				r.choices = append(r.choices, Offer{Answer: z, Label: when.ZoneLabel(z, t.locale())})
			}
		}
		r.choices = append(r.choices, Offer{Answer: fixedConfirmed + name, Label: fill(t.str("zone_keep_fixed"), vals)})
		return "", r
	}
	return name, nil
}

func validateWeekly(t *turn, s string) (string, error) {
	if isOff(s) {
		return "off", nil
	}
	w, err := when.ParseWeekly(s)
	if err != nil {
		return "", unclear(t, err)
	}
	return w.String(), nil
}

func validateAppointment(t *turn, s string) (string, error) {
	a, err := when.ParseAppointment(s, t.now, t.zone())
	if err != nil {
		return "", unclear(t, err)
	}
	b, err := json.Marshal(a)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func isOff(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "off", "none", "no", "aus", "keine", "nein", "stop":
		return true
	}
	return false
}

// unclear turns a parser's question into one in the client's language; readings of an answer
// that reads two ways come back as offers for buttons.
func unclear(t *turn, err error) error {
	var ue *when.UnclearError
	if !errors.As(err, &ue) {
		return errors.New("")
	}
	if len(ue.Choices) > 0 {
		r := &reask{text: t.str("choose_" + ue.Missing)}
		for _, c := range ue.Choices {
			r.choices = append(r.choices, Offer{Answer: c.Answer, Label: c.LabelFor(t.locale())})
		}
		return r
	}
	return errors.New(t.str("unclear_" + ue.Missing))
}
