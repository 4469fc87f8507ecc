package flows_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/interlude-bot/interlude/flows"
)

// exported says where each stored State field is in the export. A State field that is not
// listed here fails TestExportHoldsEveryKeyTheStoreHolds: a new field cannot be left out of
// the export silently.
var exported = map[string]func(st flows.State, x flows.Export) (any, any){
	"Locale":     func(st flows.State, x flows.Export) (any, any) { return st.Locale, x.Profile.Locale },
	"Zone":       func(st flows.State, x flows.Export) (any, any) { return st.Zone, x.Profile.Zone },
	"Consent":    func(st flows.State, x flows.Export) (any, any) { return st.Consent, x.Profile.Consent },
	"Flow":       func(st flows.State, x flows.Export) (any, any) { return st.Flow, x.Bookkeeping.Flow },
	"Step":       func(st flows.State, x flows.Export) (any, any) { return st.Step, x.Bookkeeping.Step },
	"Ask":        func(st flows.State, x flows.Export) (any, any) { return st.Ask, x.Bookkeeping.Asked },
	"Vars":       func(st flows.State, x flows.Export) (any, any) { return st.Vars, currentAnswers(x) },
	"FlowAt":     func(st flows.State, x flows.Export) (any, any) { return st.FlowAt, currentStarted(x) },
	"Inactive":   func(st flows.State, x flows.Export) (any, any) { return st.Inactive, x.Profile.Inactive },
	"Since":      func(st flows.State, x flows.Export) (any, any) { return st.Since, x.Profile.Since },
	"Agenda":     func(st flows.State, x flows.Export) (any, any) { return st.Agenda, x.Agenda },
	"Intention":  func(st flows.State, x flows.Export) (any, any) { return st.Intention, x.Intention },
	"Goals":      func(st flows.State, x flows.Export) (any, any) { return st.Goals, x.Goals },
	"Prompt":     func(st flows.State, x flows.Export) (any, any) { return st.Prompt, x.Bookkeeping.Prompt },
	"Rotation":   func(st flows.State, x flows.Export) (any, any) { return st.Rotation, x.Bookkeeping.Rotation },
	"Active":     func(st flows.State, x flows.Export) (any, any) { return st.Active, x.Profile.Active },
	"LastUpdate": func(st flows.State, x flows.Export) (any, any) { return st.LastUpdate, x.Bookkeeping.LastUpdate },
	"Ended":      func(st flows.State, x flows.Export) (any, any) { return st.Ended, x.Bookkeeping.Ended },
	"Offers":     func(st flows.State, x flows.Export) (any, any) { return st.Offers, x.Bookkeeping.Offers },
	"Last":       func(st flows.State, x flows.Export) (any, any) { return st.Last, x.Bookkeeping.Last },
	"Safety":     func(st flows.State, x flows.Export) (any, any) { return st.Safety, x.Bookkeeping.Safety },
	"Plan":       func(st flows.State, x flows.Export) (any, any) { return st.Plan, x.SafetyPlan },
	"Schedule.Checkin": func(st flows.State, x flows.Export) (any, any) {
		if st.Schedule.Checkin == nil {
			return "", x.Schedule.Checkin
		}
		return st.Schedule.Checkin.String(), x.Schedule.Checkin
	},
	"Schedule.Appointment": func(st flows.State, x flows.Export) (any, any) {
		return st.Schedule.Appointment, x.Schedule.Appointment
	},
	"Schedule.PrepHours": func(st flows.State, x flows.Export) (any, any) {
		return max(st.Schedule.PrepHours, 0) + 24*b2i(st.Schedule.PrepHours == 0), x.Schedule.PrepHours
	},
	"Schedule.ReflectHours": func(st flows.State, x flows.Export) (any, any) {
		return st.Schedule.ReflectHours + 3*b2i(st.Schedule.ReflectHours == 0), x.Schedule.ReflectHours
	},
	"Schedule.Paused": func(st flows.State, x flows.Export) (any, any) { return st.Schedule.Paused, x.Schedule.Paused },
	"Schedule.PausedUntil": func(st flows.State, x flows.Export) (any, any) {
		return st.Schedule.PausedUntil, x.Schedule.PausedUntil
	},
	"Schedule.Fired":   func(st flows.State, x flows.Export) (any, any) { return st.Schedule.Fired, x.Bookkeeping.Fired },
	"Schedule.Pending": func(st flows.State, x flows.Export) (any, any) { return st.Schedule.Pending, x.Bookkeeping.Pending },
	"Schedule.Sent":    func(st flows.State, x flows.Export) (any, any) { return st.Schedule.Sent, x.Bookkeeping.Sent },
	"Schedule.ManualFlow": func(st flows.State, x flows.Export) (any, any) {
		return st.Schedule.ManualFlow, x.Bookkeeping.ManualFlow
	},
	"Schedule.LastManual": func(st flows.State, x flows.Export) (any, any) { return st.Schedule.LastManual, x.Schedule.LastManual },
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func currentAnswers(x flows.Export) map[string]string {
	if x.Current == nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range x.Current.Answers {
		if !strings.HasSuffix(k, "_prompt_text") {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func currentStarted(x flows.Export) time.Time {
	if x.Current == nil {
		return time.Time{}
	}
	return x.Current.Started
}

// stateFields lists the fields of State, and of State.Schedule as "Schedule.<field>".
func stateFields() []string {
	var out []string
	st := reflect.TypeOf(flows.State{})
	for i := range st.NumField() {
		f := st.Field(i)
		if f.Name != "Schedule" {
			out = append(out, f.Name)
			continue
		}
		for j := range f.Type.NumField() {
			out = append(out, "Schedule."+f.Type.Field(j).Name)
		}
	}
	return out
}

// TestExportHoldsEveryKeyTheStoreHolds reads every key the store holds for a client after a
// full journey and checks that the export has all of it: every field of the state, every
// history entry, and no key of a kind the export does not know.
func TestExportHoldsEveryKeyTheStoreHolds(t *testing.T) {
	e, st, srv := newEngine(t, flows.Options{})
	c := fullFlows(t, e, "whole")
	c.send("/session")
	c.send("Thursday 10:00")
	c.press("A day before")
	c.press("Yes, 3 hours after")
	c.send("/pause until 2027-01-06")
	c.send("/checkin") // a conversation in progress
	c.press("3")
	x := exportOf(t, c)

	ctx := context.Background()
	keys, err := srv.Client().Keys(ctx, "*{console:whole}*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		t.Fatal("the store holds no key for the client")
	}
	for _, k := range keys {
		switch {
		case strings.HasSuffix(k, ":state"):
			snap, err := st.Load(ctx, c.user, "")
			if err != nil {
				t.Fatal(err)
			}
			state := decodedFull(t, snap.State)
			for _, field := range stateFields() {
				get, ok := exported[field]
				if !ok {
					t.Errorf("State.%s is kept but not in the export (add it to Export and to the table above)", field)
					continue
				}
				kept, inExport := get(state, x)
				if diff := cmp.Diff(kept, inExport); diff != "" {
					t.Errorf("State.%s differs in the export (-kept +export):\n%s", field, diff)
				}
			}
		case strings.HasSuffix(k, ":entries"):
			recs, err := st.Entries(ctx, c.user)
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != len(x.Entries) {
				t.Fatalf("the store holds %d entries, the export %d", len(recs), len(x.Entries))
			}
			for i, r := range recs {
				kept, err := flows.DecodeEntry(r)
				if err != nil {
					t.Fatal(err)
				}
				got := x.Entries[i]
				for k := range got.Answers {
					if strings.HasSuffix(k, "_prompt_text") {
						delete(got.Answers, k)
					}
				}
				if diff := cmp.Diff(kept, got); diff != "" {
					t.Errorf("entry %d differs in the export (-kept +export):\n%s", i, diff)
				}
				if kept.Locale == "" {
					t.Errorf("entry %d does not keep the language it was asked in", i)
				}
			}
		default:
			t.Errorf("the store holds %s, which the export does not cover", k)
		}
	}
	// The JSON says the settings in the open, for a person reading it.
	raw, _ := json.Marshal(x)
	for _, w := range []string{`"checkin":"Sunday 19:00"`, `"appointment_described":"every Thursday at 10:00"`, `"paused_until":"2027-01-05T23:00:00Z"`, `"prep_hours":24`, `"reflect_hours":3`} {
		if !strings.Contains(string(raw), w) {
			t.Errorf("export JSON lacks %s", w)
		}
	}
}

func decodedFull(t *testing.T, b []byte) flows.State {
	t.Helper()
	return *mustState(t, b)
}

// TestExportKeepsTheQuestionAsAsked: an answer given in English stays under its English
// question after the client switches to German, and the Markdown shows no internal keys.
func TestExportKeepsTheQuestionAsAsked(t *testing.T) {
	e, _ := newMemEngine(t, flows.Options{})
	c := onboarded(t, e, "asked")
	c.send("/reflect")
	c.press("4")
	c.press("3")
	c.press("4")
	c.send("/skip")
	c.press("Yes")
	c.send("She looked at the clock")
	c.send("/skip")
	c.send("/language")
	c.press("Deutsch")
	outs := c.send("/export")
	var md string
	for _, o := range outs {
		if o.File != nil && o.File.MIME == "text/markdown" {
			md = string(o.File.Data)
		}
	}
	for _, w := range []string{
		"# Meine Interlude-Daten", "## Meine Einstellungen", "Nach einer Stunde",
		"**“We worked on what matters to me.”**\n\n3",
		"**Was there a moment that felt off, when you felt misunderstood, rushed or not heard?**\n\nYes",
		"Check-ins: sonntags um 19:00\n", "Meine Stunden: jeden Donnerstag um 10:00\n",
	} {
		if !strings.Contains(md, w) {
			t.Errorf("Markdown export lacks %q:\n%s", w, md)
		}
	}
	for _, w := range []string{"felt_off", "**feeling**", "— checkin", "off_moment", "_prompt"} {
		if strings.Contains(md, w) {
			t.Errorf("Markdown export shows the internal %q:\n%s", w, md)
		}
	}
}
