package flows

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/interlude-bot/interlude/when"
)

// Dates and times as the client reads them: in their zone and their language.

// date formats a day in the client's zone and language: "26 Nov", "26. November" (with the
// year when it is not this year's).
func (t *turn) date(at time.Time) string {
	at = at.In(t.zone())
	months := strings.Fields(t.str("months"))
	m := at.Month().String()[:3]
	if len(months) == 12 {
		m = months[at.Month()-1]
	}
	s := fill(t.str("date_format"), map[string]string{"day": strconv.Itoa(at.Day()), "month": m})
	if at.Year() != t.now.In(t.zone()).Year() {
		s += " " + strconv.Itoa(at.Year())
	}
	return s
}

// whenText says when a time is, relative to now, in the client's zone and language:
// "today at 10:00", "tomorrow at 10:00" or "on 3 Dec at 10:00".
func (t *turn) whenText(at time.Time) string {
	loc := t.zone()
	local, now := at.In(loc), t.now.In(loc)
	clock := local.Format("15:04")
	dayDiff := civilDay(local) - civilDay(now)
	switch dayDiff {
	case 0:
		return fill(t.str("today_at"), map[string]string{"time": clock})
	case 1:
		return fill(t.str("tomorrow_at"), map[string]string{"time": clock})
	}
	return fill(t.str("on_day_at"), map[string]string{"day": t.weekday(local.Weekday()), "date": t.date(at), "time": clock})
}

// weekday names a day of the week in the client's language ("Sunday", "Sonntag").
func (t *turn) weekday(d time.Weekday) string {
	if names := strings.Fields(t.str("weekdays")); len(names) == 7 {
		return names[d]
	}
	return d.String()
}

// civilDay numbers the calendar day of t's date, wherever t is, so that days can be counted.
func civilDay(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayRef names the day of a time relative to today, for "I'll skip Sunday's": "today's",
// "tomorrow's", "Sunday's".
func (t *turn) dayRef(at time.Time) string {
	local, now := at.In(t.zone()), t.now.In(t.zone())
	switch civilDay(local) - civilDay(now) {
	case 0:
		return t.str("skip_day_today")
	case 1:
		return t.str("skip_day_tomorrow")
	}
	return fill(t.str("skip_day_on"), map[string]string{"day": t.weekday(local.Weekday())})
}

func weeklyText(t *turn, w when.Weekly) string {
	weekdays := strings.Fields(t.str("weekly_days"))
	day := w.Day.String() + "s"
	if len(weekdays) == 7 {
		day = weekdays[w.Day]
	}
	return fill(t.str("weekly_at"), map[string]string{"day": day, "time": fmt.Sprintf("%02d:%02d", w.Hour, w.Minute)})
}
