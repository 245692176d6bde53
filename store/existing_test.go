package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/internal/pgtest"
)

func TestExistingCreatesNothing(t *testing.T) {
	ctx := context.Background()
	for _, o := range []Options{{Existing: true}, {ReadOnly: true}} {
		dir := filepath.Join(t.TempDir(), "data")
		o.DataDir = dir
		_, err := Open(ctx, o)
		if !errors.Is(err, ErrNoDatabase) || !strings.Contains(err.Error(), filepath.Join(dir, "guichet.db")) {
			t.Errorf("Open(%+v) = %v, want ErrNoDatabase naming the file", o, err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Open(%+v) created %s", o, dir)
		}
	}
}

func TestReadOnlyOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := addTicket(ctx, s); err != nil {
		t.Fatal(err)
	}
	s.Close()

	r, err := Open(ctx, Options{DataDir: dir, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ts, err := r.Tickets(ctx, TicketFilter{})
	if err != nil || len(ts) != 1 {
		t.Errorf("Tickets on a read-only store = %d, %v; want 1", len(ts), err)
	}
	if err := addTicket(ctx, r); err == nil {
		t.Error("a read-only store accepted a write")
	}
}

// TestExistingRefusesOlderSchema: a command that must not migrate says so
// instead of applying the migrations.
func TestExistingRefusesOlderSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := migrations("sqlite")
	last := ms[len(ms)-1].version
	if _, err := s.(*sqliteStore).w.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = ?`, last); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, ro := range []bool{false, true} {
		if _, err := Open(ctx, Options{DataDir: dir, Existing: true, ReadOnly: ro}); !errors.Is(err, ErrSchemaTooOld) {
			t.Errorf("Open(read-only %v) on an older schema = %v, want ErrSchemaTooOld", ro, err)
		}
	}

	url := pgtest.URL(t)
	if _, err := Open(ctx, Options{DatabaseURL: url, ReadOnly: true}); !errors.Is(err, ErrSchemaTooOld) {
		t.Errorf("read-only Open on an empty PostgreSQL database = %v, want ErrSchemaTooOld", err)
	}
	p, err := Open(ctx, Options{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
	p, err = Open(ctx, Options{DatabaseURL: url, ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open on a current PostgreSQL schema: %v", err)
	}
	defer p.Close()
	if err := addTicket(ctx, p); err == nil {
		t.Error("a read-only PostgreSQL store accepted a write")
	}
}

func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := addTicket(ctx, s); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for {
		n, _ := s.Tickets(ctx, TicketFilter{})
		if len(n) >= 20 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	err = Backup(ctx, Options{DataDir: dir}, dest)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	fi, err := os.Stat(dest)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	if err := Backup(ctx, Options{DataDir: dir}, dest); err == nil || !strings.Contains(err.Error(), "exists already") {
		t.Errorf("Backup over an existing file = %v, want a refusal", err)
	}

	// The copy is a database of its own, current and consistent.
	copyDir := t.TempDir()
	if err := os.Rename(dest, filepath.Join(copyDir, "guichet.db")); err != nil {
		t.Fatal(err)
	}
	c, err := Open(ctx, Options{DataDir: copyDir, ReadOnly: true})
	if err != nil {
		t.Fatalf("open the copy: %v", err)
	}
	defer c.Close()
	ts, err := c.Tickets(ctx, TicketFilter{})
	if err != nil || len(ts) < 20 {
		t.Errorf("copy holds %d tickets (%v), want at least 20", len(ts), err)
	}
	var check string
	if err := c.(*sqliteStore).r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check of the copy = %q, %v", check, err)
	}
}

func TestBackupRefusesPostgres(t *testing.T) {
	err := Backup(context.Background(), Options{DatabaseURL: "postgres://u@127.0.0.1:1/x"}, filepath.Join(t.TempDir(), "x"))
	if !errors.Is(err, ErrBackupPostgres) {
		t.Errorf("Backup on PostgreSQL = %v, want ErrBackupPostgres", err)
	}
}

func TestUnderPrintsOneLine(t *testing.T) {
	err := wrap("store: connect", under("store: ping", ErrUnavailable, errors.New("failed to connect:\n\t127.0.0.1: refused\n\t::1: refused")))
	want := "store: connect: ping: database unavailable: failed to connect: 127.0.0.1: refused; ::1: refused"
	if err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if !errors.Is(err, ErrUnavailable) {
		t.Error("lost ErrUnavailable")
	}
}

func addTicket(ctx context.Context, s Store) error {
	return s.InTx(ctx, func(ctx context.Context, tx Tx) error {
		_, err := tx.CreateTickets(ctx, []NewTicket{{Subject: "s", Requester: "a@example.org", CreatedAt: time.Now()}})
		return err
	})
}
