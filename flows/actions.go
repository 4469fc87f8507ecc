package flows

import (
	"errors"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// actions are the engine's named effects that flows may run with an action step. An action
// returns true when it has ended the turn (the flow must not go on).
var actions = map[string]func(*turn) (stop bool){
	// consent.accept records consent at the configured version and time.
	"consent.accept": func(t *turn) bool {
		t.st.Consent = &Consent{Version: t.e.opts.ConsentVersion, At: t.now.UTC()}
		t.e.log.Info("consent given", "user", t.user.String(), "version", t.e.opts.ConsentVersion)
		return false
	},
	// erase removes every key of the client (consent declined, or /forget confirmed).
	"erase": func(t *turn) bool {
		t.e.log.Info("client erased", "user", t.user.String(), "flow", t.st.Flow)
		t.erase = true
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
	// profile.reactivate clears the "blocked the bot" mark: the client came back.
	"profile.reactivate": func(t *turn) bool {
		t.st.Inactive = false
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
// whose text is a short hint for the client about what was wrong.
var validators = map[string]func(string) (string, error){
	"zone": validateZone,
	"word": validateWord,
}

// validateWord accepts a short word or phrase of one line.
func validateWord(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || utf8.RuneCountInString(s) > 40 {
		return "", errors.New("")
	}
	return s, nil
}

func validateZone(s string) (string, error) {
	if s == "" || s == "Local" {
		return "", errors.New("")
	}
	loc, err := time.LoadLocation(s)
	if err != nil {
		return "", errors.New("")
	}
	return loc.String(), nil
}

// zoneFor loads a stored zone name.
func zoneFor(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(name)
}
