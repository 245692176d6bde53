package store

import "context"

// statsQuery counts the outbox's rows not yet sent, by state. Its WHERE is
// the predicate of the partial index outbox_unsent (state) WHERE state <>
// 'sent' (migration 0007 on PostgreSQL, 0005 on SQLite), so the count
// reads that index alone, whose size is the pending and failed mail, never
// the sent history. What grows without bound (tickets opened, mail sent)
// is counted as it happens instead (web.Metrics).
var statsQuery = portable(`SELECT state, count(*) FROM outbox WHERE state <> 'sent' GROUP BY state`)

// backlogQuery counts the tickets waiting on the centre or the requester
// by priority and whether they have an assignee. Its WHERE is the
// predicate of the partial index tickets_backlog (priority, assignee)
// (migration 0017 on PostgreSQL, 0015 on SQLite), which covers the
// columns it groups by: the count reads the backlog's index entries only.
// SQLite, without statistics, would rather probe tickets_status and read
// each row from the table: INDEXED BY names the covering index.
var backlogQuery = stmt{
	pg:     backlogSQL("tickets"),
	sqlite: backlogSQL("tickets INDEXED BY tickets_backlog"),
}

func backlogSQL(from string) string {
	return `SELECT priority, assignee IS NULL, count(*) FROM ` + from + `
	WHERE status IN ('open', 'answered') GROUP BY priority, assignee IS NULL`
}

// Stats counts what the metrics endpoint reads from the database.
func (s *core) Stats(ctx context.Context) (Stats, error) {
	st, err := s.outboxStats(ctx)
	if err != nil {
		return Stats{}, err
	}
	if st.Backlog, err = s.backlog(ctx); err != nil {
		return Stats{}, err
	}
	return st, nil
}

// backlog runs backlogQuery.
func (s *core) backlog(ctx context.Context) (map[BacklogKey]int, error) {
	rs, err := s.read.query(ctx, backlogQuery)
	if err != nil {
		return nil, wrap("store: backlog", err)
	}
	defer rs.Close()
	out := map[BacklogKey]int{}
	for rs.Next() {
		var k BacklogKey
		var unassigned bool
		var n int
		if err := rs.Scan(&k.Priority, &unassigned, &n); err != nil {
			return nil, wrap("store: backlog", err)
		}
		k.Assigned = !unassigned
		out[k] = n
	}
	return out, wrap("store: backlog", rs.Err())
}

// outboxStats runs statsQuery.
func (s *core) outboxStats(ctx context.Context) (Stats, error) {
	rs, err := s.read.query(ctx, statsQuery)
	if err != nil {
		return Stats{}, wrap("store: stats", err)
	}
	defer rs.Close()
	st := Stats{Outbox: map[OutState]int{}}
	for rs.Next() {
		var state string
		var n int
		if err := rs.Scan(&state, &n); err != nil {
			return Stats{}, wrap("store: stats", err)
		}
		st.Outbox[OutState(state)] = n
	}
	return st, wrap("store: stats", rs.Err())
}
