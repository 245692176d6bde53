package calendar

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// ErrNeverOpen is returned by New for opening hours that open on no day
// of the week: no deadline could ever be reached in such a calendar.
var ErrNeverOpen = errors.New("calendar: open on no day of the week")

// Options describe a calendar.
type Options struct {
	// Location is the zone in which opening hours are wall-clock times and
	// holidays are dates (Europe/Paris for a French centre).
	Location *time.Location
	// Open are the opening hours; ranges of one day may overlap or touch,
	// they are merged.
	Open []Hours
	// Holidays names a holiday set: HolidaysFR, HolidaysAlsaceMoselle or
	// HolidaysNone. It does not apply to a calendar open round the clock.
	Holidays string
	// Closed are extra closed days.
	Closed []Date
}

// Calendar is a business calendar: opening hours per weekday in a zone,
// closed on public holidays and on listed days. It is immutable and safe
// for concurrent use.
type Calendar struct {
	loc    *time.Location
	week   [7][]span // merged opening ranges per weekday, in date order
	rules  []holiday // the holiday set's rules; none when always open
	closed []int64   // day numbers of the closed days, sorted
	always bool      // round the clock with no closed day: business time is real time
}

// span is an opening range of a day, in seconds from local midnight.
type span struct{ start, end int64 }

const day = 24 * 60 * 60 // seconds in a civil day, the unit of wall-clock day numbers

// New checks o and returns its calendar. It refuses a nil location, an
// unknown holiday set, a range outside 00:00-24:00, empty or not in whole
// seconds, and opening hours that open on no day (ErrNeverOpen).
func New(o Options) (*Calendar, error) {
	if o.Location == nil {
		return nil, errors.New("calendar: no location")
	}
	c := &Calendar{loc: o.Location}
	for _, h := range o.Open {
		if h.Start < 0 || h.End > 24*time.Hour || h.Start >= h.End || h.Start%time.Second != 0 || h.End%time.Second != 0 {
			return nil, fmt.Errorf("calendar: opening hours %v-%v: want whole seconds with 0 <= start < end <= 24h", h.Start, h.End)
		}
		for _, d := range h.Days {
			if d < time.Sunday || d > time.Saturday {
				return nil, fmt.Errorf("calendar: opening hours on day %d: not a weekday", d)
			}
			c.week[d] = append(c.week[d], span{int64(h.Start / time.Second), int64(h.End / time.Second)})
		}
	}
	always := true
	for d := range c.week {
		c.week[d] = merge(c.week[d])
		always = always && len(c.week[d]) == 1 && c.week[d][0] == span{0, day}
	}
	if slices.IndexFunc(c.week[:], func(s []span) bool { return len(s) > 0 }) < 0 {
		return nil, ErrNeverOpen
	}
	rules, ok := rules(o.Holidays)
	if !ok {
		return nil, fmt.Errorf("calendar: holidays %q: want one of %v", o.Holidays, HolidaySets())
	}
	// A desk open round the clock does not close on public holidays: that
	// is what "24/7" means, whatever holiday set goes with it.
	if !always {
		c.rules = rules
	}
	for _, d := range o.Closed {
		c.closed = append(c.closed, d.days())
	}
	slices.Sort(c.closed)
	c.always = always && len(c.closed) == 0
	return c, nil
}

// merge sorts ranges and joins those that overlap or touch.
func merge(ss []span) []span {
	slices.SortFunc(ss, func(a, b span) int { return int(a.start - b.start) })
	out := ss[:0]
	for _, s := range ss {
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// Location is the calendar's zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Date is the date t shows in the calendar's zone.
func (c *Calendar) Date(t time.Time) Date { return DateOf(t.In(c.loc)) }

// Holiday returns the French name of the public holiday on d, if d is
// one that closes the calendar (none does when it is open round the
// clock).
func (c *Calendar) Holiday(d Date) (name string, ok bool) {
	for _, h := range c.Holidays(d.Year) {
		if h.Date == dateOf(d.days()) {
			return h.Name, true
		}
	}
	return "", false
}

// Holidays returns the public holidays of year that close the calendar,
// in date order; none for a calendar open round the clock.
func (c *Calendar) Holidays(year int) []Holiday { return holidaysOf(c.rules, year) }

// BusinessDay reports whether the calendar opens at some time on d.
func (c *Calendar) BusinessDay(d Date) bool {
	w := c.walker()
	n := d.days()
	return !w.closedDay(n) && len(c.week[weekdayOf(n)]) > 0
}

// Open reports whether t falls within opening hours.
func (c *Calendar) Open(t time.Time) bool {
	if c.always {
		return true
	}
	w := c.walker()
	n := w.dayOf(t)
	if w.closedDay(n) {
		return false
	}
	for _, s := range c.week[weekdayOf(n)] {
		a, b := w.bounds(n, s)
		if !t.Before(a) && t.Before(b) {
			return true
		}
	}
	return false
}

// Add returns the instant at which d of business time has elapsed from
// start, in start's location. Time before the first opening after start
// does not count; a deadline that falls exactly at a closing time is that
// closing time. Add returns start for d <= 0.
func (c *Calendar) Add(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start
	}
	if c.always {
		return start.Add(d)
	}
	w := c.walker()
	cur := start
	// The walk ends: New refused a week without opening hours, and
	// holidays and closed days are finitely many per year.
	for n := w.dayOf(start); ; n++ {
		if w.closedDay(n) {
			continue
		}
		for _, s := range c.week[weekdayOf(n)] {
			a, b := w.bounds(n, s)
			if !b.After(cur) {
				continue
			}
			if a.After(cur) {
				cur = a
			}
			left := b.Sub(cur)
			if d <= left {
				return cur.Add(d).In(start.Location())
			}
			d -= left
			cur = b
		}
	}
}

// Elapsed returns the business time between from and to: the length of
// their overlap with opening hours; 0 when to is not after from.
func (c *Calendar) Elapsed(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if c.always {
		return to.Sub(from)
	}
	w := c.walker()
	var sum time.Duration
	for n, last := w.dayOf(from), w.dayOf(to); n <= last; n++ {
		if w.closedDay(n) {
			continue
		}
		for _, s := range c.week[weekdayOf(n)] {
			a, b := w.bounds(n, s)
			if a.Before(from) {
				a = from
			}
			if b.After(to) {
				b = to
			}
			if b.After(a) {
				sum += b.Sub(a)
			}
		}
	}
	return sum
}

// walker carries what a walk over consecutive days reuses: the zone
// period the last instant fell in and the current year's holidays. It
// belongs to one call, so the Calendar itself stays immutable.
type walker struct {
	c                  *Calendar
	z                  zone
	yearFrom, yearTill int64     // day numbers of hol's year, [from, till)
	hol                [16]int64 // of which nhol are the year's holidays
	nhol               int
}

func (c *Calendar) walker() walker { return walker{c: c, yearFrom: 1} }

// closedDay reports whether day number n is a holiday or a closed day.
func (w *walker) closedDay(n int64) bool {
	if len(w.c.rules) > 0 {
		if n < w.yearFrom || n >= w.yearTill {
			y := dateOf(n).Year
			w.yearFrom, w.yearTill = Date{y, 1, 1}.days(), Date{y + 1, 1, 1}.days()
			w.nhol = len(holidayDays(w.hol[:0], w.c.rules, y))
		}
		if slices.Contains(w.hol[:w.nhol], n) {
			return true
		}
	}
	if len(w.c.closed) == 0 || n < w.c.closed[0] || n > w.c.closed[len(w.c.closed)-1] {
		return false
	}
	_, found := slices.BinarySearch(w.c.closed, n)
	return found
}

// dayOf is the day number of the date t shows in the calendar's zone.
func (w *walker) dayOf(t time.Time) int64 {
	_, off := t.In(w.c.loc).Zone()
	return floorDiv(t.Unix()+int64(off), day)
}

// bounds returns the instants at which opening range s of day n starts
// and ends.
func (w *walker) bounds(n int64, s span) (time.Time, time.Time) {
	return time.Unix(w.instant(n*day+s.start), 0), time.Unix(w.instant(n*day+s.end), 0)
}

// zone is a period of constant UTC offset, narrowed by a margin on each
// side: an instant u in [lo, hi) is the one and only instant showing the
// wall-clock time u+off, since no neighbouring period's offset differs by
// as much as the margin.
type zone struct{ off, lo, hi int64 }

const margin = 2 * day

// instant maps wall-clock time v (seconds from 1970-01-01 00:00 of the
// local wall clock) to the first instant at which the clock shows v or a
// later time. Within a DST gap that is the instant of the jump (02:30
// on the day clocks go from 02:00 to 03:00 is 03:00); within a repeated
// hour it is the first occurrence. The map never decreases, so the
// ranges of consecutive days never overlap and 00:00-24:00 every day
// covers every instant exactly once.
func (w *walker) instant(v int64) int64 {
	if u := v - w.z.off; u >= w.z.lo && u < w.z.hi {
		return u
	}
	w.z = w.zoneAt(v - w.z.off)
	if u := v - w.z.off; u >= w.z.lo && u < w.z.hi {
		return u
	}
	return w.nearTransition(v)
}

// zoneAt returns the zone period in effect at instant u.
func (w *walker) zoneAt(u int64) zone {
	t := time.Unix(u, 0).In(w.c.loc)
	_, off := t.Zone()
	z := zone{off: int64(off), lo: math.MinInt64, hi: math.MaxInt64}
	from, till := t.ZoneBounds()
	if !from.IsZero() {
		z.lo = from.Unix() + margin
	}
	if !till.IsZero() {
		z.hi = till.Unix() - margin
	}
	return z
}

// nearTransition is instant for a wall-clock time within two days of an
// offset change. It assumes, as every zone's rules do today, that the
// offset changes at most once within two days: the offsets a day before
// and a day after v are then the only candidates.
func (w *walker) nearTransition(v int64) int64 {
	offset := func(u int64) int64 {
		_, off := time.Unix(u, 0).In(w.c.loc).Zone()
		return int64(off)
	}
	best := int64(math.MaxInt64)
	early, late := offset(v-day), offset(v+day)
	for _, off := range []int64{early, late} {
		if u := v - off; offset(u) == off {
			best = min(best, u)
		}
	}
	if best != math.MaxInt64 {
		return best
	}
	// v is skipped by a forward jump: v - max(early, late) is before the
	// jump, whose instant ends that zone period.
	_, till := time.Unix(v-max(early, late), 0).In(w.c.loc).ZoneBounds()
	if till.IsZero() {
		return v - early
	}
	return till.Unix()
}
