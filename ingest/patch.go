package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"guichet/store"
)

// ErrBadPatch wraps a Patch that names an unknown status, priority,
// category or agent: nothing was changed.
var ErrBadPatch = errors.New("bad ticket change")

// Patch is a change of a ticket's fields through the agents' API; nil
// fields stay as they are.
type Patch struct {
	// Agent is the declared agent making the change, recorded in the status
	// history; "" when the tool names none.
	Agent    string
	Status   *string // open, answered, resolved, closed
	Category *string // a catalogue code; "" for none
	Priority *string // low, normal, high, urgent (or #priorité's French names)
	Assignee *string // a declared agent's address; "" unassigns
}

// Patch applies a change to ticket number in one transaction by the rules
// of the agents' mail commands (#rouvrir, #attente, #résolu, #clos,
// #catégorie, #priorité, #assigner, #libérer): a new category or priority
// moves the team and deadlines, a status change moves the resolution
// clock. It sends no mail. An unknown ticket is an error wrapping
// store.ErrNotFound, an invalid field one wrapping ErrBadPatch.
func (p *Pipeline) Patch(ctx context.Context, number string, pa Patch) error {
	pa.Agent = strings.ToLower(strings.TrimSpace(pa.Agent))
	priority, assignee, err := p.checkPatch(pa)
	if err != nil {
		return err
	}
	now := p.now()
	var evs []WorkflowEvent
	err = p.st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		t, err := tx.TicketByNumber(ctx, number)
		if err != nil {
			return err
		}
		w, rescope := t.Workflow, false
		if pa.Category != nil {
			if err := tx.SetCategory(ctx, t.ID, *pa.Category, "agent", 1); err != nil {
				return fmt.Errorf("set category: %w", err)
			}
			t.Category, t.CategorySource, rescope = *pa.Category, "agent", true
		}
		if pa.Priority != nil {
			w.Priority, rescope = priority, true
		}
		if pa.Assignee != nil {
			w.Assignee = assignee
		}
		to := t.Status
		if pa.Status != nil {
			to = store.Status(*pa.Status)
		}
		reason := "api"
		if pa.Agent != "" {
			reason = statusReason(to, pa.Agent, proofAPI)
		}
		if evs, err = p.wf.apply(ctx, tx, &t, w, rescope, to, reason, now); err != nil {
			return err
		}
		return tx.Touch(ctx, t.ID, now)
	})
	if err != nil {
		return fmt.Errorf("change ticket %s: %w", number, err)
	}
	p.report(evs)
	return nil
}

// checkPatch refuses what no mail command would carry out, before any
// transaction; it returns the priority and the assignee to set.
func (p *Pipeline) checkPatch(pa Patch) (priority, assignee string, err error) {
	bad := func(what, v string) error { return fmt.Errorf("%w: unknown %s %q", ErrBadPatch, what, v) }
	if pa.Agent != "" && !p.agents[pa.Agent] {
		return "", "", bad("agent", pa.Agent)
	}
	if pa.Status != nil {
		switch store.Status(*pa.Status) {
		case store.StatusOpen, store.StatusAnswered, store.StatusResolved, store.StatusClosed:
		default:
			return "", "", bad("status", *pa.Status)
		}
	}
	if pa.Category != nil && *pa.Category != "" {
		if _, ok := p.desk.notify.lookupCategory(*pa.Category); !ok {
			return "", "", bad("category", *pa.Category)
		}
	}
	if pa.Priority != nil {
		if priority = priorityNames[fold(*pa.Priority)]; priority == "" {
			return "", "", bad("priority", *pa.Priority)
		}
	}
	if pa.Assignee != nil {
		if assignee = strings.ToLower(strings.TrimSpace(*pa.Assignee)); assignee != "" && !p.agents[assignee] {
			return "", "", bad("agent", *pa.Assignee)
		}
	}
	return priority, assignee, nil
}
