package store_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"guichet/store"
	"guichet/store/storetest"
)

// dumping is opener with a Dumper reading the same database from outside
// the store: the files of SQLite, every row of PostgreSQL.
func dumping(fresh func(t *testing.T) store.Options) (storetest.Opener, storetest.Dumper) {
	var (
		mu   sync.Mutex
		opts = map[*testing.T]store.Options{}
	)
	remember := func(t *testing.T) store.Options {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		o, ok := opts[t]
		if !ok {
			o = fresh(t)
			opts[t] = o
		}
		return o
	}
	open := func(t *testing.T) store.Store {
		t.Helper()
		s, err := store.Open(context.Background(), remember(t))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(s.Close)
		return s
	}
	dump := func(t *testing.T) []byte {
		t.Helper()
		o := remember(t)
		if o.DatabaseURL == "" {
			return sqliteFiles(t, o.DataDir)
		}
		return pgRows(t, o.DatabaseURL)
	}
	return open, dump
}

func sqliteFiles(t *testing.T, dir string) []byte {
	t.Helper()
	var all []byte
	for _, name := range []string{"guichet.db", "guichet.db-wal", "guichet.db-journal"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func pgRows(t *testing.T, url string) []byte {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	rs, err := c.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rs, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	var all []byte
	for _, tb := range tables {
		rs, err := c.Query(ctx, `SELECT t::text FROM `+pgx.Identifier{tb}.Sanitize()+` t`)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := pgx.CollectRows(rs, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			all = append(all, r...)
			all = append(all, '\n')
		}
	}
	return all
}

func TestPersonalSQLite(t *testing.T) {
	open, dump := dumping(sqliteOptions)
	storetest.RunPersonal(t, open, dump)
}

func TestPersonalPostgres(t *testing.T) {
	open, dump := dumping(pgOptions)
	storetest.RunPersonal(t, open, dump)
}
