package store

import (
	"context"
	"time"
)

// Closing: a resolved ticket without news for a while is closed (the
// workflow rules, GUICHET_CLOSE_AFTER).

var (
	// staleResolved picks the resolved tickets untouched since $1 through
	// the tickets_resolved index. On PostgreSQL the rows are locked and
	// those another node is closing are skipped, so two nodes close
	// different tickets instead of waiting for each other.
	staleResolved = stmt{
		pg: `SELECT id FROM tickets WHERE status = 'resolved' AND updated_at < $1
ORDER BY updated_at, id LIMIT $2 FOR UPDATE SKIP LOCKED`,
		sqlite: `SELECT id FROM tickets WHERE status = 'resolved' AND updated_at < ?1
ORDER BY updated_at, id LIMIT ?2`,
	}
	// closeStale is conditional: a ticket that got news, or that another
	// node closed, between the pick and the update is left alone, so each
	// ticket is closed (and its requester told) once.
	closeStale = stmt{
		pg: `UPDATE tickets SET status = 'closed', updated_at = greatest(updated_at, $3)
WHERE id = $1 AND status = 'resolved' AND updated_at < $2 RETURNING number`,
		sqlite: `UPDATE tickets SET status = 'closed', updated_at = max(updated_at, ?3)
WHERE id = ?1 AND status = 'resolved' AND updated_at < ?2 RETURNING number`,
	}
	closedHistory = portable(`
INSERT INTO status_history (ticket_id, from_status, to_status, reason, at) VALUES ($1, 'resolved', 'closed', $2, $3)`)
)

// CloseResolved closes up to limit resolved tickets whose last change is
// before before, recording reason at at, and returns them as closed.
func (t *txCore) CloseResolved(ctx context.Context, before, at time.Time, reason string, limit int) ([]Ticket, error) {
	const op = "store: close resolved tickets"
	ids, err := queryIDs(ctx, t.c, staleResolved, ts(before), limit)
	if err != nil {
		return nil, wrap(op, err)
	}
	var out []Ticket
	for _, id := range ids {
		var number string
		err := t.c.queryRow(ctx, closeStale, id, ts(before), ts(at)).Scan(&number)
		if noRow(err) {
			continue
		}
		if err != nil {
			return nil, wrap(op, err)
		}
		if _, err := t.c.exec(ctx, closedHistory, id, clean(reason), ts(at)); err != nil {
			return nil, wrap(op, err)
		}
		tk, err := t.TicketByNumber(ctx, number)
		if err != nil {
			return nil, err
		}
		out = append(out, tk)
	}
	return out, nil
}
