package store

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
)

// countRecent is countAcks and countTicketsFrom as one statement, each
// row tagged with its side: the pipeline's committer asks for both at the
// end of every batch, and a round trip there holds up every message.
// Alone (CountRecent) it is planned at each call (replan); in
// CreateTicketsCounting's batch, it runs the one generic plan that
// planOnceIndexed has the server make by index.
var countRecent = stmt{
	pg: `
SELECT 'a', a.key, a.n FROM (` + pgCountAcks(1) + `) AS a(key, n)
UNION ALL
SELECT 't', t.key, t.n FROM (` + pgCountTicketsFrom(1+pgCountAcksArgs) + `) AS t(key, n)`,
	replan: true,
}

// Within a pgx batch every statement runs in the connection's mode, with
// the plans it caches. countRecent reads a growing table by keys: planned
// per call, its planning cost about 50 µs per message inside the group
// commit, twice its execution; planned once, a generic plan made while
// the tables are small would scan them whole for good (rule: plan per call
// what grows). These settings around it have the server plan it once per
// connection and keep that plan, made with sequential scans ruled out, so
// that it reads through its indexes whatever the tables' size when it was
// made; the two after leave the transaction's other statements to the
// server's settings, which Guichet never changes for a session.
var (
	planOnceIndexed = []string{`SET LOCAL plan_cache_mode = force_generic_plan`, `SET LOCAL enable_seqscan = off`}
	planAsBefore    = []string{`SET LOCAL plan_cache_mode TO DEFAULT`, `SET LOCAL enable_seqscan TO DEFAULT`}
)

// CreateTicketsCounting sends the creation and the counts in one round
// trip: the batch's finishing step, which every message of the group waits
// for, paid one for each. The creation comes first: it locks the year's
// counter row, which a concurrent transaction (another node, a delivery
// committed alone) holds until its commit, so that the counts then see
// what that one queued. Tickets of several years take the two steps in
// turn.
func (t *pgTx) CreateTicketsCounting(ctx context.Context, nts []NewTicket, q RecentCounts) ([]Ticket, AckCounts, map[string]int, error) {
	if err := allReserved(nts); err != nil {
		return nil, AckCounts{}, nil, err
	}
	for i := range nts {
		prepareTicket(&nts[i], t.now())
	}
	if len(nts) == 0 || slices.ContainsFunc(nts, func(nt NewTicket) bool { return nt.CreatedAt.Year() != nts[0].CreatedAt.Year() }) {
		return createThenCount(ctx, t, nts, q)
	}
	acks, tickets := newAckCounts(q.Acks), make(map[string]int, len(q.TicketsFrom.Keys))
	c := newTicketsOfYear(nts[0].CreatedAt.Year(), nts)
	b := &pgx.Batch{}
	b.Queue(pgCreateTickets, c.args...)
	counting := !q.Acks.Empty() || !q.TicketsFrom.Empty()
	if counting {
		for _, s := range planOnceIndexed {
			b.Queue(s)
		}
		b.Queue(countRecent.pg, slices.Concat(q.Acks.pgArgs(), q.TicketsFrom.pgArgs())...)
		for _, s := range planAsBefore {
			b.Queue(s)
		}
	}
	br := t.tx.SendBatch(ctx, b)
	defer br.Close() //nolint:errcheck // the results' errors are read below
	rs, err := br.Query()
	if err != nil {
		return nil, acks, nil, wrap("store: create tickets", err)
	}
	out, err := c.read(rs)
	if err != nil {
		return nil, acks, nil, err
	}
	if counting {
		for range planOnceIndexed {
			if _, err := br.Exec(); err != nil {
				return nil, acks, nil, wrap(opCountRecent, err)
			}
		}
		rs, err := br.Query()
		if err != nil {
			return nil, acks, nil, wrap(opCountRecent, err)
		}
		if err := readRecent(rs, acks, tickets); err != nil {
			return nil, acks, nil, wrap(opCountRecent, err)
		}
		for range planAsBefore {
			if _, err := br.Exec(); err != nil {
				return nil, acks, nil, wrap(opCountRecent, err)
			}
		}
	}
	if err := br.Close(); err != nil {
		return nil, acks, nil, wrap("store: create tickets", err)
	}
	return out, acks, tickets, nil
}

// CreateTicketsCounting on SQLite is CreateTickets and CountRecent in
// turn: in the process, there is no round trip to save.
func (t *sqliteTx) CreateTicketsCounting(ctx context.Context, nts []NewTicket, q RecentCounts) ([]Ticket, AckCounts, map[string]int, error) {
	if err := allReserved(nts); err != nil {
		return nil, AckCounts{}, nil, err
	}
	return createThenCount(ctx, t, nts, q)
}

// allReserved checks CreateTicketsCounting's condition: the counts are
// asked for before the tickets exist, so each must have its id already.
func allReserved(nts []NewTicket) error {
	for i, nt := range nts {
		if nt.ID == 0 {
			return fmt.Errorf("store: create tickets counting: ticket %d has no reserved id", i)
		}
	}
	return nil
}

func createThenCount(ctx context.Context, tx Tx, nts []NewTicket, q RecentCounts) ([]Ticket, AckCounts, map[string]int, error) {
	ts, err := tx.CreateTickets(ctx, nts)
	if err != nil {
		return nil, AckCounts{}, nil, err
	}
	acks, tickets, err := tx.CountRecent(ctx, q)
	return ts, acks, tickets, err
}

// opCountRecent names countRecent's failures.
const opCountRecent = "store: count acknowledgments and tickets"

// readRecent reads countRecent's rows into acks and tickets.
func readRecent(rs rows, acks AckCounts, tickets map[string]int) error {
	_, err := collect(rs, func(r scanner) (struct{}, error) {
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
	return err
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
		return acks, nil, wrap(opCountRecent, err)
	}
	if err := readRecent(rs, acks, tickets); err != nil {
		return acks, nil, wrap(opCountRecent, err)
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
