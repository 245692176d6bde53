package store

import (
	"context"
	"time"
)

// Rate slots: at most one action per key per period (web: the « mes
// demandes » mail, one per address per 10 minutes).

// takeRateSlot: the upsert only overwrites a slot older than every, and
// RETURNING gives no row when it did not. Concurrent requests for one key
// take turns on the primary key's row lock (PostgreSQL) or the write lock
// (SQLite).
var takeRateSlot = stmt{
	pg: `
INSERT INTO rate_slots (key, at) VALUES ($1, $2)
ON CONFLICT (key) DO UPDATE SET at = excluded.at WHERE rate_slots.at <= $3
RETURNING at`,
	sqlite: `
INSERT INTO rate_slots (key, at) VALUES (?1, ?2)
ON CONFLICT (key) DO UPDATE SET at = excluded.at WHERE rate_slots.at <= ?3
RETURNING at`,
}

func (t *txCore) TakeRateSlot(ctx context.Context, key string, now time.Time, every time.Duration) (bool, error) {
	var at time.Time
	err := t.c.queryRow(ctx, takeRateSlot, clean(key), ts(now), ts(now.Add(-every))).Scan(&at)
	if noRow(err) {
		return false, nil
	}
	if err != nil {
		return false, wrap("store: rate slot", err)
	}
	return true, nil
}
