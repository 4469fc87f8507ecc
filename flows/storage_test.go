package flows_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

// newMemEngine is an engine on the embedded library and an in-memory store, with a fixed clock
// (opts.Now) or, when opts.Now is nil, one that stands at 2026-12-02 09:00 UTC (a Wednesday).
func newMemEngine(t *testing.T, opts flows.Options) (*flows.Engine, *memStore) {
	t.Helper()
	lib, err := flows.Load("")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
		opts.Now = func() time.Time { return now }
	}
	m := newMemStore()
	return flows.New(lib, m, opts), m
}

// TestPromisesFollowTheStorage checks that the consent question and /help say "encrypted"
// only when the bot encrypts, say plainly when it does not, and call a trial a trial.
func TestPromisesFollowTheStorage(t *testing.T) {
	tests := []struct {
		storage flows.Storage
		locale  string
		want    []string
		never   []string
	}{
		{flows.StorageEncrypted, "en", []string{"stored encrypted, only for you"}, []string{"not encrypted", "trial"}},
		{flows.StoragePlaintext, "en", []string{"not encrypted", "whoever runs this service could read it"}, []string{"stored encrypted", "trial"}},
		{flows.StorageTrial, "en", []string{"trial run", "gone"}, []string{"encrypted", "I can keep what you write so that you can look back"}},
		{flows.StorageEncrypted, "de", []string{"verschlüsselt"}, []string{"nicht verschlüsselt", "Probelauf"}},
		{flows.StoragePlaintext, "de", []string{"nicht verschlüsselt"}, []string{"Probelauf"}},
		{flows.StorageTrial, "de", []string{"Probelauf", "weg"}, []string{"verschlüsselt"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.storage)+"_"+tt.locale, func(t *testing.T) {
			e, _ := newMemEngine(t, flows.Options{Storage: tt.storage})
			c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Telegram, ID: flows.UserID("s-" + string(tt.storage))}}
			if tt.locale == "de" {
				c.send("/language")
				c.press("Deutsch")
			}
			consent := joined(c.send("/start"))
			help := joined(c.send("/help"))
			for name, got := range map[string]string{"consent question": consent, "/help": help} {
				for _, w := range tt.want {
					if !strings.Contains(got, w) {
						t.Errorf("%s does not say %q:\n%s", name, w, got)
					}
				}
				for _, w := range tt.never {
					if strings.Contains(got, w) {
						t.Errorf("%s says %q, which is not true here:\n%s", name, w, got)
					}
				}
			}
		})
	}
}
