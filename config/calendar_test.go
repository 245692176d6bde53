package config

import (
	"testing"
	"time"

	"guichet/calendar"
)

// TestCalendarOptions: the file's [calendar] builds a calendar whose
// closed days are the dates written, whatever the zone.
func TestCalendarOptions(t *testing.T) {
	path := writeFile(t, `
[calendar]
open = ["lun-ven 08:30-12:30", "lun-ven 13:30-18:00"]
closed = ["2026-12-24"]
`)
	c, err := load(t, map[string]string{"GUICHET_CONFIG": path})
	if err != nil {
		t.Fatal(err)
	}
	for _, zone := range []string{"Europe/Paris", "America/New_York", "Pacific/Auckland"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		cal, err := calendar.New(c.Calendar.Options(loc))
		if err != nil {
			t.Fatalf("calendar.New: %v", err)
		}
		if cal.BusinessDay(calendar.Date{Year: 2026, Month: 12, Day: 24}) || !cal.BusinessDay(calendar.Date{Year: 2026, Month: 12, Day: 23}) {
			t.Errorf("%s: 24 December should be the only one closed", zone)
		}
		if _, ok := cal.Holiday(calendar.Date{Year: 2026, Month: 5, Day: 14}); !ok {
			t.Errorf("%s: French holidays should apply by default", zone)
		}
	}
}
