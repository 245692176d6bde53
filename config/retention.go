package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Retention is GUICHET_RETENTION: how long after a ticket is closed its
// personal data is kept. Years, months and days are calendar units
// (AddDate: 3y after 29 February is 1 March), so that "3y" means what a
// retention schedule says; the Go forms (2160h) are exact durations. The
// zero value is off.
type Retention struct {
	Years, Months, Days int
	Exact               time.Duration
}

// On reports whether a retention period is set.
func (r Retention) On() bool { return r != Retention{} }

// Cutoff is the moment before which a ticket closed has outlived the
// period, seen at now.
func (r Retention) Cutoff(now time.Time) time.Time {
	return now.AddDate(-r.Years, -r.Months, -r.Days).Add(-r.Exact)
}

func (r Retention) String() string {
	switch {
	case !r.On():
		return "off"
	case r.Exact != 0:
		return r.Exact.String()
	case r.Years != 0:
		return strconv.Itoa(r.Years) + "y"
	case r.Months != 0:
		return strconv.Itoa(r.Months) + "mo"
	}
	return strconv.Itoa(r.Days) + "d"
}

// ParseRetention reads "off", "3y", "18mo", "400d" or a Go duration.
func ParseRetention(v string) (Retention, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "off" || v == "" {
		return Retention{}, nil
	}
	for _, u := range []struct {
		suffix string
		set    func(*Retention, int)
	}{
		{"mo", func(r *Retention, n int) { r.Months = n }},
		{"y", func(r *Retention, n int) { r.Years = n }},
		{"d", func(r *Retention, n int) { r.Days = n }},
	} {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			n, err := strconv.Atoi(num)
			if err != nil || n <= 0 {
				break
			}
			var r Retention
			u.set(&r, n)
			return r, nil
		}
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return Retention{}, fmt.Errorf("not off, a number of years, months or days (3y, 18mo, 400d) or a duration: %q", v)
	}
	return Retention{Exact: d}, nil
}
