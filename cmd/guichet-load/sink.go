package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"sync/atomic"

	"github.com/emersion/go-smtp"
)

// sink is an SMTP server that accepts every recipient and discards every
// message: the upper bound a gateway on the same machine can be compared
// with.
type sink struct {
	srv      *smtp.Server
	received atomic.Int64
}

func newSink() *sink {
	s := &sink{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{s}, nil
	}))
	srv.Domain = "guichet-load-sink"
	srv.MaxMessageBytes = 64 << 20
	srv.EnableSMTPUTF8 = true
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv = srv
	return s
}

// serve runs until ctx is done.
func (s *sink) serve(ctx context.Context, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		_ = s.srv.Close()
		<-errc
		return nil
	}
}

type sinkSession struct{ s *sink }

func (*sinkSession) Reset()                               {}
func (*sinkSession) Logout() error                        { return nil }
func (*sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (*sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (ss *sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	ss.s.received.Add(1)
	return nil
}

func runSinkCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("guichet-load sink", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:2526", "`host:port` to listen on")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "guichet-load sink:", err)
		return 1
	}
	s := newSink()
	fmt.Fprintf(stdout, "sink listening on %s (discards every message; Ctrl-C stops)\n", ln.Addr())
	if err := s.serve(ctx, ln); err != nil {
		fmt.Fprintln(stderr, "guichet-load sink:", err)
		return 1
	}
	fmt.Fprintf(stdout, "sink stopped after %d messages\n", s.received.Load())
	return 0
}
