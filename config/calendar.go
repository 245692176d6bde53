package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// SLA is one service-level target ([[sla]]): for tickets of a priority,
// and of some catalogue groups when Groups is not empty, the business time
// allowed before the first public answer and before resolution
// (the workflow rules).
type SLA struct {
	Priority      string
	Groups        []int
	FirstResponse time.Duration
	Resolution    time.Duration
}

// Calendar is the business calendar ([calendar]) in which SLA deadlines
// are counted.
type Calendar struct {
	Open     []OpenHours
	Holidays string      // "fr", "fr-alsace-moselle" or "none"
	Closed   []time.Time // extra closed days, midnight UTC of each date
}

// OpenHours is one span of opening hours on some weekdays; Start and End
// are offsets from local midnight, End at most 24h.
type OpenHours struct {
	Days       []time.Weekday
	Start, End time.Duration
}

// slaFile and calendarFile are [[sla]] and [calendar] as the file writes
// them.
type slaFile struct {
	Priority      string `toml:"priority"`
	Groups        []int  `toml:"groups"`
	FirstResponse string `toml:"first_response"`
	Resolution    string `toml:"resolution"`
}

type calendarFile struct {
	Open     []string `toml:"open"`
	Holidays string   `toml:"holidays"`
	Closed   []string `toml:"closed"`
}

var priorities = []string{"low", "normal", "high", "urgent"}

func (d *fileDecoder) sla(in []slaFile) []SLA {
	out := make([]SLA, 0, len(in))
	for i, s := range in {
		line := func(key string) int { return lineOf(d.lines, []string{"sla", key}, i, 0) }
		t := SLA{Priority: s.Priority, Groups: s.Groups}
		if !slices.Contains(priorities, s.Priority) {
			d.fail(line("priority"), "sla.priority: want one of %s, not %q", strings.Join(priorities, ", "), s.Priority)
		}
		for _, f := range []struct {
			key, v string
			d      *time.Duration
		}{{"first_response", s.FirstResponse, &t.FirstResponse}, {"resolution", s.Resolution, &t.Resolution}} {
			v, err := time.ParseDuration(f.v)
			if err != nil || v <= 0 {
				d.fail(line(f.key), "sla.%s: want a positive duration such as \"8h\", not %q", f.key, f.v)
			}
			*f.d = v
		}
		out = append(out, t)
	}
	return out
}

var holidays = []string{"fr", "fr-alsace-moselle", "none"}

func (d *fileDecoder) calendar(p toml.Primitive) *Calendar {
	var f calendarFile
	if err := d.md.PrimitiveDecode(p, &f); err != nil {
		d.typeFail([]string{"calendar"}, -1, err)
		return nil
	}
	line := func(key string) int { return lineOf(d.lines, []string{"calendar", key}, -1, 0) }
	c := &Calendar{Holidays: cmp.Or(f.Holidays, "fr")}
	if !slices.Contains(holidays, c.Holidays) {
		d.fail(line("holidays"), "calendar.holidays: want one of %s, not %q", strings.Join(holidays, ", "), f.Holidays)
	}
	for _, s := range f.Open {
		h, err := parseOpenHours(s)
		if err != nil {
			d.fail(line("open"), "calendar.open: %v", err)
		}
		c.Open = append(c.Open, h)
	}
	for _, s := range f.Closed {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			d.fail(line("closed"), "calendar.closed: want a date such as \"2026-12-24\", not %q", s)
		}
		c.Closed = append(c.Closed, t)
	}
	return c
}

// weekdays are the French day names the calendar is written with.
var weekdays = map[string]time.Weekday{"lun": time.Monday, "mar": time.Tuesday, "mer": time.Wednesday,
	"jeu": time.Thursday, "ven": time.Friday, "sam": time.Saturday, "dim": time.Sunday}

// parseOpenHours reads "lun-ven 08:30-12:30", "sam 09:00-12:00" or "24/7".
func parseOpenHours(s string) (OpenHours, error) {
	if strings.TrimSpace(s) == "24/7" {
		return OpenHours{Days: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, End: 24 * time.Hour}, nil
	}
	bad := fmt.Errorf(`want days and hours such as "lun-ven 08:30-12:30" or "24/7", not %q`, s)
	days, hours, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return OpenHours{}, bad
	}
	from, to, _ := strings.Cut(strings.ToLower(days), "-")
	first, ok1 := weekdays[from]
	last, ok2 := weekdays[cmp.Or(to, from)]
	start, end, _ := strings.Cut(strings.TrimSpace(hours), "-")
	a, err1 := clock(start)
	b, err2 := clock(end)
	if !ok1 || !ok2 || err1 != nil || err2 != nil || a >= b {
		return OpenHours{}, bad
	}
	h := OpenHours{Start: a, End: b}
	for d := first; ; d = (d + 1) % 7 {
		h.Days = append(h.Days, d)
		if d == last {
			return h, nil
		}
	}
}

// clock reads "08:30" (or "24:00") as an offset from midnight.
func clock(s string) (time.Duration, error) {
	var h, m int
	if n, err := fmt.Sscanf(s, "%d:%d", &h, &m); err != nil || n != 2 || len(s) != 5 {
		return 0, fmt.Errorf("not a time: %q", s)
	}
	if h < 0 || m < 0 || m > 59 || h*60+m > 24*60 {
		return 0, fmt.Errorf("not a time: %q", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}
