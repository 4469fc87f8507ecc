package flows

import "strings"

// settingsText shows the client's settings in one message: time zone, check-ins, appointment,
// pause, language and what is kept (/settings, and /start for a known client).
func (t *turn) settingsText() string {
	zone := t.st.Zone
	if zone == "" {
		zone = "UTC"
	}
	sc := &t.st.Schedule
	pause := t.str("settings_no_pause")
	switch {
	case sc.Paused && sc.PausedUntil.IsZero():
		pause = t.str("settings_paused")
	case sc.Paused && sc.PausedUntil.After(t.now):
		pause = fill(t.str("settings_paused_until"), map[string]string{"date": t.date(sc.PausedUntil)})
	}
	lines := []string{
		t.str("settings_title"),
		fill(t.str("settings_zone"), map[string]string{"zone": zone}),
		t.scheduleText(),
		pause,
		fill(t.str("settings_language"), map[string]string{"language": t.e.lib.Languages[t.locale()]}),
		t.str("storage_line"),
		t.safetySettings(),
	}
	return strings.Join(lines, "\n")
}

// settings answers /settings.
func (t *turn) settings() {
	t.say(t.settingsText() + "\n\n" + t.str("settings_change"))
	t.reask()
}
