// Package walvfs registers a SQLite VFS that gathers the writes of a
// write-ahead log into one write per commit.
//
// SQLite writes each frame of its write-ahead log with two calls, one for
// the frame's 24-byte header and one for its page, so a commit of 80 pages
// is 160 pwrite(2) calls, each paying a system call and the file system's
// per-write work. This VFS is SQLite's own (the default one, "unix" on
// Linux) with the write-ahead log's writes kept in memory while they
// follow each other in the file, and handed to the real file in one write
// before anything needs them there: at the end of each commit, before the
// log is read, truncated, measured or closed, and at the database file's
// shared-memory barrier, which SQLite crosses before other connections
// can see a commit. A process that dies with writes still in memory dies
// before the commit they belong to was synced or published, exactly as if
// it had died before writing them.
//
// Everything else, the database file's reads and writes included, goes
// to the real VFS unchanged; the files on disk are the same, so other
// processes open the database with the default VFS.
//
// A failed write fails the commit it belongs to: the commit's last frame
// is handed over as soon as it is gathered, before SQLite syncs the log or
// publishes the commit, whatever the synchronous setting. What a
// transaction that rolled back left gathered (pages it had spilled into
// the log) is handed over before SQLite gives up the write lock, as
// SQLite would have written it while holding the lock: later, it could
// land on frames another process has committed since.
package walvfs

import (
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Name is the VFS's name, for the "vfs" parameter of a connection's URI.
const Name = "guichet-walbuf"

// maxPending bounds what one log keeps in memory: a commit larger than
// this is handed over in several writes.
const maxPending = 1 << 20

// maxWrite is the most the unix VFS writes in one call: it masks a
// write's length with 0x1ffff, so a longer one would be cut short and
// reported as a full disk.
const maxWrite = 1<<17 - 1

// register runs once per process: a VFS is registered with SQLite for the
// whole process, which keeps a pointer to it for as long as it runs.
var register = sync.OnceValues(newVFS)

// Register makes the VFS available under Name. It may be called any
// number of times.
func Register() error {
	_, err := register()
	return err
}

type vfs struct {
	tls  *libc.TLS
	real uintptr // the default VFS
	cvfs uintptr // ours, in C memory: SQLite links it into its list

	mu        sync.Mutex
	logs      map[uintptr]*walFile // by sqlite3_file, the logs open through this VFS
	dbs       map[uintptr]*walFile // by the database file's sqlite3_file, its log
	logTables map[uintptr]uintptr  // the real io_methods → ours, for logs
	dbTables  map[uintptr]uintptr  // the same, for database files
	realOf    map[uintptr]uintptr  // ours → the real io_methods

	// The functions whose values the C tables hold: the collector does
	// not see a function value stored as a uintptr, so they are kept here.
	fns []any

	gathered, written, rewritten atomic.Int64
}

// Counts are what the VFS did, for tests.
type Counts struct {
	Gathered  int64 // writes to a log kept in memory
	Rewritten int64 // of which, writes over what was still in memory
	Written   int64 // writes handed to the real log file
}

// walFile is one open write-ahead log: the writes not yet handed over.
type walFile struct {
	file    uintptr // its sqlite3_file
	methods uintptr // the real io_methods
	db      uintptr // its database file's sqlite3_file, 0 if unknown
	gathered
	err int32 // a hand-over's failure that nothing could return yet
	// commitPage: the last write was a commit frame's header, so the
	// next is that frame's page.
	commitPage bool
	// readAt: the log's last call was a read at this offset (-1 if not).
	// walRewriteChecksums reads each frame and writes its header back
	// there; the last one it writes is a commit's, with no page after it.
	readAt int64
}

// frameHeader is the size of a log frame's header, which SQLite writes
// by itself before the frame's page; its bytes 4-7 hold, in a commit's
// last frame only, the database's size after the commit.
const frameHeader = 24

// commitHeader reports whether p is a log frame's header that ends a
// commit.
func commitHeader(p []byte) bool {
	return len(p) == frameHeader && binary.BigEndian.Uint32(p[4:8]) != 0
}

// gathered is a run of writes that follow each other in a file: buf is
// what the file should hold from off on.
type gathered struct {
	off int64
	buf []byte
}

type added int

const (
	refused  added = iota // not contiguous, or too much: hand over first
	appended              // at the end of the run
	rewrote               // over bytes of the run (SQLite rewrites a frame of the running transaction)
)

// add takes a write into the run if it extends it, falls inside it, or
// starts a new one.
func (g *gathered) add(off int64, p []byte) added {
	end := g.off + int64(len(g.buf))
	switch {
	case len(g.buf) == 0 && len(p) <= maxPending:
		g.off, g.buf = off, append(g.buf, p...)
		return appended
	case len(g.buf) > 0 && off >= g.off && off+int64(len(p)) <= end:
		copy(g.buf[off-g.off:], p)
		return rewrote
	case len(g.buf) > 0 && off == end && len(g.buf)+len(p) <= maxPending:
		g.buf = append(g.buf, p...)
		return appended
	}
	return refused
}

func newVFS() (*vfs, error) {
	tls := libc.NewTLS()
	real := sqlite3.Xsqlite3_vfs_find(tls, 0)
	if real == 0 {
		return nil, fmt.Errorf("walvfs: SQLite has no default VFS")
	}
	v := &vfs{
		tls: tls, real: real,
		logs: map[uintptr]*walFile{}, dbs: map[uintptr]*walFile{},
		logTables: map[uintptr]uintptr{}, dbTables: map[uintptr]uintptr{}, realOf: map[uintptr]uintptr{},
	}
	v.cvfs = libc.Xmalloc(tls, libc.Tsize_t(unsafe.Sizeof(sqlite3.Tsqlite3_vfs{})))
	if v.cvfs == 0 {
		return nil, fmt.Errorf("walvfs: out of memory")
	}
	c := (*sqlite3.Tsqlite3_vfs)(cptr(v.cvfs))
	*c = *(*sqlite3.Tsqlite3_vfs)(cptr(real))
	name, err := libc.CString(Name)
	if err != nil {
		return nil, fmt.Errorf("walvfs: %w", err)
	}
	c.FpNext, c.FzName = 0, name
	open := v.open
	v.fns = append(v.fns, open)
	*(*func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32)(unsafe.Pointer(&c.FxOpen)) = open
	if rc := sqlite3.Xsqlite3_vfs_register(tls, v.cvfs, 0); rc != sqlite3.SQLITE_OK {
		return nil, fmt.Errorf("walvfs: registering %s: SQLite error %d", Name, rc)
	}
	return v, nil
}

// Snapshot returns the counts so far.
func Snapshot() Counts {
	v, err := register()
	if err != nil {
		return Counts{}
	}
	return Counts{Gathered: v.gathered.Load(), Rewritten: v.rewritten.Load(), Written: v.written.Load()}
}

// open opens the file with the real VFS, then points a log's or a
// database file's methods at ours. The file's layout stays the real
// VFS's, so every method we do not replace is the real one.
func (v *vfs) open(tls *libc.TLS, _ uintptr, zName, pFile uintptr, flags int32, pOutFlags uintptr) int32 {
	realOpen := (*sqlite3.Tsqlite3_vfs)(cptr(v.real)).FxOpen
	rc := (*(*func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{realOpen})))(tls, v.real, zName, pFile, flags, pOutFlags)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	f := (*sqlite3.Tsqlite3_file)(cptr(pFile))
	if f.FpMethods == 0 {
		return rc
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	switch {
	case flags&sqlite3.SQLITE_OPEN_WAL != 0:
		w := &walFile{file: pFile, methods: f.FpMethods, readAt: -1}
		if zName != 0 {
			w.db = sqlite3.Xsqlite3_database_file_object(tls, zName)
		}
		v.logs[pFile] = w
		if w.db != 0 {
			v.dbs[w.db] = w
		}
		f.FpMethods = v.table(v.logTables, f.FpMethods, v.logMethods)
	case flags&sqlite3.SQLITE_OPEN_MAIN_DB != 0:
		f.FpMethods = v.table(v.dbTables, f.FpMethods, v.dbMethods)
	}
	return rc
}

// table returns our io_methods for the real ones, made once (under mu).
func (v *vfs) table(tables map[uintptr]uintptr, real uintptr, fill func(*sqlite3.Tsqlite3_io_methods)) uintptr {
	if t, ok := tables[real]; ok {
		return t
	}
	t := libc.Xcalloc(v.tls, 1, libc.Tsize_t(unsafe.Sizeof(sqlite3.Tsqlite3_io_methods{})))
	if t == 0 {
		return real // out of memory: this file goes unbuffered
	}
	m := (*sqlite3.Tsqlite3_io_methods)(cptr(t))
	*m = *(*sqlite3.Tsqlite3_io_methods)(cptr(real))
	fill(m)
	tables[real], v.realOf[t] = t, real
	return t
}

func (v *vfs) logMethods(m *sqlite3.Tsqlite3_io_methods) {
	closeFn, read, write, truncate := v.logClose, v.logRead, v.logWrite, v.logTruncate
	syncFn, size, control := v.logSync, v.logFileSize, v.logFileControl
	v.fns = append(v.fns, closeFn, read, write, truncate, syncFn, size, control)
	*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&m.FxClose)) = closeFn
	*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxRead)) = read
	*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxWrite)) = write
	*(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&m.FxTruncate)) = truncate
	*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&m.FxSync)) = syncFn
	*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&m.FxFileSize)) = size
	*(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&m.FxFileControl)) = control
}

func (v *vfs) dbMethods(m *sqlite3.Tsqlite3_io_methods) {
	closeFn := v.dbClose
	v.fns = append(v.fns, closeFn)
	*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&m.FxClose)) = closeFn
	if m.FiVersion >= 2 && m.FxShmBarrier != 0 && m.FxShmLock != 0 {
		barrier, lock := v.dbShmBarrier, v.dbShmLock
		v.fns = append(v.fns, barrier, lock)
		*(*func(*libc.TLS, uintptr))(unsafe.Pointer(&m.FxShmBarrier)) = barrier
		*(*func(*libc.TLS, uintptr, int32, int32, int32) int32)(unsafe.Pointer(&m.FxShmLock)) = lock
	}
}

// realMethods returns the real io_methods of an open log.
func realMethods(w *walFile) *sqlite3.Tsqlite3_io_methods {
	return (*sqlite3.Tsqlite3_io_methods)(cptr(w.methods))
}

func (v *vfs) log(pFile uintptr) *walFile {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.logs[pFile]
}

// handOver writes what w gathered to the real file. The gathered writes
// are dropped whatever the outcome: a failed write fails its commit, and
// SQLite writes those frames again if it retries.
func (v *vfs) handOver(tls *libc.TLS, w *walFile) int32 {
	if w.err != sqlite3.SQLITE_OK {
		rc := w.err
		w.err = sqlite3.SQLITE_OK
		w.buf = w.buf[:0]
		return rc
	}
	if len(w.buf) == 0 {
		return sqlite3.SQLITE_OK
	}
	rc := int32(sqlite3.SQLITE_OK)
	for done := 0; done < len(w.buf) && rc == sqlite3.SQLITE_OK; {
		n := min(len(w.buf)-done, maxWrite)
		rc = callWrite(tls, realMethods(w).FxWrite, w.file, uintptr(unsafe.Pointer(&w.buf[done])), int32(n), w.off+int64(done))
		done += n
		v.written.Add(1)
	}
	w.buf = w.buf[:0]
	return rc
}

// handOverLog finds the open log pFile and hands its writes over; an
// unknown file fails with missing.
func (v *vfs) handOverLog(tls *libc.TLS, pFile uintptr, missing int32) (*walFile, int32) {
	w := v.log(pFile)
	if w == nil {
		return nil, missing
	}
	return w, v.handOver(tls, w)
}

func callWrite(tls *libc.TLS, fn, pFile, buf uintptr, n int32, off int64) int32 {
	return (*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&struct{ uintptr }{fn})))(tls, pFile, buf, n, off)
}

func (v *vfs) logWrite(tls *libc.TLS, pFile, zBuf uintptr, iAmt int32, iOfst int64) int32 {
	w := v.log(pFile)
	if w == nil {
		return sqlite3.SQLITE_IOERR_WRITE
	}
	src := unsafe.Slice((*byte)(cptr(zBuf)), int(iAmt))
	// A commit's last frame is handed over once its page is gathered, so
	// that a failed write fails the commit before SQLite publishes it,
	// whatever the synchronous setting (under FULL, the sync that follows
	// would have handed it over anyway).
	commitPage := w.commitPage
	w.commitPage = false
	reread := w.readAt == iOfst
	w.readAt = -1
	how := refused
	if w.err == sqlite3.SQLITE_OK {
		how = w.add(iOfst, src)
	}
	if how == refused {
		if rc := v.handOver(tls, w); rc != sqlite3.SQLITE_OK {
			return rc
		}
		if how = w.add(iOfst, src); how == refused {
			return callWrite(tls, realMethods(w).FxWrite, pFile, zBuf, iAmt, iOfst)
		}
	}
	v.gathered.Add(1)
	switch {
	case commitHeader(src) && how == appended && !reread:
		w.commitPage = true
	case commitHeader(src), commitPage:
		// A commit header written over an earlier one (checksums
		// recomputed), or the commit frame's page.
		return v.handOver(tls, w)
	}
	if how == rewrote {
		v.rewritten.Add(1)
	}
	return sqlite3.SQLITE_OK
}

// logRead hands the gathered writes over first: SQLite reads back frames
// of the running transaction (its checksums, pages it spilled).
func (v *vfs) logRead(tls *libc.TLS, pFile, zBuf uintptr, iAmt int32, iOfst int64) int32 {
	w, rc := v.handOverLog(tls, pFile, sqlite3.SQLITE_IOERR_READ)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	w.readAt = iOfst
	return (*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&struct{ uintptr }{realMethods(w).FxRead})))(tls, pFile, zBuf, iAmt, iOfst)
}

func (v *vfs) logTruncate(tls *libc.TLS, pFile uintptr, size int64) int32 {
	w, rc := v.handOverLog(tls, pFile, sqlite3.SQLITE_IOERR_TRUNCATE)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&struct{ uintptr }{realMethods(w).FxTruncate})))(tls, pFile, size)
}

func (v *vfs) logSync(tls *libc.TLS, pFile uintptr, flags int32) int32 {
	w, rc := v.handOverLog(tls, pFile, sqlite3.SQLITE_IOERR_FSYNC)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&struct{ uintptr }{realMethods(w).FxSync})))(tls, pFile, flags)
}

func (v *vfs) logFileSize(tls *libc.TLS, pFile, pSize uintptr) int32 {
	w, rc := v.handOverLog(tls, pFile, sqlite3.SQLITE_IOERR_FSTAT)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{realMethods(w).FxFileSize})))(tls, pFile, pSize)
}

func (v *vfs) logFileControl(tls *libc.TLS, pFile uintptr, op int32, pArg uintptr) int32 {
	w, rc := v.handOverLog(tls, pFile, sqlite3.SQLITE_NOTFOUND)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return (*(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{realMethods(w).FxFileControl})))(tls, pFile, op, pArg)
}

func (v *vfs) logClose(tls *libc.TLS, pFile uintptr) int32 {
	w := v.log(pFile)
	if w == nil {
		return sqlite3.SQLITE_IOERR_CLOSE
	}
	rc := v.handOver(tls, w)
	v.mu.Lock()
	delete(v.logs, pFile)
	if w.db != 0 && v.dbs[w.db] == w {
		delete(v.dbs, w.db)
	}
	v.mu.Unlock()
	if crc := (*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{realMethods(w).FxClose})))(tls, pFile); rc == sqlite3.SQLITE_OK {
		rc = crc
	}
	return rc
}

// dbShmBarrier hands the log's writes over before SQLite publishes a
// commit: it crosses this barrier between writing the two copies of the
// wal-index header, and readers take a header only when both agree.
func (v *vfs) dbShmBarrier(tls *libc.TLS, pFile uintptr) {
	w, real := v.dbFile(pFile)
	if w != nil && len(w.buf) > 0 {
		if rc := v.handOver(tls, w); rc != sqlite3.SQLITE_OK {
			w.err = rc
		}
	}
	(*(*func(*libc.TLS, uintptr))(unsafe.Pointer(&struct{ uintptr }{real.FxShmBarrier})))(tls, pFile)
}

// walWriteLock is the wal-index lock a writer holds (WAL_WRITE_LOCK).
const walWriteLock = 0

// dbShmLock hands the log's writes over before SQLite gives up the write
// lock: what is still gathered then belongs to a transaction that rolled
// back after spilling pages into the log, and SQLite wrote such frames
// while it held the lock. Handed over later, they could land on frames
// that another process, holding the lock in between, has committed. They
// belong to no commit, so a failure to write them is of no consequence.
func (v *vfs) dbShmLock(tls *libc.TLS, pFile uintptr, ofst, n, flags int32) int32 {
	w, real := v.dbFile(pFile)
	if w != nil && ofst == walWriteLock && flags == sqlite3.SQLITE_SHM_UNLOCK|sqlite3.SQLITE_SHM_EXCLUSIVE && len(w.buf) > 0 {
		v.handOver(tls, w) //nolint:errcheck // rolled-back frames
		w.commitPage = false
	}
	return (*(*func(*libc.TLS, uintptr, int32, int32, int32) int32)(unsafe.Pointer(&struct{ uintptr }{real.FxShmLock})))(tls, pFile, ofst, n, flags)
}

func (v *vfs) dbClose(tls *libc.TLS, pFile uintptr) int32 {
	_, real := v.dbFile(pFile)
	v.mu.Lock()
	delete(v.dbs, pFile)
	v.mu.Unlock()
	return (*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&struct{ uintptr }{real.FxClose})))(tls, pFile)
}

// dbFile returns the log of an open database file (nil if it has none
// open through this VFS) and the database file's real io_methods.
func (v *vfs) dbFile(pFile uintptr) (*walFile, *sqlite3.Tsqlite3_io_methods) {
	v.mu.Lock()
	defer v.mu.Unlock()
	real := v.realOf[(*sqlite3.Tsqlite3_file)(cptr(pFile)).FpMethods]
	return v.dbs[pFile], (*sqlite3.Tsqlite3_io_methods)(cptr(real))
}

// cptr turns the address of C memory, which SQLite hands over as a
// uintptr, into a pointer. That memory is outside Go's heap, so the
// collector neither moves nor frees it.
func cptr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }
