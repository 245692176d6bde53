package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"guichet/internal/pgtest"
)

// childEnv marks the test binary re-run as `guichet serve` by
// TestServeKilledChild: the same code as the command's, in a process of
// its own that the test can kill -9.
const childEnv = "GUICHET_TEST_SERVE_CHILD"

// TestServeKilledChild is `guichet serve` for TestServeKill9; run alone it
// does nothing.
func TestServeKilledChild(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("runs as a child of TestServeKill9")
	}
	os.Exit(run(context.Background(), []string{"serve"}, env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
	}))
}

// startChild starts serve in a child process and returns it with its
// SMTP address once it is ready.
func startChild(t *testing.T, h *harness) (*exec.Cmd, string, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeKilledChild$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	logs := &syncBuffer{}
	ready := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`guichet ready.* smtp=(127\.0\.0\.1:\d+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			fmt.Fprintln(logs, sc.Text())
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				ready <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	select {
	case addr := <-ready:
		return cmd, addr, logs
	case <-time.After(30 * time.Second):
		t.Fatalf("serve not ready after 30 s:\n%s", logs.String())
		return nil, "", nil
	}
}

// startBlackHole is a relay that takes each message and never answers
// the end of its data: the deliveries hang, their messages stay claimed.
func startBlackHole(t *testing.T) (addr string, hung *atomic.Int64) {
	t.Helper()
	never := make(chan struct{})
	hung = &atomic.Int64{}
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(*gosmtp.Conn) (gosmtp.Session, error) {
		return &hangingSession{never: never, hung: hung}, nil
	}))
	srv.Domain = "blackhole.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { close(never); srv.Close() })
	return ln.Addr().String(), hung
}

type hangingSession struct {
	never chan struct{}
	hung  *atomic.Int64
}

func (s *hangingSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (s *hangingSession) Rcpt(string, *gosmtp.RcptOptions) error { return nil }
func (s *hangingSession) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	s.hung.Add(1)
	<-s.never
	return nil
}
func (s *hangingSession) Reset()        {}
func (s *hangingSession) Logout() error { return nil }

// databases are serve's two stores by the GUICHET_DATABASE_URL to give:
// SQLite in the data directory, or a private PostgreSQL database.
var databases = map[string]func(t testing.TB) string{
	"sqlite":   func(testing.TB) string { return "" },
	"postgres": pgtest.URL,
}

// TestServeKill9: serve is killed with SIGKILL while its sender holds
// acknowledgments the relay never answered; once restarted, every
// acknowledgment reaches the relay within 30 s, each exactly once.
func TestServeKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a serve process")
	}
	const n = 200
	for name, url := range databases {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, url(t))
			h.env["GUICHET_SMTP_ADDR"] = "127.0.0.1:0"
			h.env["GUICHET_HTTP_ADDR"] = "off"
			h.env["GUICHET_SMTP_RATE"] = "1000000"
			h.env["GUICHET_ACK_PER_DOMAIN_PER_HOUR"] = "0"
			hole, hung := startBlackHole(t)
			h.env["GUICHET_RELAY_URL"] = "smtp://" + hole
			first, addr, _ := startChild(t, h)
			for i := range n {
				from := fmt.Sprintf("demandeur%d@example.org", i)
				msg := strings.Replace(request, "Awa Diop <awa.diop@example.org>", from, 1)
				msg = strings.Replace(msg, "<req-1@example.org>", fmt.Sprintf("<req-%d@example.org>", i), 1)
				if code, text := send(t, addr, from, "support@centre.example", []byte(msg)); code != 250 {
					t.Fatalf("request %d: SMTP %d %s", i, code, text)
				}
			}
			// The sender has claimed some, and its workers hang on the
			// relay: those stay claimed when it dies.
			waitFor(t, "deliveries in progress", func() bool { return hung.Load() >= 4 })
			if err := first.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			first.Wait()

			rl := startRelay(t)
			h.env["GUICHET_RELAY_URL"] = "smtp://" + rl.addr
			restart := time.Now()
			startChild(t, h)
			deadline := restart.Add(30 * time.Second)
			for len(rl.messages()) < n && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			// A little longer, to see any second copy.
			time.Sleep(time.Second)
			seen := map[string]int{}
			inReplyTo := regexp.MustCompile(`(?m)^In-Reply-To: (\S+)\r$`)
			for _, m := range rl.messages() {
				if id := inReplyTo.FindStringSubmatch(string(m.data)); id != nil {
					seen[id[1]]++
				}
			}
			if len(seen) != n {
				t.Errorf("%d distinct acknowledgments within 30 s of the restart, want %d", len(seen), n)
			}
			for id, c := range seen {
				if c != 1 {
					t.Errorf("acknowledgment of %s sent %d times", id, c)
				}
			}
			t.Logf("%d acknowledgments in %v after the restart", len(rl.messages()), time.Since(restart).Round(time.Millisecond))
		})
	}
}
