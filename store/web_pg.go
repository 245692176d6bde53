package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// TakeRateSlot: the upsert only overwrites a slot older than every, and
// RETURNING gives no row when it did not; the primary key's row lock makes
// concurrent requests for one key take turns.
func (t *pgTx) TakeRateSlot(ctx context.Context, key string, now time.Time, every time.Duration) (bool, error) {
	var at time.Time
	err := t.q.QueryRow(ctx, `
INSERT INTO rate_slots (key, at) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET at = excluded.at WHERE rate_slots.at <= $3
RETURNING at`, clean(key), ts(now), ts(now.Add(-every))).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, wrap("store: rate slot", err)
	}
	return true, nil
}

// FindTickets: requester through the tickets_requester index; text with
// strpos over lower(), which PostgreSQL folds for every letter.
func (s *pgStore) FindTickets(ctx context.Context, q TicketQuery) ([]Ticket, error) {
	where := []string{"($1 = '' OR t.status = $1)", "($2 = '' OR t.category = $2)", "($3 = '' OR lower(t.requester) = $3)"}
	args := []any{string(q.Status), q.Category, strings.ToLower(clean(q.Requester))}
	for _, w := range searchWords(q.Text) {
		args = append(args, w)
		n := len(args)
		where = append(where, fmt.Sprintf(`(strpos(lower(t.subject), $%d) > 0 OR EXISTS (
    SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND strpos(lower(m.subject || ' ' || m.body), $%d) > 0))`, n, n))
	}
	var limit any
	if q.Limit > 0 {
		limit = q.Limit
	}
	args = append(args, limit)
	rows, err := s.pool.Query(ctx, `SELECT `+pgTicketCols+` FROM tickets t WHERE `+
		strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY t.created_at DESC, t.id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, wrap("store: find tickets", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Ticket, error) { return scanPGTicket(r) })
	if out == nil {
		out = []Ticket{}
	}
	return out, wrap("store: find tickets", err)
}

func (s *pgStore) Stats(ctx context.Context) (Stats, error) {
	rows, err := s.pool.Query(ctx, statsQuery)
	if err != nil {
		return Stats{}, wrap("store: stats", err)
	}
	defer rows.Close()
	return scanStats(rows)
}

func (s *pgStore) Ping(ctx context.Context) error {
	return wrap("store: ping", s.pool.Ping(ctx))
}
