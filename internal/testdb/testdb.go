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
