package ingest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/internal/testdb"
	"guichet/outbound"
	"guichet/store"
)

// Regression tests for the two-phase group commit, from review.

type queued struct {
	res chan Result
	err chan error
}

func queueAll(t *testing.T, p *Pipeline, msgs [][]byte, env func(i int) store.Envelope) ([]*job[*opening], []queued) {
	t.Helper()
	qs := make([]queued, len(msgs))
	for i, raw := range msgs {
		qs[i] = queued{make(chan Result, 1), make(chan error, 1)}
		go func() {
			r, err := p.Deliver(context.Background(), raw, env(i))
			qs[i].res <- r
			qs[i].err <- err
		}()
		for deadline := time.Now().Add(5 * time.Second); len(p.c.queue) < i+1; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("delivery not queued")
			}
		}
	}
	var batch []*job[*opening]
	for range msgs {
		batch = append(batch, <-p.c.queue)
	}
	return batch, qs
}

// commitAll delivers msgs in one batch and returns their results; any
// delivery's error fails the test.
func commitAll(t *testing.T, p *Pipeline, msgs [][]byte, env func(int) store.Envelope) []Result {
	t.Helper()
	batch, qs := queueAll(t, p, msgs, env)
	p.c.commitBatch(context.Background(), batch)
	var rs []Result
	for i, q := range qs {
		r, err := <-q.res, <-q.err
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		rs = append(rs, r)
	}
	return rs
}

func smtpEnv(int) store.Envelope {
	return store.Envelope{Transport: "smtp", MailFrom: "x@example.org"}
}

type poisonAck struct{}

func (poisonAck) PlanAcks(ts []store.Ticket, ins []outbound.Incoming) (*outbound.AckPlan, error) {
	for _, in := range ins {
		if strings.Contains(in.Subject, "poison") {
			return nil, errors.New("compose failed")
		}
	}
	return &outbound.AckPlan{Reasons: make([]string, len(ts))}, nil
}

func (poisonAck) Ours() []string { return nil }

func (poisonAck) FinishAcks(ctx context.Context, tx store.Tx, p *outbound.AckPlan, sent store.AckCounts) ([]string, error) {
	return p.Reasons, nil
}

type flakyStore struct {
	store.Store
	// ahead lets the committer insert messages ahead of their works;
	// without it every insert is a work's own, in the batch's order.
	ahead bool
	mu    sync.Mutex
	calls map[string]int
	fail  map[string]int // dedupe key -> fail on this call number
}

type flakyTx struct {
	store.Tx
	s *flakyStore
}

func (t flakyTx) InsertMessage(ctx context.Context, m *store.Message) (int64, error) {
	t.s.mu.Lock()
	t.s.calls[m.DedupeKey]++
	n := t.s.calls[m.DedupeKey]
	t.s.mu.Unlock()
	if t.s.fail[m.DedupeKey] == n {
		return 0, errors.New("injected failure")
	}
	return t.Tx.InsertMessage(ctx, m)
}

// InsertMessages counts and fails each message as InsertMessage does, so
// that the committer's inserts ahead meet the same injected failures.
func (t flakyTx) InsertMessages(ctx context.Context, ms []*store.Message) ([]int64, []error, error) {
	return store.InsertEach(ctx, t.InsertMessage, ms)
}

// InsertMessagesReading fails as InsertMessages does and reads nothing.
func (t flakyTx) InsertMessagesReading(ctx context.Context, ms []*store.Message, _ []string) ([]int64, []error, map[string]*store.Ticket, error) {
	ids, dups, err := t.InsertMessages(ctx, ms)
	return ids, dups, nil, err
}

func (s *flakyStore) wrapFn(fn store.TxFunc) store.TxFunc {
	return func(ctx context.Context, tx store.Tx) error { return fn(ctx, flakyTx{tx, s}) }
}
func (s *flakyStore) InTx(ctx context.Context, fn store.TxFunc) error {
	return s.Store.InTx(ctx, s.wrapFn(fn))
}
func (s *flakyStore) InTxBatchCommit(ctx context.Context, fns []store.TxFunc, prelude store.BatchPrelude, finish store.BatchFinish) ([]error, func() error, error) {
	w := make([]store.TxFunc, len(fns))
	for i := range fns {
		w[i] = s.wrapFn(fns[i])
	}
	var wp store.BatchPrelude
	if prelude != nil && s.ahead {
		wp = func(ctx context.Context, tx store.Tx, live []int) (int, error) {
			return prelude(ctx, flakyTx{tx, s}, live)
		}
	}
	return s.Store.InTxBatchCommit(ctx, w, wp, finish)
}

func TestBatchReplyChain(t *testing.T) {
	for _, be := range testdb.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			p := New(Options{SupportAddress: "support@centre.example"}, st, nil, nil, nil)
			p.c.running.Store(true)
			msgs := [][]byte{
				[]byte("From: awa@example.org\r\nSubject: Portail\r\nMessage-ID: <a@example.org>\r\n\r\nBonjour\r\n"),
				[]byte("From: awa@example.org\r\nSubject: Re: Portail\r\nMessage-ID: <b@example.org>\r\nIn-Reply-To: <a@example.org>\r\n\r\nToujours\r\n"),
				[]byte("From: awa@example.org\r\nSubject: Re: Re: Portail\r\nMessage-ID: <c@example.org>\r\nIn-Reply-To: <b@example.org>\r\n\r\nEncore\r\n"),
			}
			rs := commitAll(t, p, msgs, smtpEnv)
			if rs[0].Action != Created || rs[1].Action != Joined || rs[2].Action != Joined ||
				rs[1].Ticket != rs[0].Ticket || rs[2].Ticket != rs[0].Ticket {
				t.Errorf("results %+v, want one ticket, the replies joined", rs)
			}
		})
	}
}

// One delivery whose last step fails does not refuse the others of its
// batch: they are retried alone.
func TestBatchFinishFailureIsolated(t *testing.T) {
	st := testdb.Backends()[0].Open(t)
	p := New(Options{SupportAddress: "support@centre.example"}, st, nil, nil, poisonAck{})
	p.c.running.Store(true)
	msgs := [][]byte{
		[]byte("From: a@example.org\r\nSubject: un\r\nMessage-ID: <1@example.org>\r\n\r\nx\r\n"),
		[]byte("From: b@example.org\r\nSubject: poison\r\nMessage-ID: <2@example.org>\r\n\r\nx\r\n"),
		[]byte("From: c@example.org\r\nSubject: trois\r\nMessage-ID: <3@example.org>\r\n\r\nx\r\n"),
	}
	batch, qs := queueAll(t, p, msgs, smtpEnv)
	p.c.commitBatch(context.Background(), batch)
	for i, q := range qs {
		r, err := <-q.res, <-q.err
		if (err != nil) != (i == 1) || (i != 1 && r.Action != Created) {
			t.Errorf("%d: %+v err=%v; want only the poisoned delivery to fail", i, r, err)
		}
	}
}

// A delivery skipped in a first attempt, then committed in a later one,
// reports what it did (not an earlier attempt's verdict) and is not run twice.
func TestBatchRerunAfterSkip(t *testing.T) {
	for _, be := range testdb.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			fs := &flakyStore{Store: be.Open(t), calls: map[string]int{}, fail: map[string]int{"<a@example.org>": 2, "<c@example.org>": 1}}
			p := New(Options{SupportAddress: "support@centre.example"}, fs, nil, nil, nil)
			p.c.running.Store(true)
			msgs := [][]byte{
				[]byte("From: awa@example.org\r\nSubject: Portail\r\nMessage-ID: <a@example.org>\r\n\r\nBonjour\r\n"),
				[]byte("From: awa@example.org\r\nSubject: Re: Portail\r\nMessage-ID: <b@example.org>\r\nIn-Reply-To: <a@example.org>\r\n\r\nToujours\r\n"),
				[]byte("From: bob@example.org\r\nSubject: Autre\r\nMessage-ID: <c@example.org>\r\n\r\nx\r\n"),
			}
			batch, qs := queueAll(t, p, msgs, smtpEnv)
			p.c.commitBatch(context.Background(), batch)
			var b Result
			for i, q := range qs {
				r, err := <-q.res, <-q.err
				if i == 1 {
					if err != nil {
						t.Fatalf("reply: %v", err)
					}
					b = r
				}
			}
			if b.Action != Created || b.Ticket == "" {
				t.Errorf("reply = %+v, want its own new ticket (its original failed)", b)
			}
			if n := fs.calls["<b@example.org>"]; n != 1 {
				t.Errorf("reply inserted %d times, want once", n)
			}
		})
	}
}

// In one batch: a request, an alert opening an incident and a repeat of
// that alert. Numbers follow the batch's order, and the repeat joins the
// incident (it waits for it).
func TestBatchIncidentOrder(t *testing.T) {
	for _, be := range testdb.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			p := New(Options{SupportAddress: "support@centre.example", AlertAddresses: []string{"alertes@centre.example"}}, st, nil, nil, nil)
			p.c.running.Store(true)
			alert := func(id string) []byte {
				return []byte("From: nagios@mon.example.org\r\nTo: alertes@centre.example\r\nSubject: ** PROBLEM Service Alert: web01/HTTP is CRITICAL **\r\nMessage-ID: <" + id + "@mon.example.org>\r\n\r\n" +
					"***** Nagios *****\n\nNotification Type: PROBLEM\n\nService: HTTP\nHost: web01\nAddress: 10.0.0.1\nState: CRITICAL\n")
			}
			msgs := [][]byte{
				[]byte("From: awa@example.org\r\nTo: support@centre.example\r\nSubject: Portail\r\nMessage-ID: <a@example.org>\r\n\r\nBonjour\r\n"),
				alert("p1"), alert("p2"),
			}
			env := func(i int) store.Envelope {
				if i == 0 {
					return store.Envelope{Transport: "smtp", MailFrom: "awa@example.org", RcptTo: []string{"support@centre.example"}}
				}
				return store.Envelope{Transport: "smtp", MailFrom: "nagios@mon.example.org", RcptTo: []string{"alertes@centre.example"}}
			}
			rs := commitAll(t, p, msgs, env)
			if rs[0].Action != Created || !strings.HasSuffix(rs[0].Ticket, "-000001") {
				t.Errorf("request numbered %s, want the first number", rs[0].Ticket)
			}
			if rs[1].Action != Created || !strings.HasSuffix(rs[1].Ticket, "-000002") {
				t.Errorf("incident = %+v, want the second number", rs[1])
			}
			if rs[2].Action != Joined || rs[2].Ticket != rs[1].Ticket {
				t.Errorf("repeat = %+v, want joined to %s", rs[2], rs[1].Ticket)
			}
			d, err := st.Ticket(context.Background(), rs[1].Ticket)
			if err != nil || d.Repeats != 1 || d.IncidentKey == "" {
				t.Errorf("incident %+v (%v), want one repeat and its key", d.Ticket, err)
			}
		})
	}
}
