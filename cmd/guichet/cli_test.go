package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadCommandsNeedADatabase: the commands that read never create a
// data directory nor migrate; they say where they looked, in one line.
func TestReadCommandsNeedADatabase(t *testing.T) {
	h := newHarness(t, "")
	dir := filepath.Join(h.env["GUICHET_DATA_DIR"], "data")
	h.env["GUICHET_DATA_DIR"] = dir
	for _, args := range [][]string{{"tickets"}, {"ticket", "2026-000001"}, {"outbox"}, {"outbox", "retry", "3"}, {"backup", filepath.Join(t.TempDir(), "b.db")}} {
		code, out, errs := h.run("", args...)
		want := "guichet " + args[0] + ": no database at " + filepath.Join(dir, "guichet.db") + " (run guichet serve or guichet migrate first)\n"
		if code != exitFailure || out != "" || errs != want {
			t.Errorf("%v = %d %q %q, want 1 and %q", args, code, out, errs, want)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a read command created %s", dir)
	}
}

func TestReadCommandsUsage(t *testing.T) {
	h := newHarness(t, "")
	if code, _, errs := h.run("", "migrate"); code != exitOK {
		t.Fatalf("migrate = %d %s", code, errs)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		out  string // in stdout, or stderr when the code is not 0
	}{
		{"not a number", []string{"ticket", "foo"}, exitUsage, `guichet ticket: expected one ticket number such as 2026-000042, got "foo"`},
		{"two numbers", []string{"ticket", "2026-000001", "2026-000002"}, exitUsage, "expected one ticket number"},
		{"unknown number", []string{"ticket", "2026-000999"}, exitFailure, "guichet ticket: no ticket 2026-000999\n"},
		{"pasted tag, flag after", []string{"ticket", "[Ticket#2026-000999]", "--json"}, exitFailure, "no ticket 2026-000999"},
		{"French status", []string{"tickets", "--status", "ouverte"}, exitOK, "STATUT"},
		{"French status without accent", []string{"tickets", "--status=resolue"}, exitOK, "STATUT"},
		{"waiting", []string{"tickets", "--status", "en-attente"}, exitOK, "STATUT"},
		{"English status", []string{"tickets", "--status", "closed", "--json"}, exitOK, "[]"},
		{"unknown status", []string{"tickets", "--status", "bof"}, exitUsage, `unknown status "bof"`},
		{"a setting as a flag", []string{"tickets", "--log-level", "debug"}, exitOK, "STATUT"},
		{"unknown flag", []string{"tickets", "--bogus"}, exitUsage, "guichet tickets: flag provided but not defined: -bogus"},
		{"outbox retry without id", []string{"outbox", "retry"}, exitUsage, "usage: guichet outbox"},
		{"outbox retry unknown", []string{"outbox", "retry", "9"}, exitFailure, "no failed message 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := h.run("", tc.args...)
			got := out
			if tc.code != exitOK {
				got = errs
			}
			if code != tc.code || !strings.Contains(got, tc.out) || strings.Count(strings.TrimSpace(errs), "\n") > 0 ||
				strings.Contains(errs, "migration") {
				t.Errorf("%v = %d %q %q, want %d and %q", tc.args, code, out, errs, tc.code, tc.out)
			}
		})
	}
}

func TestReadCommandsRefuseOlderSchema(t *testing.T) {
	h := newHarness(t, "")
	if code, _, errs := h.run("", "migrate"); code != exitOK {
		t.Fatalf("migrate = %d %s", code, errs)
	}
	// A database from before a migration this program has.
	db := filepath.Join(h.env["GUICHET_DATA_DIR"], "guichet.db")
	if err := dropLastMigration(db); err != nil {
		t.Fatal(err)
	}
	code, _, errs := h.run("", "tickets")
	if code != exitFailure || !strings.Contains(errs, "database schema is older than this program") || !strings.HasSuffix(errs, "(run guichet migrate)\n") {
		t.Errorf("tickets on an older schema = %d %q", code, errs)
	}
}

func TestConfigCommand(t *testing.T) {
	h := newHarness(t, "postgres://guichet:pg-pass@db.example/guichet")
	h.env["GUICHET_SECRET"] = strings.Repeat("k", 40)
	h.env["GUICHET_RELAY_URL"] = "smtps://relay:relay-pass@smtp.example:465"
	file := filepath.Join(t.TempDir(), "guichet.toml")
	if err := os.WriteFile(file, []byte("# the centre\nsmtp_rate = 30\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := h.run("", "config", "--config", file, "--http-addr", "off")
	if code != exitOK {
		t.Fatalf("config = %d %s", code, errs)
	}
	for _, leak := range []string{"pg-pass", "relay-pass", "kkkk"} {
		if strings.Contains(out, leak) {
			t.Errorf("config prints %q:\n%s", leak, out)
		}
	}
	for _, want := range []string{
		`GUICHET_DATABASE_URL="postgres://guichet:xxxxx@db.example/guichet"`,
		`GUICHET_SECRET="xxxxx"`,
		`GUICHET_SMTP_RATE="30"`, "# file:2",
		`GUICHET_HTTP_ADDR="off"`, "# flag",
		`GUICHET_SMTP_ADDR="127.0.0.1:2525"`, "# default",
		"# env",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("config lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n"); n < 30 {
		t.Errorf("config printed %d lines, want one per setting", n)
	}
}

func TestBackupCommand(t *testing.T) {
	h := newHarness(t, "")
	if code, _, errs := h.run(request, "ingest"); code != exitOK {
		t.Fatalf("ingest = %d %s", code, errs)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if code, out, errs := h.run("", "backup", dest); code != exitOK || out != dest+" written\n" {
		t.Fatalf("backup = %d %q %q", code, out, errs)
	}
	if code, _, errs := h.run("", "backup", dest); code != exitFailure || !strings.Contains(errs, "exists already") {
		t.Errorf("backup over a file = %d %q", code, errs)
	}
	copyDir := t.TempDir()
	if err := os.Rename(dest, filepath.Join(copyDir, "guichet.db")); err != nil {
		t.Fatal(err)
	}
	h.env["GUICHET_DATA_DIR"] = copyDir
	if code, out, _ := h.run("", "tickets", "--json"); code != exitOK || strings.Count(out, `"number"`) != 1 {
		t.Errorf("tickets of the copy = %d %s", code, out)
	}
	pg := newHarness(t, "postgres://guichet@127.0.0.1:1/guichet")
	if code, _, errs := pg.run("", "backup", filepath.Join(t.TempDir(), "x")); code != exitFailure || !strings.Contains(errs, "pg_dump") {
		t.Errorf("backup on PostgreSQL = %d %q", code, errs)
	}
	if code, _, _ := h.run("", "backup"); code != exitUsage {
		t.Errorf("backup without a file = %d, want %d", code, exitUsage)
	}
}

// dropLastMigration makes the database at path look one migration old.
func dropLastMigration(path string) error {
	db, err := sql.Open("sqlite", path) // driver registered by the store
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(`DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)`)
	return err
}
