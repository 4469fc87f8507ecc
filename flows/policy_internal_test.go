package flows

import (
	"testing"
	"time"
)

func TestQuietHours(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, berlin) }
	for _, tt := range []struct {
		name   string
		policy Policy
		due    time.Time
		want   time.Time
	}{
		{"default, evening", Policy{}, at(26, 22, 15), at(27, 8, 0)},
		{"default, early morning", Policy{}, at(26, 6, 0), at(26, 8, 0)},
		{"default, daytime", Policy{}, at(26, 19, 0), at(26, 19, 0)},
		{"lunch break", Policy{QuietFrom: 13 * 60, QuietTo: 14 * 60}, at(26, 13, 30), at(26, 14, 0)},
		{"lunch break, outside", Policy{QuietFrom: 13 * 60, QuietTo: 14 * 60}, at(26, 22, 30), at(26, 22, 30)},
		{"off", Policy{NoQuiet: true}, at(26, 3, 0), at(26, 3, 0)},
	} {
		if got := tt.policy.withDefaults().quietEnd(tt.due, berlin); !got.Equal(tt.want) {
			t.Errorf("%s: due %v goes out %v, want %v", tt.name, tt.due, got, tt.want)
		}
	}
}
