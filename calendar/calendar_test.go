package calendar

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func loadZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

// build returns the calendar of opening-hours entries as the
// configuration writes them.
func build(t testing.TB, loc *time.Location, holidays string, open []string, closed ...Date) *Calendar {
	t.Helper()
	o := Options{Location: loc, Holidays: holidays, Closed: closed}
	for _, s := range open {
		h, err := ParseHours(s)
		if err != nil {
			t.Fatalf("ParseHours(%q): %v", s, err)
		}
		o.Open = append(o.Open, h)
	}
	c, err := New(o)
	if err != nil {
		t.Fatalf("New(%+v): %v", o, err)
	}
	return c
}

// office is the spec's example: weekdays with a lunch break.
var office = []string{"lun-ven 08:30-12:30", "lun-ven 13:30-18:00"}

// at reads "2006-01-02 15:04" in loc.
func at(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestEaster(t *testing.T) {
	for _, want := range []Date{
		{2026, 4, 5}, {2027, 3, 28}, {2028, 4, 16}, {2029, 4, 1}, {2030, 4, 21},
		{1818, 3, 22}, {1943, 4, 25}, {2000, 4, 23}, {2008, 3, 23}, {2038, 4, 25}, {2285, 3, 22},
	} {
		if got := Easter(want.Year); got != want {
			t.Errorf("Easter(%d) = %v, want %v", want.Year, got, want)
		}
	}
}

func TestFrenchHolidays(t *testing.T) {
	// Fixed dates, then Easter Monday, Ascension and Whit Monday, and the
	// Alsace-Moselle Good Friday, per year.
	fixed := []struct {
		m    time.Month
		d    int
		name string
	}{
		{1, 1, "Jour de l’an"}, {5, 1, "Fête du Travail"}, {5, 8, "Victoire 1945"},
		{7, 14, "Fête nationale"}, {8, 15, "Assomption"}, {11, 1, "Toussaint"},
		{11, 11, "Armistice 1918"}, {12, 25, "Noël"},
	}
	movable := map[int][4]Date{ // Easter Monday, Ascension, Whit Monday, Good Friday
		2026: {{2026, 4, 6}, {2026, 5, 14}, {2026, 5, 25}, {2026, 4, 3}},
		2027: {{2027, 3, 29}, {2027, 5, 6}, {2027, 5, 17}, {2027, 3, 26}},
		2028: {{2028, 4, 17}, {2028, 5, 25}, {2028, 6, 5}, {2028, 4, 14}},
		2029: {{2029, 4, 2}, {2029, 5, 10}, {2029, 5, 21}, {2029, 3, 30}},
		2030: {{2030, 4, 22}, {2030, 5, 30}, {2030, 6, 10}, {2030, 4, 19}},
	}
	fr := build(t, time.UTC, HolidaysFR, office)
	am := build(t, time.UTC, HolidaysAlsaceMoselle, office)
	none := build(t, time.UTC, HolidaysNone, office)
	for year := 2026; year <= 2030; year++ {
		m := movable[year]
		want := []Holiday{{m[0], "Lundi de Pâques"}, {m[1], "Ascension"}, {m[2], "Lundi de Pentecôte"}}
		for _, f := range fixed {
			want = append(want, Holiday{Date{year, f.m, f.d}, f.name})
		}
		slices.SortFunc(want, func(a, b Holiday) int { return int(a.Date.days() - b.Date.days()) })
		if got := fr.Holidays(year); !slices.Equal(got, want) {
			t.Errorf("fr Holidays(%d) = %v, want %v", year, got, want)
		}
		for _, h := range want {
			for _, c := range []*Calendar{fr, am} {
				if name, ok := c.Holiday(h.Date); !ok || name != h.Name {
					t.Errorf("Holiday(%v) = %q, %v, want %q", h.Date, name, ok, h.Name)
				}
			}
			if name, ok := none.Holiday(h.Date); ok {
				t.Errorf("none: Holiday(%v) = %q, want none", h.Date, name)
			}
			if fr.BusinessDay(h.Date) {
				t.Errorf("BusinessDay(%v) = true on %s", h.Date, h.Name)
			}
		}
		extra := []Holiday{{m[3], "Vendredi saint"}, {Date{year, 12, 26}, "Saint-Étienne"}}
		for _, h := range extra {
			if name, ok := am.Holiday(h.Date); !ok || name != h.Name {
				t.Errorf("fr-alsace-moselle Holiday(%v) = %q, %v, want %q", h.Date, name, ok, h.Name)
			}
			if name, ok := fr.Holiday(h.Date); ok {
				t.Errorf("fr Holiday(%v) = %q, want none outside Alsace-Moselle", h.Date, name)
			}
		}
		if got := am.Holidays(year); len(got) != 13 {
			t.Errorf("fr-alsace-moselle Holidays(%d) = %d days, want 13", year, len(got))
		}
		easter := Easter(year)
		if name, ok := fr.Holiday(easter); ok {
			t.Errorf("Holiday(Easter Sunday %v) = %q: Sunday is not a holiday of the labour code", easter, name)
		}
	}
}

func TestAddElapsed(t *testing.T) {
	paris := loadZone(t, "Europe/Paris")
	tests := []struct {
		name     string
		cal      *Calendar
		start    string
		d        time.Duration
		want     string
		openedAt bool // whether start is within opening hours
	}{
		{"within a morning", build(t, paris, "fr", office), "2026-06-01 09:00", time.Hour, "2026-06-01 10:00", true},
		{"across the lunch break", build(t, paris, "fr", office), "2026-06-01 12:00", time.Hour, "2026-06-01 14:00", true},
		{"ends at closing time, not at the next opening", build(t, paris, "fr", office), "2026-06-01 08:30", 4 * time.Hour, "2026-06-01 12:30", true},
		{"a full day", build(t, paris, "fr", office), "2026-06-01 08:30", 8*time.Hour + 30*time.Minute, "2026-06-01 18:00", true},
		{"start before opening", build(t, paris, "fr", office), "2026-06-01 07:00", 30 * time.Minute, "2026-06-01 09:00", false},
		{"start during lunch", build(t, paris, "fr", office), "2026-06-01 12:45", 30 * time.Minute, "2026-06-01 14:00", false},
		{"start after closing", build(t, paris, "fr", office), "2026-06-01 19:00", time.Hour, "2026-06-02 09:30", false},
		{"over a weekend", build(t, paris, "fr", office), "2026-06-05 17:00", 2 * time.Hour, "2026-06-08 09:30", true},
		{"start on a Saturday", build(t, paris, "fr", office), "2026-06-06 11:00", time.Hour, "2026-06-08 09:30", false},
		{"the eve of Ascension", build(t, paris, "fr", office), "2026-05-13 16:00", 8 * time.Hour, "2026-05-15 15:30", true},
		{"Ascension ignored without holidays", build(t, paris, "none", office), "2026-05-13 16:00", 8 * time.Hour, "2026-05-14 15:30", true},
		{"Whit Monday weekend", build(t, paris, "fr", office), "2026-05-22 17:00", 2 * time.Hour, "2026-05-26 09:30", true},
		{"Good Friday in Alsace-Moselle", build(t, paris, "fr-alsace-moselle", office), "2026-04-02 17:00", 2 * time.Hour, "2026-04-07 09:30", true},
		{"Good Friday elsewhere", build(t, paris, "fr", office), "2026-04-02 17:00", 2 * time.Hour, "2026-04-03 09:30", true},
		{"a closed day before Christmas", build(t, paris, "fr", office, Date{2026, 12, 24}), "2026-12-23 17:00", 2 * time.Hour, "2026-12-28 09:30", true},
		{"26 December in Alsace-Moselle", build(t, paris, "fr-alsace-moselle", []string{"lun-sam 09:00-12:00"}), "2026-12-24 11:00", 2 * time.Hour, "2026-12-28 10:00", true},
		{"a week of business", build(t, paris, "fr", office), "2026-06-01 08:30", 5 * (8*time.Hour + 30*time.Minute), "2026-06-05 18:00", true},
		{"over New Year", build(t, paris, "fr", office), "2026-12-31 17:00", 2 * time.Hour, "2027-01-04 09:30", true},
		{"a range across the week's end", build(t, paris, "fr", []string{"sam-lun 10:00-11:00"}), "2026-06-02 10:00", 150 * time.Minute, "2026-06-08 10:30", false},

		// DST in Paris: clocks go 02:00 -> 03:00 on 2026-03-29 and
		// 03:00 -> 02:00 on 2026-10-25, both Sundays.
		{"spring weekend keeps wall-clock hours", build(t, paris, "fr", office), "2026-03-27 17:00", 2 * time.Hour, "2026-03-30 09:30", true},
		{"autumn weekend keeps wall-clock hours", build(t, paris, "fr", office), "2026-10-23 17:00", 2 * time.Hour, "2026-10-26 09:30", true},
		{"a night range loses the skipped hour", build(t, paris, "none", []string{"dim 01:00-04:00"}), "2026-03-29 01:00", 2 * time.Hour, "2026-03-29 04:00", true},
		{"a night range gains the repeated hour", build(t, paris, "none", []string{"dim 01:00-04:00"}), "2026-10-25 01:00", 3 * time.Hour, "2026-10-25 03:00", true},
		{"opening inside the skipped hour opens at the jump", build(t, paris, "none", []string{"dim 02:30-04:00"}), "2026-03-29 00:00", 30 * time.Minute, "2026-03-29 03:30", false},
		{"a day open till 23:00 over the spring change", build(t, paris, "none", []string{"lun-dim 00:00-23:00"}), "2026-03-28 22:00", 24 * time.Hour, "2026-03-30 01:00", true},

		// Round the clock is real time, across DST and holidays.
		{"24/7 over the spring change", build(t, paris, "fr", []string{"24/7"}), "2026-03-28 12:00", 24 * time.Hour, "2026-03-29 13:00", true},
		{"24/7 over the autumn change", build(t, paris, "fr", []string{"24/7"}), "2026-10-24 12:00", 24 * time.Hour, "2026-10-25 11:00", true},
		{"24/7 on Christmas", build(t, paris, "fr", []string{"24/7"}), "2026-12-25 12:00", time.Minute, "2026-12-25 12:01", true},
		{"24/7 with a closed day", build(t, paris, "fr", []string{"24/7"}, Date{2026, 12, 24}), "2026-12-23 23:00", 2 * time.Hour, "2026-12-25 01:00", true},
		{"no time", build(t, paris, "fr", office), "2026-06-06 11:00", 0, "2026-06-06 11:00", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start, want := at(t, paris, tc.start), at(t, paris, tc.want)
			if got := tc.cal.Add(start, tc.d); !got.Equal(want) {
				t.Errorf("Add(%v, %v) = %v, want %v", start, tc.d, got, want)
			}
			if got := tc.cal.Elapsed(start, want); got != tc.d {
				t.Errorf("Elapsed(%v, %v) = %v, want %v", start, want, got, tc.d)
			}
			if got := tc.cal.Open(start); got != tc.openedAt {
				t.Errorf("Open(%v) = %v, want %v", start, got, tc.openedAt)
			}
		})
	}
}

// TestAddInOtherZones covers zones whose changes fall at midnight
// (Santiago), are half an hour (Lord Howe), go the other way (Sydney),
// skip a whole day (Apia) or never happen (Tokyo).
func TestAddInOtherZones(t *testing.T) {
	tests := []struct {
		zone, open, start string
		d                 time.Duration
		want              string
	}{
		{"America/New_York", "lun-ven 09:00-17:00", "2026-03-06 16:00", 2 * time.Hour, "2026-03-09 10:00"},
		{"Asia/Tokyo", "lun-ven 09:00-17:00", "2026-03-06 16:00", 2 * time.Hour, "2026-03-09 10:00"},
		{"Australia/Sydney", "lun-dim 00:00-12:00", "2026-04-05 00:00", 12 * time.Hour, "2026-04-05 11:00"},
		{"Australia/Lord_Howe", "lun-dim 00:00-12:00", "2026-04-05 00:00", 12 * time.Hour, "2026-04-05 11:30"},
		// Chile leaves DST at midnight between 4 and 5 April 2026: the
		// hour 23:00-24:00 of the 4th happens twice: 5 h that evening.
		{"America/Santiago", "lun-dim 20:00-24:00", "2026-04-04 20:00", 6 * time.Hour, "2026-04-05 21:00"},
		// and enters it on 6 September: 00:00-01:00 does not exist.
		{"America/Santiago", "lun-dim 00:00-02:00", "2026-09-06 00:00", time.Hour, "2026-09-06 02:00"},
		// Samoa skipped 30 December 2011 altogether, going from -10 to +14.
		{"Pacific/Apia", "lun-dim 09:00-10:00", "2011-12-29 09:00", 2 * time.Hour, "2011-12-31 10:00"},
	}
	for _, tc := range tests {
		t.Run(tc.zone+" "+tc.start, func(t *testing.T) {
			loc := loadZone(t, tc.zone)
			c := build(t, loc, HolidaysNone, []string{tc.open})
			start, want := at(t, loc, tc.start), at(t, loc, tc.want)
			if got := c.Add(start, tc.d); !got.Equal(want) {
				t.Errorf("Add(%v, %v) = %v, want %v", start, tc.d, got, want)
			}
			if got := c.Elapsed(start, want); got != tc.d {
				t.Errorf("Elapsed(%v, %v) = %v, want %v", start, want, got, tc.d)
			}
		})
	}
}

// zones are those the properties are checked in.
var zones = []string{"Europe/Paris", "UTC", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "Asia/Tokyo", "Pacific/Apia"}

// TestRoundTheClockIsRealTime checks the walk itself, not the shortcut a
// 24/7 calendar takes: with a closed day long past, every day's
// 00:00-24:00 must tile time exactly, whatever the zone does.
func TestRoundTheClockIsRealTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, name := range zones {
		loc := loadZone(t, name)
		c := build(t, loc, HolidaysFR, []string{"lun-dim 00:00-12:00", "lun-dim 12:00-24:00"}, Date{1990, 1, 1})
		if c.always {
			t.Fatal("the closed day should keep the calendar off the shortcut")
		}
		for range 300 {
			from := randomInstant(rng)
			to := from.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour))))
			if got, want := c.Elapsed(from, to), to.Sub(from); got != want {
				t.Fatalf("%s: Elapsed(%v, %v) = %v, want %v", name, from, to, got, want)
			}
			if !c.Open(from) {
				t.Fatalf("%s: Open(%v) = false", name, from)
			}
		}
	}
}

func randomInstant(rng *rand.Rand) time.Time {
	lo := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	hi := time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	return time.Unix(0, lo+rng.Int64N(hi-lo))
}

func TestAddProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	calendars := [][]string{office, {"lun-ven 08:00-18:00"}, {"dim 01:00-04:00", "sam 02:30-02:45"}, {"24/7"}, {"lun-dim 00:00-23:59"}}
	for _, name := range zones {
		loc := loadZone(t, name)
		for _, open := range calendars {
			for _, closed := range [][]Date{nil, {{2026, 12, 24}, {2027, 7, 15}}} {
				c := build(t, loc, HolidaysAlsaceMoselle, open, closed...)
				for range 200 {
					s := randomInstant(rng)
					d1 := time.Duration(rng.Int64N(int64(2000 * time.Hour)))
					d2 := d1 + time.Duration(rng.Int64N(int64(100*time.Hour)))
					e1, e2 := c.Add(s, d1), c.Add(s, d2)
					if got := c.Elapsed(s, e1); got != d1 {
						t.Fatalf("%s %v: Elapsed(%v, Add(s, %v) = %v) = %v", name, open, s, d1, e1, got)
					}
					if e2.Before(e1) {
						t.Fatalf("%s %v: Add(%v, %v) = %v after Add(s, %v) = %v", name, open, s, d1, e1, d2, e2)
					}
					if d1 > 0 && !c.Open(e1.Add(-time.Nanosecond)) {
						t.Fatalf("%s %v: Add(%v, %v) = %v, not open just before", name, open, s, d1, e1)
					}
				}
			}
		}
	}
}

func TestOpen(t *testing.T) {
	paris := loadZone(t, "Europe/Paris")
	c := build(t, paris, HolidaysFR, office, Date{2026, 12, 24})
	for _, tc := range []struct {
		at   string
		want bool
	}{
		{"2026-06-01 08:29", false}, {"2026-06-01 08:30", true}, {"2026-06-01 12:29", true},
		{"2026-06-01 12:30", false}, {"2026-06-01 13:30", true}, {"2026-06-01 18:00", false},
		{"2026-06-06 10:00", false}, {"2026-05-14 10:00", false}, {"2026-12-24 10:00", false},
		{"2026-12-23 10:00", true},
	} {
		if got := c.Open(at(t, paris, tc.at)); got != tc.want {
			t.Errorf("Open(%s) = %v, want %v", tc.at, got, tc.want)
		}
	}
	if c.BusinessDay(Date{2026, 6, 6}) || !c.BusinessDay(Date{2026, 6, 5}) || c.BusinessDay(Date{2026, 12, 24}) {
		t.Error("BusinessDay: Saturday, Friday or a closed day wrong")
	}
}

// TestPausedClock shows how a caller stops the clock while a ticket
// waits for the requester: it keeps the business time used and adds
// what remains from the moment the clock runs again.
func TestPausedClock(t *testing.T) {
	paris := loadZone(t, "Europe/Paris")
	c := build(t, paris, HolidaysFR, office)
	target := 8 * time.Hour
	created := at(t, paris, "2026-06-01 09:00")
	paused := at(t, paris, "2026-06-01 11:00")  // answered: waiting for the requester
	resumed := at(t, paris, "2026-06-03 15:00") // the requester replies
	used := c.Elapsed(created, paused)
	deadline := c.Add(resumed, target-used)
	if want := at(t, paris, "2026-06-04 11:30"); !deadline.Equal(want) {
		t.Errorf("deadline = %v, want %v", deadline, want)
	}
	if got := c.Elapsed(created, paused) + c.Elapsed(resumed, deadline); got != target {
		t.Errorf("business time counted = %v, want %v", got, target)
	}
}

func TestNew(t *testing.T) {
	paris := loadZone(t, "Europe/Paris")
	weekdays := []time.Weekday{1, 2, 3, 4, 5}
	tests := []struct {
		name string
		o    Options
	}{
		{"no location", Options{Open: []Hours{{weekdays, 0, time.Hour}}, Holidays: "fr"}},
		{"never open", Options{Location: paris, Holidays: "fr"}},
		{"no day", Options{Location: paris, Open: []Hours{{nil, 0, time.Hour}}, Holidays: "fr"}},
		{"unknown holidays", Options{Location: paris, Open: []Hours{{weekdays, 0, time.Hour}}, Holidays: "be"}},
		{"no holiday set", Options{Location: paris, Open: []Hours{{weekdays, 0, time.Hour}}}},
		{"empty range", Options{Location: paris, Open: []Hours{{weekdays, time.Hour, time.Hour}}, Holidays: "fr"}},
		{"past midnight", Options{Location: paris, Open: []Hours{{weekdays, time.Hour, 25 * time.Hour}}, Holidays: "fr"}},
		{"not a weekday", Options{Location: paris, Open: []Hours{{[]time.Weekday{7}, 0, time.Hour}}, Holidays: "fr"}},
		{"a fraction of a second", Options{Location: paris, Open: []Hours{{weekdays, 0, time.Hour + 1}}, Holidays: "fr"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if c, err := New(tc.o); err == nil {
				t.Errorf("New(%+v) = %v, want an error", tc.o, c)
			}
		})
	}
	if _, err := New(Options{Location: paris, Holidays: "fr"}); !errors.Is(err, ErrNeverOpen) {
		t.Errorf("New without hours: %v, want ErrNeverOpen", err)
	}
	merged := build(t, paris, "none", []string{"lun 08:00-12:00", "lun 10:00-14:00", "lun 14:00-15:00", "lun 16:00-17:00"})
	if got, want := merged.week[time.Monday], []span{{8 * 3600, 15 * 3600}, {16 * 3600, 17 * 3600}}; !slices.Equal(got, want) {
		t.Errorf("merged ranges = %v, want %v", got, want)
	}
}

func TestParseHours(t *testing.T) {
	tests := []struct {
		in   string
		want Hours
		ok   bool
	}{
		{"lun-ven 08:30-12:30", Hours{[]time.Weekday{1, 2, 3, 4, 5}, 8*time.Hour + 30*time.Minute, 12*time.Hour + 30*time.Minute}, true},
		{"SAM 09:00-12:00", Hours{[]time.Weekday{6}, 9 * time.Hour, 12 * time.Hour}, true},
		{"sam-lun 10:00-24:00", Hours{[]time.Weekday{6, 0, 1}, 10 * time.Hour, 24 * time.Hour}, true},
		{" 24/7 ", Hours{[]time.Weekday{0, 1, 2, 3, 4, 5, 6}, 0, 24 * time.Hour}, true},
		{"lun-ven 8h-12h", Hours{}, false},
		{"lun-ven 8:30-12:30", Hours{}, false},
		{"lun-ven +8:30-12:30", Hours{}, false},
		{"lun-ven 12:30-08:30", Hours{}, false},
		{"lun-ven 08:30-24:01", Hours{}, false},
		{"lun-ven 08:60-09:00", Hours{}, false},
		{"mon-fri 08:30-12:30", Hours{}, false},
		{"lun-ven", Hours{}, false},
		{"", Hours{}, false},
	}
	for _, tc := range tests {
		got, err := ParseHours(tc.in)
		if (err == nil) != tc.ok || !slices.Equal(got.Days, tc.want.Days) || got.Start != tc.want.Start || got.End != tc.want.End {
			t.Errorf("ParseHours(%q) = %+v, %v, want %+v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"lun-ven 08:30-12:30", "24/7", "sam-lun 10:00-24:00", "dim 00:00-00:01", "lun 8:30-9:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHours(s)
		if err != nil {
			return
		}
		if len(h.Days) == 0 || len(h.Days) > 7 || h.Start < 0 || h.Start >= h.End || h.End > 24*time.Hour || h.Start%time.Minute != 0 {
			t.Fatalf("ParseHours(%q) = %+v", s, h)
		}
		if _, err := New(Options{Location: time.UTC, Open: []Hours{h}, Holidays: HolidaysFR}); err != nil {
			t.Fatalf("New refuses ParseHours(%q) = %+v: %v", s, h, err)
		}
	})
}

func TestDateArithmetic(t *testing.T) {
	for n := int64(-800_000); n <= 800_000; n += 997 {
		d := dateOf(n)
		tm := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
		if tm.Unix() != n*day || d.days() != n || d.Weekday() != tm.Weekday() {
			t.Fatalf("day %d: dateOf = %v (days %d, weekday %v), time says %v", n, d, d.days(), d.Weekday(), tm)
		}
	}
	if got := (Date{2026, 2, 30}).days(); got != (Date{2026, 3, 2}).days() {
		t.Errorf("2026-02-30 is day %d, want that of 2026-03-02", got)
	}
	if got := (Date{2026, 14, 1}); got.days() != (Date{2027, 2, 1}).days() {
		t.Errorf("month 14 of 2026 is not February 2027")
	}
}

func BenchmarkAdd(b *testing.B) {
	paris := loadZone(b, "Europe/Paris")
	c := build(b, paris, HolidaysFR, office, Date{2026, 12, 24})
	start := at(b, paris, "2026-05-13 16:00")
	for _, bc := range []struct {
		name string
		d    time.Duration
	}{
		{"8h", 8 * time.Hour},
		{"1y", 2000 * time.Hour}, // about a year of a weekday office
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c.Add(start, bc.d)
			}
		})
	}
}
