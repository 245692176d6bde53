package store

import (
	"context"
	"time"
)

// Rate slots: at most limit actions per key per window (web: the « mes
// demandes » mail, one per address per 10 minutes, and that form's
// requests per client address per hour; ingest: an incident's notice, one
// per renotify period). A window opens with the first action after the
// previous one expired and lasts every; a slot past its expiry limits
// nothing and is purged.

// takeRateSlot: the upsert opens a new window over an expired slot, counts
// one more action in a live window that has room, and otherwise changes
// nothing, so RETURNING gives no row. The SET expressions all read the row
// as it was. Concurrent requests for one key take turns on the primary
// key's row lock (PostgreSQL) or the write lock (SQLite).
var takeRateSlot = portable(`
INSERT INTO rate_slots (key, at, expires_at, taken) VALUES ($1, $2, $3, 1)
ON CONFLICT (key) DO UPDATE SET
    at = CASE WHEN rate_slots.expires_at <= excluded.at THEN excluded.at ELSE rate_slots.at END,
    expires_at = CASE WHEN rate_slots.expires_at <= excluded.at THEN excluded.expires_at ELSE rate_slots.expires_at END,
    taken = CASE WHEN rate_slots.expires_at <= excluded.at THEN 1 ELSE rate_slots.taken + 1 END
WHERE rate_slots.expires_at <= excluded.at OR rate_slots.taken < $4
RETURNING taken`)

// purgeBatch bounds one purge's work. A taken slot adds at most one row and
// removes up to purgeBatch expired ones, so expired slots never pile up:
// the table holds about the slots of the last window, and what a larger
// burst left behind goes with the next takes.
const purgeBatch = 100

// purgeRateSlots deletes expired slots through rate_slots_expiry, oldest
// first. It runs in the transaction that took a slot, right after it:
// purging needs no scheduler and happens only when the table grows, and
// every caller of rate slots (web and ingest) pays its share. On
// PostgreSQL SKIP LOCKED leaves a slot that another transaction is
// renewing to that transaction: the purge never waits on a lock, so it can
// neither stall an action nor deadlock with one.
var purgeRateSlots = stmt{
	pg: `
DELETE FROM rate_slots WHERE key IN (
    SELECT key FROM rate_slots WHERE expires_at <= $1
    ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
	sqlite: `
DELETE FROM rate_slots WHERE key IN (
    SELECT key FROM rate_slots WHERE expires_at <= ?1
    ORDER BY expires_at LIMIT ?2)`,
}

func (t *txCore) TakeRateSlot(ctx context.Context, key string, now time.Time, every time.Duration) (bool, error) {
	return t.TakeRateSlots(ctx, key, 1, now, every)
}

func (t *txCore) TakeRateSlots(ctx context.Context, key string, limit int, now time.Time, every time.Duration) (bool, error) {
	var taken int
	err := t.c.queryRow(ctx, takeRateSlot, clean(key), ts(now), ts(now.Add(every)), limit).Scan(&taken)
	if noRow(err) {
		return false, nil
	}
	if err != nil {
		return false, wrap("store: rate slot", err)
	}
	if _, err := t.c.exec(ctx, purgeRateSlots, ts(now), purgeBatch); err != nil {
		return false, wrap("store: purge rate slots", err)
	}
	return true, nil
}
