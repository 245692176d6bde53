package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"
)

// walSync makes the SQLite writer's commits durable after the writer's
// connection is free again.
//
// The writer runs synchronous=NORMAL: in WAL mode SQLite then writes a
// commit's frames to the log and publishes it without syncing the log.
// Consistency does not depend on that sync (the frames are checksummed
// in a chain; a checkpoint syncs the log before it copies it), only
// durability does. So every write on the writer returns once a
// fdatasync of the log, begun after its commit returned, has completed:
// a caller still acknowledges nothing (SMTP 250, an IMAP flag, exit 0)
// before its commit is on disk, as under synchronous=FULL. What changes
// is who waits: under FULL the sync ran inside the commit, holding the
// one writer connection (measured: a third of the time it was held, at
// ~500 µs per sync); here the next transaction runs on it while this
// one's sync is under way, and writers that commit while a sync is under
// way share the next one.
//
// A failed sync is final: after fsync fails, Linux may have dropped the
// dirty pages and a later fsync can succeed without having written them.
// Every later write then fails (temporary: SMTP 451), until the process
// is restarted and SQLite recovers the log from what is on disk.
type walSync struct {
	path string
	// sync is fdatasync on Linux; tests replace it.
	sync func(*os.File) error
	// lazy is how long lazy waits leave the sync to others (lazySync).
	lazy time.Duration

	mu   sync.Mutex
	cond *sync.Cond
	f    *os.File
	// begun counts the syncs started, ended those finished; a caller
	// needs the first sync that begins after its commit: begun+1 at the
	// time it asks.
	begun, ended uint64
	running      bool
	// begunAt is when the latest sync began: lazy waits wait only while
	// syncs come often (waitLazily).
	begunAt time.Time
	// closed: the store closed; a sync still asked for (a write that
	// committed as it closed) opens the log and closes it again.
	closed bool
	failed error
	// failedAt is the number of the sync that failed: the commits an
	// earlier one covered are durable still.
	failedAt uint64
}

func newWALSync(dbPath string) *walSync {
	s := &walSync{path: dbPath + "-wal", sync: datasync, lazy: lazySync}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// ErrSyncFailed reports that the log could not be synced: what was
// committed since the last successful sync may not be on disk.
var ErrSyncFailed = errors.New("store: syncing the write-ahead log failed")

// mark returns what a commit that just returned needs: the first sync
// to begin from now on.
func (s *walSync) mark() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.begun + 1
}

// wait returns once a sync of the log that began after the call has
// completed, or reports why it could not.
func (s *walSync) wait() error { return s.waitFor(s.mark()) }

// lazySync is how long a lazy wait (waitLazily) leaves others to start
// the sync it needs before it starts it itself. Under load the group
// commit syncs the log every few milliseconds; the outbox sender's
// commits, which only a relay's delivery waits for, ride on those
// instead of adding syncs of their own (a third of them, each costing
// the disk a flush and the processors its completion).
const lazySync = 10 * time.Millisecond

// waitLazily is waitFor(need) that starts no sync before within has
// passed, while syncs come often: a sync another caller starts meanwhile
// covers it. When none began in the last within (a quiet server, or
// `guichet ingest`, which has nobody to share with), it is waitFor at
// once: waiting would only delay the mail. A sync under way when the
// time is up is waited for first, as waitFor does.
func (s *walSync) waitLazily(need uint64, within time.Duration) error {
	// The deadline is taken first: the timer then fires at it or after,
	// never before, and the loop below cannot miss its last wake-up.
	now := time.Now()
	deadline := now.Add(within)
	s.mu.Lock()
	quiet := s.begunAt.IsZero() || now.Sub(s.begunAt) > within
	s.mu.Unlock()
	if quiet {
		return s.waitFor(need)
	}
	wake := time.AfterFunc(within, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.cond.Broadcast()
	})
	defer wake.Stop()
	s.mu.Lock()
	for s.ended < need && s.failed == nil && time.Now().Before(deadline) {
		s.cond.Wait()
	}
	s.mu.Unlock()
	return s.waitFor(need)
}

// waitFor returns once sync number need (see mark) has completed: a
// caller whose sync is under way waits for it, the first caller to find
// none under way starts the next, for all the commits before it.
func (s *walSync) waitFor(need uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.ended < need && s.failed == nil {
		if s.running {
			s.cond.Wait()
			continue
		}
		s.running = true
		s.begun++
		s.begunAt = time.Now()
		n := s.begun
		s.mu.Unlock()
		err := s.syncLog()
		s.mu.Lock()
		s.running = false
		s.ended = n
		if err != nil && s.failed == nil {
			s.failed = fmt.Errorf("%w: %w", ErrSyncFailed, err)
			s.failedAt = n
		}
		s.cond.Broadcast()
	}
	if s.failed != nil && need < s.failedAt {
		return nil // a sync before the failed one covered this commit
	}
	return s.failed
}

// syncLog syncs the log file as it is now. SQLite deletes the log when
// the last connection to the database closes, after checkpointing it
// into the database file and syncing that; a later connection creates a
// new one. So the file kept open is checked against the path: a log that
// is gone needs no sync, and a new one is opened.
func (s *walSync) syncLog() error {
	st, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		s.closeFile()
		return nil
	}
	if err != nil {
		return err
	}
	if s.f != nil {
		if cur, err := s.f.Stat(); err != nil || !os.SameFile(cur, st) {
			s.closeFile()
		}
	}
	if s.f == nil {
		f, err := os.OpenFile(s.path, os.O_RDWR, 0)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		s.f = f
	}
	if s.closed {
		defer s.closeFile()
	}
	return s.sync(s.f)
}

func (s *walSync) closeFile() {
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}

func (s *walSync) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.running {
		s.cond.Wait()
	}
	s.closed = true
	s.closeFile()
}

// durableAfter is what a write on the writer returns once it committed,
// when mark gave need: nil when the commit is on disk, else
// ErrUnavailable (SMTP 451, exit 75) with the sync's failure.
func (s *walSync) durableAfter(need uint64, op string) error {
	if err := s.waitFor(need); err != nil {
		return under(op, ErrUnavailable, err)
	}
	return nil
}

// lazilyDurableAfter is durableAfter that waits lazily (waitLazily).
func (s *walSync) lazilyDurableAfter(need uint64, op string) error {
	if err := s.waitLazily(need, s.lazy); err != nil {
		return under(op, ErrUnavailable, err)
	}
	return nil
}

// syncedConn is the writer outside a transaction: each statement commits
// on its own and returns once that commit is durable (walSync); lazily
// when lazy is set (walSync.waitLazily).
type syncedConn struct {
	c    sqliteConn
	ws   *walSync
	lazy bool
}

func (c syncedConn) exec(ctx context.Context, s stmt, args ...any) (int64, error) {
	n, err := c.c.exec(ctx, s, args...)
	if err != nil {
		return n, err
	}
	return n, c.durable()
}

// durable returns once the statement that just committed is durable.
func (c syncedConn) durable() error {
	if c.lazy {
		return c.ws.lazilyDurableAfter(c.ws.mark(), "store: sync")
	}
	return c.ws.durableAfter(c.ws.mark(), "store: sync")
}

func (c syncedConn) query(ctx context.Context, s stmt, args ...any) (rows, error) {
	rs, err := c.c.query(ctx, s, args...)
	if err != nil {
		return nil, err
	}
	return &syncedRows{rows: rs, c: c}, nil
}

func (c syncedConn) queryRow(ctx context.Context, s stmt, args ...any) scanner {
	return syncedRow{c.c.queryRow(ctx, s, args...), c}
}

type syncedRow struct {
	r scanner
	c syncedConn
}

// Scan: a statement that found no row to return may still have written
// (an upsert whose update was skipped did not, but one cannot tell here).
func (r syncedRow) Scan(dest ...any) error {
	err := r.r.Scan(dest...)
	if err != nil && !noRow(err) {
		return err
	}
	if serr := r.c.durable(); serr != nil {
		return serr
	}
	return err
}

// syncedRows: the statement commits when its rows end (or are closed);
// its sync's failure is reported by Err, as the rows' own would be.
type syncedRows struct {
	rows
	c    syncedConn
	done bool
	err  error
}

func (r *syncedRows) Next() bool {
	if r.rows.Next() {
		return true
	}
	r.finish()
	return false
}

func (r *syncedRows) Err() error {
	if err := r.rows.Err(); err != nil {
		return err
	}
	return r.err
}

// Close, before the rows ended, still commits what the statement did; a
// failed sync is then reported by every later write (walSync is final).
func (r *syncedRows) Close() { r.finish() }

func (r *syncedRows) finish() {
	if r.done {
		return
	}
	r.done = true
	r.rows.Close()
	if r.rows.Err() == nil {
		r.err = r.c.durable()
	}
}
