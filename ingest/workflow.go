package ingest

import (
	"context"
	"fmt"
	"strings"
	"time"

	"guichet/store"
)

// BusinessClock counts business time (*calendar.Calendar): SLA deadlines
// are business time after an instant (docs/threading.md, "Workflow").
type BusinessClock interface {
	Add(start time.Time, d time.Duration) time.Time
	Elapsed(from, to time.Time) time.Duration
}

// SLATarget is one service-level target ([[sla]]): for tickets of a
// priority, and of some catalogue groups when Groups is not empty, the
// business time allowed before the first public answer and before
// resolution; zero allows any time.
type SLATarget struct {
	Priority      string
	Groups        []int
	FirstResponse time.Duration
	Resolution    time.Duration
}

// roundTheClock is the business clock without a [calendar]: real time.
type roundTheClock struct{}

func (roundTheClock) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	return t.Add(d)
}

func (roundTheClock) Elapsed(a, b time.Time) time.Duration { return max(b.Sub(a), 0) }

// workflow keeps a ticket's team, priority and deadlines as its category,
// priority and status change. The resolution clock runs while the ticket
// is open (waiting for the centre) and stops otherwise: answered (waiting
// for the requester), resolved, closed; calendar's doc says how a paused
// clock is kept. The first-response clock never stops: the answer that
// meets it is what makes a ticket answered.
type workflow struct {
	clock   BusinessClock
	targets []SLATarget
	notify  *notifier // teams and the catalogue's groups
}

// priorityOfCategory: 4.4 « Demande de traitement d'urgence » is urgent
// (docs/threading.md, "Tickets"); no other entry of the catalogue says how
// urgent it is.
func priorityOfCategory(code string) string {
	if code == "4.4" {
		return store.PriorityUrgent
	}
	return store.PriorityNormal
}

// priorityOfSeverity: a monitoring problem the tool calls critical (or
// worse: Zabbix's "disaster") is high; other severities leave the
// category's priority.
func priorityOfSeverity(severity string) string {
	switch fold(severity) {
	case "critical", "crit", "disaster", "fatal", "emergency":
		return store.PriorityHigh
	}
	return ""
}

// priorityNames maps folded #priorité arguments to priorities.
var priorityNames = map[string]string{
	"basse": store.PriorityLow, "bas": store.PriorityLow, "low": store.PriorityLow,
	"normale": store.PriorityNormal, "normal": store.PriorityNormal,
	"haute": store.PriorityHigh, "haut": store.PriorityHigh, "high": store.PriorityHigh,
	"urgente": store.PriorityUrgent, "urgent": store.PriorityUrgent,
}

// start is a new ticket's workflow: its team, its deadlines from created
// and its resolution clock running.
func (wf *workflow) start(category, priority string, created time.Time) store.Workflow {
	w := store.Workflow{Priority: priority, ClockSince: created}
	wf.rescope(&w, category, created, created)
	return w
}

// rescope sets the team of category and the deadlines of the ticket's
// priority and category, counted from its creation less the time its
// clock was stopped: the first response is due at Add(created, target);
// the resolution at Add(since, target-used) while the clock runs, and,
// while it is stopped, at the deadline it would have were it to run again
// at now.
func (wf *workflow) rescope(w *store.Workflow, category string, created, now time.Time) {
	w.Team = wf.notify.team(category)
	t, ok := wf.target(w.Priority, wf.notify.group(category))
	w.FirstResponseDue, w.ResolutionDue = time.Time{}, time.Time{}
	if !ok {
		return
	}
	if t.FirstResponse > 0 {
		w.FirstResponseDue = wf.clock.Add(created, t.FirstResponse)
	}
	if t.Resolution > 0 {
		from := now
		if w.Running() {
			from = w.ClockSince
		}
		w.ResolutionDue = wf.clock.Add(from, t.Resolution-w.ClockUsed)
	}
}

// target is the most specific target for a priority and a group: one
// naming the group wins over one for every group.
func (wf *workflow) target(priority string, group int) (SLATarget, bool) {
	var general *SLATarget
	for i, t := range wf.targets {
		if t.Priority != priority {
			continue
		}
		if len(t.Groups) == 0 {
			if general == nil {
				general = &wf.targets[i]
			}
			continue
		}
		for _, g := range t.Groups {
			if g == group && group > 0 {
				return t, true
			}
		}
	}
	if general != nil {
		return *general, true
	}
	return SLATarget{}, false
}

// status moves the resolution clock of ticket t as its status becomes
// to: leaving open stops it, coming back to open starts it again with the
// business time it has left. A deadline found passed then is recorded as a
// breach (reads also compute it in between). While stopped, the deadline
// kept is the one it had: Add(stop, target-used) is Add(since, target-used
// before the stop).
func (wf *workflow) status(w *store.Workflow, t store.Ticket, to store.Status, now time.Time) {
	if w.Breached(now) {
		w.SLABreached = true
	}
	switch running := to == store.StatusOpen; {
	case running && !w.Running():
		w.ClockSince = now
		wf.rescope(w, t.Category, t.CreatedAt, now)
	case !running && w.Running():
		w.ClockUsed += wf.clock.Elapsed(w.ClockSince, now)
		w.ClockSince = time.Time{}
	}
}

// apply writes in tx what a change decided for ticket t: w, its new
// workflow (an assignee, a priority, a first answer); rescope, when a new
// category or priority moves its deadlines; to, its status, set with
// reason and moving the resolution clock when it differs. The agents' mail
// commands, the API and the pipeline's own status changes all end here. It
// returns the service-level moments the change reached.
func (wf *workflow) apply(ctx context.Context, tx store.Tx, t *store.Ticket, w store.Workflow, rescope bool, to store.Status, reason string, now time.Time) ([]WorkflowEvent, error) {
	before := *t
	if rescope {
		wf.rescope(&w, t.Category, t.CreatedAt, now)
	}
	if to != t.Status {
		if err := tx.SetStatus(ctx, t.ID, to, reason, now); err != nil {
			return nil, fmt.Errorf("set status: %w", err)
		}
		wf.status(&w, *t, to, now)
		t.Status = to
	}
	if err := wf.save(ctx, tx, t, w); err != nil {
		return nil, err
	}
	return wf.events(before, *t), nil
}

// setStatus changes t's status and moves its clock, in tx.
func (wf *workflow) setStatus(ctx context.Context, tx store.Tx, t *store.Ticket, to store.Status, reason string, now time.Time) ([]WorkflowEvent, error) {
	return wf.apply(ctx, tx, t, t.Workflow, false, to, reason, now)
}

// Kinds of WorkflowEvent.
const (
	EventFirstResponse = "first_response"
	EventResolved      = "resolved"
)

// WorkflowEvent is a service-level moment a ticket reached in a committed
// transaction: its first public answer, or its resolution. BusinessTime
// is what the SLA measures: the business time from creation to the first
// answer, or the business time the resolution clock ran until resolved.
type WorkflowEvent struct {
	Kind         string // Event*
	Priority     string
	BusinessTime time.Duration
}

// events are the moments a ticket reached between two of its states.
func (wf *workflow) events(before, after store.Ticket) []WorkflowEvent {
	var evs []WorkflowEvent
	w := after.Workflow
	if before.Workflow.FirstResponseAt.IsZero() && !w.FirstResponseAt.IsZero() {
		evs = append(evs, WorkflowEvent{EventFirstResponse, w.Priority, wf.clock.Elapsed(after.CreatedAt, w.FirstResponseAt)})
	}
	if after.Status == store.StatusResolved && before.Status != store.StatusResolved {
		evs = append(evs, WorkflowEvent{EventResolved, w.Priority, w.ClockUsed})
	}
	return evs
}

// save writes w as t's workflow when it changed.
func (wf *workflow) save(ctx context.Context, tx store.Tx, t *store.Ticket, w store.Workflow) error {
	if w == t.Workflow {
		return nil
	}
	if err := tx.SetWorkflow(ctx, t.ID, w); err != nil {
		return fmt.Errorf("set workflow: %w", err)
	}
	t.Workflow = w
	return nil
}

// agentNames maps declared agents' folded names to their addresses
// (#assigner Moussa Fall).
func agentNames(byAddr map[string]string) map[string]string {
	out := map[string]string{}
	for addr, name := range byAddr {
		if k := fold(name); k != "" {
			out[k] = strings.ToLower(strings.TrimSpace(addr))
		}
	}
	return out
}
