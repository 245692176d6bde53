package smtpd

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/ingest"
	"guichet/store"
)

// pipeListener hands net.Pipe server ends to the server, as mox drives its
// SMTP server in-process.
type pipeListener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return pipeAddr{} }

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }

// flakyDeliverer fails messages that contain "FAIL", so that both the 250
// and the 451 paths are fuzzed.
type flakyDeliverer struct{}

func (flakyDeliverer) Deliver(_ context.Context, raw []byte, _ store.Envelope) (ingest.Result, error) {
	if bytes.Contains(raw, []byte("FAIL")) {
		return ingest.Result{}, errors.New("internal failure")
	}
	return ingest.Result{Action: ingest.Created, Ticket: "2026-000001"}, nil
}

// FuzzCommandLoop feeds arbitrary bytes to a whole SMTP session: no panic
// (go-smtp recovers them and logs "panic"), no session left behind, no
// goroutine leaked.
func FuzzCommandLoop(f *testing.F) {
	seeds := []string{
		"EHLO a\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<support@example.org>\r\nDATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nQUIT\r\n",
		"EHLO a\r\nMAIL FROM:<a@b.c> SIZE=99999999999\r\n",
		"HELO a\r\nMAIL FROM:<>\r\nRCPT TO:<support+1.x@example.org>\r\nRCPT TO:<x@y.z>\r\nDATA\r\nFAIL\n.\nMAIL FROM:<e@f>\r\n.\r\n",
		"EHLO a\r\nSTARTTLS\r\nAUTH PLAIN AGFAYg==\r\nBDAT 5 LAST\r\nhello",
		"EHLO a\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<support@example.org>\r\nBDAT 4\r\nabcdBDAT 0 LAST\r\n",
		"EHLO a\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<support@example.org>\r\nDATA\r\n\r.\r\r\n.\n\r\n.\r\n",
		"EHLO a\r\n" + strings.Repeat("RCPT TO:<x@example.org>\r\n", 30),
		"\x00\xff\r\n\r\n" + strings.Repeat("A", 70000) + "\r\n",
		"EHLO a\r\nMAIL FROM:<a@b.c> SMTPUTF8 BODY=8BITMIME\r\nRCPT TO:<support@example.org> NOTIFY=NEVER\r\nVRFY x\r\nRSET\r\nNOOP\r\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}

	logs := &syncBuffer{}
	o := baseOptions()
	o.MaxBytes = 4096
	o.MaxRecipients = 5
	o.MaxBadCommands = 5
	o.RatePerMinute = NoRateLimit
	o.ReadTimeout = 2 * time.Second
	o.WriteTimeout = 2 * time.Second
	o.Logger = slog.New(slog.NewTextHandler(logs, nil))
	srv, err := New(o, flakyDeliverer{})
	if err != nil {
		f.Fatal(err)
	}
	ln := newPipeListener()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	f.Cleanup(func() {
		cancel()
		<-done
	})
	// Warm up: the server starts some goroutines lazily (accept loop,
	// timers). One complete session first, so that the baseline each input
	// is compared with counts them.
	warm, server := net.Pipe()
	ln.conns <- server
	go func() { _, _ = io.Copy(io.Discard, warm) }()
	_, _ = warm.Write([]byte("QUIT\r\n"))
	warm.Close()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		srv.mu.Lock()
		open := len(srv.conns)
		srv.mu.Unlock()
		if open == 0 {
			break
		}
	}
	time.Sleep(50 * time.Millisecond)

	f.Fuzz(func(t *testing.T, input []byte) {
		baseline := runtime.NumGoroutine()
		client, server := net.Pipe()
		ln.conns <- server
		read := make(chan struct{})
		go func() {
			defer close(read)
			_, _ = io.Copy(io.Discard, client)
		}()
		_ = client.SetWriteDeadline(time.Now().Add(5 * time.Second))
		_, _ = client.Write(input)
		client.Close()
		<-read

		deadline := time.Now().Add(5 * time.Second)
		for {
			srv.mu.Lock()
			open := len(srv.conns)
			srv.mu.Unlock()
			if open == 0 && runtime.NumGoroutine() <= baseline {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("session still open (%d) or goroutines leaked (%d > %d) 5 s after the client left",
					open, runtime.NumGoroutine(), baseline)
			}
			time.Sleep(time.Millisecond)
		}
		if l := logs.String(); strings.Contains(l, "panic") {
			t.Fatalf("panic while serving %q:\n%s", input, l)
		}
	})
}
