package store

import "testing"

// TestSQLiteWriterSynchronousNormal: the writer commits without syncing
// the log (synchronous=NORMAL), through the VFS that gathers its log
// writes (internal/walvfs); its commits are synced after its connection
// is free (walsync.go), before any caller hears of them. The other
// connections keep FULL: they do not commit writes, and a checkpoint
// syncs under either.
func TestSQLiteWriterSynchronousNormal(t *testing.T) {
	s := openSQLiteStore(t, t.TempDir())
	if n := pragmaInt(t, s.w, "synchronous"); n != 1 {
		t.Fatalf("writer's synchronous = %d, want 1 (NORMAL)", n)
	}
	if s.ws == nil {
		t.Fatal("no sync of the log after the writer's commits")
	}
}
