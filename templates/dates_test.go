package templates

import (
	"testing"
	"time"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestDates writes instants around Paris's DST changes (last Sunday of
// March and of October, at 01:00 UTC) and in other zones.
func TestDates(t *testing.T) {
	paris, cayenne, reunion := zone(t, "Europe/Paris"), zone(t, "America/Cayenne"), zone(t, "Indian/Reunion")
	for _, c := range []struct {
		name        string
		at          time.Time
		loc         *time.Location
		long, short string
	}{
		{"winter", time.Date(2026, 11, 26, 9, 14, 3, 0, time.UTC), paris,
			"jeudi 26 novembre 2026 à 10\u00a0h\u00a014", "26/11/2026 10:14"},
		{"summer", time.Date(2026, 7, 14, 8, 0, 0, 0, time.UTC), paris,
			"mardi 14 juillet 2026 à 10\u00a0h\u00a000", "14/07/2026 10:00"},
		{"before the spring change", time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC), paris,
			"dimanche 29 mars 2026 à 1\u00a0h\u00a030", "29/03/2026 01:30"},
		{"after the spring change", time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), paris,
			"dimanche 29 mars 2026 à 3\u00a0h\u00a030", "29/03/2026 03:30"},
		{"before the autumn change", time.Date(2026, 10, 25, 0, 30, 0, 0, time.UTC), paris,
			"dimanche 25 octobre 2026 à 2\u00a0h\u00a030", "25/10/2026 02:30"},
		{"after the autumn change", time.Date(2026, 10, 25, 1, 30, 0, 0, time.UTC), paris,
			"dimanche 25 octobre 2026 à 2\u00a0h\u00a030", "25/10/2026 02:30"},
		{"first of the month", time.Date(2026, 12, 1, 8, 5, 0, 0, time.UTC), paris,
			"mardi 1er décembre 2026 à 9\u00a0h\u00a005", "01/12/2026 09:05"},
		{"new year in Paris, not yet in UTC", time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), paris,
			"vendredi 1er janvier 2027 à 0\u00a0h\u00a030", "01/01/2027 00:30"},
		{"Cayenne", time.Date(2026, 11, 26, 9, 14, 0, 0, time.UTC), cayenne,
			"jeudi 26 novembre 2026 à 6\u00a0h\u00a014", "26/11/2026 06:14"},
		{"Réunion", time.Date(2026, 11, 26, 21, 0, 0, 0, time.UTC), reunion,
			"vendredi 27 novembre 2026 à 1\u00a0h\u00a000", "27/11/2026 01:00"},
		{"no zone is UTC", time.Date(2026, 11, 26, 9, 14, 0, 0, paris), nil,
			"jeudi 26 novembre 2026 à 8\u00a0h\u00a014", "26/11/2026 08:14"},
		{"zero", time.Time{}, paris, "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := LongDate(c.at, c.loc); got != c.long {
				t.Errorf("LongDate(%v) = %q, want %q", c.at, got, c.long)
			}
			if got := ShortDate(c.at, c.loc); got != c.short {
				t.Errorf("ShortDate(%v) = %q, want %q", c.at, got, c.short)
			}
		})
	}
}

func TestZone(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"Europe/Paris", "heure de Paris"},
		{"America/Cayenne", "heure de Cayenne"},
		{"Indian/Reunion", "heure de la Réunion"},
		{"Pacific/Noumea", "heure de Nouméa"},
		{"America/Argentina/Buenos_Aires", "heure de Buenos Aires"},
		{"UTC", "UTC"},
		{"Etc/UTC", "UTC"},
		{"Etc/GMT+3", "UTC-03:00"},
		{"Etc/GMT-14", "UTC+14:00"},
		{"CET", "CET"},
	} {
		if got := Zone(zone(t, c.name)); got != c.want {
			t.Errorf("Zone(%s) = %q, want %q", c.name, got, c.want)
		}
	}
	if got := Zone(nil); got != "UTC" {
		t.Errorf("Zone(nil) = %q, want UTC", got)
	}
	at := time.Date(2026, 11, 26, 9, 14, 0, 0, time.UTC)
	if got, want := LongDateZone(at, zone(t, "Europe/Paris")), "jeudi 26 novembre 2026 à 10\u00a0h\u00a014 (heure de Paris)"; got != want {
		t.Errorf("LongDateZone = %q, want %q", got, want)
	}
	if got := LongDateZone(time.Time{}, nil); got != "" {
		t.Errorf("LongDateZone(zero) = %q, want \"\"", got)
	}
}
