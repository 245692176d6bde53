package calendar_test

import (
	"fmt"
	"time"

	"guichet/calendar"
)

// A request on the eve of Ascension with 8 hours to resolve it: the
// clock stops at 18:00, skips the holiday and ends on Friday.
func ExampleCalendar_Add() {
	paris, _ := time.LoadLocation("Europe/Paris")
	var open []calendar.Hours
	for _, s := range []string{"lun-ven 08:30-12:30", "lun-ven 13:30-18:00"} {
		h, _ := calendar.ParseHours(s)
		open = append(open, h)
	}
	c, err := calendar.New(calendar.Options{Location: paris, Open: open, Holidays: calendar.HolidaysFR})
	if err != nil {
		panic(err)
	}
	start := time.Date(2026, 5, 13, 16, 0, 0, 0, paris)
	fmt.Println(c.Add(start, 8*time.Hour).Format("Mon 2006-01-02 15:04"))
	fmt.Println(c.Holiday(calendar.Date{Year: 2026, Month: 5, Day: 14}))
	// Output:
	// Fri 2026-05-15 15:30
	// Ascension true
}
