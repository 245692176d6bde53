package outbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"guichet/internal/testdb"
	"guichet/store"
)

// storeRequest stores request as the first message of a new ticket and
// runs AcknowledgeAll with a, in one transaction, as the pipeline does.
func storeRequest(t *testing.T, st store.Store, a *Acker) store.Ticket {
	t.Helper()
	var tk store.Ticket
	err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		rowID, err := tx.InsertMessage(ctx, &store.Message{
			Direction: store.DirIn, Kind: store.KindRequest, From: request.From, FromName: request.FromName,
			To: []string{support}, Subject: request.Subject, MessageID: request.MessageID,
			References: request.References, Raw: []byte("Subject: x\r\n\r\nBonjour\r\n"), DedupeKey: request.MessageID, CreatedAt: fixedNow,
		})
		if err != nil {
			return err
		}
		if tk, err = testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: request.Subject, Category: "1.7", CategorySource: "tag",
			Requester: request.From, CreatedAt: fixedNow, MessageRowID: rowID, MessageKind: store.KindRequest}); err != nil {
			return err
		}
		reasons, err := a.AcknowledgeAll(ctx, tx, []store.Ticket{tk}, []Incoming{request})
		if err == nil && reasons[0] != "" {
			err = errors.New("not acknowledged: " + reasons[0])
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestRenderAll: an acknowledgment is queued with its subject and
// Message-ID but no bytes; RenderAll composes it, records it in the ticket's
// history and links it to its outbox row; rendering again changes nothing.
func TestRenderAll(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			a, _ := newTestAcker(t, nil)
			tk := storeRequest(t, st, a)

			ob, err := st.Outbox(ctx)
			if err != nil || len(ob) != 1 {
				t.Fatalf("outbox = %d rows (%v), want 1", len(ob), err)
			}
			q := ob[0]
			want, err := a.compose(tk, request, request.From, fixedNow, q.MessageID)
			if err != nil {
				t.Fatal(err)
			}
			if len(q.Raw) != 0 || q.MessageRowID != 0 || q.Subject != want.Subject || q.State != store.OutQueued {
				t.Errorf("queued: %+v; want no bytes yet, subject %q", q, want.Subject)
			}
			if d, _ := st.Ticket(ctx, tk.Number); len(d.Messages) != 1 {
				t.Errorf("ticket history before rendering: %d messages, want the request alone", len(d.Messages))
			}

			claimed, err := st.ClaimOutbound(ctx, fixedNow.Add(time.Minute), 10, time.Minute)
			if err != nil || len(claimed) != 1 {
				t.Fatalf("claim = %d (%v)", len(claimed), err)
			}
			if errs := a.RenderAll(ctx, st, claimed, nil); errs[0] != nil {
				t.Fatal(errs[0])
			}
			got := claimed[0]
			sameAck(t, got.Raw, want.Raw)
			d, err := st.Ticket(ctx, tk.Number)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Messages) != 2 || d.Messages[1].Kind != store.KindAck || d.Messages[1].MessageID != q.MessageID ||
				d.Messages[1].InReplyTo != request.MessageID {
				t.Errorf("ticket history after rendering: %+v, want the request then its acknowledgment", d.Messages)
			}
			after, err := st.Outbox(ctx)
			if err != nil || len(after) != 1 || !bytes.Equal(after[0].Raw, got.Raw) || after[0].MessageRowID == 0 {
				t.Fatalf("outbox after rendering: %d rows (%v), want the rendered bytes linked", len(after), err)
			}
			if errs := a.RenderAll(ctx, st, after, nil); errs[0] != nil || !bytes.Equal(after[0].Raw, got.Raw) {
				t.Errorf("second RenderAll = %v, bytes changed: %v", errs[0], !bytes.Equal(after[0].Raw, got.Raw))
			}
			if d2, _ := st.Ticket(ctx, tk.Number); len(d2.Messages) != 2 {
				t.Errorf("second Render stored another message: %d in history", len(d2.Messages))
			}
		})
	}
}

// TestSenderRendersAcks: the sender composes a queued acknowledgment
// before sending it, and the relay gets it once; a message that cannot be
// composed fails without reaching the relay.
func TestSenderRendersAcks(t *testing.T) {
	st := backends(t)[0].Open(t)
	r := startRelay(t, relayOpts{})
	rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
	a, _ := newTestAcker(t, func(o *AckerOptions) { o.Clock = time.Now })
	storeRequest(t, st, a)
	ob, _ := st.Outbox(context.Background())
	runSender(t, SenderOptions{Store: st, Relay: rel, Render: func(ctx context.Context, ms []store.Outbound, _ map[int64]store.AckSource) []error {
		return a.RenderAll(ctx, st, ms, nil)
	}})
	sent := waitOutbox(t, st, "the a acknowledgment sent", all(store.OutSent))
	deliveredOnce(t, r, []string{ob[0].MessageID})
	if got := r.received(); len(got) == 1 && !bytes.Equal(got[0].Data, sent[0].Raw) {
		t.Errorf("relay got other bytes than the ticket records")
	}

	st2 := backends(t)[0].Open(t)
	storeRequest(t, st2, a)
	r2 := startRelay(t, relayOpts{})
	rel2, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r2.addr})
	runSender(t, SenderOptions{Store: st2, Relay: rel2, Render: func(ctx context.Context, ms []store.Outbound, _ map[int64]store.AckSource) []error {
		errs := make([]error, len(ms))
		for i := range errs {
			errs[i] = fmt.Errorf("%w: modèle introuvable", ErrCannotCompose)
		}
		return errs
	}})
	failed := waitOutbox(t, st2, "the uncomposable message failed", all(store.OutFailed))
	if len(r2.received()) != 0 || failed[0].LastError == "" {
		t.Errorf("relay got %d messages, last error %q; want none and the reason kept", len(r2.received()), failed[0].LastError)
	}

	// A store that fails while composing: nothing is sent, the message
	// waits for its next attempt, then goes out once.
	st3 := backends(t)[0].Open(t)
	storeRequest(t, st3, a)
	ob3, _ := st3.Outbox(context.Background())
	r3 := startRelay(t, relayOpts{})
	rel3, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r3.addr})
	var calls atomic.Int32
	runSender(t, SenderOptions{Store: st3, Relay: rel3, Render: func(ctx context.Context, ms []store.Outbound, _ map[int64]store.AckSource) []error {
		if calls.Add(1) == 1 {
			return []error{fmt.Errorf("base indisponible: %w", store.ErrUnavailable)}
		}
		return a.RenderAll(ctx, st3, ms, nil)
	}})
	sent3 := waitOutbox(t, st3, "the acknowledgment sent after a failed composition", all(store.OutSent))
	deliveredOnce(t, r3, []string{ob3[0].MessageID})
	if sent3[0].Attempts != 2 {
		t.Errorf("attempts = %d, want 2 (one failed composition, one delivery)", sent3[0].Attempts)
	}
}

// sameAck compares two compositions of one acknowledgment: every header
// field but the MIME boundary, and both parts' text.
func sameAck(t *testing.T, got, want []byte) {
	t.Helper()
	g, w := parseAck(t, got), parseAck(t, want)
	for _, k := range []string{"From", "To", "Reply-To", "Subject", "Date", "Message-Id", "In-Reply-To", "References",
		"Auto-Submitted", "X-Auto-Response-Suppress", "Content-Language", "Mime-Version"} {
		if g.h.Get(k) != w.h.Get(k) {
			t.Errorf("%s: rendered %q, immediate %q", k, g.h.Get(k), w.h.Get(k))
		}
	}
	if g.text != w.text || g.html != w.html {
		t.Errorf("rendered parts differ from the immediate ones:\n%s\n---\n%s", g.text, w.text)
	}
}

// claimAcks opens n tickets, each acknowledged by a in its own
// transaction, and claims their acknowledgments.
func claimAcks(t *testing.T, st store.Store, a *Acker, prefix string, n int) []store.Outbound {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		in := request
		in.From = fmt.Sprintf("%s%d@example.org", prefix, i)
		in.MailFrom, in.MessageID = in.From, fmt.Sprintf("<%s%d@example.org>", prefix, i)
		err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			tk, err := testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: "Demande", Requester: in.From, CreatedAt: fixedNow})
			if err != nil {
				return err
			}
			_, err = a.AcknowledgeAll(ctx, tx, []store.Ticket{tk}, []Incoming{in})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	claimed, err := st.ClaimOutbound(ctx, fixedNow.Add(time.Minute), 64, time.Minute)
	if err != nil || len(claimed) != n {
		t.Fatalf("claim = %d (%v), want %d", len(claimed), err, n)
	}
	return claimed
}

// TestRenderAllOneBadRow: ten queued acknowledgments composed together,
// one of which cannot be stored (its Message-ID is taken): the nine others
// are rendered and linked, that one alone reports the error.
func TestRenderAllOneBadRow(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			a, _ := newTestAcker(t, nil)
			claimed := claimAcks(t, st, a, "d", 10)
			// Another message already holds the fourth acknowledgment's Message-ID.
			err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
				_, err := tx.InsertMessage(ctx, &store.Message{Direction: store.DirIn, Kind: store.KindRequest,
					MessageID: claimed[3].MessageID, DedupeKey: claimed[3].MessageID, Raw: []byte("x"), CreatedAt: fixedNow})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			errs := a.RenderAll(ctx, st, claimed, nil)
			for i, e := range errs {
				if (e != nil) != (i == 3) {
					t.Errorf("row %d: error %v; want an error for row 3 only", i, e)
				}
				if i != 3 && (len(claimed[i].Raw) == 0 || claimed[i].MessageRowID == 0) {
					t.Errorf("row %d not rendered and linked", i)
				}
			}
			if errors.Is(errs[3], ErrCannotCompose) || !errors.Is(errs[3], store.ErrDuplicate) {
				t.Errorf("row 3: %v, want the store's refusal, to be retried", errs[3])
			}
		})
	}
}

// TestSenderWithoutComposerSendsNothingEmpty: a queued acknowledgment
// reaching a sender that cannot compose it fails; the relay gets nothing.
func TestSenderWithoutComposerSendsNothingEmpty(t *testing.T) {
	st := backends(t)[0].Open(t)
	a, _ := newTestAcker(t, func(o *AckerOptions) { o.Clock = time.Now })
	storeRequest(t, st, a)
	r := startRelay(t, relayOpts{})
	rel, _ := NewSMTPRelay(SMTPRelayOptions{Addr: r.addr})
	runSender(t, SenderOptions{Store: st, Relay: rel})
	failed := waitOutbox(t, st, "the uncomposed acknowledgment failed", all(store.OutFailed))
	if len(r.received()) != 0 || !strings.Contains(failed[0].LastError, "composition impossible") {
		t.Errorf("relay got %d messages, last error %q; want none and the reason", len(r.received()), failed[0].LastError)
	}
}

// txCounter counts the transactions RenderAll opens and records which
// commit's durability it waits for. fail, when set, makes the transactions
// it names (1 for the first) fail before committing; durableErr, when
// set, is what the waits return.
type txCounter struct {
	store.Store
	txs        int
	fail       func(tx int) bool
	committed  []int // the transactions that committed, in order
	waited     []int // the transactions whose durability was waited for
	durableErr error
}

func (c *txCounter) InTxCommit(ctx context.Context, fn store.TxFunc) (func() error, error) {
	c.txs++
	n := c.txs
	if c.fail != nil && c.fail(n) {
		return nil, fmt.Errorf("transaction %d made to fail", n)
	}
	durable, err := c.Store.InTxCommit(ctx, fn)
	if err != nil {
		return nil, err
	}
	c.committed = append(c.committed, n)
	return func() error {
		c.waited = append(c.waited, n)
		if durable != nil {
			if err := durable(); err != nil {
				return err
			}
		}
		return c.durableErr
	}, nil
}

// TestRenderAllTransactions: a claim's acknowledgments are stored in one
// transaction on PostgreSQL, where each commit costs more than the
// inserts it saves, and eight per transaction on SQLite, whose single
// writer the pipeline waits for; the commits are waited for once, after
// the last (on SQLite its sync covers those before it; PostgreSQL's
// return durable).
func TestRenderAllTransactions(t *testing.T) {
	withClaimedAcks(t, 16, func(t *testing.T, backend string, st store.Store, a *Acker, claimed []store.Outbound) {
		c := &txCounter{Store: st}
		for i, err := range a.RenderAll(context.Background(), c, claimed, nil) {
			if err != nil || claimed[i].MessageRowID == 0 {
				t.Errorf("acknowledgment %d: %v, message row %d", i, err, claimed[i].MessageRowID)
			}
		}
		want := map[string]int{"sqlite": 2, "postgres": 1}[backend]
		if c.txs != want {
			t.Errorf("RenderAll of 16 acknowledgments used %d transactions, want %d", c.txs, want)
		}
		if !slices.Equal(c.waited, []int{want}) {
			t.Errorf("RenderAll waited for the durability of transactions %v, want only the last, %d", c.waited, want)
		}
	})
}

// TestRenderAllWaitsForTheLastCommit: when the last transaction fails,
// the wait is for the last one that committed, which covers the others;
// the acknowledgments of the failed one have its error and no bytes.
func TestRenderAllWaitsForTheLastCommit(t *testing.T) {
	withClaimedAcks(t, 16, func(t *testing.T, backend string, st store.Store, a *Acker, claimed []store.Outbound) {
		// A group fails whole (SQLite: the second of eight, transaction
		// 2; PostgreSQL: the one of sixteen), then its acknowledgments
		// are stored one by one, and the sixteenth's transaction, the
		// last, fails too.
		fails := map[string][2]int{"sqlite": {2, 10}, "postgres": {1, 17}}[backend]
		first, last := fails[0], fails[1]
		c := &txCounter{Store: st, fail: func(tx int) bool { return tx == first || tx == last }}
		errs := a.RenderAll(context.Background(), c, claimed, nil)
		for i, err := range errs {
			if i == 15 {
				if err == nil || claimed[i].MessageRowID != 0 || len(claimed[i].Raw) != 0 {
					t.Errorf("acknowledgment 16: %v, message row %d; want its transaction's error and nothing to send", err, claimed[i].MessageRowID)
				}
			} else if err != nil || claimed[i].MessageRowID == 0 {
				t.Errorf("acknowledgment %d: %v, message row %d", i+1, err, claimed[i].MessageRowID)
			}
		}
		if c.txs != last {
			t.Fatalf("%d transactions, want %d", c.txs, last)
		}
		if lastOK := c.committed[len(c.committed)-1]; !slices.Equal(c.waited, []int{lastOK}) || lastOK != last-1 {
			t.Errorf("waited for transactions %v (committed %v), want only %d", c.waited, c.committed, last-1)
		}
	})
}

// TestRenderAllNotDurable: when the wait for the commits' durability
// fails (as after a failed sync of the log), no acknowledgment is handed
// on to be sent: each has the error and no bytes.
func TestRenderAllNotDurable(t *testing.T) {
	withClaimedAcks(t, 10, func(t *testing.T, _ string, st store.Store, a *Acker, claimed []store.Outbound) {
		c := &txCounter{Store: st, durableErr: store.ErrUnavailable}
		for i, err := range a.RenderAll(context.Background(), c, claimed, nil) {
			if !errors.Is(err, store.ErrUnavailable) || len(claimed[i].Raw) != 0 || claimed[i].MessageRowID != 0 {
				t.Errorf("acknowledgment %d: %v, %d bytes, message row %d; want ErrUnavailable and nothing to send",
					i, err, len(claimed[i].Raw), claimed[i].MessageRowID)
			}
		}
		if len(c.waited) != 1 {
			t.Errorf("RenderAll waited for the durability of transactions %v, want one", c.waited)
		}
	})
}

// withClaimedAcks runs fn on each backend, with n acknowledgments queued
// without their bytes and claimed by the sender.
func withClaimedAcks(t *testing.T, n int, fn func(t *testing.T, backend string, st store.Store, a *Acker, claimed []store.Outbound)) {
	t.Helper()
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			a, _ := newTestAcker(t, nil)
			fn(t, b.Name, st, a, claimAcks(t, st, a, "t", n))
		})
	}
}
