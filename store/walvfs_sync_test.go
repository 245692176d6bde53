package store

import "testing"

// TestSQLiteWriterSynchronousFull: the writer's log writes are gathered in
// memory (internal/walvfs) and reach the file at the commit's sync; only
// synchronous=FULL syncs the log at each commit, so a failed write fails
// its commit instead of being published.
func TestSQLiteWriterSynchronousFull(t *testing.T) {
	s := openSQLiteStore(t, t.TempDir())
	if n := pragmaInt(t, s.w, "synchronous"); n != 2 {
		t.Fatalf("writer's synchronous = %d, want 2 (FULL)", n)
	}
}
