package store

import (
	"context"
	"fmt"
	"time"
)

// Erasing must leave no trace in the database files either. Each backend
// wraps the shared erasure (forget.go) with what gets the erased bytes out
// of its files and the space back.

// --- PostgreSQL ---

// An UPDATE leaves the row's old version, and its TOAST chunks, in place
// until VACUUM removes them; only then can the space be reused (without
// being zeroed: pages are overwritten as they are reused). VACUUM cannot
// run inside a transaction, and needs the tables' ownership: a failure is
// logged, autovacuum will get there.
const pgReclaim = `VACUUM messages, message_attachments, attachments, outbox, participants, tickets, status_history, rate_slots`

func (s *pgStore) Forget(ctx context.Context, addr string, e Erasure) (ErasureReport, error) {
	r, err := s.forget(ctx, addr, e)
	return r, s.reclaim(ctx, e, r, err)
}

func (s *pgStore) PurgeClosed(ctx context.Context, before time.Time, e Erasure) (ErasureReport, error) {
	r, err := s.purgeClosed(ctx, before, e)
	return r, s.reclaim(ctx, e, r, err)
}

func (s *pgStore) reclaim(ctx context.Context, e Erasure, r ErasureReport, err error) error {
	if err != nil || e.DryRun || r.Zero() {
		return err
	}
	if _, err := s.pool.Exec(ctx, pgReclaim); err != nil {
		s.log.Warn("erasure: vacuum failed, autovacuum will reclaim the space later", "err", err)
	}
	return nil
}

// --- SQLite ---

// secure_delete has SQLite overwrite with zeros what a write frees (a
// row's old cell, a freed overflow page), so that the file keeps no copy
// of erased text; it is set on the writer for the erasure only, since it
// costs writes. The WAL still holds the old pages of earlier transactions:
// a TRUNCATE checkpoint copies the new pages into the database and empties
// it. incremental_vacuum gives the freed pages back to the file system
// when the database was created with auto_vacuum=INCREMENTAL; with the
// default (NONE) they stay, zeroed, for reuse (docs/personal-data.md).

func (s *sqliteStore) Forget(ctx context.Context, addr string, e Erasure) (ErasureReport, error) {
	return s.securely(ctx, e, func() (ErasureReport, error) { return s.forget(ctx, addr, e) })
}

func (s *sqliteStore) PurgeClosed(ctx context.Context, before time.Time, e Erasure) (ErasureReport, error) {
	return s.securely(ctx, e, func() (ErasureReport, error) { return s.purgeClosed(ctx, before, e) })
}

func (s *sqliteStore) securely(ctx context.Context, e Erasure, fn func() (ErasureReport, error)) (ErasureReport, error) {
	if e.DryRun {
		return fn()
	}
	if _, err := s.w.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
		return ErasureReport{}, fmt.Errorf("store: secure_delete: %w", err)
	}
	defer s.w.ExecContext(context.WithoutCancel(ctx), `PRAGMA secure_delete = OFF`) //nolint:errcheck // only costs writes
	r, err := fn()
	if err != nil || r.Zero() {
		return r, err
	}
	// Through the writer's conn, which returns once the vacuum is synced.
	if _, err := s.write.exec(ctx, stmt{sqlite: `PRAGMA incremental_vacuum`}); err != nil {
		s.log.Warn("erasure: reclaiming space", "pragma", "incremental_vacuum", "err", err)
	}
	if err := s.truncateWAL(ctx); err != nil {
		s.log.Warn("erasure: reclaiming space", "pragma", "wal_checkpoint(TRUNCATE)", "err", err)
	}
	return r, nil
}

// truncateWAL empties the WAL. A checkpoint does not wait for another one
// (the checkpointer's, or another process's) but reports itself busy: it
// is tried again for a while.
func (s *sqliteStore) truncateWAL(ctx context.Context) error {
	const tries, pause = 100, 20 * time.Millisecond
	for try := 1; ; try++ {
		busy, _, err := walCheckpoint(ctx, s.w, "TRUNCATE")
		if err != nil {
			return err
		}
		if busy == 0 {
			return nil
		}
		if try == tries {
			return fmt.Errorf("still busy after %d tries", tries)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}
