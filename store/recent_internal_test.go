package store

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"guichet/internal/pgtest"
)

// roundTrips counts the calls that reach the server through a pgx
// transaction: each is one round trip.
type roundTrips struct {
	pgx.Tx
	n int
}

func (r *roundTrips) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	r.n++
	return r.Tx.Exec(ctx, sql, args...)
}

func (r *roundTrips) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	r.n++
	return r.Tx.Query(ctx, sql, args...)
}

func (r *roundTrips) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	r.n++
	return r.Tx.QueryRow(ctx, sql, args...)
}

func (r *roundTrips) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	r.n++
	return r.Tx.SendBatch(ctx, b)
}

// TestPostgresCountRecentOneRoundTrip: CountRecent asks for both counts in
// one round trip where CountAcks and CountTicketsFrom take one each, and
// for a side with nothing to count sends nothing.
func TestPostgresCountRecentOneRoundTrip(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{DatabaseURL: pgtest.URL(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	now := time.Now()
	acks := AckCountQuery{Mailboxes: []string{"a@example.org"}, Domains: []string{"example.org"}, Since: now.Add(-time.Hour), AtMost: 5}
	tickets := TicketCountQuery{Keys: []string{"a@example.org"}, Except: []int64{1}, Since: now.Add(-10 * time.Minute)}
	for _, c := range []struct {
		name string
		q    RecentCounts
		want int
	}{
		{"both", RecentCounts{Acks: acks, TicketsFrom: tickets}, 1},
		{"acknowledgments only", RecentCounts{Acks: acks}, 1},
		{"tickets only", RecentCounts{TicketsFrom: tickets}, 1},
		{"neither", RecentCounts{}, 0},
	} {
		tx, err := st.(*pgStore).pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rt := &roundTrips{Tx: tx}
		lt := &lazyTx{tx: rt} // begun: every call goes through rt
		pt := &pgTx{txCore: txCore{c: pgConn{lt}, now: time.Now}, tx: lt}
		if _, _, err := pt.CountRecent(ctx, c.q); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if rt.n != c.want {
			t.Errorf("%s: CountRecent took %d round trips, want %d", c.name, rt.n, c.want)
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
