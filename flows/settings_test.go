package flows_test

import (
	"strings"
	"testing"

	"github.com/interlude-bot/interlude/flows"
)

// TestSettingsInView: /settings and /start for a known client show every setting; /schedule
// and /session start with the current value; "/session wed 17:00" still sets it at once.
func TestSettingsInView(t *testing.T) {
	for _, tt := range []struct {
		locale string
		want   []string
	}{
		{"en", []string{"Time zone: Europe/Berlin.", "Check-ins: Sundays at 19:00.", "Your sessions: every Thursday at 10:00.", "Pause: until 6 Jan 2027", "Language: English.", "stored encrypted"}},
		{"de", []string{"Zeitzone: Europe/Berlin.", "Check-ins: sonntags um 19:00.", "Deine Stunden: jeden Donnerstag um 10:00.", "Pause: bis zum 6. Januar 2027", "Sprache: Deutsch.", "verschlüsselt"}},
	} {
		t.Run(tt.locale, func(t *testing.T) {
			e, _ := newMemEngine(t, flows.Options{})
			c := onboarded(t, e, "settings-"+tt.locale)
			if tt.locale == "de" {
				c.send("/language")
				c.press("Deutsch")
			}
			c.send("/pause until 2027-01-06")
			for _, cmd := range []string{"/settings", "/start"} {
				got := joined(c.send(cmd))
				for _, w := range tt.want {
					if !strings.Contains(got, w) {
						t.Errorf("%s does not show %q:\n%s", cmd, w, got)
					}
				}
			}
			if got := joined(c.send("/schedule")); !strings.Contains(got, tt.want[1]) {
				t.Errorf("/schedule does not start with the current value:\n%s", got)
			}
			c.send("/cancel")
			if got := joined(c.send("/session")); !strings.Contains(got, tt.want[2]) {
				t.Errorf("/session does not start with the current value:\n%s", got)
			}
			c.send("/cancel")
			c.send("/session wed 17:00")
			if got := joined(c.send("/settings")); !strings.Contains(got, map[string]string{"en": "every Wednesday at 17:00", "de": "jeden Mittwoch um 17:00"}[tt.locale]) {
				t.Errorf("/session with an argument did not set it:\n%s", got)
			}
		})
	}
}
