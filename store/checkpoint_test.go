package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"guichet/internal/walvfs"
)

func openSQLiteStore(t *testing.T, dir string) *sqliteStore {
	t.Helper()
	s, err := Open(context.Background(), Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s.(*sqliteStore)
}

func pragmaInt(t *testing.T, db *sql.DB, pragma string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(context.Background(), `PRAGMA `+pragma).Scan(&n); err != nil {
		t.Fatalf("PRAGMA %s: %v", pragma, err)
	}
	return n
}

// insertRequests commits n requests of ~6 KB, batch by batch.
func insertRequests(t *testing.T, s Store, n, batch int) {
	t.Helper()
	ctx := context.Background()
	raw := bytes.Repeat([]byte("Bonjour, voici ma demande. "), 220)
	for i := 0; i < n; i += batch {
		fns := make([]TxFunc, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			fns = append(fns, func(ctx context.Context, tx Tx) error {
				key := fmt.Sprintf("<ckpt-%d-%d@example.org>", time.Now().UnixNano(), j)
				_, err := tx.InsertMessage(ctx, &Message{Direction: DirIn, Kind: KindRequest,
					From: "awa.diop@example.org", To: []string{"support@example.org"}, Subject: "Demande",
					MessageID: key, DedupeKey: key, Date: time.Now(), Text: "Bonjour", Raw: raw})
				return err
			})
		}
		errs, err := s.InTxBatchFinish(ctx, fns, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range errs {
			if e != nil {
				t.Fatal(e)
			}
		}
	}
}

func walSize(t *testing.T, dir string) int64 {
	t.Helper()
	fi, err := os.Stat(SQLitePath(dir) + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestSQLiteCheckpointsBesideWriter: the writer never checkpoints on its
// own; the checkpointer keeps the WAL bounded under sustained writes, and
// empties it once they stop.
func TestSQLiteCheckpointsBesideWriter(t *testing.T) {
	dir := t.TempDir()
	s := openSQLiteStore(t, dir)
	if got := pragmaInt(t, s.w, "wal_autocheckpoint"); got != 0 {
		t.Errorf("writer's wal_autocheckpoint = %d, want 0", got)
	}
	// A short interval and a small bound, so that a test's load crosses it
	// many times: 3,600 requests write some 90 MB to the WAL, which never
	// starts over without the writer's checkpoints. The bound leaves room
	// for a checkpointer that a busy machine delays.
	s.ckpt.close()
	ckpt, err := startCheckpointer(context.Background(), SQLitePath(dir), s.w, s.log, 5*time.Millisecond, 300*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	s.ckpt = ckpt
	s.ckpt.resetFrames = 256
	const bound = 16 << 20

	var largest int64
	for range 60 {
		insertRequests(t, s, 60, 12)
		largest = max(largest, walSize(t, dir))
	}
	if largest > bound {
		t.Errorf("the WAL grew to %d bytes under load, want at most %d", largest, bound)
	}
	if largest == 0 {
		t.Fatal("the WAL stayed empty under load")
	}
	deadline := time.Now().Add(5 * time.Second)
	for walSize(t, dir) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the WAL still holds %d bytes after the writes stopped", walSize(t, dir))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSQLiteCloseStopsCheckpointer: no goroutine outlives the store.
func TestSQLiteCloseStopsCheckpointer(t *testing.T) {
	running := func() bool {
		buf := make([]byte, 1<<20)
		return strings.Contains(string(buf[:runtime.Stack(buf, true)]), "(*checkpointer).run")
	}
	s, err := Open(context.Background(), Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if !running() {
		t.Fatal("no checkpointer runs beside an open store")
	}
	s.Close()
	if running() {
		t.Error("the checkpointer still runs after Close")
	}
}

// TestSQLiteReadOnlyNoCheckpointer: a read-only store writes nothing, its
// checkpoints included.
func TestSQLiteReadOnlyNoCheckpointer(t *testing.T) {
	dir := t.TempDir()
	openSQLiteStore(t, dir).Close()
	s, err := Open(context.Background(), Options{DataDir: dir, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if c := s.(*sqliteStore).ckpt; c != nil {
		t.Error("a read-only store runs a checkpointer")
	}
}

// TestSQLiteWriterGathersLogWrites: the writer's commits reach the
// write-ahead log through internal/walvfs, a few writes per commit instead
// of two per page; the readers and the checkpointer, which do not write
// the log, see every commit.
func TestSQLiteWriterGathersLogWrites(t *testing.T) {
	s := openSQLiteStore(t, t.TempDir())
	before := walvfs.Snapshot()
	insertRequests(t, s, 40, 8)
	d := walvfs.Snapshot()
	gathered, written := d.Gathered-before.Gathered, d.Written-before.Written
	// Five commits of 8 requests of ~6 KB: dozens of pages each.
	if gathered < 100 || written > gathered/5 {
		t.Fatalf("log writes: %d gathered, %d written; want the writer's log writes gathered", gathered, written)
	}
	var n int
	if err := s.r.QueryRowContext(context.Background(), `SELECT count(*) FROM messages`).Scan(&n); err != nil || n != 40 {
		t.Fatalf("a reader sees %d messages (%v), want 40", n, err)
	}
}

// TestCatchUp: the checkpointer's own passes go on while more than
// catchUpFrames frames came during the pass before, and stop at an
// error, when the WAL started over, or after maxCatchUp passes.
func TestCatchUp(t *testing.T) {
	for _, tc := range []struct {
		name   string
		first  int64   // what the pass before reported
		passes []int64 // what each pass reports
		want   int     // passes run
	}{
		{"few frames came", 5000, []int64{5000 + catchUpFrames}, 1},
		{"many, then few", 5000, []int64{5600, 5600 + catchUpFrames}, 2},
		{"many each time", 5000, []int64{6000, 7000, 8000, 9000, 10000, 11000}, maxCatchUp},
		{"an error", 5000, []int64{-1, 9000}, 1},
		{"the WAL started over", 5000, []int64{12, 5000}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ran := 0
			catchUp(tc.first, func() int64 {
				ran++
				if ran > len(tc.passes) {
					t.Fatalf("pass %d, more than the %d expected", ran, len(tc.passes))
				}
				return tc.passes[ran-1]
			})
			if ran != tc.want {
				t.Errorf("%d passes, want %d", ran, tc.want)
			}
		})
	}
}
