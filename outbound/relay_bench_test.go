package outbound

import (
	"bytes"
	"context"
	"io"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// BenchmarkSMTPRelaySend sends ~5 KB acknowledgments over one kept
// connection to a go-smtp server on loopback that discards them, with and
// without PIPELINING advertised. Client and server share the process:
// cpu-ns/msg is the CPU both spent per message, allocs/op counts both.
func BenchmarkSMTPRelaySend(b *testing.B) {
	msg := benchMessage(5 << 10)
	for _, tc := range []struct {
		name       string
		pipelining bool
	}{
		{"pipelining", true},
		{"sequential", false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			addr, n := startDiscardRelay(b, tc.pipelining)
			rel, err := NewSMTPRelay(SMTPRelayOptions{Addr: addr})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { rel.Close() })
			to := []string{"awa@example.org"}
			if err := rel.Send(context.Background(), "support@aide.example.org", to, msg); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(msg)))
			cpu0 := processCPU(b)
			b.ResetTimer()
			for b.Loop() {
				if err := rel.Send(context.Background(), "support@aide.example.org", to, msg); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(processCPU(b)-cpu0)/float64(b.N), "cpu-ns/msg")
			if got := n.Load(); got != int64(b.N)+1 {
				b.Fatalf("relay received %d messages, want %d", got, b.N+1)
			}
		})
	}
}

func benchMessage(size int) []byte {
	var m bytes.Buffer
	m.WriteString("From: support@aide.example.org\r\nTo: awa@example.org\r\nSubject: [#1234] Votre demande a bien été reçue\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	line := "Bonjour, nous avons bien reçu votre demande et y répondrons au plus vite.\r\n"
	for m.Len() < size {
		m.WriteString(line)
		m.WriteString(".signature en début de ligne\r\n") // dot-stuffed
	}
	return m.Bytes()
}

// processCPU is the user+system CPU time of the process so far.
func processCPU(tb testing.TB) time.Duration {
	tb.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// startDiscardRelay runs a go-smtp server that accepts and discards every
// message and counts them. go-smtp always advertises PIPELINING; without
// pipelining its EHLO line is renamed on the way out.
func startDiscardRelay(tb testing.TB, pipelining bool) (string, *atomic.Int64) {
	tb.Helper()
	var n atomic.Int64
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return discardSession{&n}, nil }))
	srv.Domain = "relay.test"
	srv.ErrorLog = discardLog{}
	var l net.Listener = ln
	if !pipelining {
		l = noPipeliningListener{ln}
	}
	go srv.Serve(l)
	tb.Cleanup(func() { ln.Close(); srv.Close() })
	return ln.Addr().String(), &n
}

type discardSession struct{ n *atomic.Int64 }

func (discardSession) Reset()                               {}
func (discardSession) Logout() error                        { return nil }
func (discardSession) Mail(string, *smtp.MailOptions) error { return nil }
func (discardSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s discardSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	s.n.Add(1)
	return nil
}

// noPipeliningListener hides PIPELINING from a go-smtp server's EHLO
// reply, which it writes one line per Write.
type noPipeliningListener struct{ net.Listener }

func (l noPipeliningListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return noPipeliningConn{c}, nil
}

type noPipeliningConn struct{ net.Conn }

func (c noPipeliningConn) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte("-PIPELINING\r\n")) {
		if _, err := c.Conn.Write(bytes.Replace(b, []byte("-PIPELINING\r\n"), []byte("-X-NO-PIPELINING\r\n"), 1)); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	return c.Conn.Write(b)
}
