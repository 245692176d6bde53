package store

import "context"

// statsQuery counts the outbox's rows not yet sent, by state. Its WHERE is
// the predicate of the partial index outbox_unsent (state) WHERE state <>
// 'sent' (migration 0007 on PostgreSQL, 0005 on SQLite), so the count
// reads that index alone, whose size is the pending and failed mail, never
// the sent history. What grows without bound (tickets opened, mail sent)
// is counted as it happens instead (web.Metrics).
var statsQuery = portable(`SELECT state, count(*) FROM outbox WHERE state <> 'sent' GROUP BY state`)

// Stats counts what the metrics endpoint reads from the database.
func (s *core) Stats(ctx context.Context) (Stats, error) {
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
