package outbound

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guichet/internal/testdb"
	"guichet/store"
)

// countingStore counts the claims and the reads of acknowledgment sources
// that a sender and its composer make, and keeps the kinds of the
// deliveries recorded. A claim counts once it has returned, so that a test
// waiting for it knows that the claim has read the outbox.
type countingStore struct {
	store.Store
	claims, sources atomic.Int32
	mu              sync.Mutex
	kinds           []store.Kind
}

func (c *countingStore) MarkSent(ctx context.Context, sent ...store.Sent) error {
	c.mu.Lock()
	for _, s := range sent {
		c.kinds = append(c.kinds, s.Kind)
	}
	c.mu.Unlock()
	return c.Store.MarkSent(ctx, sent...)
}

func (c *countingStore) ClaimOutboundFor(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]store.Outbound, error) {
	defer c.claims.Add(1)
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
			s, _, a, r := handSender(t, st, SenderOptions{Owner: "noeud-a", Poll: time.Hour, Gather: -1}, nil)
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
			st.mu.Lock()
			if len(st.kinds) != 1 || st.kinds[0] != store.KindAck {
				t.Errorf("deliveries recorded as %v, want one ack (what the metrics count)", st.kinds)
			}
			st.mu.Unlock()
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
	s, stop, a, r := handSender(t, st, SenderOptions{Poll: time.Hour, Gather: time.Hour}, nil)
	q := offerAck(t, st, a, "awa.diop@example.org")
	s.Offer(q)
	stop()
	deliveredOnce(t, r, []string{q.Outbound.MessageID})
	if ob, _ := st.Outbox(context.Background()); len(ob) != 1 || ob[0].State != store.OutSent {
		t.Errorf("outbox %+v, want the acknowledgment recorded sent", summary(ob))
	}
}

// TestSenderOfferLeaseLost: an acknowledgment handed over after its lease
// ended, and claimed meanwhile by another sender, is that sender's: the
// one it was handed to renews the lease before sending, finds it lost, and
// sends nothing.
func TestSenderOfferLeaseLost(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := &countingStore{Store: b.Open(t)}
			// Inserted with a lease that has already ended, as when the
			// sender was held up longer than the lease.
			s, _, a, r := handSender(t, st, SenderOptions{Owner: "noeud-a", Poll: time.Hour, Gather: -1},
				func() store.Hold { return store.Hold{Owner: "noeud-a", Until: time.Now().Add(-time.Second)} })
			// The sender's claim at its start must not be the one that
			// finds the row: that is the other sender's, below.
			waitFor(t, "the first claim", func() bool { return st.claims.Load() == 1 })
			q := offerAck(t, st, a, "awa.diop@example.org")
			other, err := st.Store.ClaimOutboundFor(context.Background(), "noeud-b", time.Now(), 10, time.Minute)
			if err != nil || len(other) != 1 {
				t.Fatalf("the other sender claimed %d (%v), want the row whose lease ended", len(other), err)
			}
			s.Offer(q)
			waitFor(t, "the handed-over message given up", func() bool { return s.inHand() == 0 && s.offeredLen() == 0 })
			time.Sleep(300 * time.Millisecond)
			if got := r.received(); len(got) != 0 {
				t.Errorf("the relay got %d messages from the sender that lost the lease, want none", len(got))
			}
		})
	}
}

// TestSenderClaimsWhileHandedMail: mail handed over more often than Poll
// does not hold back the claims that find the rest of the outbox: a row
// queued without a lease goes out within a Poll or two.
func TestSenderClaimsWhileHandedMail(t *testing.T) {
	st := &countingStore{Store: backends(t)[0].Open(t)}
	s, _, a, r := handSender(t, st, SenderOptions{Poll: 200 * time.Millisecond, Gather: -1}, nil)
	waitFor(t, "the first claim", func() bool { return st.claims.Load() >= 1 })
	time.Sleep(50 * time.Millisecond)
	// Queued without a lease and without a Kick: only a claim finds it.
	free := queueAcks(t, st, 1)
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			s.Offer(offerAck(t, st, a, fmt.Sprintf("flux%d@example.org", i)))
		}
	}()
	deadline := time.Now().Add(3 * time.Second)
	for !relayGot(r, free[0]) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	<-done
	if !relayGot(r, free[0]) {
		t.Errorf("the row queued without a lease was not sent while mail was handed over every 50 ms")
	}
}

func (s *Sender) offeredLen() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.offered)
}

// relayGot reports whether the relay got the message with this Message-ID.
func relayGot(r *testRelay, id string) bool {
	for _, m := range r.received() {
		if strings.Contains(string(m.Data), "Message-Id: "+id) || strings.Contains(string(m.Data), "Message-ID: "+id) {
			return true
		}
	}
	return false
}

// handSender starts a sender on st with o (Store, Relay and Render
// filled in) and a relay, and returns them with an Acker whose
// acknowledgments are leased to that sender, unless hold says otherwise.
func handSender(t *testing.T, st store.Store, o SenderOptions, hold func() store.Hold) (*Sender, func(), *Acker, *testRelay) {
	t.Helper()
	r := startRelay(t, relayOpts{})
	rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
	var a *Acker
	o.Store, o.Relay = st, rel
	o.Render = func(ctx context.Context, ms []store.Outbound, known map[int64]store.AckSource) []error {
		return a.RenderAll(ctx, st, ms, known)
	}
	s, stop := runSender(t, o)
	if hold == nil {
		hold = s.Hold
	}
	a, _ = newTestAcker(t, func(ao *AckerOptions) { ao.Clock, ao.Hold = time.Now, hold })
	return s, stop, a, r
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
