package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// gate is a replacement for walSync.sync that records each call and
// holds it until released.
type gate struct {
	mu      sync.Mutex
	calls   []string // the file each sync was given
	entered chan struct{}
	release chan error
}

// newGate's syncs all return once the test ends, so that a test that
// failed while one was held does not hang in its cleanup.
func newGate(t *testing.T) *gate {
	g := &gate{entered: make(chan struct{}, 16), release: make(chan error)}
	t.Cleanup(func() { close(g.release) })
	return g
}

func (g *gate) sync(f *os.File) error {
	g.mu.Lock()
	g.calls = append(g.calls, f.Name())
	g.mu.Unlock()
	g.entered <- struct{}{}
	return <-g.release
}

func (g *gate) wantSyncs(t *testing.T, n int) {
	t.Helper()
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.calls) != n {
		t.Errorf("%d syncs, want %d", len(g.calls), n)
	}
}

// waitEntered fails the test unless a sync starts within a second.
func (g *gate) waitEntered(t *testing.T) {
	t.Helper()
	select {
	case <-g.entered:
	case <-time.After(time.Second):
		t.Fatal("no sync started")
	}
}

// returned fails the test unless ch delivers within a second.
func returned(t *testing.T, what string, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(time.Second):
		t.Fatalf("%s did not return", what)
		return nil
	}
}

// holds checks that what, started as ch, waits for a sync, and returns
// nil once it completes.
func (g *gate) holds(t *testing.T, what string, ch <-chan error) {
	t.Helper()
	g.waitEntered(t)
	blocked(t, what, ch)
	g.release <- nil
	allReturned(t, what, ch)
}

// allReturned fails the test unless each of chs delivers nil.
func allReturned(t *testing.T, what string, chs ...<-chan error) {
	t.Helper()
	for _, ch := range chs {
		if err := returned(t, what, ch); err != nil {
			t.Fatal(err)
		}
	}
}

// blocked fails the test if ch delivers within a short while.
func blocked(t *testing.T, what string, ch <-chan error) {
	t.Helper()
	select {
	case err := <-ch:
		t.Fatalf("%s returned (%v) before its sync completed", what, err)
	case <-time.After(50 * time.Millisecond):
	}
}

func newLog(t *testing.T) (*walSync, *gate) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "x.db")
	if err := os.WriteFile(db+"-wal", []byte("log"), 0o600); err != nil {
		t.Fatal(err)
	}
	ws := newWALSync(db)
	t.Cleanup(ws.close)
	g := newGate(t)
	ws.sync = g.sync
	return ws, g
}

func async(fn func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- fn() }()
	return ch
}

// TestWALSyncWaitsForASyncBegunAfterIt: a commit that returned while a
// sync was under way is not covered by it (the sync may have written the
// log before the commit reached it): it waits for the next, which every
// commit that returned meanwhile shares.
func TestWALSyncWaitsForASyncBegunAfterIt(t *testing.T) {
	ws, g := newLog(t)
	first := async(ws.wait)
	g.waitEntered(t) // sync 1 under way
	second := async(ws.wait)
	third := async(ws.wait)
	time.Sleep(20 * time.Millisecond) // both asked while sync 1 runs
	g.release <- nil
	if err := returned(t, "the first commit", first); err != nil {
		t.Fatal(err)
	}
	g.waitEntered(t) // sync 2, for both
	blocked(t, "a commit that returned during sync 1", second)
	g.release <- nil
	allReturned(t, "a commit that returned during sync 1", second, third)
	g.wantSyncs(t, 2)
}

// TestWALSyncMarkTakenBeforeASync: a commit marked before a sync began
// is covered by it, though it waits only after: no sync of its own.
func TestWALSyncMarkTakenBeforeASync(t *testing.T) {
	ws, g := newLog(t)
	need := ws.mark()
	other := async(ws.wait)
	g.waitEntered(t)
	mine := async(func() error { return ws.waitFor(need) })
	blocked(t, "a commit covered by the sync under way", mine)
	g.release <- nil
	allReturned(t, "a commit", other, mine)
	g.wantSyncs(t, 1)
}

// TestWALSyncFailureIsFinal: once a sync failed, what it should have
// written may be lost whatever later syncs say; every wait fails from
// then on, as ErrUnavailable for the callers (SMTP 451).
func TestWALSyncFailureIsFinal(t *testing.T) {
	ws, g := newLog(t)
	first := async(ws.wait)
	g.waitEntered(t)
	g.release <- syscall.EIO
	err := returned(t, "the failed sync's commit", first)
	if !errors.Is(err, ErrSyncFailed) || !errors.Is(err, syscall.EIO) {
		t.Fatalf("got %v, want ErrSyncFailed wrapping EIO", err)
	}
	ws.lazy = time.Minute // a lazy wait fails at once too
	for _, lazy := range []bool{false, true} {
		later := async(func() error {
			if lazy {
				return ws.lazilyDurableAfter(ws.mark(), "store: commit")
			}
			return ws.durableAfter(ws.mark(), "store: commit")
		})
		err = returned(t, "a later commit", later)
		if !errors.Is(err, ErrSyncFailed) || !errors.Is(err, ErrUnavailable) {
			t.Fatalf("a later commit (lazy %v) got %v, want ErrSyncFailed as ErrUnavailable", lazy, err)
		}
	}
	g.wantSyncs(t, 1) // none after the failure
}

// noSyncFor fails the test if a sync starts within d.
func (g *gate) noSyncFor(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-g.entered:
		t.Fatal("a sync started")
	case <-time.After(d):
	}
}

// ridesOn checks that what, started as lazy, starts no sync of its own
// and waits; then that another write, started as other, starts one that
// lets both return.
func (g *gate) ridesOn(t *testing.T, what string, lazy <-chan error, other func() error) {
	t.Helper()
	g.noSyncFor(t, 50*time.Millisecond)
	blocked(t, what, lazy)
	done := async(other)
	g.holds(t, what, lazy)
	allReturned(t, "the other write", done)
}

// busy makes the log count as busy for lazy waits of up to a minute: a
// sync began just now (waitLazily waits only while syncs come often).
func (g *gate) busy(t *testing.T, ws *walSync) {
	t.Helper()
	g.holds(t, "a first write", async(ws.wait))
}

// TestWALSyncLazyRidesOnAnotherSync: on a busy log, a lazy wait starts no
// sync of its own while its time lasts; the next sync another caller
// starts covers it, and it returns when that one completes.
func TestWALSyncLazyRidesOnAnotherSync(t *testing.T) {
	ws, g := newLog(t)
	g.busy(t, ws)
	need := ws.mark()
	lazy := async(func() error { return ws.waitLazily(need, time.Minute) })
	g.ridesOn(t, "a lazy wait", lazy, ws.wait)
	g.wantSyncs(t, 2)
}

// TestWALSyncLazyOnAQuietLog: when no sync began within the lazy wait's
// time (never, or long ago), it starts its sync at once: nobody is
// syncing to share with (`guichet ingest`, a quiet server).
func TestWALSyncLazyOnAQuietLog(t *testing.T) {
	ws, g := newLog(t)
	for _, when := range []string{"never", "two minutes ago"} {
		if when != "never" {
			ws.mu.Lock()
			ws.begunAt = time.Now().Add(-2 * time.Minute)
			ws.mu.Unlock()
		}
		lazy := async(func() error { return ws.waitLazily(ws.mark(), time.Minute) })
		g.holds(t, "a lazy wait, last sync "+when, lazy)
	}
	g.wantSyncs(t, 2)
}

// TestWALSyncLazyFailsWithAnotherSync: a lazy wait that another caller's
// sync covers fails when that sync fails.
func TestWALSyncLazyFailsWithAnotherSync(t *testing.T) {
	ws, g := newLog(t)
	g.busy(t, ws)
	need := ws.mark()
	lazy := async(func() error { return ws.waitLazily(need, time.Minute) })
	g.noSyncFor(t, 50*time.Millisecond)
	other := async(ws.wait)
	g.waitEntered(t)
	g.release <- syscall.EIO
	for what, ch := range map[string]<-chan error{"the lazy wait": lazy, "the other write": other} {
		if err := returned(t, what, ch); !errors.Is(err, ErrSyncFailed) {
			t.Errorf("%s got %v, want ErrSyncFailed", what, err)
		}
	}
}

// TestWALSyncLazyNotCoveredByAnEarlierSync: a sync that began before the
// lazy commit returned does not cover it; once that sync ended, the lazy
// wait goes on waiting for another.
func TestWALSyncLazyNotCoveredByAnEarlierSync(t *testing.T) {
	ws, g := newLog(t)
	first := async(ws.wait)
	g.waitEntered(t) // sync 1 under way
	need := ws.mark()
	lazy := async(func() error { return ws.waitLazily(need, time.Minute) })
	g.release <- nil
	allReturned(t, "the first commit", first)
	g.ridesOn(t, "a lazy wait after sync 1", lazy, ws.wait)
	g.wantSyncs(t, 2)
}

// TestWALSyncLazyStartsItsOwnSync: on a busy log where nobody syncs
// again, a lazy wait starts the sync itself once its time is up, not
// before.
func TestWALSyncLazyStartsItsOwnSync(t *testing.T) {
	ws, g := newLog(t)
	const within = 100 * time.Millisecond
	g.busy(t, ws)
	start := time.Now()
	lazy := async(func() error { return ws.waitLazily(ws.mark(), within) })
	g.waitEntered(t)
	if waited := time.Since(start); waited < within {
		t.Errorf("the sync started after %v, want %v or more", waited, within)
	}
	blocked(t, "a lazy wait", lazy)
	g.release <- nil
	allReturned(t, "a lazy wait", lazy)
	g.wantSyncs(t, 2)
}

// TestWALSyncFailureSparesEarlierCommits: a commit that a sync before the
// failed one covered is on disk; a caller that waits for it only after the
// failure (a batch settled late) still hears so.
func TestWALSyncFailureSparesEarlierCommits(t *testing.T) {
	ws, g := newLog(t)
	need := ws.mark()
	first := async(ws.wait)
	g.waitEntered(t)
	g.release <- nil
	allReturned(t, "the first commit", first)
	second := async(ws.wait)
	g.waitEntered(t)
	g.release <- syscall.EIO
	if err := returned(t, "the failed sync's commit", second); !errors.Is(err, ErrSyncFailed) {
		t.Fatalf("got %v, want ErrSyncFailed", err)
	}
	if err := ws.waitFor(need); err != nil {
		t.Fatalf("a commit covered by the first sync: %v, want nil", err)
	}
	if err := ws.waitFor(ws.mark()); !errors.Is(err, ErrSyncFailed) {
		t.Fatalf("a commit after the failure: %v, want ErrSyncFailed", err)
	}
}

// TestWALSyncFollowsTheLogFile: SQLite deletes the log when the last
// connection closes (after checkpointing it into the database, synced)
// and a later one creates a new file: the sync goes to the file at the
// path, never to the old one kept open, and a log that is gone needs none.
func TestWALSyncFollowsTheLogFile(t *testing.T) {
	ws, _ := newLog(t)
	var synced []os.FileInfo
	ws.sync = func(f *os.File) error {
		fi, err := f.Stat()
		if err != nil {
			return err
		}
		synced = append(synced, fi)
		return nil
	}
	if err := ws.wait(); err != nil {
		t.Fatal(err)
	}
	// The old file stays open (ws.f) while it is replaced: the new one
	// cannot take its inode.
	if err := os.Remove(ws.path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ws.path, []byte("new log"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := ws.wait(); err != nil {
		t.Fatal(err)
	}
	now, err := os.Stat(ws.path)
	if err != nil {
		t.Fatal(err)
	}
	if len(synced) != 2 || os.SameFile(synced[0], now) || !os.SameFile(synced[1], now) {
		t.Fatalf("synced %d files; want 2, the second the new log", len(synced))
	}
	if err := os.Remove(ws.path); err != nil {
		t.Fatal(err)
	}
	if err := ws.wait(); err != nil {
		t.Fatalf("no log: %v, want nil (nothing left to sync)", err)
	}
	if len(synced) != 2 {
		t.Fatalf("%d syncs, want none of a log that is gone", len(synced)-2)
	}
}

// probe creates a table the tests write to through the store's writer.
func probe(t *testing.T, s *sqliteStore) {
	t.Helper()
	if _, err := s.w.Exec(`CREATE TABLE walsync_probe (n INTEGER)`); err != nil {
		t.Fatal(err)
	}
}

func insertProbe(s *sqliteStore, n int) func() error {
	return func() error {
		return s.InTx(context.Background(), func(ctx context.Context, tx Tx) error {
			_, err := tx.(*sqliteTx).c.exec(ctx, stmt{sqlite: `INSERT INTO walsync_probe VALUES (?)`}, n)
			return err
		})
	}
}

func probeCount(t *testing.T, s *sqliteStore) int {
	t.Helper()
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM walsync_probe`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSQLiteCommitReturnsAfterLogSync, through the store on a real
// database: a write transaction returns only once a sync of the log that
// began after its commit completed; meanwhile the writer's connection is
// free, and another transaction commits on it.
func TestSQLiteCommitReturnsAfterLogSync(t *testing.T) {
	s := openSQLiteStore(t, t.TempDir())
	probe(t, s)
	g := newGate(t)
	s.ws.sync = g.sync

	first := async(insertProbe(s, 1))
	g.waitEntered(t)
	blocked(t, "the first transaction", first)
	if n := probeCount(t, s); n != 1 {
		t.Fatalf("readers see %d rows, want 1: the commit is published before its sync", n)
	}
	second := async(insertProbe(s, 2))
	deadline := time.Now().Add(time.Second)
	for probeCount(t, s) != 2 {
		if time.Now().After(deadline) {
			t.Fatal("the second transaction did not commit while the first one's sync ran")
		}
		time.Sleep(time.Millisecond)
	}
	blocked(t, "the second transaction", second)
	g.release <- nil
	if err := returned(t, "the first transaction", first); err != nil {
		t.Fatal(err)
	}
	// The second commit returned during the first sync: a sync of its own.
	g.holds(t, "the second transaction", second)
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, name := range g.calls {
		if name != SQLitePath(filepath.Dir(name))+"-wal" {
			t.Errorf("synced %s, want the database's log", name)
		}
	}
}

// TestSQLiteWritesOutsideTransactionsWaitForSync: the writer's own
// statements (leases, the outbox's claims and marks) commit by
// themselves and return after the sync too.
func TestSQLiteWritesOutsideTransactionsWaitForSync(t *testing.T) {
	s := openSQLiteStore(t, t.TempDir())
	g := newGate(t)
	s.ws.sync = g.sync
	ctx := context.Background()
	done := async(func() error {
		_, err := s.AcquireLease(ctx, "walsync", "me", time.Now(), time.Minute)
		return err
	})
	g.holds(t, "AcquireLease", done)
	g.holds(t, "SetMailboxState", async(func() error { return s.SetMailboxState(ctx, "INBOX", 7, 42) }))
}

// TestSQLiteInTxCommitIsLazy, through the store on a real database:
// InTxCommit returns once committed, before any sync; on a busy log its
// durable waits for a sync without starting one while its time lasts,
// and the sync of an ordinary transaction committed after it covers it.
func TestSQLiteInTxCommitIsLazy(t *testing.T) {
	s := openSQLiteStore(t, t.TempDir())
	probe(t, s)
	g := newGate(t)
	s.ws.sync = g.sync
	s.ws.lazy = time.Minute
	g.busy(t, s.ws)
	var durable func() error
	committed := async(func() (err error) {
		durable, err = s.InTxCommit(context.Background(), func(ctx context.Context, tx Tx) error {
			_, err := tx.(*sqliteTx).c.exec(ctx, stmt{sqlite: `INSERT INTO walsync_probe VALUES (1)`})
			return err
		})
		return err
	})
	if err := returned(t, "InTxCommit", committed); err != nil || durable == nil {
		t.Fatalf("InTxCommit = %v, durable %v; want a wait for the sync", err, durable != nil)
	}
	if n := probeCount(t, s); n != 1 {
		t.Fatalf("readers see %d rows, want the committed one", n)
	}
	g.ridesOn(t, "InTxCommit's durable", async(durable), insertProbe(s, 2))
	g.wantSyncs(t, 2)
}

// TestSQLiteMarkSentIsLazy: on a busy log, recording a delivery waits
// for a sync of the log without starting one while its time lasts (only
// the sender waits for it); another write's sync covers it.
func TestSQLiteMarkSentIsLazy(t *testing.T) {
	s := openSQLiteStore(t, t.TempDir())
	ctx := context.Background()
	now := time.Now()
	if err := s.InTx(ctx, func(ctx context.Context, tx Tx) error {
		_, err := queueOne(ctx, tx, now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ClaimOutbound(ctx, now.Add(time.Second), 10, time.Minute)
	if err != nil || len(got) != 1 {
		t.Fatalf("ClaimOutbound = %d rows, %v; want 1", len(got), err)
	}
	g := newGate(t)
	s.ws.sync = g.sync
	s.ws.lazy = time.Minute
	g.busy(t, s.ws)
	marked := async(func() error { return s.MarkSent(ctx, Sent{ID: got[0].ID, At: now}) })
	g.ridesOn(t, "MarkSent", marked, func() error { return s.SetMailboxState(ctx, "INBOX", 7, 42) })
	g.wantSyncs(t, 2)
}

// TestSQLiteFailedSyncFailsWrites: a failed sync fails its transaction
// as temporarily unavailable (SMTP 451), and every write after it.
func TestSQLiteFailedSyncFailsWrites(t *testing.T) {
	s := openSQLiteStore(t, t.TempDir())
	probe(t, s)
	g := newGate(t)
	s.ws.sync = g.sync
	first := async(insertProbe(s, 1))
	g.waitEntered(t)
	g.release <- syscall.EIO
	if err := returned(t, "the transaction", first); !errors.Is(err, ErrUnavailable) || !errors.Is(err, ErrSyncFailed) {
		t.Fatalf("got %v, want ErrUnavailable and ErrSyncFailed", err)
	}
	if err := returned(t, "a later transaction", async(insertProbe(s, 2))); !errors.Is(err, ErrSyncFailed) {
		t.Fatalf("a later transaction got %v, want ErrSyncFailed", err)
	}
	if _, err := s.AcquireLease(context.Background(), "walsync", "me", time.Now(), time.Minute); !errors.Is(err, ErrSyncFailed) {
		t.Fatalf("a later lease got %v, want ErrSyncFailed", err)
	}
}

// TestSQLiteSyncsTheLogOfALinkedDatabase: SQLite follows a symbolic
// link to the database file and keeps its log beside the file it found,
// not beside the link. The sync goes to that log: the one named after
// the link does not exist, and finding none must not pass for a commit
// on disk.
func TestSQLiteSyncsTheLogOfALinkedDatabase(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(t.TempDir(), "elsewhere.db")
	if err := os.WriteFile(real, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, SQLitePath(dir)); err != nil {
		t.Fatal(err)
	}
	s := openSQLiteStore(t, dir)
	probe(t, s)
	g := newGate(t)
	s.ws.sync = g.sync
	g.holds(t, "a transaction", async(insertProbe(s, 1)))
	want, err := os.Stat(real + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, name := range g.calls {
		if got, err := os.Stat(name); err != nil || !os.SameFile(got, want) {
			t.Errorf("synced %s, want the log SQLite writes, %s", name, real+"-wal")
		}
	}
}

// TestWALSyncAfterClose: a write that committed as the store closed still
// has its sync, and the log file is not left open after it.
func TestWALSyncAfterClose(t *testing.T) {
	ws, _ := newLog(t)
	syncs := 0
	ws.sync = func(*os.File) error { syncs++; return nil }
	if err := ws.wait(); err != nil {
		t.Fatal(err)
	}
	ws.close()
	if ws.f != nil {
		t.Fatal("the log is still open after close")
	}
	if err := ws.wait(); err != nil {
		t.Fatalf("a sync after close: %v", err)
	}
	if syncs != 2 || ws.f != nil {
		t.Errorf("%d syncs, log open %v; want 2, and the log closed again", syncs, ws.f != nil)
	}
}
