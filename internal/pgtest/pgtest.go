package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultAdminURL is the server these machines run (trust auth).
const DefaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// AdminURL is the maintenance database tests create their databases from;
// GUICHET_TEST_DATABASE_URL overrides it.
func AdminURL() string {
	if u := os.Getenv("GUICHET_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultAdminURL
}

// Required reports whether a missing PostgreSQL must fail the test.
func Required() bool { return os.Getenv("GUICHET_TEST_REQUIRE_PG") == "1" }

// URL creates an empty database for this test, drops it when the test ends,
// and returns its URL.
func URL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	admin := AdminURL()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		if Required() {
			t.Fatalf("PostgreSQL required (GUICHET_TEST_REQUIRE_PG=1) but unreachable at %s: %v", admin, err)
		}
		t.Skipf("PostgreSQL unreachable at %s (set GUICHET_TEST_DATABASE_URL, or GUICHET_TEST_REQUIRE_PG=1 to fail): %v", admin, err)
	}
	defer conn.Close(ctx)

	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "guichet_test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Logf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})

	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("parse %s: %v", admin, err)
	}
	u.Path = "/" + name
	return u.String()
}

// Writes are a table's row writes as PostgreSQL's statistics count them.
type Writes struct {
	Inserted, Updated, HOTUpdated int64
}

// TableWrites returns the writes to table in the database at dbURL once
// every other session of that database has ended: a backend sends its
// counters when it exits (or after a while idle), so callers close their
// stores first. It waits for the counters to settle, as the exiting
// backends send them just after leaving pg_stat_activity.
func TableWrites(t testing.TB, dbURL, table string) Writes {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect for statistics: %v", err)
	}
	defer conn.Close(ctx)
	read := func() Writes {
		t.Helper()
		var w Writes
		if err := conn.QueryRow(ctx, `
SELECT n_tup_ins, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = $1`, table).Scan(
			&w.Inserted, &w.Updated, &w.HOTUpdated); err != nil {
			t.Fatalf("statistics of %s: %v", table, err)
		}
		return w
	}
	for {
		var others int
		if err := conn.QueryRow(ctx, `
SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&others); err != nil {
			t.Fatalf("sessions: %v", err)
		}
		if others == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d sessions still open on the database", others)
		}
		time.Sleep(50 * time.Millisecond)
	}
	last := read()
	for {
		time.Sleep(200 * time.Millisecond)
		w := read()
		if w == last {
			return w
		}
		last = w
	}
}
