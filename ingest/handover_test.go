package ingest_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"guichet/ingest"
	"guichet/outbound"
	"guichet/store"
)

// TestAcksHandedOver: with OnAck set, each acknowledgment the group
// commits is handed over once, after its commit, with the ticket and the
// request it answers (what the sender composes from), leased to the
// Acker's Hold; a duplicate hands nothing over, and OnCommit is not called
// for an acknowledgment alone.
func TestAcksHandedOver(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			p, _ := newPipelineWith(t, st, ingest.Options{MaxBatch: 8}, func(o *outbound.AckerOptions) {
				o.Queued = nil
				o.Hold = func() store.Hold { return store.Hold{Owner: "ici", Until: time.Now().Add(time.Hour)} }
			})
			var mu sync.Mutex
			var got []outbound.QueuedAck
			kicks := 0
			p.OnAck(func(q outbound.QueuedAck) { mu.Lock(); got = append(got, q); mu.Unlock() })
			p.OnCommit(func() { mu.Lock(); kicks++; mu.Unlock() })
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- p.Run(ctx) }()

			const n = 40
			results := make([]ingest.Result, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					id := i
					if i%10 == 9 {
						id = i - 1 // a duplicate of the previous message
					}
					from := fmt.Sprintf("user%d@example.org", id)
					raw := mail(from, "[3.2] Lenteur", fmt.Sprintf("<m%d@example.org>", id), "Bonjour")
					var err error
					if results[i], err = p.Deliver(context.Background(), raw, store.Envelope{Transport: "smtp", MailFrom: from}); err != nil {
						t.Errorf("deliver %d: %v", i, err)
					}
				})
			}
			wg.Wait()
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}

			byTicket := map[string]outbound.QueuedAck{}
			for _, q := range got {
				if _, dup := byTicket[q.Outbound.TicketNumber]; dup {
					t.Errorf("ticket %s handed over twice", q.Outbound.TicketNumber)
				}
				byTicket[q.Outbound.TicketNumber] = q
			}
			created := 0
			for i, r := range results {
				if r.Action != ingest.Created {
					continue
				}
				created++
				id := i
				if i%10 == 9 {
					id = i - 1
				}
				q, ok := byTicket[r.Ticket]
				switch {
				case !ok:
					t.Errorf("message %d: ticket %s created, its acknowledgment not handed over (%s)", i, r.Ticket, r.Reason)
				case q.Source.Ticket.Number != r.Ticket || q.Source.Ticket.ID != q.Outbound.TicketID ||
					q.Source.First.MessageID != fmt.Sprintf("<m%d@example.org>", id) || q.Source.First.From != fmt.Sprintf("user%d@example.org", id):
					t.Errorf("message %d: handed over %+v for ticket %s", i, q, r.Ticket)
				}
			}
			if created != n-n/10 || len(got) != created || kicks != 0 {
				t.Errorf("%d tickets, %d handed over, %d kicks; want %d, as many, and none", created, len(got), kicks, n-n/10)
			}
			// Leased to the Hold's owner: another sender finds nothing to claim.
			if other, err := st.ClaimOutboundFor(context.Background(), "ailleurs", time.Now(), 100, time.Minute); err != nil || len(other) != 0 {
				t.Errorf("another sender claimed %d (%v), want none", len(other), err)
			}
			ob, err := st.Outbox(context.Background())
			if err != nil || len(ob) != created {
				t.Fatalf("outbox %d rows (%v), want %d", len(ob), err, created)
			}
			for _, o := range ob {
				if q, ok := byTicket[o.TicketNumber]; !ok || q.Outbound.ID != o.ID || q.Outbound.MessageID != o.MessageID {
					t.Errorf("outbox row %d (ticket %s) is not the one handed over", o.ID, o.TicketNumber)
				}
			}
		})
	}
}
