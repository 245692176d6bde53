package store

import "testing"

// TestSQLiteWriterSynchronousFull: the writer syncs the log at each
// commit, so that a commit is on disk before its caller acknowledges it
// (SMTP 250 after commit), through the VFS that gathers its log writes
// (internal/walvfs) as through SQLite's own.
func TestSQLiteWriterSynchronousFull(t *testing.T) {
	s := openSQLiteStore(t, t.TempDir())
	if n := pragmaInt(t, s.w, "synchronous"); n != 2 {
		t.Fatalf("writer's synchronous = %d, want 2 (FULL)", n)
	}
}
