package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTicketsJSONWorkflow: `guichet tickets --json` and `ticket --json`
// carry the workflow fields (docs/json.md): an urgent [4.4] request under
// a round-the-clock calendar gets its deadlines from the [[sla]] target,
// counted from its creation, and its team from [[teams]]; a request with
// no target has null deadlines, and no team a null team.
func TestTicketsJSONWorkflow(t *testing.T) {
	h := newHarness(t, "")
	conf := filepath.Join(t.TempDir(), "guichet.toml")
	if err := os.WriteFile(conf, []byte(`
[calendar]
open = ["24/7"]

[[sla]]
priority = "urgent"
first_response = "1h"
resolution = "8h"

[[teams]]
name = "direction"
groups = [4]

[[agents]]
address = "chef@centre.example"
name = "Cheffe"
teams = ["direction"]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env["GUICHET_CONFIG"] = conf
	urgent := strings.Replace(strings.Replace(request, "[1.7] Plateforme inaccessible", "[4.4] Serveur arrêté", 1),
		"<req-1@example.org>", "<req-urgent@example.org>", 1)
	for _, msg := range []string{request, urgent} {
		if code, out, errs := h.run(msg, "ingest"); code != exitOK {
			t.Fatalf("ingest = %d %q %q", code, out, errs)
		}
	}

	type ticket struct {
		Number           string  `json:"number"`
		Category         string  `json:"category"`
		Priority         *string `json:"priority"`
		Assignee         *string `json:"assignee"`
		Team             *string `json:"team"`
		FirstResponseDue *string `json:"first_response_due"`
		ResolutionDue    *string `json:"resolution_due"`
		SLABreached      *bool   `json:"sla_breached"`
		CreatedAt        string  `json:"created_at"`
	}
	code, out, errs := h.run("", "tickets", "--json")
	var list []ticket
	if code != exitOK || json.Unmarshal([]byte(out), &list) != nil || len(list) != 2 {
		t.Fatalf("tickets --json = %d %q %q", code, out, errs)
	}
	// The raw objects too: every field is there, null included.
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	for _, o := range raw {
		for _, k := range []string{"priority", "assignee", "team", "first_response_due", "resolution_due", "sla_breached"} {
			if _, ok := o[k]; !ok {
				t.Errorf("tickets --json: %s lacks %q", o["number"], k)
			}
		}
	}

	byCat := map[string]ticket{}
	for _, tk := range list {
		byCat[tk.Category] = tk
	}
	u, n := byCat["4.4"], byCat["1.7"]
	if u.Priority == nil || *u.Priority != "urgent" || u.Team == nil || *u.Team != "direction" || u.Assignee != nil ||
		u.SLABreached == nil || *u.SLABreached {
		t.Errorf("urgent ticket = %s", ticketJSON(u))
	}
	created, err := time.Parse(time.RFC3339, u.CreatedAt)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		due  *string
		want time.Duration
	}{{"first_response_due", u.FirstResponseDue, time.Hour}, {"resolution_due", u.ResolutionDue, 8 * time.Hour}} {
		if c.due == nil {
			t.Errorf("%s is null, want created_at + %v", c.name, c.want)
			continue
		}
		d, err := time.Parse(time.RFC3339, *c.due)
		if err != nil || !strings.HasSuffix(*c.due, "Z") {
			t.Errorf("%s = %q (%v), want RFC 3339 UTC", c.name, *c.due, err)
		} else if got := d.Sub(created); got < c.want-time.Second || got > c.want+time.Second {
			t.Errorf("%s = %s, %v after created_at, want %v", c.name, *c.due, got, c.want)
		}
	}
	if n.Priority == nil || *n.Priority != "normal" || n.Team != nil || n.Assignee != nil ||
		n.FirstResponseDue != nil || n.ResolutionDue != nil || n.SLABreached == nil || *n.SLABreached {
		t.Errorf("normal ticket without a target = %s", ticketJSON(n))
	}

	code, out, errs = h.run("", "ticket", u.Number, "--json")
	var one ticket
	if code != exitOK || json.Unmarshal([]byte(out), &one) != nil {
		t.Fatalf("ticket --json = %d %q %q", code, out, errs)
	}
	if ticketJSON(one) != ticketJSON(u) {
		t.Errorf("ticket --json = %s, want the listing's %s", ticketJSON(one), ticketJSON(u))
	}
}

func ticketJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
