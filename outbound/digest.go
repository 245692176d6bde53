package outbound

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"guichet/replyaddr"
	"guichet/store"
	"guichet/templates"
)

// DigestAgent is who receives a queue digest: an agent, their name and
// the teams they belong to.
type DigestAgent struct {
	Address string
	Name    string
	Teams   []string
}

// DigestFor picks agent a's part of queue (store.WorkQueue): the tickets
// assigned to a, then the unassigned tickets of a's teams, each most
// urgent first (see urgency).
func DigestFor(a DigestAgent, queue []store.Ticket) (mine, teams []store.Ticket) {
	addr := strings.ToLower(strings.TrimSpace(a.Address))
	member := func(team string) bool {
		return team != "" && slices.ContainsFunc(a.Teams, func(t string) bool { return strings.EqualFold(strings.TrimSpace(t), team) })
	}
	for _, t := range queue {
		if t.Status != store.StatusOpen && t.Status != store.StatusAnswered {
			continue
		}
		switch {
		case t.Assignee != "" && strings.EqualFold(t.Assignee, addr):
			mine = append(mine, t)
		case t.Assignee == "" && member(t.Team):
			teams = append(teams, t)
		}
	}
	byUrgency := func(x, y store.Ticket) int {
		dx, _ := nextDeadline(x)
		dy, _ := nextDeadline(y)
		switch {
		case dx.IsZero() != dy.IsZero():
			if dx.IsZero() {
				return 1 // a ticket without a deadline comes after those with one
			}
			return -1
		case !dx.Equal(dy):
			return dx.Compare(dy)
		}
		return cmp.Or(cmp.Compare(priorityRank[x.Priority], priorityRank[y.Priority]),
			x.CreatedAt.Compare(y.CreatedAt), cmp.Compare(x.Number, y.Number))
	}
	slices.SortStableFunc(mine, byUrgency)
	slices.SortStableFunc(teams, byUrgency)
	return mine, teams
}

// priorityRank orders priorities most urgent first.
var priorityRank = map[string]int{store.PriorityUrgent: 0, store.PriorityHigh: 1, store.PriorityNormal: 2, store.PriorityLow: 3}

// PriorityFrench names a priority as people read it (the spec's
// "Tickets": basse, normale, haute, urgente).
func PriorityFrench(p string) string {
	switch p {
	case store.PriorityLow:
		return "basse"
	case store.PriorityHigh:
		return "haute"
	case store.PriorityUrgent:
		return "urgente"
	}
	return "normale"
}

// nextDeadline is the earliest deadline t still has to meet: the first
// response while none was given, and the resolution while its clock runs
// (a ticket waiting for the requester is not late). Zero when none.
func nextDeadline(t store.Ticket) (time.Time, string) {
	var due time.Time
	what := ""
	if !t.FirstResponseDue.IsZero() && t.FirstResponseAt.IsZero() {
		due, what = t.FirstResponseDue, "première réponse"
	}
	if t.Running() && !t.ResolutionDue.IsZero() && (due.IsZero() || t.ResolutionDue.Before(due)) {
		due, what = t.ResolutionDue, "résolution"
	}
	return due, what
}

// Digest queues agent a's « Vos demandes » listing mine and teams (as
// DigestFor gives them), written at now. It is an outbox row of no ticket:
// it belongs to none. It returns false when both lists are empty or the
// address is ours: nothing is sent.
func (m *Mailer) Digest(ctx context.Context, tx store.Tx, a DigestAgent, mine, teams []store.Ticket) (bool, error) {
	to := m.recipients([]string{a.Address}, nil)
	if len(to) == 0 || len(mine)+len(teams) == 0 {
		return false, nil
	}
	now := m.o.Clock()
	day, _, _ := strings.Cut(templates.LongDate(now, m.o.Location), " à ")
	lines := func(ts []store.Ticket, withTeam bool) []templates.DigestLine {
		out := make([]templates.DigestLine, 0, len(ts))
		for _, t := range ts {
			due, what := nextDeadline(t)
			l := templates.DigestLine{
				Number: t.Number, Priority: PriorityFrench(t.Priority), Subject: capSubject(t.Subject),
				Due: templates.LongDate(due, m.o.Location), DueWhat: what, Late: !due.IsZero() && now.After(due),
				Address: m.o.Signer.Address(t.Number, replyaddr.RoleAgent),
			}
			if withTeam {
				l.Team = t.Team
			}
			out = append(out, l)
		}
		return out
	}
	body, err := templates.RenderDigest(templates.Digest{
		CentreName: m.o.CentreName, Name: displayName(a.Name, a.Address), Day: day, Zone: templates.Zone(m.o.Location),
		Mine: lines(mine, false), Teams: lines(teams, true),
	})
	if err != nil {
		return false, fmt.Errorf("outbound: %w", err)
	}
	ml := Mail{
		From: m.from, To: bare(to), Subject: "Vos demandes du " + day, Text: body,
		MessageID: newMessageID(notificationIDPrefix, m.o.Hostname, now), Date: inZone(now, m.o.Location),
		// RFC 3834 §5: a machine sends it; responders should keep quiet.
		AutoSubmitted: "auto-generated",
	}
	ml.Subject = capSubject(ml.Subject)
	raw, err := Compose(ml)
	if err != nil {
		return false, err
	}
	if _, err := tx.Enqueue(ctx, &store.Outbound{
		MailFrom: m.o.SupportAddress, To: to, Subject: ml.Subject, MessageID: ml.MessageID,
		Raw: raw, State: store.OutQueued, NextAttemptAt: now, CreatedAt: now,
	}); err != nil {
		return false, fmt.Errorf("outbound: queue digest: %w", err)
	}
	return true, nil
}
