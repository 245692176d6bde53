package store

import "context"

// The agents' queue digest (the workflow rules): every ticket still
// waiting for someone's work that is assigned or routed to a team.

var workQueue = stmt{
	pg: `SELECT ` + pgTicketCols + ` FROM tickets t
WHERE t.status IN ('open', 'answered') AND (t.assignee IS NOT NULL OR t.team IS NOT NULL)
ORDER BY t.created_at, t.id`,
	sqlite: `SELECT ` + sqliteTicketCols + ` FROM tickets t
WHERE t.status IN ('open', 'answered') AND (t.assignee IS NOT NULL OR t.team IS NOT NULL)
ORDER BY t.created_at, t.id`,
}

func (s *core) WorkQueue(ctx context.Context) ([]Ticket, error) {
	rs, err := s.read.query(ctx, workQueue)
	if err != nil {
		return nil, wrap("store: work queue", err)
	}
	out, err := collect(rs, scanTicket)
	return out, wrap("store: work queue", err)
}
