package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"guichet/ingest"
	"guichet/internal/pgtest"
	"guichet/store"
)

// runPipeline starts p's group commit and stops it when the test ends, or
// earlier through the returned function.
func runPipeline(t *testing.T, p *ingest.Pipeline) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// TestPostgresOpeningWritesMessageOnce: a batch of new requests stores
// each message with its ticket's id, so that creating the tickets updates
// no message. An update of ticket_id is never HOT (the column is indexed):
// it would copy each row of several kilobytes and add index entries.
func TestPostgresOpeningWritesMessageOnce(t *testing.T) {
	url := pgtest.URL(t)
	st := openStore(t, store.Options{DatabaseURL: url})
	p, _ := newPipeline(t, st, ingest.Options{MaxBatch: 16})
	stop := runPipeline(t, p)

	const n = 40
	var wg sync.WaitGroup
	results, errs := make([]ingest.Result, n), make([]error, n)
	for i := range n {
		wg.Go(func() {
			raw := mail(fmt.Sprintf("user%d@example.org", i), "[3.2] Lenteur", fmt.Sprintf("<once%d@example.org>", i), "Bonjour")
			results[i], errs[i] = p.Deliver(context.Background(), raw, store.Envelope{Transport: "smtp"})
		})
	}
	wg.Wait()
	stop()
	for i := range n {
		if errs[i] != nil || results[i].Action != ingest.Created {
			t.Fatalf("Deliver %d = %+v, %v; want a new ticket", i, results[i], errs[i])
		}
	}
	ts, err := st.Tickets(context.Background(), store.TicketFilter{})
	if err != nil || len(ts) != n {
		t.Fatalf("store holds %d tickets (%v), want %d", len(ts), err, n)
	}
	for _, tk := range ts {
		d, err := st.Ticket(context.Background(), tk.Number)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Messages) == 0 || d.Messages[0].Kind != store.KindRequest || d.Messages[0].TicketNumber != tk.Number {
			t.Errorf("ticket %s: messages %+v, want its request first", tk.Number, d.Messages)
		}
	}
	st.Close()
	w := pgtest.TableWrites(t, url, "messages")
	if w.Inserted < n {
		t.Fatalf("statistics count %d messages inserted, want at least %d: not flushed", w.Inserted, n)
	}
	if w.Updated != w.HOTUpdated {
		t.Errorf("messages had %d updates, %d of them HOT, for %d new tickets: want no other than HOT",
			w.Updated, w.HOTUpdated, n)
	}
}

// TestPostgresTwoNodesSameMessage: two processes on one database receive
// the same messages at the same time. Each message makes exactly one
// ticket; its other delivery is a Duplicate naming that ticket, and the
// numbers have no gap. A delivery the database refused for a passing
// reason (a deadlock between the two batches) is retried, as the sending
// server would after a temporary failure.
func TestPostgresTwoNodesSameMessage(t *testing.T) {
	url := pgtest.URL(t)
	var nodes [2]*ingest.Pipeline
	var stores [2]store.Store
	for k := range nodes {
		stores[k] = openStore(t, store.Options{DatabaseURL: url})
		nodes[k], _ = newPipeline(t, stores[k], ingest.Options{MaxBatch: 8})
		runPipeline(t, nodes[k])
	}
	deliver := func(p *ingest.Pipeline, raw []byte) (ingest.Result, error) {
		for {
			res, err := p.Deliver(context.Background(), raw, store.Envelope{Transport: "smtp"})
			if !errors.Is(err, store.ErrUnavailable) {
				return res, err
			}
		}
	}

	const n, wave = 60, 6
	results, errs := make([][2]ingest.Result, n), make([][2]error, n)
	for start := 0; start < n; start += wave {
		var wg sync.WaitGroup
		for i := start; i < start+wave; i++ {
			raw := mail(fmt.Sprintf("user%d@example.org", i), "[3.2] Lenteur", fmt.Sprintf("<both%d@example.org>", i), "Bonjour")
			for k, p := range nodes {
				wg.Go(func() { results[i][k], errs[i][k] = deliver(p, raw) })
			}
		}
		wg.Wait()
	}
	numbers := map[string]bool{}
	for i := range n {
		var created, dup *ingest.Result
		for k := range nodes {
			if errs[i][k] != nil {
				t.Fatalf("message %d, node %d: %v", i, k, errs[i][k])
			}
			switch r := &results[i][k]; r.Action {
			case ingest.Created:
				created = r
			case ingest.Duplicate:
				dup = r
			}
		}
		if created == nil || dup == nil {
			t.Errorf("message %d: %+v; want one Created and one Duplicate", i, results[i])
			continue
		}
		if dup.Ticket != created.Ticket {
			t.Errorf("message %d: duplicate names ticket %q, created %q", i, dup.Ticket, created.Ticket)
		}
		numbers[created.Ticket] = true
	}
	ts, err := stores[0].Tickets(context.Background(), store.TicketFilter{})
	if err != nil || len(ts) != n {
		t.Fatalf("store holds %d tickets (%v), want %d", len(ts), err, n)
	}
	for i := 1; i <= n; i++ {
		if num := fmt.Sprintf("2026-%06d", i); !numbers[num] {
			t.Errorf("number %s missing: numbering has a gap", num)
		}
	}
}

// TestPostgresTwoNodesSharedAttachments: two processes on one database
// receive different messages carrying the same new files (a signature
// logo), in opposite orders. Neither waits for the other's transaction,
// so none deadlocks: every delivery succeeds at its first attempt.
func TestPostgresTwoNodesSharedAttachments(t *testing.T) {
	url := pgtest.URL(t)
	var nodes [2]*ingest.Pipeline
	for k := range nodes {
		st := openStore(t, store.Options{DatabaseURL: url})
		nodes[k], _ = newPipeline(t, st, ingest.Options{MaxBatch: 8})
		runPipeline(t, nodes[k])
	}
	withFiles := func(i int, files ...string) []byte {
		var b strings.Builder
		fmt.Fprintf(&b, "From: user%d@example.org\r\nTo: %s\r\nSubject: [3.2] Lenteur\r\nMessage-ID: <shared%d@example.org>\r\n", i, support, i)
		b.WriteString("Date: Thu, 26 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n")
		b.WriteString("--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour\r\n")
		for k, f := range files {
			fmt.Fprintf(&b, "--b1\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"logo%d.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n", k, b64([]byte(f)))
		}
		b.WriteString("--b1--\r\n")
		return []byte(b.String())
	}
	// Each wave, message j of one node and message j of the other share
	// two new files: batches that take them in different orders hold one
	// and want the other.
	const waves, perNode = 10, 8
	var refused atomic.Int32
	for w := range waves {
		var wg sync.WaitGroup
		for k, p := range nodes {
			for j := range perNode {
				i := (w*len(nodes)+k)*perNode + j
				x, y := fmt.Sprintf("logo X %d.%d", w, j), fmt.Sprintf("logo Y %d.%d", w, j)
				files := []string{x, y}
				if k == 1 {
					files = []string{y, x}
				}
				raw := withFiles(i, files...)
				wg.Go(func() {
					for {
						res, err := p.Deliver(context.Background(), raw, store.Envelope{Transport: "smtp"})
						if errors.Is(err, store.ErrUnavailable) {
							refused.Add(1)
							continue
						}
						if err != nil || res.Action != ingest.Created {
							t.Errorf("message %d: %+v, %v; want a new ticket", i, res, err)
						}
						return
					}
				})
			}
		}
		wg.Wait()
	}
	if n := refused.Load(); n > 0 {
		t.Errorf("%d deliveries refused for a while (deadlocks between the two nodes), want none", n)
	}
}
