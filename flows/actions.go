package flows

import (
	"errors"
	"sort"
	"time"
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
	// consent.decline erases everything kept about the client: nothing is stored.
	"consent.decline": func(t *turn) bool {
		t.e.log.Info("consent declined", "user", t.user.String())
		t.erase = true
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
