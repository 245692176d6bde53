package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"guichet/templates"
)

// TestTicketsTimezone: `guichet tickets` and `guichet ticket` write local
// time, Paris by default, another zone with GUICHET_TIMEZONE, and name it;
// the JSON stays UTC whatever the zone.
func TestTicketsTimezone(t *testing.T) {
	h := newHarness(t, "")
	code, out, errs := h.run(request, "ingest")
	if code != exitOK {
		t.Fatalf("ingest = %d %q %q", code, out, errs)
	}
	number := strings.Fields(out)[0]
	code, jsonParis, _ := h.run("", "tickets", "--json")
	var list []struct {
		CreatedAt string `json:"created_at"`
	}
	if code != exitOK || json.Unmarshal([]byte(jsonParis), &list) != nil || len(list) != 1 {
		t.Fatalf("tickets --json = %d %q", code, jsonParis)
	}
	created, err := time.Parse(time.RFC3339, list[0].CreatedAt)
	if err != nil || !strings.HasSuffix(list[0].CreatedAt, "Z") {
		t.Fatalf("created_at = %q (%v), want RFC 3339 UTC", list[0].CreatedAt, err)
	}

	for _, c := range []struct {
		zone, heading, name string
	}{
		{"", "CRÉÉE LE (HEURE DE PARIS)", "Europe/Paris"},
		{"America/Cayenne", "CRÉÉE LE (HEURE DE CAYENNE)", "America/Cayenne"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h.env["GUICHET_TIMEZONE"] = c.zone
			loc, err := time.LoadLocation(c.name)
			if err != nil {
				t.Fatal(err)
			}
			code, out, errs := h.run("", "tickets")
			if code != exitOK || !strings.Contains(out, c.heading) || !strings.Contains(out, templates.ShortDate(created, loc)) {
				t.Errorf("tickets = %d %q %q, want %q and the date %s", code, out, errs, c.heading, templates.ShortDate(created, loc))
			}
			code, out, _ = h.run("", "ticket", number)
			if code != exitOK || !strings.Contains(out, "Créée le "+templates.LongDate(created, loc)) ||
				!strings.Contains(out, "("+templates.Zone(loc)+")") {
				t.Errorf("ticket = %d\n%s\nwant its dates in %s", code, out, c.name)
			}
			if code, out, _ = h.run("", "tickets", "--json"); code != exitOK || out != jsonParis {
				t.Errorf("tickets --json in %s =\n%s\nwant the same UTC output\n%s", c.name, out, jsonParis)
			}
		})
	}

	h.env["GUICHET_TIMEZONE"] = "Mars/Olympus"
	code, _, errs = h.run("", "tickets")
	if code != exitUsage || !strings.Contains(errs, "GUICHET_TIMEZONE") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Errorf("tickets with an unknown zone = %d %q, want %d and one line naming GUICHET_TIMEZONE", code, errs, exitUsage)
	}
}
