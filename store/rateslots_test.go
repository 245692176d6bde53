package store

import (
	"context"
	"fmt"
	"testing"
	"time"
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
