package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"sort"
	"strconv"
	"strings"
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

// applyMigrations applies a backend's pending migrations one at a time with
// migrateOne (which applies the next one, or reports that none is left)
// and returns their names.
func applyMigrations(ctx context.Context, backend string, log *slog.Logger,
	migrateOne func(context.Context, []migration) (name string, done bool, err error)) ([]string, error) {
	ms, err := migrations(backend)
	if err != nil {
		return nil, err
	}
	var applied []string
	for {
		name, done, err := migrateOne(ctx, ms)
		if err != nil {
			return applied, err
		}
		if done {
			return applied, nil
		}
		log.Info("store: migration applied", "backend", backend, "migration", name)
		applied = append(applied, name)
	}
}
