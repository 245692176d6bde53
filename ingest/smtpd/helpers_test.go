package smtpd

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/ingest"
	"guichet/store"
)

// delivery is one call of Deliver as the recorder saw it.
type delivery struct {
	raw []byte
	env store.Envelope
}

// recorder is the Deliverer of these tests: it keeps what it was given and
// returns err (when set) instead of a result, as the pipeline would after
// a failed commit.
type recorder struct {
	mu      sync.Mutex
	got     []delivery
	err     error
	gate    chan struct{} // when set, Deliver waits for it to close (or ctx)
	entered chan struct{} // when set, receives once per Deliver call
}

func (r *recorder) Deliver(ctx context.Context, raw []byte, env store.Envelope) (ingest.Result, error) {
	if r.entered != nil {
		r.entered <- struct{}{}
	}
	if r.gate != nil {
		select {
		case <-r.gate:
		case <-ctx.Done():
			return ingest.Result{}, ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return ingest.Result{}, r.err
	}
	r.got = append(r.got, delivery{raw: bytes.Clone(raw), env: env})
	return ingest.Result{Action: ingest.Created, Ticket: "2026-000001"}, nil
}

func (r *recorder) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]delivery(nil), r.got...)
}

// syncBuffer collects log output written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer runs a Server on a loopback port until the test ends.
type testServer struct {
	srv    *Server
	addr   string
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

func baseOptions() Options {
	return Options{
		Hostname:  "mx.test.example",
		Domains:   []string{"example.org"},
		Addresses: []string{"support@example.org", "alertes@example.org"},
	}
}

func startServer(t *testing.T, o Options, d ingest.Deliverer) *testServer {
	t.Helper()
	logs := &syncBuffer{}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv, err := New(o, d)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{srv: srv, addr: ln.Addr().String(), logs: logs, cancel: cancel, done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { ts.stop(t) })
	return ts
}

func (ts *testServer) stop(t *testing.T) {
	t.Helper()
	ts.cancel()
	select {
	case err := <-ts.done:
		if err != nil {
			t.Errorf("Serve returned %v, want nil", err)
		}
		ts.done <- nil // a second stop returns at once
	case <-time.After(10 * time.Second):
		t.Errorf("Serve did not return 10 s after its context was cancelled")
	}
}

// client is a raw SMTP client: the tests write exact bytes and read the
// exact replies.
type client struct {
	t    *testing.T
	conn net.Conn
	r    *bufio.Reader
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	return dialFrom(t, addr, "")
}

// dialFrom connects from the loopback source address from (127.0.0.2
// stands for a second client), or any when from is empty.
func dialFrom(t *testing.T, addr, from string) *client {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("dial %s from %q: %v", addr, from, err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	return &client{t: t, conn: conn, r: bufio.NewReader(conn)}
}

// waitForSlot dials until the server greets: a connection that ended
// frees its slot once the server has seen it close.
func waitForSlot(t *testing.T, addr string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		b := dial(t, addr).reply()
		if strings.HasPrefix(b, "220") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no slot freed 5 s after QUIT, last banner %q", b)
		}
	}
}

// reply reads one (possibly multi-line) reply and returns it whole.
func (c *client) reply() string {
	c.t.Helper()
	var all strings.Builder
	for {
		line, err := c.r.ReadString('\n')
		all.WriteString(line)
		if err != nil {
			if errors.Is(err, io.EOF) && all.Len() == 0 {
				return ""
			}
			if all.Len() == 0 {
				c.t.Fatalf("reading reply: %v", err)
			}
			return all.String()
		}
		if len(line) < 4 || line[3] != '-' {
			return all.String()
		}
	}
}

func (c *client) send(s string) {
	c.t.Helper()
	if _, err := io.WriteString(c.conn, s); err != nil {
		c.t.Fatalf("write %q: %v", s, err)
	}
}

// cmd sends one command line and returns the reply.
func (c *client) cmd(line string) string {
	c.t.Helper()
	c.send(line + "\r\n")
	return c.reply()
}

// expect sends line and fails unless the reply starts with want.
func (c *client) expect(line, want string) string {
	c.t.Helper()
	got := c.cmd(line)
	if !strings.HasPrefix(got, want) {
		c.t.Fatalf("%q → %q, want %q…", line, got, want)
	}
	return got
}

// greet reads the banner and says EHLO.
func (c *client) greet() string {
	c.t.Helper()
	if b := c.reply(); !strings.HasPrefix(b, "220 ") {
		c.t.Fatalf("banner = %q, want 220", b)
	}
	return c.expect("EHLO client.test", "250")
}

// message is a small valid message with CRLF line endings.
func message(subject string) string {
	return "From: Awa Diop <awa.diop@example.net>\r\n" +
		"To: support@example.org\r\n" +
		"Subject: " + subject + "\r\n" +
		"Message-ID: <" + strings.ReplaceAll(subject, " ", "-") + "@example.net>\r\n" +
		"\r\n" +
		"Bonjour,\r\n\r\nla plateforme est inaccessible depuis ce matin.\r\n"
}

// sendMessage runs one whole transaction and returns the final reply.
func (c *client) sendMessage(from string, rcpts []string, body string) string {
	c.t.Helper()
	c.expect("MAIL FROM:<"+from+">", "250")
	for _, r := range rcpts {
		c.expect("RCPT TO:<"+r+">", "250")
	}
	c.expect("DATA", "354")
	c.send(body + ".\r\n")
	return c.reply()
}
