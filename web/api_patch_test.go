package web_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestAPIPatchWorkflow: PATCH sets the priority and the assignee, and a
// status change moves the resolution clock as #attente and #rouvrir do:
// the hour spent waiting for the requester is added to the deadline.
func TestAPIPatchWorkflow(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newEnv(t, be.Open(t), nil)
			number := e.deliver(t, mailFrom("awa@example.org", "[1.7] Plateforme inaccessible", "<p1@example.org>", "Bonjour.")).Ticket

			type ticket struct {
				Status        string                        `json:"status"`
				Priority      string                        `json:"priority"`
				Assignee      *string                       `json:"assignee"`
				ResolutionDue *string                       `json:"resolution_due"`
				History       []struct{ To, Reason string } `json:"history"`
			}
			patch := func(body string) ticket {
				t.Helper()
				r := e.do(t, "PATCH", "/api/tickets/"+number, apiToken, body)
				if r.status != 200 {
					t.Fatalf("PATCH %s = %d %s", body, r.status, r.body)
				}
				var tk ticket
				if err := json.Unmarshal([]byte(r.body), &tk); err != nil {
					t.Fatal(err)
				}
				return tk
			}
			due := func(tk ticket) time.Time {
				t.Helper()
				if tk.ResolutionDue == nil {
					t.Fatal("resolution_due is null")
				}
				d, err := time.Parse(time.RFC3339, *tk.ResolutionDue)
				if err != nil {
					t.Fatal(err)
				}
				return d
			}

			tk := patch(`{"priority": "high", "assignee": "` + strings.ToUpper(agent) + `"}`)
			if tk.Priority != "high" || tk.Assignee == nil || *tk.Assignee != agent {
				t.Fatalf("after priority and assignee: %+v", tk)
			}
			first := due(tk)

			// Waiting for the requester for an hour, then open again.
			tk = patch(`{"status": "answered", "from": "` + agent + `"}`)
			if last := tk.History[len(tk.History)-1]; tk.Status != "answered" || !strings.Contains(last.Reason, agent) {
				t.Errorf("after answered: %s, last change %+v", tk.Status, last)
			}
			e.clock.Add(time.Hour)
			tk = patch(`{"status": "open"}`)
			if got := due(tk); got.Sub(first) < time.Hour || got.Sub(first) > time.Hour+time.Second {
				t.Errorf("resolution due %v after an hour waiting, was %v: want an hour later", got, first)
			}

			if tk = patch(`{"assignee": null}`); tk.Assignee != nil {
				t.Errorf("assignee null: still %v", *tk.Assignee)
			}
			patch(`{"assignee": "` + agent + `"}`)
			if tk = patch(`{"assignee": ""}`); tk.Assignee != nil {
				t.Errorf(`assignee "": still %v`, *tk.Assignee)
			}

			bad := []struct{ name, body string }{
				{"unknown priority", `{"priority": "énorme"}`},
				{"French priority", `{"priority": "haute"}`},
				{"unknown assignee", `{"assignee": "eve@example.org"}`},
				{"unknown agent", `{"status": "open", "from": "eve@example.org"}`},
				{"unknown status", `{"status": "ouvert"}`},
				{"unknown category", `{"category": "9.9"}`},
				{"assignee not a string", `{"assignee": 3}`},
			}
			for _, b := range bad {
				r := e.do(t, "PATCH", "/api/tickets/"+number, apiToken, b.body)
				var msg struct{ Error string }
				if err := json.Unmarshal([]byte(r.body), &msg); r.status != 400 || err != nil || msg.Error == "" {
					t.Errorf("%s: %d %s, want 400 with an error", b.name, r.status, r.body)
				}
			}
			if r := e.do(t, "PATCH", "/api/tickets/2026-999999", apiToken, `{"priority": "low"}`); r.status != 404 {
				t.Errorf("unknown ticket: %d %s, want 404", r.status, r.body)
			}
		})
	}
}
