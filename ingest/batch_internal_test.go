package ingest

import (
	"context"
	"testing"
	"time"

	"guichet/internal/testdb"
	"guichet/store"
)

// TestBatchReferencesPendingTicket puts, in one batch, a request, a copy
// of it and a reply to it: the request's ticket is only created at the end
// of the batch, so the copy and the reply run right after the commit, and
// find it (duplicate of it, joined to it).
func TestBatchReferencesPendingTicket(t *testing.T) {
	for _, be := range testdb.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			p := New(Options{SupportAddress: "support@centre.example"}, st, nil, nil, nil)
			p.c.running.Store(true) // deliveries queue up; this test commits them

			msgs := [][]byte{
				[]byte("From: awa@example.org\r\nSubject: Portail en panne\r\nMessage-ID: <a@example.org>\r\n\r\nBonjour\r\n"),
				[]byte("From: awa@example.org\r\nSubject: Portail en panne\r\nMessage-ID: <a@example.org>\r\n\r\nBonjour\r\n"),
				[]byte("From: awa@example.org\r\nSubject: Re: Portail en panne\r\nMessage-ID: <b@example.org>\r\nIn-Reply-To: <a@example.org>\r\n\r\nToujours\r\n"),
			}
			results := make([]chan Result, len(msgs))
			for i, raw := range msgs {
				results[i] = make(chan Result, 1)
				go func() {
					r, err := p.Deliver(context.Background(), raw, store.Envelope{Transport: "smtp", MailFrom: "awa@example.org"})
					if err != nil {
						t.Errorf("Deliver %d: %v", i, err)
					}
					results[i] <- r
				}()
				for deadline := time.Now().Add(5 * time.Second); len(p.c.queue) < i+1; time.Sleep(time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatal("delivery not queued")
					}
				}
			}
			batch := []*job[*opening]{<-p.c.queue, <-p.c.queue, <-p.c.queue}
			p.c.commitBatch(context.Background(), batch)
			a, dup, reply := <-results[0], <-results[1], <-results[2]
			if a.Action != Created || a.Ticket == "" {
				t.Fatalf("request = %+v", a)
			}
			if dup.Action != Duplicate || dup.Ticket != a.Ticket {
				t.Errorf("copy = %+v, want a duplicate of %s", dup, a.Ticket)
			}
			if reply.Action != Joined || reply.Ticket != a.Ticket {
				t.Errorf("reply = %+v, want joined to %s", reply, a.Ticket)
			}
			if ts, _ := st.Tickets(context.Background(), store.TicketFilter{}); len(ts) != 1 {
				t.Errorf("%d tickets, want 1", len(ts))
			}
		})
	}
}
