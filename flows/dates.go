package flows

import (
	"strconv"
	"strings"
	"time"
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
