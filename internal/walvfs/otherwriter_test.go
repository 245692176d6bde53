package walvfs_test

import (
	"path/filepath"
	"testing"

	"guichet/internal/walvfs"
)

// TestRolledBackFramesBesideOtherWriter: a transaction that spilled pages
// into the log and rolled back leaves those frames to whoever writes the
// log next; another process sharing the database (guichet ingest beside
// guichet serve) may commit over them as soon as the write lock is free.
// Nothing the first connection wrote may reach the file after that.
func TestRolledBackFramesBesideOtherWriter(t *testing.T) {
	for _, vfs := range []string{"", walvfs.Name} {
		t.Run("vfs="+vfs, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "r.db")
			a := open(t, path, vfs, "FULL", "cache_size(8)", "wal_autocheckpoint(0)")
			run(t, a, schema)
			insert(t, a, 0, 10)
			// A checkpoint that copied the whole log, as the store's
			// checkpointer does between bursts: the next transaction
			// starts the log over, and its rollback reads nothing from it.
			run(t, a, `PRAGMA wal_checkpoint(PASSIVE)`)

			tx, err := a.Begin()
			if err != nil {
				t.Fatal(err)
			}
			insertIn(t, tx, 1000, 1200)
			if err := tx.Rollback(); err != nil {
				t.Fatal(err)
			}

			b := open(t, path, "", "FULL", "wal_autocheckpoint(0)")
			insert(t, b, 10, 600)
			check(t, b, 600)

			// The first connection's next statement.
			var n int
			if err := a.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			check(t, open(t, path, "", "FULL"), 600)
		})
	}
}
