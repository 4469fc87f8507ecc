package when

import (
	"errors"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// The seed corpora are in testdata/fuzz/<FuzzName>/.

func FuzzParseZone(f *testing.F) {
	f.Add("Europe/Berlin")
	probes := []time.Time{
		time.Date(2027, 1, 15, 12, 0, 0, 0, time.UTC),
		time.Date(2027, 7, 15, 12, 0, 0, 0, time.UTC),
	}
	f.Fuzz(func(t *testing.T, s string) {
		loc, name, err := ParseZone(s)
		if err != nil {
			var ze *ZoneError
			if !errors.As(err, &ze) || !errors.Is(err, ErrUnknownZone) || ze.Input != s || len(ze.Suggestions) > 5 {
				t.Fatalf("ParseZone(%q): error %#v", s, err)
			}
			for _, z := range ze.Suggestions {
				if _, back, err := ParseZone(z); err != nil || back != z {
					t.Fatalf("ParseZone(%q) suggests %q, which parses to %q, %v", s, z, back, err)
				}
			}
			return
		}
		if loc == nil || name == "" {
			t.Fatalf("ParseZone(%q) = %v, %q", s, loc, name)
		}
		loc2, name2, err := ParseZone(name)
		if err != nil || name2 != name {
			t.Fatalf("ParseZone(%q) = %q, but ParseZone(%q) = %q, %v", s, name, name, name2, err)
		}
		for _, p := range probes {
			_, o1 := p.In(loc).Zone()
			_, o2 := p.In(loc2).Zone()
			if o1 != o2 {
				t.Fatalf("%q and %q differ at %v: %d, %d", s, name, p, o1, o2)
			}
		}
	})
}

// checkUnclearFuzz checks that err is a well-formed *UnclearError for s.
func checkUnclearFuzz(t *testing.T, s string, err error) {
	t.Helper()
	var u *UnclearError
	if !errors.As(err, &u) || !errors.Is(err, ErrUnclear) {
		t.Fatalf("%q: error %#v, want an *UnclearError", s, err)
	}
	if u.Input != s || u.Question == "" || !slices.Contains([]string{MissingTime, MissingDay, MissingDate, MissingAmbiguous, MissingPast, MissingFar, MissingGap}, u.Missing) {
		t.Fatalf("%q: %+v", s, u)
	}
	if !utf8.ValidString(u.Question) && utf8.ValidString(s) {
		t.Fatalf("%q: question is not UTF-8: %q", s, u.Question)
	}
}

func FuzzParseWeekly(f *testing.F) {
	f.Add("Sunday 19:00")
	berlin := mustZone(f, "Europe/Berlin")
	after := time.Date(2027, 3, 20, 0, 0, 0, 0, berlin)
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWeekly(s)
		if err != nil {
			checkUnclearFuzz(t, s, err)
			return
		}
		if !w.valid() {
			t.Fatalf("ParseWeekly(%q) = %+v, out of range", s, w)
		}
		if back, err := ParseWeekly(w.String()); err != nil || back != w {
			t.Fatalf("ParseWeekly(%q) = %v, but ParseWeekly(%q) = %+v, %v", s, w, w.String(), back, err)
		}
		next := w.Next(after, berlin)
		if !next.After(after) || next.Sub(after) > 7*24*time.Hour+time.Hour {
			t.Fatalf("%v.Next(%v) = %v", w, after, next)
		}
	})
}

func FuzzParseAppointment(f *testing.F) {
	f.Add("every other tuesday 6:30pm")
	berlin := mustZone(f, "Europe/Berlin")
	now := time.Date(2027, 3, 20, 12, 0, 0, 0, berlin)
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAppointment(s, now, berlin)
		if err != nil {
			checkUnclearFuzz(t, s, err)
			return
		}
		switch a.Kind {
		case KindNone:
			if a != (Appointment{}) {
				t.Fatalf("ParseAppointment(%q) = %+v", s, a)
			}
		case KindWeekly:
			if !a.Weekly.valid() || !a.Anchor.IsZero() {
				t.Fatalf("ParseAppointment(%q) = %+v", s, a)
			}
		case KindBiweekly:
			// The Anchor is an occurrence, and so is every second week from it.
			first, ok := a.Next(a.Anchor.Add(-time.Nanosecond), berlin)
			second, _ := a.Next(first, berlin)
			if !a.Weekly.valid() || !ok || !first.Equal(a.Anchor) || civilDays(second)-civilDays(first) != 14 {
				t.Fatalf("ParseAppointment(%q) = %+v; occurrences %v, %v", s, a, first, second)
			}
		case KindOnce:
			if next, ok := a.Next(now, berlin); !ok || !next.Equal(a.Anchor) || !a.Weekly.valid() {
				t.Fatalf("ParseAppointment(%q) = %+v, but Next(now) = %v, %v", s, a, next, ok)
			}
		default:
			t.Fatalf("ParseAppointment(%q): kind %v", s, a.Kind)
		}
		for _, locale := range []string{"en", "de"} {
			text := a.Describe(locale)
			back, err := ParseAppointment(text, now, berlin)
			if diff := cmp.Diff(a, back, instant); err != nil || diff != "" {
				t.Fatalf("ParseAppointment(%q) = %+v, described as %q, which parses to error %v, -want +got:\n%s", s, a, text, err, diff)
			}
		}
	})
}
