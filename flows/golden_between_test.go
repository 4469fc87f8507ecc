package flows_test

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
)

// Golden transcripts of goals, session ratings, the brief and the long view, in both languages.
func TestGoldenBetweenSessions(t *testing.T) {
	week := "#wait 168h"
	scripts := map[string][]string{
		"goals_en": {
			"/start", "[Yes, keep my answers]", "Berlin", "thursday", "thu 10:00", "[Sunday evening (19:00)]",
			"/goals", "[Add a goal]", "practise the breathing exercise", "[Daily]",
			"/goals", "[Add a goal]", "walk before work", "[A few times a week]",
			"/goals", "[Add a goal]", "write down one thing I said no to", "[Weekly]",
			"/goals", "[Add a goal]",
			"/goals", "[Change one]", "[walk before work]", "walk before work, even in the rain", "[A few times a week]",
			"/checkin", "[6]", "[Calm]", "/skip", "[2 · Sometimes]", "[1 · Often]", "[3 · Not this week]", "/skip", "/skip",
			week,
			"/checkin", "[5]", "[Tired]", "/skip", "[1 · Often]", "[2 · Done with this]", "[3 · Sometimes]", "/skip", "/skip",
			"/goals", "[Pause or resume one]", "[write down one thing I said no to]",
			"/prepare", "[Yes, put them on my agenda]", "Saying no", "/skip", "/skip",
		},
		"goals_de": {
			"/language", "[Deutsch]", "/start", "[Ja, Antworten aufbewahren]", "Wien", "[Sage ich später]", "Mittwoch 20 Uhr",
			"/goals", "[Ein Ziel hinzufügen]", "die Atemübung üben", "[Täglich]",
			"/goals", "[Ein Ziel hinzufügen]", "vor der Arbeit spazieren gehen", "[Ein paar Mal pro Woche]",
			"/checkin", "8", "ruhig", "/skip", "[1 · Oft]", "[2 · Manchmal]", "/skip", "/skip",
			week,
			"/checkin", "6", "[Müde]", "/skip", "[1 · Manchmal]", "[2 · Erledigt]", "/skip", "/skip",
			"/goals", "[Eins abschließen]", "[die Atemübung üben]",
			"/goals",
		},
		"ratings_brief_en": {
			"/start", "[Yes, keep my answers]", "Berlin", "thursday", "thu 10:00", "[Sunday evening (19:00)]",
			"/reflect", "[5]", "[4]", "[4]", "It helped that she asked about my sister", "[No]", "/skip", "[Yes, note it]", "try the breathing exercise", "[Daily]",
			week,
			"/checkin", "[4]", "[Anxious]", "/skip", "[1 · Often]", "/skip", "Saying no to my boss",
			"/reflect", "three", "7", "3", "[4]", "/skip", "[Yes]", "She looked at the clock", "/skip", "[No]",
			"/prepare", "[Yes, put it on my agenda]", "[Not this time]", "Feeling rushed", "The summaries help", "/skip",
			"/history", "[Last 3 months]",
		},
		"ratings_brief_de": {
			"/language", "[Deutsch]", "/start", "[Ja, Antworten aufbewahren]", "Wien", "[Sage ich später]", "Mittwoch 20 Uhr",
			"/reflect", "[4]", "[5]", "[4]", "/skip", "[Nein]", "/skip", "[Nein]",
			week,
			"/reflect", "vier", "[4]", "sechs", "[3]", "/skip", "[Nein]", "/skip", "[Nein]",
			week,
			"/reflect", "[4]", "[4]", "[2]", "/skip", "[Nein]", "/skip", "[Nein]",
			"/checkin", "7", "ruhig", "/skip", "/skip", "Über „Nähe“ sprechen",
			"/prepare", "[Ja, auf meine Liste]", "Dass ich mich öfter traue, „nein“ zu sagen", "/skip", "/skip",
			"/history", "[Letztes Jahr]",
		},
	}
	for name, script := range scripts {
		t.Run(name, func(t *testing.T) {
			lib, err := flows.Load("")
			if err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC)
			e := flows.New(lib, newMemStore(), flows.Options{Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return now }})
			got := transcript(t, e, flows.UserKey{Platform: flows.Console, ID: "golden"}, script, &now)
			path := filepath.Join("testdata", "golden", name+".txt")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./flows -run TestGolden -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", path, diff)
			}
		})
	}
}
