package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date, without a time of day or a zone: the unit in
// which holidays and closed days are written.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date t shows in its own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// String writes the date as ISO 8601 does, "2026-05-14".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Weekday is the day of the week of d.
func (d Date) Weekday() time.Weekday { return weekdayOf(d.days()) }

// days numbers d from 1970-01-01 (day 0) in the proleptic Gregorian
// calendar; an out-of-range month or day is normalised the way time.Date
// does. The arithmetic is Howard Hinnant's days_from_civil, exact for
// every year and free of the zone lookups time.Date would make.
func (d Date) days() int64 {
	y, m := int64(d.Year), int64(d.Month)-1
	y += floorDiv(m, 12)
	m = m - floorDiv(m, 12)*12 + 1 // 1..12
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + int64(d.Day) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// dateOf is the inverse of Date.days (Hinnant's civil_from_days).
func dateOf(z int64) Date {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	y := yoe + era*400
	if m <= 2 {
		y++
	}
	return Date{int(y), time.Month(m), int(d)}
}

// weekdayOf is the weekday of day number z: day 0, 1970-01-01, was a
// Thursday.
func weekdayOf(z int64) time.Weekday {
	return time.Weekday(z - floorDiv(z+4, 7)*7 + 4)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
