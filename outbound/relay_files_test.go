package outbound

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestDirRelayModes: the outbox and its mail are the service user's only,
// whatever the umask.
func TestDirRelayModes(t *testing.T) {
	old := syscall.Umask(0)
	t.Cleanup(func() { syscall.Umask(old) })
	dir := filepath.Join(t.TempDir(), "outbox")
	r, err := NewDirRelay(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Send(context.Background(), "support@centre.example", []string{"a@example.org"}, []byte("Subject: x\r\n\r\nx\r\n")); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "000001.eml"): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %04o, want %04o", path, got, want)
		}
	}
}
