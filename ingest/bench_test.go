package ingest_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"guichet/classify"
	"guichet/ingest"
	"guichet/ingest/mailparse"
	"guichet/internal/testdb"
	"guichet/outbound"
	"guichet/replyaddr"
	"guichet/store"
)

// benchMessage is a ~5 KB French request with a small attachment, like the
// load generator's.
func benchMessage(b *testing.B) []byte {
	b.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "testdata", "corpus", "016-pieces-jointes-rfc2231-xlsx-png.eml"))
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkParseClassify is the CPU every message costs before the
// database: MIME parsing, reply text, category inference.
func BenchmarkParseClassify(b *testing.B) {
	raw := benchMessage(b)
	cat, err := classify.Default()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		m := mailparse.Parse(raw, mailparse.Limits{})
		_ = cat.Classify(m.Subject, m.Text)
	}
}

// BenchmarkDeliver ingests messages through the whole pipeline (parse,
// classify, thread, store, acknowledgment queued) with 16 concurrent
// deliveries sharing group commits, as `guichet serve` does; it reports
// messages per second. -benchtime 1000x gives the 1,000-message figure.
func BenchmarkDeliver(b *testing.B) {
	for _, be := range testdb.Backends() {
		for _, mode := range []string{"ack", "noack"} {
			b.Run(be.Name+"/"+mode, func(b *testing.B) { benchDeliver(b, be.Open(b), mode) })
		}
	}
}

// benchDeliver runs b.N deliveries from 16 goroutines. mode "ack" queues
// each acknowledgment for the sender to compose (guichet serve), "noack"
// has no acknowledger: the difference is what acknowledging costs the
// pipeline.
func benchDeliver(b *testing.B, st store.Store, mode string) {
	p, cat := newPipelineWith(b, st, ingest.Options{Clock: time.Now}, func(o *outbound.AckerOptions) {
		o.Queued = nil // composed by the sender, as in guichet serve
		// Every requester is of example.org, an outside domain: lift its
		// hourly limit so that each message is acknowledged, and counted
		// per domain, as the worst case is.
		o.PerDomainPerHour = 1 << 30
	})
	if mode == "noack" {
		// The same pipeline (signed addresses included) without acknowledger.
		signer, err := replyaddr.New([]byte("corpus-secret"), support)
		if err != nil {
			b.Fatal(err)
		}
		p = ingest.New(ingest.Options{SupportAddress: support, AlertAddresses: []string{"alertes@centre.example"}, Clock: time.Now},
			st, cat, signer, nil)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- p.Run(ctx) }()
	defer func() { cancel(); <-done }()
	var tmpl string
	for _, line := range strings.SplitAfter(string(benchMessage(b)), "\n") {
		if !strings.HasPrefix(line, "Message-ID:") && !strings.HasPrefix(line, "From:") {
			tmpl += line
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	cpu0 := processCPU(b)
	start := time.Now()
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					return
				}
				// Each message is new: a unique Message-ID and sender.
				raw := fmt.Sprintf("Message-ID: <bench-%d-%d@example.org>\r\nFrom: u%d@example.org\r\n%s", i, start.UnixNano(), i, tmpl)
				if _, err := p.Deliver(context.Background(), []byte(raw), store.Envelope{Transport: "smtp", MailFrom: "u@example.org"}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	// The process's CPU per message (parse, pipeline, the database client;
	// not the database server): with the rate, which the single committer
	// bounds, it shows what each mode costs the gateway.
	cpu := processCPU(b) - cpu0
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msg/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/msg")
}

// processCPU is the user and system time this process has used.
func processCPU(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
