package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jhillyerd/enmime/v2"

	"guichet/ingest"
	"guichet/ingest/smtpd"
	"guichet/store"
)

func startSink(t *testing.T) (*sink, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := newSink()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("sink: %v", err)
		}
	})
	return s, ln.Addr().String()
}

func TestLoadAgainstSink(t *testing.T) {
	s, addr := startSink(t)
	tests := []struct {
		name     string
		conns    int
		messages int
	}{
		{"one connection", 1, 20},
		{"more connections than messages", 8, 5},
		{"four connections", 4, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.received.Load()
			cfg := loadConfig{Addr: addr, To: "support@example.org", From: "charge@example.net", Helo: "load.test",
				Conns: tt.conns, Messages: tt.messages, Size: 2500, Timeout: 10 * time.Second, RunID: "test"}
			rep, err := runLoad(context.Background(), cfg)
			if err != nil {
				t.Fatalf("runLoad: %v", err)
			}
			if rep.Accepted != tt.messages || len(rep.Latencies) != tt.messages {
				t.Errorf("accepted %d (latencies %d), want %d", rep.Accepted, len(rep.Latencies), tt.messages)
			}
			if got := s.received.Load() - before; got != int64(tt.messages) {
				t.Errorf("sink received %d, want %d", got, tt.messages)
			}
			if len(rep.Replies) != 0 || rep.ConnErrors != 0 {
				t.Errorf("replies %v, connection errors %d, want none", rep.Replies, rep.ConnErrors)
			}
			if rep.rate() <= 0 || rep.Latencies[0] <= 0 {
				t.Errorf("rate %v, min latency %v, want positive", rep.rate(), rep.Latencies[0])
			}
			var out bytes.Buffer
			rep.print(&out, cfg)
			for _, want := range []string{fmt.Sprintf("accepted %d messages", tt.messages), "p99", "non-2xx replies: 0"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("report lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}

func TestLoadDuration(t *testing.T) {
	_, addr := startSink(t)
	cfg := loadConfig{Addr: addr, To: "support@example.org", From: "charge@example.net", Helo: "load.test",
		Conns: 2, Duration: 300 * time.Millisecond, Size: 2500, Timeout: 5 * time.Second, RunID: "dur"}
	start := time.Now()
	rep, err := runLoad(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 3*time.Second {
		t.Errorf("a 300 ms run took %v", el)
	}
	if rep.Accepted == 0 {
		t.Errorf("no message accepted in 300 ms")
	}
}

// countingDeliverer stands in for the pipeline: the point here is the
// generator's accounting of Guichet's replies, not storage.
type countingDeliverer struct {
	mu  sync.Mutex
	ids map[string]bool
}

func (d *countingDeliverer) Deliver(_ context.Context, raw []byte, _ store.Envelope) (ingest.Result, error) {
	env, err := enmime.ReadEnvelope(bytes.NewReader(raw))
	if err != nil {
		return ingest.Result{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ids[env.GetHeader("Message-ID")] = true
	return ingest.Result{Action: ingest.Created}, nil
}

// TestLoadAgainstGuichet runs the generator against Guichet's receiver:
// accepted messages have unique Message-IDs and parse, and refusals are
// counted by code and stage.
func TestLoadAgainstGuichet(t *testing.T) {
	d := &countingDeliverer{ids: map[string]bool{}}
	srv, err := smtpd.New(smtpd.Options{Hostname: "mx.test", Addresses: []string{"support@example.org"},
		RatePerMinute: smtpd.NoRateLimit}, d)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })

	cfg := loadConfig{Addr: ln.Addr().String(), To: "support@example.org", From: "charge@example.net", Helo: "load.test",
		Conns: 4, Messages: 100, Size: 2500, Timeout: 10 * time.Second, RunID: "guichet"}
	rep, err := runLoad(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 100 || len(d.ids) != 100 {
		t.Errorf("accepted %d, distinct Message-IDs delivered %d, want 100 and 100", rep.Accepted, len(d.ids))
	}
	if avg := rep.Bytes / int64(rep.Accepted); avg < 4000 || avg > 7000 {
		t.Errorf("average message size %d bytes, want about 5 KB", avg)
	}

	cfg.To = "victim@example.net" // not ours: refused at RCPT
	cfg.Messages = 10
	rep, err = runLoad(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 0 || rep.Replies["550 RCPT"] != 10 {
		t.Errorf("accepted %d, replies %v, want 0 and 10 × 550 RCPT", rep.Accepted, rep.Replies)
	}
}

func TestGeneratedMessages(t *testing.T) {
	g := newMessageGen("gen", "support@example.org", 3500, 1)
	replies := 0
	for n := range 50 {
		raw := g.next(0, n, time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC))
		for j, c := range raw {
			if c == '\n' && (j == 0 || raw[j-1] != '\r') {
				t.Fatalf("message %d has a bare LF at %d", n, j)
			}
		}
		env, err := enmime.ReadEnvelope(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("message %d does not parse: %v", n, err)
		}
		if len(env.Attachments) != 1 || !strings.Contains(env.Text, "Bonjour") && !strings.Contains(env.Text, "Cordialement") {
			t.Errorf("message %d: %d attachments, text %.40q", n, len(env.Attachments), env.Text)
		}
		if strings.HasPrefix(env.GetHeader("Subject"), "RE : [Ticket#") {
			replies++
		}
	}
	if replies == 0 || replies == 50 {
		t.Errorf("%d replies out of 50, want a mix", replies)
	}
}
