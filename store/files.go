package store

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
)

// The data directory holds the database, whose settings keep the secret
// that signs reply addresses and tracking links, and the outbox's mail:
// nobody but the service's own user may read it, whatever the umask.

// privateDir creates dir with mode 0700, or tightens an existing one that
// group or others could enter, saying so: an operator who widened it on
// purpose learns why it changed.
func privateDir(dir string, log *slog.Logger) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("store: create data directory: %w", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("store: data directory: %w", err)
	}
	if mode := fi.Mode().Perm(); mode&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("store: tighten data directory: %w", err)
		}
		log.Warn("data directory was readable by others: mode set to 0700", "path", dir, "old_mode", fmt.Sprintf("%04o", mode))
	}
	return nil
}

// privateFile creates path with mode 0600 when it does not exist, so that
// SQLite finds it (and gives its WAL the same mode), or sets an existing
// one to 0600.
func privateFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		return f.Close()
	}
	if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	return nil
}
