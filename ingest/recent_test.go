package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/ingest"
	"guichet/store"
)

// countCalls are the count methods one finish step called.
type countCalls struct{ acks, ticketsFrom, recent, withCreation int }

// finishCountStore records, for each batch's finish step, the count
// methods it called on its transaction.
type finishCountStore struct {
	store.Store
	mu       sync.Mutex
	finishes []*countCalls
}

func (s *finishCountStore) InTxBatchCommit(ctx context.Context, fns []store.TxFunc, prelude store.BatchPrelude, finish store.BatchFinish) ([]error, func() error, error) {
	return s.Store.InTxBatchCommit(ctx, fns, prelude, func(ctx context.Context, tx store.Tx, live []int) error {
		c := &countCalls{}
		s.mu.Lock()
		s.finishes = append(s.finishes, c)
		s.mu.Unlock()
		return finish(ctx, countingCountsTx{tx, c}, live)
	})
}

// countingCountsTx counts the calls of the count methods; one finish step
// uses it at a time.
type countingCountsTx struct {
	store.Tx
	c *countCalls
}

func (t countingCountsTx) CountAcks(ctx context.Context, mailboxes, domains []string, since time.Time, atMost int) (store.AckCounts, error) {
	t.c.acks++
	return t.Tx.CountAcks(ctx, mailboxes, domains, since, atMost)
}

func (t countingCountsTx) CountTicketsFrom(ctx context.Context, keys []string, except []int64, since time.Time) (map[string]int, error) {
	t.c.ticketsFrom++
	return t.Tx.CountTicketsFrom(ctx, keys, except, since)
}

func (t countingCountsTx) CountRecent(ctx context.Context, q store.RecentCounts) (store.AckCounts, map[string]int, error) {
	t.c.recent++
	return t.Tx.CountRecent(ctx, q)
}

func (t countingCountsTx) CreateTicketsCounting(ctx context.Context, nts []store.NewTicket, q store.RecentCounts) ([]store.Ticket, store.AckCounts, map[string]int, error) {
	t.c.withCreation++
	return t.Tx.CreateTicketsCounting(ctx, nts, q)
}

// TestOpeningCountsOnce: a batch that opens tickets asks the store for
// the acknowledgments' limits and the senders' bursts in one call, not in
// a call each; on PostgreSQL, with the creation of its tickets (one round
// trip for both).
func TestOpeningCountsOnce(t *testing.T) {
	agents := []string{agent1, agent2, agent3}
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := &finishCountStore{Store: be.Open(t)}
			p := floodPipeline(t, st, agents)
			runPipeline(t, p)
			// Some from one mailbox, past the burst limit, one batch each
			// and then several at once.
			deliver := func(from string, i int) {
				raw := mail(from, fmt.Sprintf("Demande %d", i), fmt.Sprintf("<count%d@example.net>", i), "Bonjour")
				r, err := p.Deliver(context.Background(), raw, store.Envelope{Transport: "smtp", MailFrom: from, RcptTo: []string{support}})
				if err != nil {
					t.Error(err)
				}
				if r.Action != ingest.Created {
					t.Errorf("delivery %d: %+v, want a new ticket", i, r)
				}
			}
			for i := range 5 {
				deliver(fmt.Sprintf("flood+%d@example.net", i), i)
			}
			var wg sync.WaitGroup
			for i := 5; i < 12; i++ {
				wg.Go(func() { deliver(fmt.Sprintf("user%d@example.org", i%3), i) })
			}
			wg.Wait()

			// The acknowledgments planned before their tickets existed
			// carry the numbers the tickets were given.
			ob, err := st.Outbox(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			acks := 0
			for _, o := range ob {
				if o.Kind != store.KindAck {
					continue
				}
				acks++
				if o.TicketNumber == "" || !strings.HasPrefix(o.Subject, "[Ticket#"+o.TicketNumber+"] ") {
					t.Errorf("acknowledgment of ticket %q: subject %q", o.TicketNumber, o.Subject)
				}
			}
			if acks == 0 {
				t.Error("no acknowledgment queued")
			}
			st.mu.Lock()
			defer st.mu.Unlock()
			if len(st.finishes) == 0 {
				t.Fatal("no batch finished")
			}
			for i, c := range st.finishes {
				// SQLite reserves no ticket id with the message: its counts
				// follow the creation, in a call of their own.
				want, name := countCalls{withCreation: 1}, "CreateTicketsCounting"
				if be.Name == "sqlite" {
					want, name = countCalls{recent: 1}, "CountRecent"
				}
				if *c != want {
					t.Errorf("finish %d: CreateTicketsCounting %d, CountRecent %d, CountAcks %d, CountTicketsFrom %d calls; want one %s only",
						i, c.withCreation, c.recent, c.acks, c.ticketsFrom, name)
				}
			}
		})
	}
}
