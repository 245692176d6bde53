package store

import "context"

// statsQuery counts, in one read, the outbox by state, the tickets by
// category and the sent mail by kind.
var statsQuery = portable(`
SELECT 'o', state, count(*) FROM outbox GROUP BY state
UNION ALL SELECT 't', category, count(*) FROM tickets GROUP BY category
UNION ALL SELECT 'k', m.kind, count(*) FROM outbox o JOIN messages m ON m.id = o.message_row_id
    WHERE o.state = 'sent' GROUP BY m.kind`)

// Stats counts what the metrics endpoint shows.
func (s *core) Stats(ctx context.Context) (Stats, error) {
	rs, err := s.read.query(ctx, statsQuery)
	if err != nil {
		return Stats{}, wrap("store: stats", err)
	}
	defer rs.Close()
	st := Stats{Outbox: map[OutState]int{}, TicketsByCategory: map[string]int{}, SentByKind: map[Kind]int{}}
	for rs.Next() {
		var what, key string
		var n int
		if err := rs.Scan(&what, &key, &n); err != nil {
			return Stats{}, wrap("store: stats", err)
		}
		switch what {
		case "o":
			st.Outbox[OutState(key)] = n
		case "t":
			st.TicketsByCategory[key] = n
		case "k":
			st.SentByKind[Kind(key)] = n
		}
	}
	return st, wrap("store: stats", rs.Err())
}
