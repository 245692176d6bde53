package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"guichet/internal/pgtest"
)

// TestRateSlotsDoNotGrow: a stream of distinct keys (one address a minute
// asking for its « mes demandes » link, for hours) keeps the table to the
// slots of the last window: expired slots are purged as new ones come.
func TestRateSlotsDoNotGrow(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		start := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
		const every = 10 * time.Minute
		most := int64(0)
		for i := range 300 {
			err := b.s.InTx(ctx, func(ctx context.Context, tx Tx) error {
				ok, err := tx.TakeRateSlot(ctx, fmt.Sprintf("mes-demandes:%d@example.org", i), start.Add(time.Duration(i)*time.Minute), every)
				if err == nil && !ok {
					err = fmt.Errorf("take %d refused", i)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			most = max(most, b.count(t, "SELECT count(*) FROM rate_slots"))
		}
		// Slots taken at now-9 min … now are live; the one of now-10 min
		// expired at now and went with that take.
		if most > 10 {
			t.Errorf("rate_slots reached %d rows, want at most the 10 of one window", most)
		}
	})
}

// TestPostgresRateSlotPurgeUsesIndex: the purge reads only expired slots,
// through rate_slots_expiry, however many live ones the table holds.
func TestPostgresRateSlotPurgeUsesIndex(t *testing.T) {
	ctx := context.Background()
	pg, err := Open(ctx, Options{DatabaseURL: pgtest.URL(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.Close)
	p := pg.(*pgStore)
	if _, err := p.pool.Exec(ctx, `
INSERT INTO rate_slots (key, at, expires_at)
SELECT 'mes-demandes:' || i || '@example.org', now(), now() + interval '10 minutes'
FROM generate_series(1, 20000) AS i;
ANALYZE rate_slots`); err != nil {
		t.Fatal(err)
	}
	plan := explain(t, p, purgeRateSlots.pg, time.Now().Add(-time.Hour), purgeBatch)
	if !strings.Contains(plan, "rate_slots_expiry") || strings.Contains(plan, "Seq Scan") {
		t.Errorf("the purge does not go through rate_slots_expiry:\n%s", plan)
	}
}

// explain is PostgreSQL's plan of query for args, one line per node.
func explain(t *testing.T, p *pgStore, query string, args ...any) string {
	t.Helper()
	rows, err := p.pool.Query(context.Background(), "EXPLAIN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	var plan strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}
