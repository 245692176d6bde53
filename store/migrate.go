package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrationFS embed.FS

// migration is one numbered schema step: migrations/<backend>/NNNN_name.sql.
type migration struct {
	version int
	name    string // file name without .sql
	sql     string
}

// migrations lists a backend's steps in order.
func migrations(backend string) ([]migration, error) {
	dir := path.Join("migrations", backend)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".sql")
		if !ok {
			continue
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration %s: name must start with a positive number", e.Name())
		}
		b, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("store: read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("store: two migrations numbered %d", ms[i].version)
		}
	}
	return ms, nil
}

// pending returns the first migration not in applied, or false when the
// schema is current; it refuses a schema newer than the binary.
func pending(ms []migration, applied map[int]bool, maxApplied int) (migration, bool, error) {
	if len(ms) > 0 && maxApplied > ms[len(ms)-1].version {
		return migration{}, false, fmt.Errorf("%w: database at version %d, this program knows up to %d",
			ErrSchemaTooNew, maxApplied, ms[len(ms)-1].version)
	}
	for _, m := range ms {
		if !applied[m.version] {
			return m, true, nil
		}
	}
	return migration{}, false, nil
}

// checkSchema returns nil when the database has exactly the migrations this
// program knows, an error wrapping ErrSchemaTooOld when some are missing
// (including a database that has no schema at all) and ErrSchemaTooNew
// when it has more. It writes nothing.
func checkSchema(ctx context.Context, backend string, c conn) error {
	ms, err := migrations(backend)
	if err != nil {
		return err
	}
	var exists bool
	if err := c.queryRow(ctx, migrationsExist).Scan(&exists); err != nil {
		return wrap("store: read schema version", err)
	}
	have, maxV := map[int]bool{}, 0
	if exists {
		if have, maxV, err = appliedVersions(ctx, c); err != nil {
			return wrap("store: read schema version", err)
		}
	}
	m, ok, err := pending(ms, have, maxV)
	if err != nil {
		return err
	}
	if ok {
		return fmt.Errorf("%w: database at version %d, this program needs %s", ErrSchemaTooOld, maxV, m.name)
	}
	return nil
}

// appliedVersions returns the versions in schema_migrations and the highest.
func appliedVersions(ctx context.Context, c conn) (map[int]bool, int, error) {
	rs, err := c.query(ctx, migrationsApplied)
	if err != nil {
		return nil, 0, err
	}
	versions, err := collect(rs, func(r scanner) (int, error) {
		var v int
		return v, r.Scan(&v)
	})
	if err != nil {
		return nil, 0, err
	}
	have, maxV := map[int]bool{}, 0
	for _, v := range versions {
		have[v], maxV = true, max(maxV, v)
	}
	return have, maxV, nil
}

// migrationLockKey is the pg_advisory_xact_lock key that serialises
// migrations when several processes start at once ("guichet" in ASCII).
const migrationLockKey int64 = 0x67756963686574

var (
	// migrationLock: on PostgreSQL a transaction-scoped advisory lock makes
	// concurrent starters queue up; on SQLite the transaction's BEGIN
	// IMMEDIATE already holds the write lock.
	migrationLock   = stmt{pg: `SELECT pg_advisory_xact_lock($1)`}
	migrationsTable = stmt{
		pg: `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now())`,
		sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	applied_at INTEGER NOT NULL) STRICT`,
	}
	migrationsExist = stmt{
		pg:     `SELECT to_regclass('schema_migrations') IS NOT NULL`,
		sqlite: `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')`,
	}
	migrationsApplied = stmt{pg: `SELECT version FROM schema_migrations`, sqlite: `SELECT version FROM schema_migrations`}
	migrationDone     = portable(`INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`)
)

// migrate applies a backend's pending migrations, each in its own
// transaction opened by begin and under the lock above, so that each
// migration runs exactly once however many processes start at once. It
// returns the names of those it applied.
func migrate(ctx context.Context, backend string, s *core, begin func(context.Context) (txn, error)) ([]string, error) {
	ms, err := migrations(backend)
	if err != nil {
		return nil, err
	}
	var applied []string
	for {
		name, done, err := migrateOne(ctx, ms, s.now(), begin)
		if err != nil {
			return applied, err
		}
		if done {
			return applied, nil
		}
		s.log.Info("store: migration applied", "backend", backend, "migration", name)
		applied = append(applied, name)
	}
}

// migrateOne applies the next pending migration, or reports that none is
// left.
func migrateOne(ctx context.Context, ms []migration, now time.Time, begin func(context.Context) (txn, error)) (name string, done bool, err error) {
	t, err := begin(ctx)
	if err != nil {
		return "", false, err
	}
	defer t.rollback()
	if _, err := t.c.exec(ctx, migrationLock, migrationLockKey); err != nil {
		return "", false, wrap("store: migrate: lock", err)
	}
	if _, err := t.c.exec(ctx, migrationsTable); err != nil {
		return "", false, wrap("store: migrate", err)
	}
	have, maxV, err := appliedVersions(ctx, t.c)
	if err != nil {
		return "", false, wrap("store: migrate", err)
	}
	m, ok, err := pending(ms, have, maxV)
	if err != nil || !ok {
		return "", true, err
	}
	// No arguments: pgx uses the simple protocol, which runs the whole file.
	if _, err := t.c.exec(ctx, stmt{pg: m.sql, sqlite: m.sql}); err != nil {
		return "", false, wrap("store: migration "+m.name, err)
	}
	if _, err := t.c.exec(ctx, migrationDone, m.version, m.name, now); err != nil {
		return "", false, wrap("store: migration "+m.name, err)
	}
	if err := t.commitDurably(); err != nil {
		return "", false, wrap("store: migration "+m.name, err)
	}
	return m.name, false, nil
}
