package config

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"guichet/calendar"
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
// are offsets from local midnight, End at most 24h. The calendar package
// parses it, so that the file and the arithmetic read hours alike.
type OpenHours = calendar.Hours

// Options is the business calendar these settings describe in loc, for
// calendar.New.
func (c *Calendar) Options(loc *time.Location) calendar.Options {
	o := calendar.Options{Location: loc, Open: c.Open, Holidays: c.Holidays}
	for _, t := range c.Closed {
		o.Closed = append(o.Closed, calendar.DateOf(t))
	}
	return o
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

func (d *fileDecoder) calendar(p toml.Primitive) *Calendar {
	var f calendarFile
	if err := d.md.PrimitiveDecode(p, &f); err != nil {
		d.typeFail([]string{"calendar"}, -1, err)
		return nil
	}
	line := func(key string) int { return lineOf(d.lines, []string{"calendar", key}, -1, 0) }
	c := &Calendar{Holidays: cmp.Or(f.Holidays, calendar.HolidaysFR)}
	if sets := calendar.HolidaySets(); !slices.Contains(sets, c.Holidays) {
		d.fail(line("holidays"), "calendar.holidays: want one of %s, not %q", strings.Join(sets, ", "), f.Holidays)
	}
	for _, s := range f.Open {
		h, err := calendar.ParseHours(s)
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
