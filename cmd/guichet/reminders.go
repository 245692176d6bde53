package main

import (
	"context"
	"log/slog"
	"strings"

	"guichet/config"
	"guichet/outbound"
	"guichet/store"
)

// runReminders sends the tickets' SLA reminders and escalations until ctx
// ends (docs/threading.md, "Reminders and escalation"). Every serve node
// runs it: the store makes each stage go out once.
func runReminders(ctx context.Context, st store.Store, c *config.Config, p *parts, kick func(), clock outbound.Clock, log *slog.Logger) error {
	r, err := outbound.NewReminders(outbound.RemindersOptions{
		Store: st, Mailer: p.mailer, Route: slaRoute(c), Clock: clock, Kick: kick,
		Breached: p.metrics.Breached,
		Log:      log.With("part", "reminders"),
	})
	if err != nil {
		return err
	}
	return r.Run(ctx)
}

// slaRoute says who hears of a ticket's deadlines. A reminder goes to the
// assignee, else to the team's agents (or its address), else to every
// agent. An escalation goes to the assignee, the team and its escalate_to
// addresses; to every agent when the ticket has no team.
func slaRoute(c *config.Config) func(t store.Ticket, escalate bool) []string {
	type slaTeam struct{ members, escalate []string }
	byTeam := map[string]slaTeam{}
	for i, t := range teams(c) { // in c.Teams' order
		members := t.Agents
		if len(members) == 0 && t.Address != "" {
			members = []string{t.Address}
		}
		byTeam[strings.ToLower(strings.TrimSpace(t.Name))] = slaTeam{members, c.Teams[i].EscalateTo}
	}
	return func(t store.Ticket, escalate bool) []string {
		team, hasTeam := byTeam[strings.ToLower(strings.TrimSpace(t.Team))]
		var to []string
		if t.Assignee != "" {
			to = append(to, t.Assignee)
			if !escalate {
				return to
			}
		}
		to = append(to, team.members...)
		if escalate {
			to = append(to, team.escalate...)
		}
		if len(to) == 0 || (escalate && !hasTeam) {
			to = append(to, c.AgentAddresses()...)
		}
		return to
	}
}
