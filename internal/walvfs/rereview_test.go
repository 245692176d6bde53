package walvfs_test

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"unsafe"

	"modernc.org/libc"

	"guichet/internal/walvfs"
)

// fail24, when set, fails every 24-byte pwrite(2) to the log that carries
// a database size: a commit frame's header. count24 counts 24-byte writes
// to the log.
var (
	fail24  atomic.Bool
	count24 atomic.Int64
)

var pwrite24 = func(tls *libc.TLS, fd int32, buf uintptr, n uint64, off int64) int64 {
	if n == 24 && isLog(fd) {
		count24.Add(1)
		hdr := unsafe.Slice((*byte)(cmem(buf)), 24)
		if fail24.Load() && (hdr[4]|hdr[5]|hdr[6]|hdr[7]) != 0 {
			return eio(tls)
		}
	}
	return int64(libc.Xpwrite(tls, fd, buf, libc.Tsize_t(n), libc.Toff_t(off)))
}

func install24(t *testing.T) {
	t.Helper()
	installPwrite(t, &pwrite24)
	t.Cleanup(func() { fail24.Store(false) })
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestRewrittenCommitHeaderNormal: a transaction that spilled pages and
// rewrote them commits through walRewriteChecksums, whose last write is the
// commit frame's header. Fail only that hand-over.
func TestRewrittenCommitHeaderNormal(t *testing.T) {
	for _, tc := range []struct{ vfs, sync string }{
		{"", "NORMAL"}, {walvfs.Name, "NORMAL"}, {walvfs.Name, "FULL"},
	} {
		t.Run(tc.vfs+"/"+tc.sync, func(t *testing.T) {
			install24(t)
			dir := t.TempDir()
			path := filepath.Join(dir, "r.db")
			w := open(t, path, tc.vfs, tc.sync, "wal_autocheckpoint(0)", "cache_size(8)", "cache_spill(1)")
			run(t, w, schema)
			insert(t, w, 0, 20)

			tx, err := w.Begin()
			if err != nil {
				t.Fatal(err)
			}
			insertIn(t, tx, 20, 200)
			if _, err := tx.Exec(`UPDATE t SET v = v WHERE id >= 20`); err != nil {
				t.Fatal(err)
			}
			before := count24.Load()
			// Through walvfs the only lone 24-byte write with a database
			// size is the commit header walRewriteChecksums writes back;
			// through the default VFS, the commit frame's header.
			fail24.Store(true)
			cerr := tx.Commit()
			fail24.Store(false)
			t.Logf("commit: %v; 24-byte log writes during commit: %d", cerr, count24.Load()-before)
			if cerr != nil {
				return
			}
			// A crash now: copy the files without the wal-index; recovery
			// reads the log's checksums.
			crash := filepath.Join(t.TempDir(), "c.db")
			copyFile(t, path, crash)
			copyFile(t, path+"-wal", crash+"-wal")
			var n int
			if err := open(t, crash, "", "FULL").QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			var nextErr error
			_, nextErr = w.Exec(`INSERT INTO t (id, k, v) VALUES (1000, 'x', x'00')`)
			if n != 200 {
				t.Errorf("commit reported OK, but recovery after a crash finds %d rows, want 200; the writer's next statement: %v", n, nextErr)
			}
		})
	}
}

// TestNoLoneHeaderAfterRewrite: after a commit whose checksums were
// recomputed, the next commit's first frame header is not handed over by
// itself (a commitPage flag left set by the rewritten commit header).
func TestNoLoneHeaderAfterRewrite(t *testing.T) {
	install24(t)
	path := filepath.Join(t.TempDir(), "l.db")
	w := open(t, path, walvfs.Name, "FULL", "wal_autocheckpoint(0)", "cache_size(8)", "cache_spill(1)")
	run(t, w, schema)
	tx, err := w.Begin()
	if err != nil {
		t.Fatal(err)
	}
	insertIn(t, tx, 0, 200)
	if _, err := tx.Exec(`UPDATE t SET v = v`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	before := count24.Load()
	run(t, w, `INSERT INTO t (id, k, v) VALUES (1000, 'x', x'00')`)
	if n := count24.Load() - before; n != 0 {
		t.Errorf("%d lone 24-byte log writes in a one-row commit, want 0", n)
	}
}
