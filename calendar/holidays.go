package calendar

import (
	"slices"
	"time"
)

// The holiday sets a calendar can follow.
const (
	// HolidaysFR are the eleven public holidays of the French labour code
	// (Code du travail, art. L3133-1).
	HolidaysFR = "fr"
	// HolidaysAlsaceMoselle adds Good Friday and 26 December, public
	// holidays in Bas-Rhin, Haut-Rhin and Moselle (art. L3134-13).
	HolidaysAlsaceMoselle = "fr-alsace-moselle"
	// HolidaysNone closes on no public holiday.
	HolidaysNone = "none"
)

// HolidaySets lists the names Options.Holidays accepts.
func HolidaySets() []string {
	return []string{HolidaysFR, HolidaysAlsaceMoselle, HolidaysNone}
}

// Holiday is one public holiday, named in French.
type Holiday struct {
	Date Date
	Name string
}

// holiday is a holiday rule: either a fixed date, or an offset in days
// from Easter Sunday.
type holiday struct {
	month  time.Month
	day    int // fixed date when month != 0
	easter int // days after Easter Sunday otherwise
	name   string
}

var (
	holidaysFR = []holiday{
		{month: time.January, day: 1, name: "Jour de l’an"},
		{easter: 1, name: "Lundi de Pâques"},
		{month: time.May, day: 1, name: "Fête du Travail"},
		{month: time.May, day: 8, name: "Victoire 1945"},
		{easter: 39, name: "Ascension"},
		{easter: 50, name: "Lundi de Pentecôte"},
		{month: time.July, day: 14, name: "Fête nationale"},
		{month: time.August, day: 15, name: "Assomption"},
		{month: time.November, day: 1, name: "Toussaint"},
		{month: time.November, day: 11, name: "Armistice 1918"},
		{month: time.December, day: 25, name: "Noël"},
	}
	holidaysAlsaceMoselle = append(slices.Clone(holidaysFR),
		holiday{easter: -2, name: "Vendredi saint"},
		holiday{month: time.December, day: 26, name: "Saint-Étienne"},
	)
)

// rules returns the holiday rules of a set, or false for an unknown set.
func rules(set string) ([]holiday, bool) {
	switch set {
	case HolidaysFR:
		return holidaysFR, true
	case HolidaysAlsaceMoselle:
		return holidaysAlsaceMoselle, true
	case HolidaysNone:
		return nil, true
	}
	return nil, false
}

// Easter returns the date of Easter Sunday of a Gregorian year, by the
// anonymous Gregorian algorithm (Meeus, Astronomical Algorithms, ch. 8),
// exact for every year from 1583 on.
func Easter(year int) Date {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	return Date{year, time.Month((h + l - 7*m + 114) / 31), (h+l-7*m+114)%31 + 1}
}

// holidaysOf returns the holidays of rules in year, in date order.
func holidaysOf(rules []holiday, year int) []Holiday {
	if len(rules) == 0 {
		return nil
	}
	easter := Easter(year).days()
	out := make([]Holiday, 0, len(rules))
	for _, r := range rules {
		d := Date{year, r.month, r.day}
		if r.month == 0 {
			d = dateOf(easter + int64(r.easter))
		}
		out = append(out, Holiday{d, r.name})
	}
	slices.SortFunc(out, func(a, b Holiday) int { return int(a.Date.days() - b.Date.days()) })
	return out
}

// holidayDays appends to buf the day numbers of the holidays of rules in
// year: the allocation-free form the walk of Add and Elapsed checks.
func holidayDays(buf []int64, rules []holiday, year int) []int64 {
	buf = buf[:0]
	if len(rules) == 0 {
		return buf
	}
	easter := Easter(year).days()
	for _, r := range rules {
		if r.month == 0 {
			buf = append(buf, easter+int64(r.easter))
		} else {
			buf = append(buf, Date{year, r.month, r.day}.days())
		}
	}
	return buf
}
