package store

import (
	"context"
	"slices"
)

// countRecent is countAcks and countTicketsFrom as one statement, each
// row tagged with its side: the pipeline's committer asks for both at the
// end of every batch, and a round trip there holds up every message. One
// statement rather than a pgx batch of the two: a batch runs in the
// connection's mode, whose cached generic plans replan exists to avoid.
var countRecent = stmt{
	pg: `
SELECT 'a', a.key, a.n FROM (` + pgCountAcks(1) + `) AS a(key, n)
UNION ALL
SELECT 't', t.key, t.n FROM (` + pgCountTicketsFrom(5) + `) AS t(key, n)`,
	replan: true,
}

func (t *pgTx) CountRecent(ctx context.Context, q RecentCounts) (AckCounts, map[string]int, error) {
	acks, tickets := newAckCounts(q.Acks), make(map[string]int, len(q.TicketsFrom.Keys))
	switch {
	case q.Acks.Empty() && q.TicketsFrom.Empty():
		return acks, tickets, nil
	case q.TicketsFrom.Empty():
		a, err := t.CountAcks(ctx, q.Acks.Mailboxes, q.Acks.Domains, q.Acks.Since, q.Acks.AtMost)
		return a, tickets, err
	case q.Acks.Empty():
		n, err := t.CountTicketsFrom(ctx, q.TicketsFrom.Keys, q.TicketsFrom.Except, q.TicketsFrom.Since)
		return acks, n, err
	}
	rs, err := t.c.query(ctx, countRecent, slices.Concat(q.Acks.pgArgs(), q.TicketsFrom.pgArgs())...)
	if err != nil {
		return acks, nil, wrap("store: count acknowledgments and tickets", err)
	}
	_, err = collect(rs, func(r scanner) (struct{}, error) {
		var side, k string
		var n int
		if err := r.Scan(&side, &k, &n); err != nil {
			return struct{}{}, err
		}
		if side == "a" {
			acks.add(k, n)
		} else {
			tickets[k] = n
		}
		return struct{}{}, nil
	})
	if err != nil {
		return acks, nil, wrap("store: count acknowledgments and tickets", err)
	}
	return acks, tickets, nil
}

// CountRecent on SQLite is the two counts in turn: the database is in the
// process, so there is no round trip to save.
func (t *sqliteTx) CountRecent(ctx context.Context, q RecentCounts) (AckCounts, map[string]int, error) {
	acks, err := t.CountAcks(ctx, q.Acks.Mailboxes, q.Acks.Domains, q.Acks.Since, q.Acks.AtMost)
	if err != nil {
		return acks, nil, err
	}
	tickets, err := t.CountTicketsFrom(ctx, q.TicketsFrom.Keys, q.TicketsFrom.Except, q.TicketsFrom.Since)
	return acks, tickets, err
}
