package templates

import (
	"strings"
	"testing"
	"time"
)

func slaCases(t *testing.T) map[string]string {
	t.Helper()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	due := LongDate(time.Date(2026, 11, 26, 10, 14, 0, 0, time.UTC), paris)
	first := SLA{CentreName: "Centre d'assistance", Number: "2026-000042", Subject: "Le portail ne répond plus",
		Requester: "Awa Diop <awa@example.org>", Category: &Category{Code: "4.4", Label: "Demande de traitement d'urgence"},
		Priority: "urgent", Team: "reseau", FirstResponse: true, Due: due}
	resolution := SLA{CentreName: "Centre d'assistance", Number: "2026-000043", Subject: "Imprimante\r\nX-Injected v@x",
		Requester: "moussa@example.org", Priority: "normal", Assignee: "agent1@centre.example", Due: due}
	out := map[string]string{}
	for name, f := range map[string]func() (string, error){
		"reminder-first-response":   func() (string, error) { return RenderReminder(first) },
		"reminder-resolution":       func() (string, error) { return RenderReminder(resolution) },
		"escalation-first-response": func() (string, error) { return RenderEscalation(first) },
		"escalation-resolution":     func() (string, error) { return RenderEscalation(resolution) },
	} {
		s, err := f()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = s
	}
	return out
}

func TestRenderSLAGolden(t *testing.T) {
	for name, s := range slaCases(t) {
		t.Run(name, func(t *testing.T) {
			golden(t, name+".txt.golden", s)
			checkTypography(t, []rune(visible(s, false)))
			for _, bad := range []string{"<no value>", "{{", "}}", "%!", "\r", "\nX-Injected"} {
				if strings.Contains(s, bad) {
					t.Errorf("rendered text contains %q", bad)
				}
			}
			if !strings.Contains(s, "jeudi 26 novembre 2026 à 11\u00a0h\u00a014") {
				t.Errorf("the deadline is not written in Paris time:\n%s", s)
			}
		})
	}
}

func TestRenderSLARefusesIncompleteData(t *testing.T) {
	if _, err := RenderReminder(SLA{CentreName: "C", Number: "2026-000001"}); err == nil {
		t.Error("a reminder without a deadline rendered")
	}
	if _, err := RenderEscalation(SLA{Number: "2026-000001", Due: "demain"}); err == nil {
		t.Error("an escalation without a centre rendered")
	}
}
