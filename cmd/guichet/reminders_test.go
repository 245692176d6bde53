package main

import (
	"slices"
	"testing"

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
