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
