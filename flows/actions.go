package flows

import (
	"encoding/json"
	"errors"
	"github.com/interlude-bot/interlude/scheduler/when"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
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

func validateZone(t *turn, s string) (string, error) {
	_, name, err := when.ParseZone(s)
	if err != nil {
		var ze *when.ZoneError
		if errors.As(err, &ze) && len(ze.Suggestions) > 0 {
			return "", errors.New(fill(t.str("zone_suggest"), map[string]string{"zones": strings.Join(ze.Suggestions[:min(3, len(ze.Suggestions))], ", ")}))
		}
		return "", errors.New("")
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

// zones caches loaded locations: loading one reads the time zone database.
var zones sync.Map // string → *time.Location

// zoneFor loads a stored zone name (an IANA name or a fixed offset such as "UTC+05:30").
func zoneFor(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, _, err := when.ParseZone(name)
	if err == nil {
		zones.Store(name, loc)
	}
	return loc, err
}
