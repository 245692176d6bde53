package ingest

import (
	"context"
	"fmt"

	"guichet/outbound"
	"guichet/store"
)

// opening is a new ticket a delivery leaves to the end of its batch.
type opening struct {
	a      *attempt
	ticket store.NewTicket
	// notify: agents may hear of it (for an incident, within its
	// renotify period); resolve: a recovery for no open incident, recorded
	// resolved.
	notify, resolve bool
}

// opener creates the new tickets of a batch, in its order and in a few
// statements, with their acknowledgments and the agents' notifications.
// It runs last in the transaction: numbering holds the year's counter row
// until the commit, so doing it last keeps that lock short. The tickets
// take the ids their messages reserved when inserted (apply): their
// messages are not written again.
type opener struct {
	ack    Acknowledger
	notify *notifier
	inc    *incidents
	wf     *workflow
}

// openAll is the committer's finish step: it completes each opening
// delivery's result.
func (o *opener) openAll(ctx context.Context, tx store.Tx, ops []*opening) error {
	nts := make([]store.NewTicket, len(ops))
	// What the counts ask for is known before the tickets exist when each
	// has its reserved id: their ids and requesters. The counts then travel
	// with the creation (one round trip for both, in the serial commit
	// path); otherwise they follow it.
	planned := make([]store.Ticket, len(ops))
	reserved := true
	for i, op := range ops {
		nts[i] = op.ticket
		planned[i] = store.Ticket{ID: op.ticket.ID, Requester: op.ticket.Requester}
		reserved = reserved && op.ticket.ID != 0
	}
	var ts []store.Ticket
	var err error
	if !reserved {
		if ts, err = tx.CreateTickets(ctx, nts); err != nil {
			return fmt.Errorf("create tickets: %w", err)
		}
		planned = ts
	}
	var ap *outbound.AckPlan
	var q store.RecentCounts
	if o.ack != nil {
		ins := make([]outbound.Incoming, len(ops))
		for i, op := range ops {
			ins[i] = op.a.incoming()
		}
		if ap, err = o.ack.PlanAcks(planned, ins); err != nil {
			return fmt.Errorf("acknowledge: %w", err)
		}
		q.Acks = ap.Count
	}
	bp := o.notify.planBursts(ops, planned)
	q.TicketsFrom = bp.count
	var sent store.AckCounts
	var seen map[string]int
	if reserved {
		if ts, sent, seen, err = tx.CreateTicketsCounting(ctx, nts, q); err != nil {
			return fmt.Errorf("create tickets and count: %w", err)
		}
	} else if sent, seen, err = tx.CountRecent(ctx, q); err != nil {
		return fmt.Errorf("count acknowledgments and tickets: %w", err)
	}
	for i, op := range ops {
		a := op.a
		a.res.Action, a.res.Ticket, a.res.Category = Created, ts[i].Number, ts[i].Category
		if op.resolve {
			evs, err := o.wf.setStatus(ctx, tx, &ts[i], store.StatusResolved, "alert: recovery from "+a.alertInfo.Source, a.now)
			if err != nil {
				return fmt.Errorf("resolve incident: %w", err)
			}
			a.events = append(a.events, evs...)
		}
	}
	if ap != nil {
		if err := ap.Numbered(ts); err != nil {
			return fmt.Errorf("acknowledge: %w", err)
		}
		reasons, err := o.ack.FinishAcks(ctx, tx, ap, sent)
		if err != nil {
			return fmt.Errorf("acknowledge: %w", err)
		}
		for i, op := range ops {
			if reasons[i] != "" {
				op.a.res.Reason = joinReason(op.a.res.Reason, "no acknowledgment: "+reasons[i])
			} else if op.a.ack = ap.Ack(i); op.a.ack == nil {
				op.a.queued = true
			}
		}
	}
	held, err := o.notify.bursts(ctx, tx, bp, seen, ops, ts)
	if err != nil {
		return err
	}
	for i, op := range ops {
		if !op.notify || held[i] {
			continue
		}
		if op.a.alert {
			// A new incident: agents hear of it at most once per renotify
			// period (its slot).
			ok, err := o.inc.claimNotice(ctx, tx, ts[i].ID, op.a.now)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
		}
		if err := o.notify.agents(ctx, tx, op.a, ts[i]); err != nil {
			return err
		}
	}
	return nil
}
