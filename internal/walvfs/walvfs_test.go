package walvfs_test

import (
	"bufio"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"guichet/internal/walvfs"
)

// open opens path with one connection, through vfs ("" for SQLite's
// default), in WAL mode with the given synchronous setting.
func open(t testing.TB, path, vfs, sync string, pragmas ...string) *sql.DB {
	t.Helper()
	if err := walvfs.Register(); err != nil {
		t.Fatal(err)
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(" + sync + ")"
	for _, p := range pragmas {
		dsn += "&_pragma=" + p
	}
	if vfs != "" {
		dsn += "&vfs=" + vfs
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

func run(t testing.TB, db *sql.DB, qs ...string) {
	t.Helper()
	for _, q := range qs {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

const schema = `CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, v BLOB NOT NULL)`

// row is the content of row i: sizes from a few bytes to several
// overflow pages, and a key that lands on a random leaf of the index.
func row(i int) (string, []byte) {
	sum := sha256.Sum256([]byte(strconv.Itoa(i)))
	v := make([]byte, 17+(i*997)%9000)
	for j := range v {
		v[j] = sum[j%len(sum)] ^ byte(j)
	}
	return fmt.Sprintf("%x", sum[:8]), v
}

func insert(t testing.TB, db *sql.DB, from, to int) {
	t.Helper()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	insertIn(t, tx, from, to)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// insertIn inserts rows row(from) to row(to-1) in the open transaction tx.
func insertIn(t testing.TB, tx *sql.Tx, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		k, v := row(i)
		if _, err := tx.Exec(`INSERT INTO t (id, k, v) VALUES (?, ?, ?)`, i, k, v); err != nil {
			t.Fatal(err)
		}
	}
}

// check reads every row of db and compares it with row(i), for i in
// [0, n), then runs SQLite's integrity check.
func check(t testing.TB, db *sql.DB, n int) {
	t.Helper()
	rs, err := db.Query(`SELECT id, k, v FROM t ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	i := 0
	for ; rs.Next(); i++ {
		var id int
		var k string
		var v []byte
		if err := rs.Scan(&id, &k, &v); err != nil {
			t.Fatal(err)
		}
		wk, wv := row(i)
		if id != i || k != wk || string(v) != string(wv) {
			t.Fatalf("row %d: got id %d key %s, %d bytes; want key %s, %d bytes", i, id, k, len(v), wk, len(wv))
		}
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	if i != n {
		t.Fatalf("%d rows, want %d", i, n)
	}
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity check: %q, %v", ok, err)
	}
}

// TestGathers: a commit's frames reach the file in a few writes, not two
// per page, and what another connection then reads through the default
// VFS is what was written.
func TestGathers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "g.db")
	db := open(t, path, walvfs.Name, "FULL")
	run(t, db, schema)
	before := walvfs.Snapshot()
	insert(t, db, 0, 400) // about 500 pages
	d := walvfs.Snapshot()
	gathered, written := d.Gathered-before.Gathered, d.Written-before.Written
	if gathered < 800 {
		t.Fatalf("%d writes gathered, want at least two per page of 400 rows", gathered)
	}
	// 2 MB of frames: two buffers of 1 MiB at most, each in writes of
	// less than 128 KiB.
	if written > 24 {
		t.Fatalf("%d writes to the file for %d gathered, want at most 24", written, gathered)
	}
	check(t, open(t, path, "", "FULL"), 400)
}

// TestVisibleAfterEachCommit: a reader on another connection, through the
// default VFS, sees every commit as soon as it returns, under
// synchronous=FULL and NORMAL (no sync: the commit's last frame is what
// hands the log over).
func TestVisibleAfterEachCommit(t *testing.T) {
	for _, sync := range []string{"FULL", "NORMAL"} {
		t.Run(sync, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "v.db")
			w := open(t, path, walvfs.Name, sync)
			run(t, w, schema)
			r := open(t, path, "", "FULL")
			for c := range 30 {
				insert(t, w, c*7, (c+1)*7)
				var n int
				var sum sql.NullInt64
				if err := r.QueryRow(`SELECT count(*), sum(length(v)) FROM t`).Scan(&n, &sum); err != nil {
					t.Fatal(err)
				}
				want := 0
				for i := range (c + 1) * 7 {
					_, v := row(i)
					want += len(v)
				}
				if n != (c+1)*7 || int(sum.Int64) != want {
					t.Fatalf("after commit %d the reader sees %d rows, %d bytes; want %d, %d", c, n, sum.Int64, (c+1)*7, want)
				}
			}
			check(t, r, 210)
		})
	}
}

// TestSpillsAndRollbacks: a transaction larger than the page cache spills
// pages into the log before its commit and reads them back, rewrites
// frames it already wrote, and savepoints and transactions roll back
// after their frames were written.
func TestSpillsAndRollbacks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	db := open(t, path, walvfs.Name, "FULL", "cache_size(8)", "cache_spill(1)")
	run(t, db, schema)
	insert(t, db, 0, 300)

	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	insertIn(t, tx, 300, 600)
	// Read back pages that were spilled, then change them again.
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM t WHERE length(v) > 0`).Scan(&n); err != nil || n != 600 {
		t.Fatalf("inside the transaction: %d rows, %v", n, err)
	}
	if _, err := tx.Exec(`UPDATE t SET v = v WHERE id % 3 = 0`); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	check(t, db, 300)

	tx, err = db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`SAVEPOINT a`, `DELETE FROM t WHERE id >= 100`, `ROLLBACK TO a`, `RELEASE a`} {
		if _, err := tx.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	insertIn(t, tx, 300, 500)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	check(t, db, 500)
	check(t, open(t, path, "", "FULL"), 500)
}

// TestCheckpointsBeside: another connection checkpoints, restarting and
// truncating the log, while the writer goes on.
func TestCheckpointsBeside(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	w := open(t, path, walvfs.Name, "FULL", "wal_autocheckpoint(0)")
	run(t, w, schema)
	c := open(t, path, "", "FULL")
	for i := range 40 {
		insert(t, w, i*10, (i+1)*10)
		mode := "PASSIVE"
		if i%4 == 3 {
			mode = "TRUNCATE"
		}
		var busy, frames, done int
		if err := c.QueryRow(`PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &frames, &done); err != nil {
			t.Fatal(err)
		}
	}
	check(t, w, 400)
	check(t, c, 400)
}

// TestKilled: a writer killed with SIGKILL in the middle of its commits
// leaves a database that holds every commit it reported, and nothing
// torn.
func TestKilled(t *testing.T) {
	if os.Getenv("WALVFS_CHILD") != "" {
		killedChild(t)
		return
	}
	path := filepath.Join(t.TempDir(), "k.db")
	run(t, open(t, path, "", "FULL"), schema)
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilled$", "-test.v")
	cmd.Env = append(os.Environ(), "WALVFS_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed := 0
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(20 * time.Second)
	for sc.Scan() && time.Now().Before(deadline) {
		if n, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			committed, _ = strconv.Atoi(n)
			if committed >= 600 {
				break
			}
		}
	}
	cmd.Process.Kill() //nolint:errcheck // it may have ended
	cmd.Wait()         //nolint:errcheck // killed
	if committed < 600 {
		t.Fatalf("the child reported %d rows committed before it was killed", committed)
	}
	db := open(t, path, "", "FULL")
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n < committed || n%10 != 0 {
		t.Fatalf("%d rows after the kill; the child had committed %d, in transactions of 10", n, committed)
	}
	check(t, db, n)
}

// killedChild commits rows ten at a time until it is killed, reporting
// each commit once it has returned.
func killedChild(t *testing.T) {
	db := open(t, os.Getenv("WALVFS_CHILD"), walvfs.Name, "FULL")
	for i := 0; ; i += 10 {
		insert(t, db, i, i+10)
		fmt.Printf("committed %d\n", i+10)
	}
}
