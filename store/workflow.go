package store

import (
	"context"
	"strings"
	"time"
)

// Priorities of a ticket (docs/threading.md, "Tickets").
const (
	PriorityLow    = "low"
	PriorityNormal = "normal"
	PriorityHigh   = "high"
	PriorityUrgent = "urgent"
)

// Workflow is who owns a ticket, how urgent it is and its service-level
// deadlines (docs/threading.md, "Workflow"). Zero times are NULL columns:
// no deadline (no SLA applies), no first answer yet, a stopped clock.
type Workflow struct {
	Priority string // low, normal (the default), high, urgent
	Assignee string // an agent's address; "" when none
	Team     string // the team the category routes to; "" when none
	// FirstResponseDue: the first public agent answer is due then;
	// FirstResponseAt is when it came.
	FirstResponseDue time.Time
	FirstResponseAt  time.Time
	// ResolutionDue: resolution is due then. While the clock is stopped it
	// is the deadline the ticket would have were the clock to run again
	// from the stop; the caller moves it when the clock runs again.
	ResolutionDue time.Time
	// ClockUsed is the business time the resolution clock ran before
	// ClockSince, when it last started; ClockSince is zero while it is
	// stopped (the ticket waits for the requester, or is resolved).
	ClockUsed  time.Duration
	ClockSince time.Time
	// SLABreached is recorded when a change finds a deadline passed;
	// Breached also tells it from the deadlines alone.
	SLABreached bool
}

// Running says whether the resolution clock runs.
func (w Workflow) Running() bool { return !w.ClockSince.IsZero() }

// Breached says whether the ticket missed a deadline at now: the recorded
// flag, a first answer due before now that has not come (or came late),
// or a running resolution clock past its deadline. Reads compute it, so
// that a listing is right between changes.
func (w Workflow) Breached(now time.Time) bool {
	switch {
	case w.SLABreached:
		return true
	case !w.FirstResponseDue.IsZero() && w.FirstResponseAt.IsZero() && now.After(w.FirstResponseDue):
		return true
	case !w.FirstResponseDue.IsZero() && w.FirstResponseAt.After(w.FirstResponseDue):
		return true
	}
	return w.Running() && !w.ResolutionDue.IsZero() && now.After(w.ResolutionDue)
}

// normal is w with its text cleaned, the default priority and times as
// the store keeps them.
func (w Workflow) normal() Workflow {
	if w.Priority = clean(w.Priority); w.Priority == "" {
		w.Priority = PriorityNormal
	}
	w.Assignee, w.Team = clean(w.Assignee), clean(w.Team)
	for _, t := range []*time.Time{&w.FirstResponseDue, &w.FirstResponseAt, &w.ResolutionDue, &w.ClockSince} {
		if !t.IsZero() {
			*t = ts(*t)
		}
	}
	w.ClockUsed = w.ClockUsed.Truncate(time.Microsecond)
	return w
}

// workflowCols are the workflow columns of a ticket's row, read by
// workflowScan in this order.
const workflowCols = `t.priority, t.assignee, t.team, t.first_response_due, t.first_response_at,
    t.resolution_due, t.clock_used_us, t.clock_since, t.sla_breached`

// workflowScan receives workflowCols: nullable columns as pointers.
type workflowScan struct {
	priority                         string
	assignee, team                   *string
	firstDue, firstAt, resDue, since *time.Time
	usedUS                           int64
	breached                         bool
}

func (s *workflowScan) dest() []any {
	return []any{&s.priority, &s.assignee, &s.team, &s.firstDue, &s.firstAt, &s.resDue, &s.usedUS, &s.since, &s.breached}
}

func (s *workflowScan) workflow() Workflow {
	str := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	tm := func(p *time.Time) time.Time {
		if p == nil {
			return time.Time{}
		}
		return p.UTC()
	}
	return Workflow{
		Priority: s.priority, Assignee: str(s.assignee), Team: str(s.team),
		FirstResponseDue: tm(s.firstDue), FirstResponseAt: tm(s.firstAt), ResolutionDue: tm(s.resDue),
		ClockUsed: time.Duration(s.usedUS) * time.Microsecond, ClockSince: tm(s.since), SLABreached: s.breached,
	}
}

// workflowArrays are a batch's new workflow values as PostgreSQL arrays;
// a nil element is NULL.
type workflowArrays struct {
	priority, team                      []string
	firstDue, resolutionDue, clockSince []*time.Time
}

func newWorkflowArrays(n int) workflowArrays {
	return workflowArrays{priority: make([]string, n), team: make([]string, n),
		firstDue: make([]*time.Time, n), resolutionDue: make([]*time.Time, n), clockSince: make([]*time.Time, n)}
}

func (a workflowArrays) set(i int, w Workflow) {
	ptr := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	a.priority[i], a.team[i] = w.Priority, w.Team
	a.firstDue[i], a.resolutionDue[i], a.clockSince[i] = ptr(w.FirstResponseDue), ptr(w.ResolutionDue), ptr(w.ClockSince)
}

// assigneeArg is the listing's assignee argument: "" for any, "-" for
// none (the statement reads a NULL assignee as "-"), else the address.
func assigneeArg(f TicketFilter) string {
	if f.Unassigned {
		return "-"
	}
	return normAddr(f.Assignee)
}

// setWorkflow writes every workflow column; NULLIF keeps "" out of the
// address columns (their CHECK refuses it).
var setWorkflow = portable(`
UPDATE tickets SET priority = $2, assignee = nullif($3, ''), team = nullif($4, ''),
    first_response_due = $5, first_response_at = $6, resolution_due = $7,
    clock_used_us = $8, clock_since = $9, sla_breached = $10
WHERE id = $1`)

func (t *txCore) SetWorkflow(ctx context.Context, ticketID int64, w Workflow) error {
	w = w.normal()
	return exec1(ctx, t.c, "store: set workflow", setWorkflow, ticketID, w.Priority, normAddr(w.Assignee), w.Team,
		nullTime(w.FirstResponseDue), nullTime(w.FirstResponseAt), nullTime(w.ResolutionDue),
		int64(w.ClockUsed/time.Microsecond), nullTime(w.ClockSince), w.SLABreached)
}

// normAddr is one address as normAddrs keeps it.
func normAddr(a string) string { return strings.ToLower(strings.TrimSpace(clean(a))) }
