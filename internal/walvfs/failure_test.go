package walvfs_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"

	"guichet/internal/walvfs"
)

// failLog, when set, fails with EIO every pwrite(2) of the unix VFS to a
// file whose name ends in -wal, at or past failFrom.
var (
	failLog  atomic.Bool
	failFrom atomic.Int64
)

// pwrite replaces the unix VFS's pwrite; a package variable, so that the
// function value SQLite holds stays alive.
var pwrite = func(tls *libc.TLS, fd int32, buf uintptr, n uint64, off int64) int64 {
	if failLog.Load() && off >= failFrom.Load() && isLog(fd) {
		return eio(tls)
	}
	return int64(libc.Xpwrite(tls, fd, buf, libc.Tsize_t(n), libc.Toff_t(off)))
}

// isLog reports whether fd is a write-ahead log (its name ends in -wal).
func isLog(fd int32) bool {
	name, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(fd)))
	return err == nil && strings.HasSuffix(name, "-wal")
}

// eio fails a system call with EIO, as the C library would.
func eio(tls *libc.TLS) int64 {
	*(*int32)(cmem(libc.X__errno_location(tls))) = 5 // EIO
	return -1
}

// cmem turns the address of C memory, which SQLite hands over as a
// uintptr, into a pointer.
func cmem(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }

// failingLogWrites installs pwrite for the test.
func failingLogWrites(t *testing.T) {
	t.Helper()
	installPwrite(t, &pwrite)
	t.Cleanup(func() {
		failLog.Store(false)
		failFrom.Store(0)
	})
}

// installPwrite puts *fn in the unix VFS's system-call table in place of
// pwrite(2) for the test (the default VFS and walvfs, which wraps it, both
// go through it). fn points to a package variable, so that the function
// value SQLite holds stays alive.
func installPwrite(t *testing.T, fn *func(*libc.TLS, int32, uintptr, uint64, int64) int64) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("names files through /proc/self/fd")
	}
	tls := libc.NewTLS()
	name, err := libc.CString("unix")
	if err != nil {
		t.Fatal(err)
	}
	unix := sqlite3.Xsqlite3_vfs_find(tls, name)
	if unix == 0 {
		t.Skip("no unix VFS")
	}
	call, err := libc.CString("pwrite")
	if err != nil {
		t.Fatal(err)
	}
	set := *(*func(*libc.TLS, uintptr, uintptr, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{(*sqlite3.Tsqlite3_vfs)(cmem(unix)).FxSetSystemCall}))
	if rc := set(tls, unix, call, *(*uintptr)(unsafe.Pointer(fn))); rc != sqlite3.SQLITE_OK {
		t.Fatalf("xSetSystemCall(pwrite): SQLite error %d", rc)
	}
	t.Cleanup(func() { set(tls, unix, call, 0) })
}

// TestFailedLogWrite: a write to the log that fails fails the commit it
// belongs to, and a commit that was reported is whole for a reader, under
// FULL and NORMAL: walvfs hands a commit's writes over once its last
// frame is gathered, before SQLite syncs or publishes it.
func TestFailedLogWrite(t *testing.T) {
	failingLogWrites(t)
	for _, tc := range []struct{ vfs, sync string }{
		{"", "FULL"}, {walvfs.Name, "FULL"}, {"", "NORMAL"}, {walvfs.Name, "NORMAL"},
	} {
		t.Run(tc.vfs+"/"+tc.sync, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f.db")
			w := open(t, path, tc.vfs, tc.sync, "wal_autocheckpoint(0)")
			run(t, w, schema)
			insert(t, w, 0, 20)
			r := open(t, path, "", "FULL")
			check(t, r, 20)

			failLog.Store(true)
			tx, err := w.Begin()
			if err != nil {
				t.Fatal(err)
			}
			for i := range 20 {
				_, v := row(i + 20)
				if _, err := tx.Exec(`UPDATE t SET v = ? WHERE id = ?`, v, i); err != nil {
					t.Fatal(err)
				}
			}
			cerr := tx.Commit()
			failLog.Store(false)
			if cerr == nil {
				var n int
				if err := r.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
					t.Fatalf("the commit was reported with its log writes failing; a reader then: %v", err)
				}
				t.Fatal("the commit was reported with its log writes failing")
			}
			check(t, r, 20)
			insert(t, w, 20, 30)
			check(t, r, 30)
		})
	}
}

// TestFailedLogWriteNormalCheckpointed: under NORMAL, a commit whose
// frames failed to reach the file is published over the frames of the
// log's previous generation; readers and the checkpoint take those, and
// the checkpoint copies them into the database.
func TestFailedLogWriteNormalCheckpointed(t *testing.T) {
	failingLogWrites(t)
	path := filepath.Join(t.TempDir(), "n.db")
	w := open(t, path, walvfs.Name, "NORMAL", "wal_autocheckpoint(0)")
	run(t, w, schema)
	insert(t, w, 0, 200)
	r := open(t, path, "", "FULL")
	run(t, r, `PRAGMA wal_checkpoint(PASSIVE)`)

	// The next commit starts the log over: its header is synced, its
	// frames fail.
	failFrom.Store(32)
	failLog.Store(true)
	tx, err := w.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := tx.Exec(`UPDATE t SET v = zeroblob(100) WHERE id = ?`, i); err != nil {
			t.Fatal(err)
		}
	}
	cerr := tx.Commit()
	failLog.Store(false)
	if cerr != nil {
		return // the failure failed the commit: nothing was published
	}
	run(t, r, `PRAGMA wal_checkpoint(TRUNCATE)`)
	var ok string
	err = open(t, path, "", "FULL").QueryRow(`PRAGMA integrity_check`).Scan(&ok)
	if err != nil || ok != "ok" {
		t.Fatalf("a commit reported with its frames failing; after a checkpoint the database is %.200q (%v)", ok, err)
	}
}
