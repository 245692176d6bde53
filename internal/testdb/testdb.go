package testdb

import (
	"context"
	"testing"

	"guichet/internal/pgtest"
	"guichet/store"
)

// Backend is one kind of store a test runs against.
type Backend struct {
	Name string
	Open func(t testing.TB) store.Store
}

// Backends are both stores, SQLite first.
func Backends() []Backend {
	return []Backend{
		{"sqlite", func(t testing.TB) store.Store { return Open(t, store.Options{DataDir: t.TempDir()}) }},
		{"postgres", func(t testing.TB) store.Store { return Open(t, store.Options{DatabaseURL: pgtest.URL(t)}) }},
	}
}

// Open opens a store and closes it when the test ends.
func Open(t testing.TB, o store.Options) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), o)
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(st.Close)
	return st
}

// CreateTicket creates one ticket in tx: the Tx creates tickets by batch
// (CreateTickets), tests often need a single one.
func CreateTicket(ctx context.Context, tx store.Tx, nt store.NewTicket) (store.Ticket, error) {
	tks, err := tx.CreateTickets(ctx, []store.NewTicket{nt})
	if err != nil {
		return store.Ticket{}, err
	}
	return tks[0], nil
}
