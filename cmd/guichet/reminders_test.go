package main

import (
	"bytes"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"guichet/internal/pgtest"

	"guichet/config"
	"guichet/store"
)

func TestSLARoute(t *testing.T) {
	c := &config.Config{
		Agents: []config.Agent{
			{Address: "awa@centre.example", Teams: []string{"reseau"}},
			{Address: "moussa@centre.example", Teams: []string{"Reseau"}},
			{Address: "zoe@centre.example"},
		},
		Teams: []config.Team{
			{Name: "reseau", Groups: []int{3}, EscalateTo: []string{"chef.reseau@example.org"}},
			{Name: "materiel", Groups: []int{2}, Address: "materiel@centre.example"},
		},
	}
	route := slaRoute(c)
	all := []string{"awa@centre.example", "moussa@centre.example", "zoe@centre.example"}
	for _, tc := range []struct {
		name     string
		t        store.Ticket
		escalate bool
		want     []string
	}{
		{"reminder to the assignee", store.Ticket{Workflow: store.Workflow{Assignee: "zoe@centre.example", Team: "reseau"}}, false,
			[]string{"zoe@centre.example"}},
		{"reminder to the team", store.Ticket{Workflow: store.Workflow{Team: "reseau"}}, false,
			[]string{"awa@centre.example", "moussa@centre.example"}},
		{"reminder to a team without members", store.Ticket{Workflow: store.Workflow{Team: "materiel"}}, false,
			[]string{"materiel@centre.example"}},
		{"reminder without a team", store.Ticket{}, false, all},
		{"escalation to the assignee, the team and escalate_to", store.Ticket{Workflow: store.Workflow{Assignee: "zoe@centre.example", Team: "reseau"}}, true,
			[]string{"zoe@centre.example", "awa@centre.example", "moussa@centre.example", "chef.reseau@example.org"}},
		{"escalation without a team", store.Ticket{Workflow: store.Workflow{Assignee: "zoe@centre.example"}}, true,
			append([]string{"zoe@centre.example"}, all...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := route(tc.t, tc.escalate); !slices.Equal(got, tc.want) {
				t.Errorf("route = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestServeReminders: two serve nodes on one PostgreSQL database, a 24/7
// calendar and targets of seconds: an urgent request's reminders and
// escalations reach the relay once each, on time.
func TestServeReminders(t *testing.T) {
	rl := startRelay(t)
	h := newHarness(t, pgtest.URL(t))
	conf := filepath.Join(t.TempDir(), "guichet.toml")
	if err := os.WriteFile(conf, []byte(`
[calendar]
open = ["24/7"]

[[sla]]
priority = "urgent"
first_response = "4s"
resolution = "12s"

[[teams]]
name = "urgences"
groups = [4]
escalate_to = ["chef@example.org"]

[[agents]]
address = "agent1@centre.example"
teams = ["urgences"]
`), 0o600); err != nil {
		t.Fatal(err)
	}
	h.env["GUICHET_CONFIG"] = conf
	h.env["GUICHET_SMTP_ADDR"] = "127.0.0.1:0"
	h.env["GUICHET_HTTP_ADDR"] = "off"
	h.env["GUICHET_RELAY_URL"] = "smtp://" + rl.addr
	node := startServe(t, h)
	startServe(t, h)

	msg := strings.Replace(request, "[1.7] Plateforme inaccessible", "[4.4] Serveur arrêté", 1)
	sent := time.Now()
	if code, _ := send(t, node.smtpAddr, "awa.diop@example.org", "support@centre.example", []byte(msg)); code != 250 {
		t.Fatalf("request: SMTP %d", code)
	}
	stages := []struct {
		subject string
		at      time.Duration
		to      []string
	}{
		{"Rappel : première réponse", 3 * time.Second, []string{"agent1@centre.example"}},
		{"Délai dépassé : première réponse", 4 * time.Second, []string{"agent1@centre.example", "chef@example.org"}},
		{"Rappel : résolution", 9 * time.Second, []string{"agent1@centre.example"}},
		{"Délai dépassé : résolution", 12 * time.Second, []string{"agent1@centre.example", "chef@example.org"}},
	}
	subject := func(raw []byte) string {
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			return ""
		}
		s, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		return s
	}
	seen := map[string]time.Duration{}
	for time.Since(sent) < 15*time.Second {
		for _, m := range rl.messages() {
			for _, s := range stages {
				if _, ok := seen[s.subject]; !ok && strings.Contains(subject(m.data), s.subject) {
					seen[s.subject] = time.Since(sent)
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, s := range stages {
		at, ok := seen[s.subject]
		if !ok {
			t.Errorf("%q never sent", s.subject)
			continue
		}
		if at < s.at-time.Second || at > s.at+3*time.Second {
			t.Errorf("%q sent after %v, want about %v", s.subject, at, s.at)
		}
		n := 0
		for _, m := range rl.messages() {
			if strings.Contains(subject(m.data), s.subject) {
				n++
				if !slices.Equal(m.to, s.to) {
					t.Errorf("%q to %q, want %q", s.subject, m.to, s.to)
				}
				if !strings.Contains(string(m.data), ".agent.") {
					t.Errorf("%q has no signed agent Reply-To:\n%s", s.subject, m.data)
				}
			}
		}
		if n != 1 {
			t.Errorf("%q sent %d times, want once", s.subject, n)
		}
	}
}
