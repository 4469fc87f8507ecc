package flows

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/interlude-bot/interlude/when"
)

func fullState() *State {
	berlin := time.FixedZone("", 3600)
	at := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	w := when.Weekly{Day: time.Sunday, Hour: 19}
	return &State{
		Locale: "de", Zone: "Europe/Berlin", Consent: &Consent{Version: 2, At: at},
		Flow: "checkin", Step: "feeling", Ask: 41, Vars: map[string]string{"mood": "7", "feeling": "ruhig", "b": "x", "a": "y"},
		FlowAt: at, Inactive: true, Since: at, Agenda: []AgendaItem{{Text: "Grenzen", At: at, Done: true}, {Text: "Urlaub", At: at}},
		Intention: "mehr Pausen", Prompt: "rel-03", Rotation: Rotation{Next: 4, Used: []string{"rel-03", "proc-07"}},
		Schedule: Schedule{
			Checkin:     &w,
			Appointment: when.Appointment{Kind: when.KindOnce, Anchor: time.Date(2026, 12, 3, 15, 0, 0, 0, berlin)},
			PrepHours:   48, ReflectHours: -1, Paused: true, PausedUntil: at,
			Fired:   map[Reminder]time.Time{RemindCheckin: at, RemindPrepare: at.Add(time.Hour)},
			Pending: &Pending{Occurrence: at, SentAt: at, Nudged: true}, Sent: 9,
		},
		Active: at, LastUpdate: "12345", Ended: "checkin/end",
	}
}

// Every field of the state survives the store. Times come back in UTC on every host.
func TestStateRecordRoundTrip(t *testing.T) {
	want := fullState()
	b, err := encodeRecord(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeState(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state changed through the store (-want +got):\n%s", diff)
	}
	allUTC(t, reflect.ValueOf(got), "state")
	// Maps are written in a fixed order, so an unchanged state is recognised and not rewritten.
	for range 20 {
		again, _ := encodeRecord(got)
		if !bytes.Equal(again, b) {
			t.Fatal("the same state encodes differently")
		}
	}
}

// allUTC fails for every non-zero time in v that is not in UTC: a state must read the same
// whatever the host's local zone.
func allUTC(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	if v.Type() == reflect.TypeFor[time.Time]() {
		if tm := v.Interface().(time.Time); !tm.IsZero() && tm.Location() != time.UTC {
			t.Errorf("%s is in %v, want UTC", path, tm.Location())
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			allUTC(t, v.Elem(), path)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			allUTC(t, v.Field(i), path+"."+v.Type().Field(i).Name)
		}
	case reflect.Slice:
		for i := range v.Len() {
			allUTC(t, v.Index(i), path)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			allUTC(t, v.MapIndex(k), path+"["+k.String()+"]")
		}
	}
}

// Stored times are whole seconds, rounded down: a reminder handled at 19:00:00.7 is still
// handled for its 19:00 occurrence.
func TestRecordTimesAreWholeSeconds(t *testing.T) {
	at := time.Date(2026, 11, 26, 19, 0, 0, 700_000_000, time.UTC)
	b, _ := encodeRecord(Entry{Flow: "checkin", Started: at, At: at})
	e, err := DecodeEntry(b)
	if err != nil {
		t.Fatal(err)
	}
	if !e.At.Equal(at.Truncate(time.Second)) || e.At.Location() != time.UTC {
		t.Errorf("at = %v, want %v", e.At, at.Truncate(time.Second))
	}
}

// Records written as JSON by earlier versions are still read, field for field.
func TestJSONRecordsOfEarlierVersionsAreRead(t *testing.T) {
	old := `{"locale":"en","zone":"Europe/Berlin","consent":{"version":1,"at":"2026-11-01T09:00:00Z"},` +
		`"flow":"checkin","step":"moment","ask":7,"vars":{"mood":"6"},"agenda":[{"text":"sleep","at":"2026-11-01T09:00:00Z"}],` +
		`"schedule":{"checkin":{"Day":0,"Hour":19,"Minute":0},"appointment":{"Kind":1,"Weekly":{"Day":2,"Hour":16,"Minute":30},"Anchor":"0001-01-01T00:00:00Z"},"fired":{"checkin":"2026-11-01T18:00:00Z"}}}`
	st, err := DecodeState([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	if st.Vars["mood"] != "6" || st.Agenda[0].Text != "sleep" || st.Schedule.Appointment.Weekly.Hour != 16 ||
		st.Schedule.Checkin.Hour != 19 || st.Consent.Version != 1 || st.Step != "moment" {
		t.Errorf("old JSON state read as %+v", st)
	}
	e, err := DecodeEntry([]byte(`{"flow":"checkin","started":"2026-11-01T09:00:00Z","at":"2026-11-01T09:05:00Z","complete":true,"answers":{"mood":"6"}}`))
	if err != nil || e.Answers["mood"] != "6" || !e.Complete {
		t.Errorf("old JSON entry read as %+v, %v", e, err)
	}
}

// What a client typed is kept even when it is not valid UTF-8 (a console, a broken client).
func TestInvalidUTF8AnswerStaysReadable(t *testing.T) {
	e := Entry{Flow: "checkin", Answers: map[string]string{"moment": "caf\xe9 \xff"}}
	b, err := encodeRecord(e)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeEntry(b)
	if err != nil {
		t.Fatalf("entry with invalid UTF-8 unreadable: %v", err)
	}
	if got.Answers["moment"] != e.Answers["moment"] {
		t.Errorf("answer = %q", got.Answers["moment"])
	}
}

// A damaged record is reported as unreadable, not as an empty state.
func TestDamagedRecordIsUnreadable(t *testing.T) {
	b, _ := encodeRecord(fullState())
	for _, bad := range [][]byte{b[:len(b)/2], {0xff, 0x00}, []byte("{broken")} {
		if _, err := DecodeState(bad); err == nil {
			t.Errorf("%x decoded without error", bad)
		}
	}
}
