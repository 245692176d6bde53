package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrBackupPostgres: Backup copies the embedded database only; a
// PostgreSQL database is saved with its own tools.
var ErrBackupPostgres = errors.New("the database is PostgreSQL: back it up with pg_dump (docs/operations.md)")

// Backup writes a consistent copy of the embedded database to dest while
// other processes (guichet serve) keep writing: SQLite's VACUUM INTO reads
// one snapshot in a read transaction, which WAL lets run beside the
// writer, and writes a compact, self-contained database file. dest is
// created 0600 (the copy holds personal data and the secret) and must not
// exist: an earlier backup is never overwritten.
func Backup(ctx context.Context, o Options, dest string) error {
	pg, err := o.postgres()
	if err != nil {
		return err
	}
	if pg {
		return ErrBackupPostgres
	}
	path := SQLitePath(o.DataDir)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w at %s", ErrNoDatabase, path)
	}
	// VACUUM INTO accepts an empty file: creating it first gives it our
	// mode and refuses an existing one atomically.
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("store: backup: %s exists already: choose a new file name", dest)
		}
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := vacuumInto(ctx, path, dest); err != nil {
		os.Remove(dest) //nolint:errcheck // the error that matters is err
		return err
	}
	return nil
}

func vacuumInto(ctx context.Context, path, dest string) error {
	db, err := sql.Open("sqlite", sqliteDSN(path, roleReadOnly))
	if err != nil {
		return wrap("store: backup", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return wrap("store: backup", err)
	}
	return nil
}
