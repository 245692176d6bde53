package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TakeRateSlot: the upsert only overwrites a slot older than every, and
// RETURNING gives no row when it did not; the writer's lock serialises it.
func (t *sqliteTx) TakeRateSlot(ctx context.Context, key string, now time.Time, every time.Duration) (bool, error) {
	var at int64
	err := t.q.QueryRowContext(ctx, `
INSERT INTO rate_slots (key, at) VALUES (?1, ?2)
ON CONFLICT (key) DO UPDATE SET at = excluded.at WHERE rate_slots.at <= ?3
RETURNING at`, clean(key), us(now), us(now.Add(-every))).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, wrap("store: rate slot", err)
	}
	return true, nil
}

// FindTickets: requester through the tickets_requester index; text with
// instr over lower() (SQLite folds ASCII letters only, so the words are
// lowered here and an accented capital in the stored text is not folded).
func (s *sqliteStore) FindTickets(ctx context.Context, q TicketQuery) ([]Ticket, error) {
	where := []string{"(?1 = '' OR t.status = ?1)", "(?2 = '' OR t.category = ?2)", "(?3 = '' OR lower(t.requester) = ?3)"}
	args := []any{string(q.Status), q.Category, strings.ToLower(clean(q.Requester))}
	for _, w := range searchWords(q.Text) {
		args = append(args, w)
		n := len(args)
		where = append(where, fmt.Sprintf(`(instr(lower(t.subject), ?%d) > 0 OR EXISTS (
    SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND instr(lower(m.subject || ' ' || m.body), ?%d) > 0))`, n, n))
	}
	limit := -1
	if q.Limit > 0 {
		limit = q.Limit
	}
	args = append(args, limit)
	rows, err := s.r.QueryContext(ctx, `SELECT `+sqliteTicketCols+` FROM tickets t WHERE `+
		strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY t.created_at DESC, t.id DESC LIMIT ?%d`, len(args)), args...)
	if err != nil {
		return nil, wrap("store: find tickets", err)
	}
	defer rows.Close()
	out := []Ticket{}
	for rows.Next() {
		tk, err := scanSQLiteTicket(rows)
		if err != nil {
			return nil, wrap("store: find tickets", err)
		}
		out = append(out, tk)
	}
	return out, wrap("store: find tickets", rows.Err())
}

func (s *sqliteStore) Stats(ctx context.Context) (Stats, error) {
	rows, err := s.r.QueryContext(ctx, statsQuery)
	if err != nil {
		return Stats{}, wrap("store: stats", err)
	}
	defer rows.Close()
	return scanStats(rows)
}

func (s *sqliteStore) Ping(ctx context.Context) error {
	var one int
	return wrap("store: ping", s.r.QueryRowContext(ctx, `SELECT 1`).Scan(&one))
}
