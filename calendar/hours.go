package calendar

import (
	"cmp"
	"fmt"
	"strings"
	"time"
)

// Hours is one span of opening hours on some weekdays. Start and End are
// wall-clock times of the calendar's zone written as offsets from local
// midnight, 0 <= Start < End <= 24h.
type Hours struct {
	Days       []time.Weekday
	Start, End time.Duration
}

// weekdays are the French day names the calendar is written with.
var weekdays = map[string]time.Weekday{"lun": time.Monday, "mar": time.Tuesday, "mer": time.Wednesday,
	"jeu": time.Thursday, "ven": time.Friday, "sam": time.Saturday, "dim": time.Sunday}

// ParseHours reads one opening-hours entry of the configuration:
// "lun-ven 08:30-12:30" (a range of days, wrapping past Sunday as in
// "sam-lun"), "sam 09:00-12:00" (a single day) or "24/7" (every day,
// 00:00-24:00). Times are "HH:MM", "24:00" allowed as an end.
func ParseHours(s string) (Hours, error) {
	if strings.TrimSpace(s) == "24/7" {
		return Hours{Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, End: 24 * time.Hour}, nil
	}
	bad := fmt.Errorf(`want days and hours such as "lun-ven 08:30-12:30" or "24/7", not %q`, s)
	days, hours, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return Hours{}, bad
	}
	from, to, _ := strings.Cut(strings.ToLower(days), "-")
	first, ok1 := weekdays[from]
	last, ok2 := weekdays[cmp.Or(to, from)]
	start, end, _ := strings.Cut(strings.TrimSpace(hours), "-")
	a, err1 := clock(start)
	b, err2 := clock(end)
	if !ok1 || !ok2 || err1 != nil || err2 != nil || a >= b {
		return Hours{}, bad
	}
	h := Hours{Start: a, End: b}
	for d := first; ; d = (d + 1) % 7 {
		h.Days = append(h.Days, d)
		if d == last {
			return h, nil
		}
	}
}

// clock reads "08:30" (or "24:00") as an offset from midnight: exactly
// two digits, a colon, two digits.
func clock(s string) (time.Duration, error) {
	digit := func(i int) (int, bool) { return int(s[i] - '0'), s[i] >= '0' && s[i] <= '9' }
	if len(s) != 5 || s[2] != ':' {
		return 0, fmt.Errorf("not a time: %q", s)
	}
	h1, ok1 := digit(0)
	h2, ok2 := digit(1)
	m1, ok3 := digit(3)
	m2, ok4 := digit(4)
	h, m := h1*10+h2, m1*10+m2
	if !ok1 || !ok2 || !ok3 || !ok4 || m > 59 || h*60+m > 24*60 {
		return 0, fmt.Errorf("not a time: %q", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}
