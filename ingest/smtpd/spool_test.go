package smtpd

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"guichet/store"
)

// bigMessage is a message of about n bytes whose body has bare LF lines,
// which the spool must normalise as memory does.
func bigMessage(n int) string {
	line := "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\r\n"
	return message("gros") + "ligne nue\n" + strings.Repeat(line, n/len(line)) + "fin\r\n"
}

// spoolFiles lists this process's open files in dir, which the spool
// unlinks at once: only /proc sees them.
func spoolFiles(t *testing.T, dir string) []os.FileInfo {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var out []os.FileInfo
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err != nil || !strings.HasPrefix(target, filepath.Join(dir, "guichet-smtp-")) {
			continue
		}
		if fi, err := os.Stat(filepath.Join("/proc/self/fd", fd.Name())); err == nil {
			out = append(out, fi)
		}
	}
	return out
}

// TestSpooledMessage: a message above SpoolAbove is received through a
// private, unlinked file, delivered byte for byte as one in memory would
// be, and its file is gone once the message is done.
func TestSpooledMessage(t *testing.T) {
	tests := []struct {
		name    string
		size    string // SIZE parameter, "" for none
		deliver error
		want    string
	}{
		{"without SIZE", "", nil, "250"},
		{"announced by SIZE", " SIZE=300000", nil, "250"},
		{"database down", "", store.ErrUnavailable, "451 4.3.0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			o := baseOptions()
			o.SpoolDir, o.SpoolAbove = dir, 16<<10
			o.MemoryBudget = 2 * o.MaxBytes
			rec := &recorder{err: tt.deliver, gate: make(chan struct{}), entered: make(chan struct{}, 1)}
			ts := startServer(t, o, rec)
			body := bigMessage(300 << 10)
			c := dial(t, ts.addr)
			c.greet()
			c.expect("MAIL FROM:<awa.diop@example.net>"+tt.size, "250")
			c.expect("RCPT TO:<support@example.org>", "250")
			c.expect("DATA", "354")
			c.send(body + ".\r\n")
			<-rec.entered
			files := spoolFiles(t, dir)
			if len(files) != 1 || files[0].Mode().Perm() != 0o600 {
				t.Errorf("spool files open during delivery: %v, want one of mode 0600", files)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("spool directory holds %d names, want none (unlinked)", len(ents))
			}
			if used, want := ts.srv.budget.used.Load(), int64(len(normalizeBareLF([]byte(body)))); used != want {
				t.Errorf("budget charged %d bytes during delivery, want the message's %d", used, want)
			}
			close(rec.gate)
			if got := c.reply(); !strings.HasPrefix(got, tt.want) {
				t.Fatalf("end of DATA → %q, want %s", got, tt.want)
			}
			c.expect("NOOP", "250") // Data has returned
			if files := spoolFiles(t, dir); len(files) != 0 {
				t.Errorf("%d spool files still open after the message", len(files))
			}
			if used := ts.srv.budget.used.Load(); used != 0 {
				t.Errorf("%d bytes still charged after the message", used)
			}
			if tt.deliver != nil {
				return
			}
			if d := rec.deliveries(); len(d) != 1 || !bytes.Equal(d[0].raw, normalizeBareLF([]byte(body))) {
				t.Fatalf("delivered message differs from the one sent, bare LF normalised")
			}
		})
	}
}

// TestSpoolSparesBudget: a large message in transfer holds no budget, so
// another client's message is accepted meanwhile; at its end it waits for
// the budget instead of answering 452.
func TestSpoolSparesBudget(t *testing.T) {
	o := baseOptions()
	o.MaxBytes = 256 << 10
	o.MemoryBudget = 2 * o.MaxBytes
	o.SpoolDir, o.SpoolAbove = t.TempDir(), 16<<10
	rec := &recorder{gate: make(chan struct{}), entered: make(chan struct{}, 4)}
	ts := startServer(t, o, rec)
	big := bigMessage(200 << 10)

	// A slow transfer: half of the message, then a pause.
	slow := dial(t, ts.addr)
	slow.greet()
	slow.expect("MAIL FROM:<awa.diop@example.net>", "250")
	slow.expect("RCPT TO:<support@example.org>", "250")
	slow.expect("DATA", "354")
	slow.send(big[:len(big)/2])
	time.Sleep(100 * time.Millisecond)
	if used := ts.srv.budget.used.Load(); used > o.SpoolAbove {
		t.Errorf("budget charged %d bytes by a transfer being spooled, want at most %d", used, o.SpoolAbove)
	}

	// Meanwhile two others, which take the whole budget in Deliver.
	done := make(chan string, 2)
	for _, from := range []string{"127.0.0.2", "127.0.0.3"} {
		c := dialFrom(t, ts.addr, from)
		c.greet()
		go func() { done <- c.sendMessage("moussa@example.net", []string{"support@example.org"}, big) }()
		<-rec.entered
	}
	slow.send(big[len(big)/2:] + ".\r\n")
	time.Sleep(200 * time.Millisecond) // the slow message now waits for the budget
	select {
	case <-rec.entered:
		t.Fatal("a third message entered Deliver past the budget")
	default:
	}
	close(rec.gate)
	for range 2 {
		if got := <-done; !strings.HasPrefix(got, "250") {
			t.Fatalf("message → %q, want 250", got)
		}
	}
	if got := slow.reply(); !strings.HasPrefix(got, "250") {
		t.Fatalf("spooled message that waited for the budget → %q, want 250", got)
	}
	if d := rec.deliveries(); len(d) != 3 {
		t.Fatalf("%d deliveries, want 3", len(d))
	}
}

// TestSpoolWrite: the spool normalises bare LF exactly as normalizeBareLF,
// however the message is cut into reads.
func TestSpoolWrite(t *testing.T) {
	for _, in := range []string{"a\nb\r\nc\r\n", "\n\n\r\r\n.\n", "x\r", "\r\n\n"} {
		want := string(normalizeBareLF([]byte(in)))
		for cut := 0; cut <= len(in); cut++ {
			m := &messageBuffer{budget: &memoryBudget{limit: 1 << 20}, max: 1 << 20, spoolDir: t.TempDir(), spoolAbove: 1}
			m.buf = []byte(in[:cut])
			if err := m.spoolRest(strings.NewReader(in[cut:])); err != nil {
				t.Fatalf("spoolRest: %v", err)
			}
			got, err := m.message(t.Context())
			if err != nil || string(got) != want {
				t.Errorf("%q cut at %d → %q, %v; want %q", in, cut, got, err, want)
			}
			m.free()
		}
	}
	m := &messageBuffer{budget: &memoryBudget{limit: 1 << 20}, max: 1 << 20, spoolDir: filepath.Join(t.TempDir(), "absent"), spoolAbove: 1}
	if _, err := m.readFrom(strings.NewReader("ab")); err == nil || errors.Is(err, errBusy) {
		t.Errorf("spool in a missing directory: err = %v, want a spool error", err)
	}
}
