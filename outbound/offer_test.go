package outbound

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"guichet/internal/testdb"
	"guichet/store"
)

// countingStore counts the claims and the reads of acknowledgment sources
// that a sender and its composer make.
type countingStore struct {
	store.Store
	claims, sources atomic.Int32
}

func (c *countingStore) ClaimOutboundFor(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]store.Outbound, error) {
	c.claims.Add(1)
	return c.Store.ClaimOutboundFor(ctx, owner, now, n, lease)
}

func (c *countingStore) AckSources(ctx context.Context, ids []int64) (map[int64]store.AckSource, error) {
	c.sources.Add(1)
	return c.Store.AckSources(ctx, ids)
}

// offerAck opens a ticket and queues its acknowledgment with a, leased as
// a.o.Hold says, as the pipeline's finish step does, and returns what
// FinishAcks left to hand over after the commit.
func offerAck(t *testing.T, st store.Store, a *Acker, from string) QueuedAck {
	t.Helper()
	in := request
	in.From, in.MailFrom, in.MessageID = from, from, "<"+from+">"
	var q *QueuedAck
	err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		tk, err := testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: in.Subject, Category: "1.7", Requester: from, CreatedAt: time.Now()})
		if err != nil {
			return err
		}
		p, err := a.PlanAcks([]store.Ticket{tk}, []Incoming{in})
		if err != nil {
			return err
		}
		if _, err := a.FinishAcks(ctx, tx, p, store.AckCounts{}); err != nil {
			return err
		}
		q = p.Ack(0)
		return nil
	})
	if err != nil || q == nil {
		t.Fatalf("queue acknowledgment: %v (queued %v)", err, q)
	}
	return *q
}

// TestSenderOffer: an acknowledgment queued leased to a sender (Hold) and
// handed to it after the commit (Offer) goes out once, composed from what
// was handed over: no claim and no read of its ticket. Another sender's
// claim does not take it meanwhile.
func TestSenderOffer(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := &countingStore{Store: b.Open(t)}
			r := startRelay(t, relayOpts{})
			rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
			var a *Acker
			s, _ := runSender(t, SenderOptions{Store: st, Relay: rel, Owner: "noeud-a", Poll: time.Hour, Gather: -1,
				Render: func(ctx context.Context, ms []store.Outbound, known map[int64]store.AckSource) []error {
					return a.RenderAll(ctx, st, ms, known)
				}})
			a, _ = newTestAcker(t, func(o *AckerOptions) { o.Clock, o.Hold = time.Now, s.Hold })
			waitFor(t, "the first claim", func() bool { return st.claims.Load() == 1 })

			q := offerAck(t, st, a, "awa.diop@example.org")
			if q.Source.Ticket.ID != q.Outbound.TicketID || q.Source.First.MessageID != "<awa.diop@example.org>" {
				t.Fatalf("handed over %+v", q)
			}
			other, err := st.Store.ClaimOutboundFor(context.Background(), "noeud-b", time.Now(), 10, time.Minute)
			if err != nil || len(other) != 0 {
				t.Fatalf("another sender claimed %d rows (%v), want none while the lease holds", len(other), err)
			}
			s.Offer(q)
			sent := waitOutbox(t, st, "the acknowledgment sent", all(store.OutSent))
			deliveredOnce(t, r, []string{q.Outbound.MessageID})
			if n, m := st.claims.Load(), st.sources.Load(); n != 1 || m != 0 {
				t.Errorf("%d claims and %d reads of sources, want 1 (at the start) and 0", n, m)
			}
			d, err := st.Ticket(context.Background(), q.Outbound.TicketNumber)
			if err != nil || len(d.Messages) != 1 || d.Messages[0].Kind != store.KindAck || d.Messages[0].MessageID != q.Outbound.MessageID {
				t.Fatalf("history %+v (%v), want the acknowledgment sent", d.Messages, err)
			}
			if got := r.received(); len(got) != 1 || string(got[0].Data) != string(sent[0].Raw) {
				t.Errorf("the relay got other bytes than the ticket records")
			}
		})
	}
}

// TestSenderOfferAtStop: what was handed over just before the sender stops
// goes out before Run returns, instead of waiting for its lease to end.
func TestSenderOfferAtStop(t *testing.T) {
	st := backends(t)[0].Open(t)
	r := startRelay(t, relayOpts{})
	rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
	var a *Acker
	s, stop := runSender(t, SenderOptions{Store: st, Relay: rel, Poll: time.Hour, Gather: time.Hour,
		Render: func(ctx context.Context, ms []store.Outbound, known map[int64]store.AckSource) []error {
			return a.RenderAll(ctx, st, ms, known)
		}})
	a, _ = newTestAcker(t, func(o *AckerOptions) { o.Clock, o.Hold = time.Now, s.Hold })
	q := offerAck(t, st, a, "awa.diop@example.org")
	s.Offer(q)
	stop()
	deliveredOnce(t, r, []string{q.Outbound.MessageID})
	if ob, _ := st.Outbox(context.Background()); len(ob) != 1 || ob[0].State != store.OutSent {
		t.Errorf("outbox %+v, want the acknowledgment recorded sent", summary(ob))
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
