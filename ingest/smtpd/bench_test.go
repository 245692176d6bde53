package smtpd

import (
	"bytes"
	"context"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"guichet/ingest"
	"guichet/store"
)

type nopDeliverer struct{}

func (nopDeliverer) Deliver(context.Context, []byte, store.Envelope) (ingest.Result, error) {
	return ingest.Result{Action: ingest.Created}, nil
}

// BenchmarkReceive16 measures the receiver alone (Deliver does nothing)
// with 16 connections sending ~5 KB messages: its cost on top of a bare
// go-smtp server (compare with guichet-load against guichet-load sink).
func BenchmarkReceive16(b *testing.B) {
	o := baseOptions()
	o.RatePerMinute = NoRateLimit
	o.MaxConnsPerIP = Unlimited // 16 connections from loopback
	srv, err := New(o, nopDeliverer{})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	defer func() { cancel(); <-done }()

	msg := []byte(message("charge") + strings.Repeat("Ligne de texte du message, assez longue pour un corps realiste.\r\n", 70))
	const conns = 16
	work := make(chan struct{}, b.N)
	for range b.N {
		work <- struct{}{}
	}
	close(work)
	b.SetBytes(int64(len(msg)))
	b.ResetTimer()
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			c, err := smtp.Dial(ln.Addr().String())
			if err != nil {
				b.Error(err)
				return
			}
			defer c.Close()
			for range work {
				if err := c.SendMail("awa.diop@example.net", []string{"support@example.org"}, bytes.NewReader(msg)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
}
