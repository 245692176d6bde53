package store

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestDataDirModes: whatever the umask and whatever an earlier run left,
// the data directory is 0700 and the database files 0600.
func TestDataDirModes(t *testing.T) {
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })
	tests := []struct {
		name     string
		prepare  func(t *testing.T, dir string) // nil: the directory does not exist
		warnMode string                         // the old mode the warning names; "" for no warning
	}{
		{"new directory", nil, ""},
		{"existing 0755 directory", func(t *testing.T, dir string) { mkdir(t, dir, 0o755) }, "0755"},
		{"existing 0700 directory", func(t *testing.T, dir string) { mkdir(t, dir, 0o700) }, ""},
		{"existing 0644 database", func(t *testing.T, dir string) {
			mkdir(t, dir, 0o750)
			if err := os.WriteFile(filepath.Join(dir, "guichet.db"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}, "0750"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if tc.prepare != nil {
				tc.prepare(t, dir)
			}
			var logs bytes.Buffer
			s, err := Open(context.Background(), Options{DataDir: dir, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			// A write makes SQLite create the WAL and its index.
			if _, err := s.Secret(context.Background()); err != nil {
				t.Fatal(err)
			}
			checkMode(t, dir, 0o700)
			for _, f := range []string{"guichet.db", "guichet.db-wal", "guichet.db-shm"} {
				checkMode(t, filepath.Join(dir, f), 0o600)
			}
			s.Close()
			warned := strings.Contains(logs.String(), "level=WARN") && strings.Contains(logs.String(), "path="+dir)
			if tc.warnMode == "" && warned {
				t.Errorf("unexpected warning: %s", logs.String())
			}
			if tc.warnMode != "" && (!warned || !strings.Contains(logs.String(), "old_mode="+tc.warnMode)) {
				t.Errorf("no warning naming %s and mode %s: %q", dir, tc.warnMode, logs.String())
			}
		})
	}
}

func mkdir(t *testing.T, dir string, mode os.FileMode) {
	t.Helper()
	if err := os.Mkdir(dir, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, mode); err != nil {
		t.Fatal(err)
	}
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Error(err)
		return
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %04o, want %04o", filepath.Base(path), got, want)
	}
}
