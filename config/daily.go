package config

import (
	"fmt"
	"strings"
	"time"
)

// DailyTime is a wall-clock time of every day, "08:00"; the zero value is
// off. It is read in GUICHET_TIMEZONE by whoever schedules with it.
type DailyTime struct {
	Hour, Minute int
	Set          bool
}

// On reports whether a time is set.
func (d DailyTime) On() bool { return d.Set }

func (d DailyTime) String() string {
	if !d.Set {
		return "off"
	}
	return fmt.Sprintf("%02d:%02d", d.Hour, d.Minute)
}

// Next is the first such time in loc strictly after now. On a day whose
// time does not exist (a clock change), time.Date normalises it.
func (d DailyTime) Next(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	t := time.Date(l.Year(), l.Month(), l.Day(), d.Hour, d.Minute, 0, 0, loc)
	if !t.After(now) {
		t = time.Date(l.Year(), l.Month(), l.Day()+1, d.Hour, d.Minute, 0, 0, loc)
	}
	return t
}

// ParseDailyTime reads "off" or "HH:MM" (24-hour clock, "8:00" too).
func ParseDailyTime(v string) (DailyTime, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "off" || v == "" {
		return DailyTime{}, nil
	}
	t, err := time.Parse("15:04", v)
	if err != nil {
		return DailyTime{}, fmt.Errorf("not off or a time of day such as 08:00: %q", v)
	}
	return DailyTime{Hour: t.Hour(), Minute: t.Minute(), Set: true}, nil
}
