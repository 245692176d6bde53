package templates

import (
	"fmt"
	"strings"
	"time"
)

// The one French way of writing an instant, shared by the mail, the web
// pages and the terminal so that a date reads the same everywhere. Every
// function takes the zone to write in (GUICHET_TIMEZONE): the stored
// instants are UTC, and a person in Paris or Cayenne reads local time.

var (
	weekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	months   = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"}
)

// LongDate writes t in loc as prose: « jeudi 26 novembre 2026 à 9 h 14 ».
// French usage: names in lower case, no leading zero on the day or the
// hour, « 1er » for the first of the month, « h » between hours and
// minutes with no-break spaces so the time never splits across lines. The
// zone is not written: see Zone. The zero time gives "".
func LongDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(orUTC(loc))
	day := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %s %d à %d\u00a0h\u00a0%02d", weekdays[t.Weekday()], day, months[t.Month()-1],
		t.Year(), t.Hour(), t.Minute())
}

// LongDateZone is LongDate followed by the zone in parentheses,
// « jeudi 26 novembre 2026 à 10 h 14 (heure de Paris) », for a date read
// alone by someone who may live elsewhere (a requester, a link's expiry).
func LongDateZone(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return LongDate(t, loc) + " (" + Zone(loc) + ")"
}

// ShortDate writes t in loc for a table column: « 26/11/2026 10:14 », the
// French day/month/year order, zero-padded so that the column aligns.
func ShortDate(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(orUTC(loc)).Format("02/01/2006 15:04")
}

// overseas spells the French zones whose IANA city is not the French name
// of the place (accents, « la »).
var overseas = map[string]string{
	"Indian/Reunion":        "la Réunion",
	"America/Guadeloupe":    "la Guadeloupe",
	"America/Martinique":    "la Martinique",
	"America/Miquelon":      "Saint-Pierre-et-Miquelon",
	"America/St_Barthelemy": "Saint-Barthélemy",
	"America/Marigot":       "Saint-Martin",
	"Pacific/Noumea":        "Nouméa",
	"Pacific/Wallis":        "Wallis-et-Futuna",
	"Pacific/Marquesas":     "Marquises",
}

// Zone names loc for a French reader: « heure de Paris », « heure de la
// Réunion », from the city of its IANA name; « UTC » for UTC; a zone
// without a city (Etc/GMT+3, CET) by its name or its offset.
func Zone(loc *time.Location) string {
	name := orUTC(loc).String()
	if fr, ok := overseas[name]; ok {
		return "heure de " + fr
	}
	switch {
	case name == "UTC" || name == "Etc/UTC" || name == "Etc/UCT" || name == "UCT" || name == "Zulu" || name == "Etc/Zulu":
		return "UTC"
	case strings.HasPrefix(name, "Etc/"):
		// Fixed offsets, whose POSIX names have the sign backwards
		// (Etc/GMT+3 is three hours behind): write the real offset.
		_, off := time.Unix(0, 0).In(loc).Zone()
		return fmt.Sprintf("UTC%+03d:%02d", off/3600, abs(off%3600)/60)
	case !strings.Contains(name, "/"):
		return name
	}
	return "heure de " + strings.ReplaceAll(name[strings.LastIndexByte(name, '/')+1:], "_", " ")
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// orUTC keeps a nil zone from panicking: callers whose zone is not
// configured write UTC, which Zone then says.
func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}
