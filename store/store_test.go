package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"guichet/internal/pgtest"
	"guichet/internal/testdb"
	"guichet/store"
	"guichet/store/storetest"
)

// opener returns a storetest.Opener that gives each test its own database
// (made by fresh) and reopens the same one when called again for that test.
func opener(fresh func(t *testing.T) store.Options) storetest.Opener {
	var (
		mu   sync.Mutex
		opts = map[*testing.T]store.Options{}
	)
	return func(t *testing.T) store.Store {
		t.Helper()
		mu.Lock()
		o, ok := opts[t]
		mu.Unlock()
		if !ok {
			// fresh skips the test when PostgreSQL is unreachable, which
			// ends this goroutine: no lock may be held across it, or every
			// later test waits forever.
			o = fresh(t)
			mu.Lock()
			opts[t] = o
			mu.Unlock()
		}
		s, err := store.Open(context.Background(), o)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(s.Close)
		return s
	}
}

func sqliteOptions(t *testing.T) store.Options {
	return store.Options{DataDir: t.TempDir()}
}

func pgOptions(t *testing.T) store.Options {
	return store.Options{DatabaseURL: pgtest.URL(t)}
}

func TestSQLite(t *testing.T) { storetest.Run(t, opener(sqliteOptions)) }

func TestPostgres(t *testing.T) { storetest.Run(t, opener(pgOptions)) }

// TestPostgresConcurrentProcesses: eight stores, each with its own pool as
// separate gateway processes would have, create 50 tickets each at once.
// Numbers must be 2026-000001 … 2026-000400, each exactly once.
func TestPostgresConcurrentProcesses(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	const procs, each = 8, 50
	stores := make([]store.Store, procs)
	for i := range stores {
		// Opening at once also exercises the migration lock.
		s, err := store.Open(ctx, store.Options{DatabaseURL: url, MaxConns: 2})
		if err != nil {
			t.Fatalf("Open %d: %v", i, err)
		}
		t.Cleanup(s.Close)
		stores[i] = s
	}
	numbers := make(chan string, procs*each)
	var wg sync.WaitGroup
	for p, s := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
					tk, err := testdb.CreateTicket(ctx, tx, store.NewTicket{
						Subject: fmt.Sprintf("p%d-%d", p, i), Requester: "a@example.org",
						CreatedAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
					})
					if err == nil {
						numbers <- tk.Number
					}
					return err
				})
				if err != nil {
					t.Errorf("process %d ticket %d: %v", p, i, err)
				}
			}
		}()
	}
	wg.Wait()
	close(numbers)
	seen := map[string]int{}
	for n := range numbers {
		seen[n]++
	}
	for i := 1; i <= procs*each; i++ {
		n := fmt.Sprintf("2026-%06d", i)
		if seen[n] != 1 {
			t.Errorf("number %s given %d times, want once", n, seen[n])
		}
		delete(seen, n)
	}
	for n := range seen {
		t.Errorf("unexpected number %s", n)
	}
	list, err := stores[0].Tickets(ctx, store.TicketFilter{})
	if err != nil || len(list) != procs*each {
		t.Errorf("Tickets = %d, %v; want %d", len(list), err, procs*each)
	}
}

// TestPostgresConcurrentOpen: processes starting at once on an empty
// database migrate it exactly once.
func TestPostgresConcurrentOpen(t *testing.T) {
	url := pgtest.URL(t)
	var wg sync.WaitGroup
	applied := make([][]string, 4)
	errs := make([]error, 4)
	for i := range applied {
		wg.Add(1)
		go func() {
			defer wg.Done()
			applied[i], errs[i] = store.Migrate(context.Background(), store.Options{DatabaseURL: url})
		}()
	}
	wg.Wait()
	// Each migration is applied by exactly one of the processes.
	count := map[string]int{}
	for i := range applied {
		if errs[i] != nil {
			t.Errorf("Migrate %d: %v", i, errs[i])
		}
		for _, m := range applied[i] {
			count[m]++
		}
	}
	if len(count) == 0 || count["0001_init"] != 1 {
		t.Errorf("migrations applied %v, want 0001_init and every later one once", applied)
	}
	for m, n := range count {
		if n != 1 {
			t.Errorf("migration %s applied %d times, want once: %v", m, n, applied)
		}
	}
}

func TestUnavailable(t *testing.T) {
	cases := []struct {
		name string
		url  string
	}{
		{"closed port", "postgres://postgres@127.0.0.1:1/guichet?sslmode=disable"},
		{"closed port postgresql scheme", "postgresql://postgres@127.0.0.1:1/guichet?sslmode=disable&connect_timeout=2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s, err := store.Open(ctx, store.Options{DatabaseURL: c.url})
			if !errors.Is(err, store.ErrUnavailable) {
				t.Fatalf("Open(%s) = %v, want ErrUnavailable", c.url, err)
			}
			if s != nil {
				t.Errorf("Open returned a store with its error")
			}
			if _, err := store.Migrate(ctx, store.Options{DatabaseURL: c.url}); !errors.Is(err, store.ErrUnavailable) {
				t.Errorf("Migrate = %v, want ErrUnavailable", err)
			}
		})
	}
}

func TestOpenRejectsOtherURLs(t *testing.T) {
	for _, u := range []string{"mysql://x", "sqlite:///tmp/x.db", "127.0.0.1:5432"} {
		if _, err := store.Open(context.Background(), store.Options{DatabaseURL: u, DataDir: t.TempDir()}); err == nil || errors.Is(err, store.ErrUnavailable) {
			t.Errorf("Open(%q) = %v, want a configuration error", u, err)
		}
	}
}

func TestMigrateReportsApplied(t *testing.T) {
	cases := []struct {
		name string
		opts func(t *testing.T) store.Options
	}{
		{"sqlite", sqliteOptions},
		{"postgres", pgOptions},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := c.opts(t)
			ctx := context.Background()
			first, err := store.Migrate(ctx, o)
			if err != nil || len(first) == 0 || first[0] != "0001_init" {
				t.Fatalf("first Migrate = %q, %v; want [0001_init ...]", first, err)
			}
			again, err := store.Migrate(ctx, o)
			if err != nil || len(again) != 0 {
				t.Errorf("second Migrate = %q, %v; want nothing applied", again, err)
			}
		})
	}
}
