package flows_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/interlude-bot/interlude/flows"
)

// TestCheckinByHandSkipsTheScheduledOne: a check-in done by hand within the operator's window
// before a scheduled one says that the scheduled one is skipped and names the real next one;
// the scheduled one is then not sent. With the setting off, it is sent.
func TestCheckinByHandSkipsTheScheduledOne(t *testing.T) {
	for _, tt := range []struct {
		name   string
		locale string
		skip   time.Duration
		want   string
	}{
		{"en", "en", 0, "I'll skip today's check-in, since you just did one. Your next check-in comes on Wednesday, 9 Dec at 20:00."},
		{"de", "de", 0, "Den Check-in heute lasse ich aus, weil du gerade einen gemacht hast. Dein nächster Check-in kommt am Mittwoch, 9. Dezember, um 20:00."},
		{"off", "en", -1, "Your next check-in comes today at 20:00."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clk := &clock{}
			clk.at(2026, 12, 2, 5, 27) // Wednesday 06:27 in Berlin
			e, _ := newMemEngine(t, flows.Options{Now: clk.Now, Policy: flows.Policy{SkipAfterManual: tt.skip}})
			c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: flows.UserID("skip-" + tt.name)}}
			if tt.locale == "de" {
				c.send("/language")
				c.press("Deutsch")
			}
			c.send("/start")
			c.press(map[string]string{"en": "Yes, keep my answers", "de": "Ja, Antworten aufbewahren"}[tt.locale])
			c.press("Berlin")
			c.press(map[string]string{"en": "I'll tell you later", "de": "Sage ich später"}[tt.locale])
			c.send("Wednesday 20:00")
			c.send("/checkin")
			c.press("7")
			c.send("/skip")
			c.send("/skip")
			c.send("/skip")
			got := joined(c.send("/skip"))
			if !strings.Contains(got, tt.want) {
				t.Fatalf("closing words:\n%s\nwant %q", got, tt.want)
			}
			clk.at(2026, 12, 2, 19, 0) // 20:00 in Berlin
			f, err := e.Fire(context.Background(), c.user, flows.RemindCheckin)
			if err != nil {
				t.Fatal(err)
			}
			if sent := len(f.Out) > 0; sent != (tt.skip < 0) {
				t.Errorf("scheduled check-in after one by hand: outcome %q, %d messages", f.Outcome, len(f.Out))
			}
		})
	}
}

// TestQuietHoursAreCalledOut: a check-in time inside quiet hours is said when it is chosen,
// with the time it will really come and a button to pick another.
func TestQuietHoursAreCalledOut(t *testing.T) {
	for _, tt := range []struct {
		locale, keep, other string
		want                string
	}{
		{"en", "Keep it", "Pick another time", "Saturdays at 23:00 falls in the quiet hours (21:30–08:00), when I don't write on my own. So each check-in would come on Sunday at 08:00 instead."},
		{"de", "So lassen", "Andere Zeit wählen", "Check-ins samstags um 23:00 liegen in der Ruhezeit (21:30–08:00 Uhr), in der ich von mir aus nicht schreibe. Jeder Check-in käme deshalb erst am Sonntag um 08:00."},
	} {
		t.Run(tt.locale, func(t *testing.T) {
			e, _ := newMemEngine(t, flows.Options{})
			c := onboarded(t, e, "quiet-"+tt.locale)
			if tt.locale == "de" {
				c.send("/language")
				c.press("Deutsch")
			}
			c.send("/schedule")
			got := joined(c.send("Saturday 23:00"))
			if !strings.Contains(got, tt.want) {
				t.Fatalf("quiet hours not called out:\n%s\nwant %q", got, tt.want)
			}
			if got := joined(c.press(tt.other)); strings.Contains(got, "Done") || strings.Contains(got, "Erledigt") {
				t.Fatalf("'pick another' did not ask again:\n%s", got)
			}
			got = joined(c.send("Saturday 18:00"))
			if strings.Contains(got, tt.keep) || !strings.Contains(got, "18:00") {
				t.Errorf("a time outside quiet hours:\n%s", got)
			}
			c.send("/schedule")
			c.send("Saturday 23:00")
			if got := joined(c.press(tt.keep)); !strings.Contains(got, "08:00") {
				t.Errorf("kept: the confirmation does not name the real time:\n%s", got)
			}
		})
	}
}

// TestAReminderWaitsForAClientInAConversation: a check-in due while the client is in the middle
// of something is held back, not sent into the conversation, and the log says why (without
// anything the client wrote); once the client has been quiet for half an hour, it goes.
func TestAReminderWaitsForAClientInAConversation(t *testing.T) {
	clk := &clock{}
	clk.at(2026, 12, 2, 18, 50) // Wednesday 19:50 in Berlin
	var logs strings.Builder
	e, _ := newMemEngine(t, flows.Options{Now: clk.Now, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	c := &client{t: t, e: e, user: flows.UserKey{Platform: flows.Console, ID: "busy"}}
	c.send("/start")
	c.press("Yes, keep my answers")
	c.press("Berlin")
	c.press("I'll tell you later")
	c.send("Wednesday 20:00")
	c.send("/prepare")
	c.send("my sister's visit")
	clk.wait(10 * time.Minute) // 20:00, the check-in's time, ten minutes after the last answer
	f, err := e.Fire(context.Background(), c.user, flows.RemindCheckin)
	if err != nil {
		t.Fatal(err)
	}
	if f.Outcome != flows.OutcomeBusy || len(f.Out) != 0 {
		t.Fatalf("check-in due in the middle of /prepare: outcome %q, %d messages", f.Outcome, len(f.Out))
	}
	if !strings.Contains(logs.String(), `msg="reminder held: the client is in a conversation"`) || !strings.Contains(logs.String(), "flow=prepare") {
		t.Errorf("the log does not say why the check-in waits:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "sister") {
		t.Errorf("the log holds what the client wrote:\n%s", logs.String())
	}
	clk.wait(31 * time.Minute)
	f, err = e.Fire(context.Background(), c.user, flows.RemindCheckin)
	if err != nil {
		t.Fatal(err)
	}
	if f.Outcome != flows.OutcomeSent || !strings.Contains(joined(f.Out), "How has your week been") {
		t.Errorf("check-in after half an hour of quiet: outcome %q, %q", f.Outcome, joined(f.Out))
	}
}
