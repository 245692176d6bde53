package imappoll

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"guichet/classify"
	"guichet/ingest"
	"guichet/internal/testdb"
	"guichet/outbound"
	"guichet/replyaddr"
	"guichet/store"
)

const supportAddr = "support@exemple.fr"

// backends opens the real store: embedded SQLite, then PostgreSQL.
var backends = testdb.Backends()

// pipeline wires the real ingest pipeline as guichet serve does and runs
// its group-commit loop until the test ends; log receives its records (nil:
// none).
func pipeline(t *testing.T, st store.Store, log slog.Handler) *ingest.Pipeline {
	t.Helper()
	cat, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := replyaddr.New([]byte("imappoll-test-secret"), supportAddr)
	if err != nil {
		t.Fatal(err)
	}
	acker, err := outbound.NewAcker(outbound.AckerOptions{SupportAddress: supportAddr, Signer: signer, Catalogue: cat})
	if err != nil {
		t.Fatal(err)
	}
	if log == nil {
		log = slog.DiscardHandler
	}
	p := ingest.New(ingest.Options{SupportAddress: supportAddr, Logger: slog.New(log)}, st, cat, signer, acker)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return p
}

func ticketCount(t *testing.T, st store.Store) int {
	t.Helper()
	ts, err := st.Tickets(context.Background(), store.TicketFilter{})
	if err != nil {
		t.Fatalf("Tickets: %v", err)
	}
	return len(ts)
}

// End to end with the real pipeline and store: a backlog becomes tickets,
// a restart and a UIDVALIDITY reset create none twice.
func TestRealStore(t *testing.T) {
	for _, b := range backends {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			p := pipeline(t, st, nil)
			s := startDovecot(t)
			const n = 300
			s.AppendN(t, box, "INBOX", n, func(i int) []byte { return frenchMessage(i, 5000) })
			mb, err := ParseURL(s.URL(box, "INBOX"))
			if err != nil {
				t.Fatal(err)
			}
			mb.Address = supportAddr
			o := Options{Mailbox: mb, Deliverer: p, State: st}

			start := time.Now()
			stop := run(t, o)
			waitLast(t, st, mb.Name, n)
			elapsed := time.Since(start)
			stop()
			t.Logf("%s: %d messages drained into tickets in %v: %.0f msg/s", b.Name, n, elapsed.Round(time.Millisecond), n/elapsed.Seconds())
			if got := ticketCount(t, st); got != n {
				t.Fatalf("tickets = %d, want %d", got, n)
			}

			// Restart: nothing fetched twice, new mail only.
			s.Append(t, box, "INBOX", frenchMessage(n, 5000))
			stop = run(t, o)
			waitLast(t, st, mb.Name, n+1)
			stop()

			// UIDVALIDITY reset: everything comes back, nothing is stored twice.
			v0, _, _ := st.MailboxState(context.Background(), mb.Name)
			s.ResetUIDValidity(t, box)
			s.Append(t, box, "INBOX", frenchMessage(n+1, 5000))
			stop = run(t, o)
			eventually(t, 60*time.Second, "re-scan under the new UIDVALIDITY", func() bool {
				v, last, err := st.MailboxState(context.Background(), mb.Name)
				return err == nil && v != v0 && last == n+2
			})
			stop()
			if got := ticketCount(t, st); got != n+2 {
				t.Errorf("tickets after restart and UIDVALIDITY reset = %d, want %d", got, n+2)
			}
			for _, m := range s.Messages(t, box, "INBOX") {
				if !m.Seen() {
					t.Errorf("UID %d not \\Seen", m.UID)
					break
				}
			}
		})
	}
}

func waitLast(t *testing.T, st store.Store, name string, want uint32) {
	t.Helper()
	eventually(t, 60*time.Second, "mailbox state reaches the last UID", func() bool {
		_, last, err := st.MailboxState(context.Background(), name)
		return err == nil && last == want
	})
}

// Two processes on one PostgreSQL database: only the lease holder polls.
func TestRealStoreLease(t *testing.T) {
	for _, b := range backends {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			s := startDovecot(t)
			mb, err := ParseURL(s.URL(box, "INBOX"))
			if err != nil {
				t.Fatal(err)
			}
			ttl := 1500 * time.Millisecond
			dA, dB := newDeliverer(), newDeliverer()
			stopA := run(t, Options{Mailbox: mb, Deliverer: dA, State: st, Holder: "A", LeaseTTL: ttl})
			time.Sleep(300 * time.Millisecond)
			stopB := run(t, Options{Mailbox: mb, Deliverer: dB, State: st, Holder: "B", LeaseTTL: ttl})
			defer stopB()
			s.AppendN(t, box, "INBOX", 3, func(i int) []byte { return frenchMessage(i, 500) })
			eventually(t, 5*time.Second, "A delivers", func() bool { n, _, _ := dA.count(); return n == 3 })
			time.Sleep(ttl)
			if _, calls, _ := dB.count(); calls != 0 {
				t.Fatalf("B made %d Deliver calls while A held the lease", calls)
			}
			stopA() // releases the lease: B takes over within a renewal period
			s.Append(t, box, "INBOX", frenchMessage(9, 500))
			eventually(t, 3*ttl, "B takes over", func() bool { n, _, _ := dB.count(); return n == 1 })
		})
	}
}

// backlogSize is how many messages TestRealStoreBacklog drains: 1,000 by
// default, GUICHET_IMAP_BACKLOG=10000 for the full measurement.
func backlogSize(t *testing.T) int {
	t.Helper()
	v := os.Getenv("GUICHET_IMAP_BACKLOG")
	if v == "" {
		return 1000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("GUICHET_IMAP_BACKLOG=%q: want a positive number", v)
	}
	return n
}

// A backlog of ~5 KB French requests, each from its own requester (so each
// opens a ticket and queues an acknowledgment), drained into the real
// pipeline and store: prints the rate and the heap, and checks every
// message became one ticket and was flagged.
func TestRealStoreBacklog(t *testing.T) {
	if testing.Short() {
		t.Skip("backlog test skipped in -short mode")
	}
	n := backlogSize(t)
	for _, b := range backends {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			groups := &commitLog{}
			p := pipeline(t, st, groups)
			s := startDovecot(t)
			s.Deposit(t, box, n, func(i int) []byte { return frenchMessage(i, 5000) })
			mb, err := ParseURL(s.URL(box, "INBOX"))
			if err != nil {
				t.Fatal(err)
			}
			mb.Address = supportAddr

			heap := watchHeap(t)
			start := time.Now()
			stop := run(t, Options{Mailbox: mb, Deliverer: p, State: st})
			eventually(t, time.Duration(n)*20*time.Millisecond+30*time.Second, "backlog drained", func() bool {
				_, last, err := st.MailboxState(context.Background(), mb.Name)
				return err == nil && last == uint32(n)
			})
			elapsed := time.Since(start)
			heap.end()
			stop()
			t.Logf("%s: %d-message backlog (%d MB) drained into tickets in %v: %.0f msg/s; %v; %v",
				b.Name, n, n*5000>>20, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), heap, groups)
			if got := ticketCount(t, st); got != n {
				t.Errorf("tickets = %d, want %d", got, n)
			}
			for _, m := range s.Messages(t, box, "INBOX") {
				if !m.Seen() {
					t.Errorf("UID %d not \\Seen", m.UID)
					break
				}
			}
		})
	}
}

// commitLog counts the pipeline's group commits from its debug records:
// how full the poller keeps them, and how long the committer worked.
type commitLog struct {
	mu      sync.Mutex
	commits int
	msgs    int64
	busy    float64 // ms
}

// Enabled takes the debug records only: "batch committed" is one, and the
// records of every message are not worth building here.
func (*commitLog) Enabled(_ context.Context, l slog.Level) bool { return l == slog.LevelDebug }
func (l *commitLog) WithAttrs([]slog.Attr) slog.Handler         { return l }
func (l *commitLog) WithGroup(string) slog.Handler              { return l }

func (l *commitLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "batch committed" {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.commits++
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "size":
			l.msgs += a.Value.Int64()
		case "ms":
			l.busy += a.Value.Float64()
		}
		return true
	})
	return nil
}

func (l *commitLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.commits == 0 {
		return "no group commit"
	}
	return fmt.Sprintf("%d commits of %.1f messages on average, committer busy %.0f ms",
		l.commits, float64(l.msgs)/float64(l.commits), l.busy)
}
