package outbound

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guichet/internal/testdb"
	"guichet/store"
)

// backends opens each real store: embedded SQLite in a temporary directory
// and PostgreSQL through pgtest (skipped when unreachable).
func backends(*testing.T) []testdb.Backend { return testdb.Backends() }

// queueAcks creates n tickets from n requesters through the Acker, each in
// its own transaction as the pipeline does, composes their
// acknowledgments (RenderAll) and returns their Message-IDs.
func queueAcks(t *testing.T, st store.Store, n int) []string {
	t.Helper()
	a, _ := newTestAcker(t, func(o *AckerOptions) { o.Clock = time.Now })
	var ids []string
	for i := 0; i < n; i++ {
		err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
			from := fmt.Sprintf("demandeur%d@example.org", i)
			tk, err := testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: "Demande", Requester: from, CreatedAt: time.Now()})
			if err != nil {
				return err
			}
			in := request
			in.From, in.MailFrom, in.MessageID = from, from, fmt.Sprintf("<req%d@example.org>", i)
			reason, err := a.Acknowledge(ctx, tx, tk, in)
			if reason != "" {
				return fmt.Errorf("no acknowledgment: %s", reason)
			}
			return err
		})
		if err != nil {
			t.Fatalf("queue acknowledgment %d: %v", i, err)
		}
	}
	ob, err := st.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i, err := range a.RenderAll(context.Background(), st, ob, nil) {
		if err != nil {
			t.Fatalf("compose acknowledgment %d: %v", i, err)
		}
	}
	for _, o := range ob {
		ids = append(ids, o.MessageID)
	}
	if len(ids) != n {
		t.Fatalf("outbox holds %d messages, want %d", len(ids), n)
	}
	return ids
}

// runSender starts a Sender and returns a function that stops it and waits.
func runSender(t *testing.T, o SenderOptions) (*Sender, func()) {
	t.Helper()
	if o.RetryMin == 0 {
		o.RetryMin = 20 * time.Millisecond
	}
	if o.Poll == 0 {
		o.Poll = 10 * time.Millisecond
	}
	s := NewSender(o)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	var once sync.Once
	stop := func() { once.Do(func() { stopNow(t, cancel, done) }) }
	t.Cleanup(stop)
	return s, stop
}

func stopNow(t *testing.T, cancel func(), done chan error) {
	{
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run = %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	}
}

// waitOutbox polls the outbox until cond holds for it.
func waitOutbox(t *testing.T, st store.Store, what string, cond func([]store.Outbound) bool) []store.Outbound {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ob, err := st.Outbox(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if cond(ob) {
			return ob
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; outbox: %+v", what, summary(ob))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func summary(ob []store.Outbound) []string {
	var s []string
	for _, o := range ob {
		s = append(s, fmt.Sprintf("#%d %s attempts=%d err=%q", o.ID, o.State, o.Attempts, o.LastError))
	}
	return s
}

func all(state store.OutState) func([]store.Outbound) bool {
	return func(ob []store.Outbound) bool {
		for _, o := range ob {
			if o.State != state {
				return false
			}
		}
		return len(ob) > 0
	}
}

// deliveredOnce checks that the relay received each Message-ID exactly once.
func deliveredOnce(t *testing.T, r *testRelay, ids []string) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range r.received() {
		for _, line := range strings.Split(string(m.Data), "\r\n") {
			if v, ok := strings.CutPrefix(line, "Message-Id: "); ok {
				seen[v]++
			} else if v, ok := strings.CutPrefix(line, "Message-ID: "); ok {
				seen[v]++
			}
		}
	}
	for _, id := range ids {
		if seen[id] != 1 {
			t.Errorf("%s delivered %d times, want exactly once", id, seen[id])
		}
	}
	if got := len(r.received()); got != len(ids) {
		t.Errorf("relay received %d messages, want %d", got, len(ids))
	}
}

func TestSenderFaults(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			for _, tc := range []struct {
				name   string
				fault  func(r *testRelay)
				errHas string
			}{
				{"relay down", func(r *testRelay) { r.down() }, "127.0.0.1"},
				{"relay answers 421", func(r *testRelay) { r.setAnswer(421) }, "421"},
				{"relay answers 451", func(r *testRelay) { r.setAnswer(451) }, "451 4.3.0 Erreur locale"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					st := b.Open(t)
					ids := queueAcks(t, st, 5)
					r := startRelay(t, relayOpts{})
					tc.fault(r)
					rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr, Timeout: 5 * time.Second})
					_, stop := runSender(t, SenderOptions{Store: st, Relay: rel})
					// Retries are visible in the outbox, with the relay's answer.
					waitOutbox(t, st, "retries", func(ob []store.Outbound) bool {
						for _, o := range ob {
							if o.State != store.OutRetrying || o.Attempts < 2 || !strings.Contains(o.LastError, tc.errHas) {
								return false
							}
						}
						return true
					})
					// Nothing is lost: a new sender (resumption after a
					// restart) delivers everything once the relay is back.
					stop()
					if r.srv == nil {
						r.up()
					}
					r.setAnswer(0)
					_, stop2 := runSender(t, SenderOptions{Store: st, Relay: rel})
					ob := waitOutbox(t, st, "delivery", all(store.OutSent))
					stop2()
					for _, o := range ob {
						if o.SentAt.IsZero() {
							t.Errorf("#%d sent without SentAt", o.ID)
						}
					}
					deliveredOnce(t, r, ids)
				})
			}
			t.Run("relay answers 550", func(t *testing.T) {
				st := b.Open(t)
				queueAcks(t, st, 3)
				r := startRelay(t, relayOpts{})
				r.setAnswer(550)
				rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
				_, stop := runSender(t, SenderOptions{Store: st, Relay: rel})
				ob := waitOutbox(t, st, "failure", all(store.OutFailed))
				stop()
				for _, o := range ob {
					if o.Attempts != 1 || !strings.Contains(o.LastError, "550 5.1.1 Boîte aux lettres inconnue") {
						t.Errorf("#%d attempts %d last error %q: want failed at once with the relay's answer", o.ID, o.Attempts, o.LastError)
					}
				}
				// guichet outbox retry ID: a requeued message goes out.
				r.setAnswer(0)
				if err := st.Requeue(context.Background(), ob[0].ID, time.Now()); err != nil {
					t.Fatal(err)
				}
				_, stop = runSender(t, SenderOptions{Store: st, Relay: rel})
				waitOutbox(t, st, "requeued delivery", func(ob []store.Outbound) bool {
					return ob[0].State == store.OutSent || ob[len(ob)-1].State == store.OutSent
				})
				stop()
				if n := len(r.received()); n != 1 {
					t.Errorf("relay received %d messages after one requeue, want 1", n)
				}
			})
			t.Run("retry period over", func(t *testing.T) {
				st := b.Open(t)
				queueAcks(t, st, 2)
				r := startRelay(t, relayOpts{})
				r.setAnswer(451)
				rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
				_, stop := runSender(t, SenderOptions{Store: st, Relay: rel, RetryMaxAge: 300 * time.Millisecond})
				ob := waitOutbox(t, st, "expiry", all(store.OutFailed))
				stop()
				for _, o := range ob {
					if o.Attempts < 2 || !strings.Contains(o.LastError, "451") {
						t.Errorf("#%d attempts %d error %q", o.ID, o.Attempts, o.LastError)
					}
				}
			})
			t.Run("two senders share the outbox", func(t *testing.T) {
				st := b.Open(t)
				ids := queueAcks(t, st, 40)
				r := startRelay(t, relayOpts{})
				for range 2 {
					rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
					runSender(t, SenderOptions{Store: st, Relay: rel, Batch: 5})
				}
				waitOutbox(t, st, "delivery", all(store.OutSent))
				deliveredOnce(t, r, ids)
			})
		})
	}
}

func TestSenderKick(t *testing.T) {
	st := backends(t)[0].Open(t)
	r := startRelay(t, relayOpts{})
	rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
	s, _ := runSender(t, SenderOptions{Store: st, Relay: rel, Poll: time.Hour})
	time.Sleep(50 * time.Millisecond) // the sender found nothing and sleeps for an hour
	ids := queueAcks(t, st, 1)
	s.Kick()
	waitOutbox(t, st, "delivery after Kick", all(store.OutSent))
	deliveredOnce(t, r, ids)
}

// claimWhileRecording makes the race of a retry that comes due before
// its delivery's hand is released happen every time: its first MarkRetry,
// once committed, waits for a claim that returns the message (due again
// at once: RetryMin is tiny) before it returns, and then has the relay
// accept mail.
type claimWhileRecording struct {
	store.Store
	retryClaim
	accept func()
}

func (c *claimWhileRecording) MarkRetry(ctx context.Context, id int64, lastErr string, next time.Time) error {
	first := c.arm(id)
	if err := c.Store.MarkRetry(ctx, id, lastErr, next); err != nil {
		return err
	}
	if !first {
		return nil
	}
	if !c.waitClaimed(10 * time.Second) {
		return fmt.Errorf("no claim of outbox %d while its retry was being recorded", id)
	}
	c.accept()
	return nil
}

func (c *claimWhileRecording) ClaimOutboundFor(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]store.Outbound, error) {
	ob, err := c.Store.ClaimOutboundFor(ctx, owner, now, n, lease)
	c.saw(ob)
	return ob, err
}

// retryClaim follows a message from its first retry to the next claim
// that returns it. It is armed before that retry commits (arm), so that a
// claim returning the message right after the commit counts, whenever the
// claim began.
type retryClaim struct {
	mu      sync.Mutex
	id      int64         // the message, once armed
	claimed chan struct{} // closed once a claim returned it (saw)
	once    sync.Once
}

// arm arms at the first retry of all and reports whether id's did.
func (w *retryClaim) arm(id int64) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.id != 0 {
		return false
	}
	w.id, w.claimed = id, make(chan struct{})
	return true
}

// saw notes what a claim returned.
func (w *retryClaim) saw(ob []store.Outbound) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, o := range ob {
		if w.id != 0 && o.ID == w.id {
			w.once.Do(func() { close(w.claimed) })
		}
	}
}

// waitClaimed waits, at most d, for a claim to return the armed message.
func (w *retryClaim) waitClaimed(d time.Duration) bool {
	w.mu.Lock()
	claimed := w.claimed
	w.mu.Unlock()
	select {
	case <-claimed:
		return true
	case <-time.After(d):
		return false
	}
}

// TestSenderReclaimedInHand: a message that a claim takes again while its
// earlier attempt still has it in hand (its retry recorded, its hand not
// yet released) is sent under that claim, not left leased to the sender
// until the lease ends (an hour here).
func TestSenderReclaimedInHand(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			r := startRelay(t, relayOpts{})
			r.setAnswer(451)
			st := &claimWhileRecording{Store: b.Open(t), accept: func() { r.setAnswer(0) }}
			ids := queueAcks(t, st.Store, 1)
			rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
			_, stop := runSender(t, SenderOptions{Store: st, Relay: rel, RetryMin: time.Millisecond, Lease: time.Hour})
			ob := waitOutbox(t, st.Store, "delivery under the second claim", all(store.OutSent))
			stop()
			if ob[0].Attempts != 2 {
				t.Errorf("attempts = %d, want 2: the one refused, the one delivered", ob[0].Attempts)
			}
			deliveredOnce(t, r, ids)
		})
	}
}

// reclaimWatch closes reclaimed once a second claim returned a message
// that a first claim had returned.
type reclaimWatch struct {
	store.Store
	mu        sync.Mutex
	seen      map[int64]bool
	reclaimed chan struct{}
}

func (c *reclaimWatch) ClaimOutboundFor(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]store.Outbound, error) {
	ob, err := c.Store.ClaimOutboundFor(ctx, owner, now, n, lease)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, o := range ob {
		if c.seen[o.ID] && c.reclaimed != nil {
			close(c.reclaimed)
			c.reclaimed = nil
		}
		c.seen[o.ID] = true
	}
	return ob, err
}

// stallingRelay holds its first delivery until release is closed.
type stallingRelay struct {
	Relay
	once    sync.Once
	release <-chan struct{}
}

func (r *stallingRelay) Send(ctx context.Context, from string, to []string, raw []byte) error {
	r.once.Do(func() {
		select {
		case <-r.release:
		case <-time.After(10 * time.Second):
		}
	})
	return r.Relay.Send(ctx, from, to, raw)
}

// TestSenderReclaimedInHandSentOnce: a message claimed again while it is
// being delivered (its lease ran out: no renewal came) is not sent a
// second time once that delivery is recorded: the second claim is
// confirmed with the store before sending, and the store has it sent.
func TestSenderReclaimedInHandSentOnce(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			r := startRelay(t, relayOpts{})
			reclaimed := make(chan struct{})
			st := &reclaimWatch{Store: b.Open(t), seen: map[int64]bool{}, reclaimed: reclaimed}
			ids := queueAcks(t, st.Store, 1)
			rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
			// The relay holds the delivery until the lease (200 ms, never
			// renewed) has run out and a claim took the message again.
			_, stop := runSender(t, SenderOptions{Store: st, Relay: &stallingRelay{Relay: rel, release: reclaimed},
				Lease: 200 * time.Millisecond, Renew: time.Hour})
			waitOutbox(t, st.Store, "delivery", all(store.OutSent))
			select {
			case <-reclaimed:
			default:
				t.Fatal("the message was not claimed again during its delivery")
			}
			time.Sleep(200 * time.Millisecond) // a second delivery would come now
			stop()
			deliveredOnce(t, r, ids)
		})
	}
}

// renewRace makes a renewal straddle a claim: after the first MarkRetry
// commits, a renewal runs whose statement comes before the claim that
// takes the message again (the retry cleared its lease, so it is not
// renewed), but whose answer is read after that claim's take: renewed
// then drops the hold that carries the claim.
type renewRace struct {
	store.Store
	retryClaim
	s *Sender

	rmu         sync.Mutex
	renewStored chan struct{} // closed once the renewal's statement ran
	waited      bool          // the renewal waited for the claim
}

func (c *renewRace) MarkRetry(ctx context.Context, id int64, lastErr string, next time.Time) error {
	// Armed before the retry commits, so that every claim after it
	// waits for the renewal's statement.
	first := c.arm(id)
	if first {
		c.rmu.Lock()
		c.renewStored = make(chan struct{})
		c.rmu.Unlock()
	}
	if err := c.Store.MarkRetry(ctx, id, lastErr, next); err != nil {
		return err
	}
	if first {
		c.s.renew(ctx) // the renewal loop's tick, landing in this window
	}
	return nil
}

func (c *renewRace) RenewOutbound(ctx context.Context, owner string, ids []int64, now time.Time, lease time.Duration) ([]int64, error) {
	got, err := c.Store.RenewOutbound(ctx, owner, ids, now, lease)
	c.rmu.Lock()
	first := c.renewStored != nil && !c.waited
	c.waited = c.waited || first
	rs := c.renewStored
	c.rmu.Unlock()
	if first {
		close(rs)
		if c.waitClaimed(5 * time.Second) {
			// Run's take of the claim's answer; were it later, the hold
			// would be gone first and the claim taken as new: the test
			// would pass without testing anything, never fail wrongly.
			time.Sleep(50 * time.Millisecond)
		}
	}
	return got, err
}

func (c *renewRace) ClaimOutboundFor(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]store.Outbound, error) {
	c.rmu.Lock()
	rs := c.renewStored
	c.rmu.Unlock()
	if rs != nil {
		select {
		case <-rs:
		case <-time.After(5 * time.Second):
		}
	}
	ob, err := c.Store.ClaimOutboundFor(ctx, owner, now, n, lease)
	c.saw(ob)
	return ob, err
}

// TestSenderReclaimedInHandRenewal: a message claimed again while in
// hand, whose hold a renewal then drops, is still sent under that claim,
// not left leased to the sender until the lease ends.
func TestSenderReclaimedInHandRenewal(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			r := startRelay(t, relayOpts{})
			r.setAnswer(451)
			st := &renewRace{Store: b.Open(t)}
			queueAcks(t, st.Store, 1)
			rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
			// The renewal is the test's, not the renewal loop's (an hour).
			s := NewSender(SenderOptions{Store: st, Relay: rel, RetryMin: time.Millisecond, Lease: time.Hour,
				Renew: time.Hour, Poll: 10 * time.Millisecond})
			st.s = s // before Run: MarkRetry reads it
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- s.Run(ctx) }()
			t.Cleanup(func() { stopNow(t, cancel, done) })
			go func() { time.Sleep(300 * time.Millisecond); r.setAnswer(0) }()
			waitOutbox(t, st.Store, "delivery under the second claim", all(store.OutSent))
		})
	}
}

// failThenRenewErr: the delivery's lease runs out while the relay stalls
// and a claim takes the message again; the relay then refuses it for good
// (MarkFailed), and the confirmation of the copy claimed again meets a
// store error, which the sender records as a retry.
type failThenRenewErr struct {
	reclaimWatch
	mu     sync.Mutex
	failed bool
}

func (c *failThenRenewErr) MarkFailed(ctx context.Context, id int64, lastErr string) error {
	err := c.reclaimWatch.Store.MarkFailed(ctx, id, lastErr)
	c.mu.Lock()
	c.failed = true
	c.mu.Unlock()
	return err
}

func (c *failThenRenewErr) RenewOutbound(ctx context.Context, owner string, ids []int64, now time.Time, lease time.Duration) ([]int64, error) {
	c.mu.Lock()
	f := c.failed
	c.failed = false
	c.mu.Unlock()
	if f {
		return nil, store.ErrUnavailable
	}
	return c.reclaimWatch.Store.RenewOutbound(ctx, owner, ids, now, lease)
}

// TestSenderReclaimedInHandRefused: a message the relay refused for good
// stays failed, with one attempt, whatever the copy claimed again while
// it was in hand then records.
func TestSenderReclaimedInHandRefused(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			r := startRelay(t, relayOpts{})
			r.setAnswer(550)
			reclaimed := make(chan struct{})
			st := &failThenRenewErr{reclaimWatch: reclaimWatch{Store: b.Open(t), seen: map[int64]bool{}, reclaimed: reclaimed}}
			queueAcks(t, st.Store, 1)
			rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
			_, stop := runSender(t, SenderOptions{Store: st, Relay: &stallingRelay{Relay: rel, release: reclaimed},
				Lease: 200 * time.Millisecond, Renew: time.Hour, RetryMin: time.Hour})
			waitOutbox(t, st.reclaimWatch.Store, "failed", all(store.OutFailed))
			time.Sleep(500 * time.Millisecond)
			stop()
			ob, err := st.reclaimWatch.Store.Outbox(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if ob[0].State != store.OutFailed || ob[0].Attempts != 1 {
				t.Errorf("refused for good, now state %s, attempts %d", ob[0].State, ob[0].Attempts)
			}
		})
	}
}

// claimCounter counts the claims of the outbox it wraps.
type claimCounter struct {
	store.Store
	claims atomic.Int32
}

func (c *claimCounter) ClaimOutboundFor(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]store.Outbound, error) {
	c.claims.Add(1)
	return c.Store.ClaimOutboundFor(ctx, owner, now, n, lease)
}

// TestSenderGathersKicks: the kicks of commits that follow each other
// within Gather lead to one claim, not one each.
func TestSenderGathersKicks(t *testing.T) {
	st := &claimCounter{Store: backends(t)[0].Open(t)}
	r := startRelay(t, relayOpts{})
	rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
	s, _ := runSender(t, SenderOptions{Store: st, Relay: rel, Poll: time.Hour, Gather: 300 * time.Millisecond})
	time.Sleep(50 * time.Millisecond) // the sender found nothing and sleeps for an hour
	before := st.claims.Load()
	ids := queueAcks(t, st.Store, 4)
	for range 4 {
		s.Kick()
		time.Sleep(20 * time.Millisecond)
	}
	waitOutbox(t, st.Store, "delivery after the kicks", all(store.OutSent))
	deliveredOnce(t, r, ids)
	if n := st.claims.Load() - before; n != 1 {
		t.Errorf("%d claims for 4 kicks within Gather, want 1", n)
	}
}

func TestNextAttempt(t *testing.T) {
	s := NewSender(SenderOptions{RetryMin: time.Minute, RetryCap: time.Hour, RetryMaxAge: 48 * time.Hour})
	created := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name     string
		attempts int
		now      time.Time
		lo, hi   time.Duration // bounds of next-now
		ok       bool
	}{
		{"first retry", 0, created, 30 * time.Second, time.Minute, true},
		{"second retry doubles", 1, created, time.Minute, 2 * time.Minute, true},
		{"fifth retry", 4, created, 8 * time.Minute, 16 * time.Minute, true},
		{"capped at an hour", 30, created, 30 * time.Minute, time.Hour, true},
		{"last attempt at the end of the period", 30, created.Add(48*time.Hour - time.Minute), 0, time.Minute, true},
		{"period over", 30, created.Add(48 * time.Hour), 0, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 50 { // jitter: every draw stays within bounds
				next, ok := s.NextAttempt(store.Outbound{Attempts: tc.attempts, CreatedAt: created}, tc.now)
				if ok != tc.ok {
					t.Fatalf("NextAttempt ok = %v, want %v", ok, tc.ok)
				}
				if !ok {
					return
				}
				if d := next.Sub(tc.now); d < tc.lo || d > tc.hi {
					t.Fatalf("NextAttempt delay = %v, want within [%v, %v]", d, tc.lo, tc.hi)
				}
			}
		})
	}
}

// TestSenderBacklog drains a backlog of acknowledgments to a local relay on
// each backend: every one is delivered exactly once. The rate is logged, not
// asserted: a shared test machine's speed says nothing about the code's.
func TestSenderBacklog(t *testing.T) {
	if testing.Short() {
		t.Skip("backlog of 1000 messages")
	}
	const n = 1000
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ids := queueAcks(t, st, n)
			r := startRelay(t, relayOpts{})
			rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
			start := time.Now()
			runSender(t, SenderOptions{Store: st, Relay: rel})
			var once sync.Once
			waitOutbox(t, st, "delivery", func(ob []store.Outbound) bool {
				if !all(store.OutSent)(ob) {
					return false
				}
				once.Do(func() {})
				return true
			})
			el := time.Since(start)
			rate := float64(n) / el.Seconds()
			t.Logf("%s: %d messages delivered in %v: %.0f msg/s", b.Name, n, el.Round(time.Millisecond), rate)
			deliveredOnce(t, r, ids)
		})
	}
}

// groupRefusingOutbox refuses to record several deliveries at once with an
// error that is not an outage, as a bad row would make the whole statement
// fail; it records single ones.
type groupRefusingOutbox struct {
	Outbox
	mu       sync.Mutex
	recorded []int64
}

func (o *groupRefusingOutbox) MarkSent(_ context.Context, sent ...store.Sent) error {
	if len(sent) > 1 {
		return errors.New("contrainte violée")
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.recorded = append(o.recorded, sent[0].ID)
	return nil
}

// TestRecordSentFallsBackToOneByOne: when a group of deliveries cannot be
// recorded together, each is recorded alone, so that none is sent again
// when its lease ends.
func TestRecordSentFallsBackToOneByOne(t *testing.T) {
	ob := &groupRefusingOutbox{}
	s := NewSender(SenderOptions{Store: ob})
	sent := make(chan delivery, 3)
	for id := int64(1); id <= 3; id++ {
		sent <- delivery{Sent: store.Sent{ID: id, At: fixedNow}}
	}
	close(sent)
	s.recordSent(context.Background(), sent)
	if !slices.Equal(ob.recorded, []int64{1, 2, 3}) {
		t.Errorf("recorded %v, want 1, 2, 3 each alone after the group failed", ob.recorded)
	}
}

// fakeClock is a clock the test moves forward.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// advance moves the clock to from+upto in steps, giving the senders a few
// real milliseconds at each: their polls and renewals run on real timers.
func (c *fakeClock) advance(from time.Time, upto, step time.Duration) {
	for d := step; d <= upto; d += step {
		c.mu.Lock()
		c.now = from.Add(d)
		c.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
}

// countingRelay accepts every message and counts them by Message-ID;
// until release is closed (when not nil), each delivery blocks.
type countingRelay struct {
	release <-chan struct{}
	mu      sync.Mutex
	started int
	got     map[string]int
}

func (r *countingRelay) Send(ctx context.Context, _ string, _ []string, raw []byte) error {
	r.mu.Lock()
	r.started++
	r.mu.Unlock()
	if r.release != nil {
		select {
		case <-r.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, line := range strings.Split(string(raw), "\r\n") {
		if v, ok := strings.CutPrefix(line, "Message-ID: "); ok {
			r.got[v]++
		} else if v, ok := strings.CutPrefix(line, "Message-Id: "); ok {
			r.got[v]++
		}
	}
	return nil
}

func (r *countingRelay) counts() (started int, got map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	got = make(map[string]int, len(r.got))
	for k, v := range r.got {
		got[k] = v
	}
	return r.started, got
}

// sentOnce checks that the relays together delivered each id exactly once.
func sentOnce(t *testing.T, ids []string, relays ...*countingRelay) {
	t.Helper()
	total := map[string]int{}
	for _, r := range relays {
		_, got := r.counts()
		for k, v := range got {
			total[k] += v
		}
	}
	for _, id := range ids {
		if total[id] != 1 {
			t.Errorf("%s delivered %d times, want exactly once", id, total[id])
		}
	}
	if len(total) != len(ids) {
		t.Errorf("%d distinct messages delivered, want %d", len(total), len(ids))
	}
}

// claimOne claims for owner at now the one row the test expects due, or
// stops the test.
func claimOne(t *testing.T, st store.Store, owner string, now time.Time, lease time.Duration) []store.Outbound {
	t.Helper()
	claimed, err := st.ClaimOutboundFor(context.Background(), owner, now, 1, lease)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("%s's claim at %s = %d rows (%v), want 1", owner, now.Format(time.TimeOnly), len(claimed), err)
	}
	return claimed
}

// leaseFixture opens a store with n acknowledgments due, and a fake clock
// set at t0, just after they were queued.
func leaseFixture(t *testing.T, b testdb.Backend, n int) (st store.Store, ids []string, t0 time.Time, clk *fakeClock) {
	t.Helper()
	st = b.Open(t)
	ids = queueAcks(t, st, n)
	t0 = time.Now().Add(time.Second)
	return st, ids, t0, &fakeClock{now: t0}
}

// TestCrashedSendersMessagesGoOutWithinSeconds: the messages a sender
// claimed before it was killed (claimed, never renewed) are sent by
// another sender once the short lease ends, within 30 s, and not before.
func TestCrashedSendersMessagesGoOutWithinSeconds(t *testing.T) {
	const lease = 20 * time.Second
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st, ids, t0, clk := leaseFixture(t, b, 10)
			dead, err := st.ClaimOutboundFor(context.Background(), "killed", t0, 100, lease)
			if err != nil || len(dead) != len(ids) {
				t.Fatalf("the killed sender's claim = %d rows (%v), want %d", len(dead), err, len(ids))
			}
			r := &countingRelay{got: map[string]int{}}
			runSender(t, SenderOptions{Store: st, Relay: r, Clock: clk.Now, Lease: lease, Renew: 10 * time.Millisecond})
			clk.advance(t0, lease-500*time.Millisecond, 500*time.Millisecond)
			if n, _ := r.counts(); n != 0 {
				t.Errorf("%d messages sent while the killed sender's lease held, want none", n)
			}
			// Between the lease's end and 30 s: the new sender's next
			// poll claims them.
			clk.advance(t0.Add(lease-500*time.Millisecond), 10*time.Second+500*time.Millisecond, 500*time.Millisecond)
			waitOutbox(t, st, "delivery at 30 s", all(store.OutSent))
			sentOnce(t, ids, r)
		})
	}
}

// TestSlowRelayKeepsTheLease: a delivery that takes several leases does
// not let another sender claim the message (the first renews its lease),
// nor the messages that wait for a worker: each goes out once.
func TestSlowRelayKeepsTheLease(t *testing.T) {
	const lease = 20 * time.Second
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st, ids, t0, clk := leaseFixture(t, b, 6)
			release := make(chan struct{})
			slow := &countingRelay{release: release, got: map[string]int{}}
			fast := &countingRelay{got: map[string]int{}}
			opts := SenderOptions{Store: st, Clock: clk.Now, Lease: lease, Renew: 10 * time.Millisecond, Parallel: 2}
			a := opts
			a.Relay = slow
			runSender(t, a)
			deadline := time.Now().Add(10 * time.Second)
			for n, _ := slow.counts(); n < 2; n, _ = slow.counts() {
				if time.Now().After(deadline) {
					t.Fatalf("the slow relay started %d deliveries, want 2", n)
				}
				time.Sleep(10 * time.Millisecond)
			}
			b := opts
			b.Relay = fast
			runSender(t, b)
			clk.advance(t0, 5*lease, 500*time.Millisecond)
			if n, _ := fast.counts(); n != 0 {
				t.Errorf("the second sender sent %d messages the first still had in hand", n)
			}
			close(release)
			waitOutbox(t, st, "delivery", all(store.OutSent))
			sentOnce(t, ids, slow, fast)
		})
	}
}

// TestSenderConfirmsALateLease: a message whose lease the renewals did not
// keep (store slow, process paused) is renewed just before it is sent, and
// left alone when another sender claimed it meanwhile.
func TestSenderConfirmsALateLease(t *testing.T) {
	const lease = 20 * time.Second
	for _, tc := range []struct {
		name     string
		reclaim  bool
		wantSent int
	}{
		{"nobody claimed it since: renewed and sent", false, 1},
		{"another sender claimed it: not sent", true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, ids, t0, clk := leaseFixture(t, backends(t)[0], 1)
			r := &countingRelay{got: map[string]int{}}
			s := NewSender(SenderOptions{Store: st, Relay: r, Clock: clk.Now, Lease: lease})
			ctx := context.Background()
			claimed := claimOne(t, st, s.o.Owner, t0, lease)
			_, gen := s.take(claimed, t0, nil)
			clk.now = t0.Add(lease + 5*time.Second) // no renewal ran
			if tc.reclaim {
				claimOne(t, st, "other", clk.now, lease)
			}
			sent := make(chan delivery, 1)
			s.deliver(ctx, claimed[0], gen, nil, sent)
			if n, _ := r.counts(); n != tc.wantSent || len(sent) != tc.wantSent {
				t.Errorf("relay got %d, %d recorded; want %d", n, len(sent), tc.wantSent)
			}
			if tc.wantSent == 1 {
				sentOnce(t, ids, r)
			}
		})
	}
}

// TestSenderLeaseLostThenClaimedAgain: a message whose lease this sender
// lost (another sender claimed it while the store was out of reach of the
// renewals) and that this sender claimed again later, once that lease
// ended too, has two deliveries in this process: the first claim's, still
// waiting for a worker, and the new claim's. Only the new claim's may send
// it, and the first claim's end (release, as when its delivery was already
// under way) must leave the new one's hold alone, or its lease would go
// unrenewed.
func TestSenderLeaseLostThenClaimedAgain(t *testing.T) {
	const lease = 20 * time.Second
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st, ids, t0, clk := leaseFixture(t, b, 1)
			r := &countingRelay{got: map[string]int{}}
			s := NewSender(SenderOptions{Store: st, Relay: r, Clock: clk.Now, Lease: lease})
			ctx := context.Background()
			first := claimOne(t, st, s.o.Owner, t0, lease)
			m := first[0]
			_, gen1 := s.take(first, t0, nil)
			clk.now = t0.Add(lease + time.Second)
			claimOne(t, st, "other", clk.now, lease)
			s.renew(ctx) // lost: the hold is dropped
			if n := s.inHand(); n != 0 {
				t.Fatalf("%d in hand after the lease was lost, want 0", n)
			}
			clk.now = t0.Add(2*lease + 2*time.Second) // the other's lease ended too
			taken, gen2 := s.take(claimOne(t, st, s.o.Owner, clk.now, lease), clk.now, nil)
			if len(taken) != 1 || gen2 == gen1 {
				t.Fatalf("take = %d rows under claim %d (first %d), want 1 under a new claim", len(taken), gen2, gen1)
			}

			sent := make(chan delivery, 2)
			s.deliver(ctx, m, gen1, nil, sent)
			if n, _ := r.counts(); n != 0 || len(sent) != 0 {
				t.Fatalf("the first claim's delivery sent %d, recorded %d; want none: the message is the new claim's", n, len(sent))
			}
			// A first delivery already in the relay when its lease was lost
			// ends the same way, through recordSent or its deferred release.
			s.release(m.ID, gen1)
			s.mu.Lock()
			h, held := s.held[m.ID]
			s.mu.Unlock()
			if !held || h.gen != gen2 {
				t.Fatalf("after the first claim's release: held %v under claim %d, want the new claim %d's hold", held, h.gen, gen2)
			}

			s.deliver(ctx, taken[0], gen2, nil, sent)
			close(sent)
			s.recordSent(ctx, sent)
			sentOnce(t, ids, r)
			waitOutbox(t, st, "delivery", all(store.OutSent))
			if n := s.inHand(); n != 0 {
				t.Errorf("%d in hand after the delivery was recorded, want 0", n)
			}
		})
	}
}

// renewHookOutbox runs hook (once) just before the next RenewOutbound
// reaches the store: the renewal is slow, the world moves on meanwhile.
type renewHookOutbox struct {
	store.Store
	mu   sync.Mutex
	hook func()
}

func (o *renewHookOutbox) RenewOutbound(ctx context.Context, owner string, ids []int64, now time.Time, lease time.Duration) ([]int64, error) {
	o.mu.Lock()
	h := o.hook
	o.hook = nil
	o.mu.Unlock()
	if h != nil {
		h()
	}
	return o.Store.RenewOutbound(ctx, owner, ids, now, lease)
}

// TestSenderConfirmRaceWithANewClaim: the first claim's delivery
// confirms a late lease; while its renewal is on its way, the hold is lost
// (another sender claimed) and the message is claimed again by this
// sender. The store renews by owner, so it answers "yours" for the new
// claim's lease: confirm must still refuse the first claim's delivery.
func TestSenderConfirmRaceWithANewClaim(t *testing.T) {
	const lease = 20 * time.Second
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st, ids, t0, clk := leaseFixture(t, b, 1)
			set := func(at time.Time) {
				clk.mu.Lock()
				defer clk.mu.Unlock()
				clk.now = at
			}
			ob := &renewHookOutbox{Store: st}
			r := &countingRelay{got: map[string]int{}}
			s := NewSender(SenderOptions{Store: ob, Relay: r, Clock: clk.Now, Lease: lease})
			ctx := context.Background()
			first := claimOne(t, st, s.o.Owner, t0, lease)
			_, gen1 := s.take(first, t0, nil)
			set(t0.Add(lease - time.Second)) // renewals failed: a second left
			var taken []store.Outbound
			var gen2 uint64
			ob.hook = func() {
				set(t0.Add(lease + time.Second))
				claimOne(t, st, "other", clk.Now(), lease)
				s.renew(ctx) // lost: hold gen1 dropped
				set(t0.Add(2*lease + 2*time.Second))
				taken, gen2 = s.take(claimOne(t, st, s.o.Owner, clk.Now(), lease), clk.Now(), nil)
			}
			sent := make(chan delivery, 2)
			s.deliver(ctx, first[0], gen1, nil, sent) // its confirm renews, slowly
			if len(taken) != 1 {
				t.Fatalf("taken again: %d rows, want 1", len(taken))
			}
			s.deliver(ctx, taken[0], gen2, nil, sent)
			close(sent)
			s.recordSent(ctx, sent)
			sentOnce(t, ids, r)
			if n := s.inHand(); n != 0 {
				t.Errorf("%d in hand after the delivery was recorded, want 0", n)
			}
		})
	}
}

// groupsOutbox records the size of each MarkSent group.
type groupsOutbox struct {
	Outbox
	mu     sync.Mutex
	groups []int
}

func (o *groupsOutbox) MarkSent(_ context.Context, sent ...store.Sent) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.groups = append(o.groups, len(sent))
	return nil
}

// TestRecordSentGathersResults: results that come one by one, a
// millisecond apart, while their messages are in hand, are recorded
// together; a result with nothing else in hand is recorded at once.
func TestRecordSentGathersResults(t *testing.T) {
	ob := &groupsOutbox{}
	s := NewSender(SenderOptions{Store: ob})
	// Long enough that waiting for it would show: a group is recorded when
	// everything in hand has its result, and a result alone at once.
	s.linger = time.Hour
	const n = 8
	for id := int64(1); id <= n; id++ {
		s.held[id] = hold{}
	}
	sent := make(chan delivery)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.recordSent(context.Background(), sent)
	}()
	for id := int64(1); id <= n; id++ {
		sent <- delivery{Sent: store.Sent{ID: id, At: fixedNow}}
		time.Sleep(time.Millisecond)
	}
	// All released: the next result is alone in hand and waits for none.
	deadline := time.Now().Add(5 * time.Second)
	for s.inHand() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	s.held[n+1] = hold{}
	sent <- delivery{Sent: store.Sent{ID: n + 1, At: fixedNow}}
	for s.inHand() > 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(sent)
	<-done
	if !slices.Equal(ob.groups, []int{n, 1}) {
		t.Errorf("groups recorded %v, want [%d 1]", ob.groups, n)
	}
}
