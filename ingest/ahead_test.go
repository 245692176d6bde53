package ingest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/internal/testdb"
	"guichet/store"
)

// countingTx counts the inserts a work makes itself and those the
// committer makes ahead, in one call for several messages.
type countingTx struct {
	store.Tx
	s *aheadStore
}

func (t countingTx) InsertMessage(ctx context.Context, m *store.Message) (int64, error) {
	t.s.mu.Lock()
	t.s.single = append(t.s.single, m.DedupeKey)
	t.s.mu.Unlock()
	return t.Tx.InsertMessage(ctx, m)
}

func (t countingTx) InsertMessages(ctx context.Context, ms []*store.Message) ([]int64, []error, error) {
	t.s.noteAhead(ms, nil)
	return t.Tx.InsertMessages(ctx, ms)
}

func (t countingTx) InsertMessagesReading(ctx context.Context, ms []*store.Message, numbers []string) ([]int64, []error, map[string]*store.Ticket, error) {
	t.s.noteAhead(ms, numbers)
	return t.Tx.InsertMessagesReading(ctx, ms, numbers)
}

func (t countingTx) TicketByNumber(ctx context.Context, number string) (store.Ticket, error) {
	t.s.mu.Lock()
	t.s.byNumber = append(t.s.byNumber, number)
	t.s.mu.Unlock()
	return t.Tx.TicketByNumber(ctx, number)
}

type aheadStore struct {
	store.Store
	mu       sync.Mutex
	single   []string   // dedupe keys inserted one by one
	ahead    [][]string // dedupe keys of each InsertMessages call
	read     [][]string // ticket numbers read with each InsertMessagesReading call
	byNumber []string   // ticket numbers looked up one by one
}

func (s *aheadStore) noteAhead(ms []*store.Message, numbers []string) {
	var keys []string
	for _, m := range ms {
		keys = append(keys, m.DedupeKey)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ahead = append(s.ahead, keys)
	if numbers != nil {
		s.read = append(s.read, numbers)
	}
}

func (s *aheadStore) InTxBatchCommit(ctx context.Context, fns []store.TxFunc, prelude store.BatchPrelude, finish store.BatchFinish) ([]error, func() error, error) {
	w := make([]store.TxFunc, len(fns))
	for i, fn := range fns {
		w[i] = func(ctx context.Context, tx store.Tx) error { return fn(ctx, countingTx{tx, s}) }
	}
	var wp store.BatchPrelude
	if prelude != nil {
		wp = func(ctx context.Context, tx store.Tx, live []int) (int, error) {
			return prelude(ctx, countingTx{tx, s}, live)
		}
	}
	return s.Store.InTxBatchCommit(ctx, w, wp, finish)
}

func (s *aheadStore) InTx(ctx context.Context, fn store.TxFunc) error {
	return s.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error { return fn(ctx, countingTx{tx, s}) })
}

// A batch's independent new messages are inserted by the committer in one
// call before the works run; a message that refers to another of the batch,
// and the copy of one, are inserted by their works as before, and every
// result is what inserting one by one gave.
func TestBatchInsertAhead(t *testing.T) {
	for _, be := range testdb.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := &aheadStore{Store: be.Open(t)}
			p := New(Options{SupportAddress: "support@centre.example"}, st, nil, nil, nil)
			// Stored before the batch: its copy in the batch is a duplicate
			// found by the insert ahead.
			old := []byte("From: ndeye@example.org\r\nSubject: Ancienne\r\nMessage-ID: <old@example.org>\r\n\r\nx\r\n")
			prev, err := p.Deliver(context.Background(), old, smtpEnv(0))
			if err != nil || prev.Action != Created {
				t.Fatalf("first delivery: %+v, %v", prev, err)
			}
			st.single, st.ahead = nil, nil
			p.c.running.Store(true)
			msgs := [][]byte{
				[]byte("From: awa@example.org\r\nSubject: Portail\r\nMessage-ID: <a@example.org>\r\n\r\nBonjour\r\n"),
				[]byte("From: bob@example.org\r\nSubject: Imprimante\r\nMessage-ID: <i@example.org>\r\n\r\nx\r\n"),
				[]byte("From: awa@example.org\r\nSubject: Re: Portail\r\nMessage-ID: <b@example.org>\r\nIn-Reply-To: <a@example.org>\r\n\r\nToujours\r\n"),
				old,
				[]byte("From: eve@example.org\r\nSubject: Messagerie\r\nMessage-ID: <m@example.org>\r\n\r\nx\r\n"),
				[]byte("From: eve@example.org\r\nSubject: Messagerie\r\nMessage-ID: <m@example.org>\r\n\r\nx\r\n"),
			}
			rs := commitAll(t, p, msgs, smtpEnv)
			if want := [][]string{{"<i@example.org>", "<old@example.org>"}}; !slices.EqualFunc(st.ahead, want, slices.Equal) {
				t.Errorf("inserted ahead %q, want %q", st.ahead, want)
			}
			if rs[1].Action != Created || rs[1].Ticket == "" {
				t.Errorf("independent message: %+v, want a new ticket", rs[1])
			}
			if rs[3].Action != Duplicate || rs[3].Ticket != prev.Ticket {
				t.Errorf("copy of a stored message: %+v, want a duplicate of %s", rs[3], prev.Ticket)
			}
			if rs[0].Action != Created || rs[2].Action != Joined || rs[2].Ticket != rs[0].Ticket {
				t.Errorf("request and its reply in one batch: %+v, %+v; want the reply joined", rs[0], rs[2])
			}
			if rs[4].Action != Created || rs[5].Action != Duplicate || rs[5].Ticket != rs[4].Ticket {
				t.Errorf("two copies in one batch: %+v, %+v; want one ticket, the second a duplicate of it", rs[4], rs[5])
			}
			numbers := map[string]bool{}
			for _, r := range rs {
				numbers[r.Ticket] = true
			}
			ts, err := st.Tickets(context.Background(), store.TicketFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != 4 {
				t.Errorf("%d tickets, want 4 (the old one and three new)", len(ts))
			}
			for i, tk := range ts {
				if want := fmt.Sprintf("%s-%06d", tk.Number[:4], len(ts)-i); tk.Number != want {
					t.Errorf("ticket %d numbered %s, want %s: numbers keep no gap", i, tk.Number, want)
				}
			}
		})
	}
}

// A message whose insert ahead fails is refused alone: the batch runs again
// without it, and the others are committed once.
func TestBatchInsertAheadFailure(t *testing.T) {
	for _, be := range testdb.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			fs := &flakyStore{Store: be.Open(t), ahead: true, calls: map[string]int{}, fail: map[string]int{"<2@example.org>": 1}}
			p := New(Options{SupportAddress: "support@centre.example"}, fs, nil, nil, nil)
			p.c.running.Store(true)
			var msgs [][]byte
			for i := 1; i <= 3; i++ {
				msgs = append(msgs, fmt.Appendf(nil, "From: u%d@example.org\r\nSubject: n%d\r\nMessage-ID: <%d@example.org>\r\n\r\nx\r\n", i, i, i))
			}
			batch, qs := queueAll(t, p, msgs, smtpEnv)
			p.c.commitBatch(context.Background(), batch)
			for i, q := range qs {
				r, err := <-q.res, <-q.err
				if (err != nil) != (i == 1) || (i != 1 && r.Action != Created) {
					t.Errorf("%d: %+v err=%v; want only the second refused", i, r, err)
				}
			}
			// The first attempt stopped at the failure: what came before it
			// was inserted twice, what came after it once.
			for k, want := range map[string]int{"<1@example.org>": 2, "<2@example.org>": 1, "<3@example.org>": 1} {
				if n := fs.calls[k]; n != want {
					t.Errorf("%s inserted %d times, want %d", k, n, want)
				}
			}
			ts, err := fs.Tickets(context.Background(), store.TicketFilter{})
			if err != nil || len(ts) != 2 {
				t.Errorf("%d tickets (%v), want 2", len(ts), err)
			}
		})
	}
}

// Large messages are inserted by their works, one by one: the inserts
// ahead go to the server as one message built whole in memory, bounded.
func TestBatchInsertAheadBounded(t *testing.T) {
	st := &aheadStore{Store: testdb.Backends()[0].Open(t)}
	p := New(Options{SupportAddress: "support@centre.example"}, st, nil, nil, nil)
	p.c.running.Store(true)
	big := strings.Repeat("x", 3<<20)
	var msgs [][]byte
	for i := range 3 {
		msgs = append(msgs, fmt.Appendf(nil, "From: u%d@example.org\r\nSubject: n%d\r\nMessage-ID: <%d@example.org>\r\n\r\n%s\r\n", i, i, i, big))
	}
	for i, r := range commitAll(t, p, msgs, smtpEnv) {
		if r.Action != Created {
			t.Errorf("%d: %+v, want a new ticket", i, r)
		}
	}
	if want := [][]string{{"<0@example.org>"}}; !slices.EqualFunc(st.ahead, want, slices.Equal) {
		t.Errorf("inserted ahead %q, want %q: the first alone, within the bound", st.ahead, want)
	}
	if want := []string{"<1@example.org>", "<2@example.org>"}; !slices.Equal(st.single, want) {
		t.Errorf("inserted by their works %q, want %q", st.single, want)
	}
}

// The tickets a batch's replies name by number are read with the batch's
// inserts, in the same round trip, on PostgreSQL; a work looks its ticket
// up again only when a work before it in the batch wrote that ticket, so
// that it sees that write: here the first reply, verified, makes xavier a
// participant, and xavier's reply after it in the same batch joins the
// ticket instead of being taken for a stranger's.
func TestBatchReadsNumberedTicketsAhead(t *testing.T) {
	for _, be := range testdb.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := &aheadStore{Store: be.Open(t)}
			p := New(Options{SupportAddress: "support@centre.example"}, st, nil, nil, nil)
			t1, t2 := openTicket(t, p, "awa@example.org"), openTicket(t, p, "bob@example.org")
			st.single, st.ahead, st.read, st.byNumber = nil, nil, nil, nil
			p.c.running.Store(true)
			reply := func(from, cc, number, id string) []byte {
				return fmt.Appendf(nil, "From: %s\r\nCc: %s\r\nSubject: RE : [Ticket#%s] Portail\r\nMessage-ID: <%s@example.org>\r\n\r\nMerci\r\n", from, cc, number, id)
			}
			env := func(i int) store.Envelope {
				if i == 0 {
					// The agents' API proves its sender: awa may add xavier.
					return store.Envelope{Transport: "api", MailFrom: "awa@example.org"}
				}
				return smtpEnv(i)
			}
			rs := commitAll(t, p, [][]byte{
				reply("awa@example.org", "xavier@example.org", t1, "r1"),
				reply("xavier@example.org", "", t1, "r2"),
				reply("bob@example.org", "", t2, "r3"),
				reply("eve@example.org", "", t1, "r4"),
				reply("eve@example.org", "", "2026-999999", "r5"),
			}, env)
			for i, want := range []struct {
				action         Action
				ticket, linked string
			}{{Joined, t1, ""}, {Joined, t1, ""}, {Joined, t2, ""}, {Created, "", t1}, {Created, "", ""}} {
				if rs[i].Action != want.action || want.ticket != "" && rs[i].Ticket != want.ticket || rs[i].LinkedTo != want.linked {
					t.Errorf("reply %d: %+v, want %s %s linked to %q", i+1, rs[i], want.action, want.ticket, want.linked)
				}
			}
			// Read ahead on PostgreSQL: only the look-ups of t1 after the
			// first reply wrote it are made again. SQLite reads nothing
			// ahead: every work looks its ticket up.
			wantRead, wantByNumber := [][]string{{t1, t2, "2026-999999"}}, []string{t1, t1}
			if be.Name == "sqlite" {
				wantByNumber = []string{t1, t1, t2, t1, "2026-999999"}
			}
			if !slices.EqualFunc(st.read, wantRead, slices.Equal) {
				t.Errorf("numbers read with the inserts %q, want %q", st.read, wantRead)
			}
			if !slices.Equal(st.byNumber, wantByNumber) {
				t.Errorf("tickets looked up one by one %q, want %q", st.byNumber, wantByNumber)
			}
		})
	}
}

// An agent's command in a batch writes its ticket: a reply after it in the
// same batch reads the ticket again and sees the participant the command
// added, instead of the copy read with the batch's inserts.
func TestBatchReadAheadAfterAgentCommand(t *testing.T) {
	for _, be := range testdb.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := &aheadStore{Store: be.Open(t)}
			p := New(Options{SupportAddress: "support@centre.example", Agents: []string{"agent@centre.example"}}, st, nil, nil, nil)
			t1 := openTicket(t, p, "awa@example.org")
			p.c.running.Store(true)
			rs := commitAll(t, p, [][]byte{
				fmt.Appendf(nil, "From: agent@centre.example\r\nSubject: RE : [Ticket#%s] Portail\r\nMessage-ID: <cmd@centre.example>\r\n\r\n#ajouter xavier@example.org\r\n", t1),
				fmt.Appendf(nil, "From: xavier@example.org\r\nSubject: RE : [Ticket#%s] Portail\r\nMessage-ID: <x@example.org>\r\n\r\nMerci\r\n", t1),
			}, func(i int) store.Envelope {
				if i == 0 {
					// The agents' API proves the agent.
					return store.Envelope{Transport: "api", MailFrom: "agent@centre.example"}
				}
				return smtpEnv(i)
			})
			if rs[1].Action != Joined || rs[1].Ticket != t1 {
				t.Errorf("reply of the participant the agent added: %+v, want joined to %s", rs[1], t1)
			}
		})
	}
}

// openTicket delivers a first request from from, alone, and returns its
// ticket's number.
func openTicket(t *testing.T, p *Pipeline, from string) string {
	t.Helper()
	raw := fmt.Appendf(nil, "From: %s\r\nSubject: Portail\r\nMessage-ID: <first-%s>\r\n\r\nBonjour\r\n", from, from)
	r, err := p.Deliver(context.Background(), raw, smtpEnv(0))
	if err != nil || r.Action != Created {
		t.Fatalf("first delivery from %s: %+v, %v", from, r, err)
	}
	return r.Ticket
}

// hookTx runs after, in the middle of its transaction, once the batch has
// read its tickets with its inserts.
type hookTx struct {
	store.Tx
	after func()
}

func (t hookTx) InsertMessagesReading(ctx context.Context, ms []*store.Message, numbers []string) ([]int64, []error, map[string]*store.Ticket, error) {
	ids, dups, read, err := t.Tx.InsertMessagesReading(ctx, ms, numbers)
	if err == nil {
		t.after()
	}
	return ids, dups, read, err
}

type hookStore struct {
	store.Store
	after func()
}

func (s *hookStore) InTxBatchCommit(ctx context.Context, fns []store.TxFunc, prelude store.BatchPrelude, finish store.BatchFinish) ([]error, func() error, error) {
	var wp store.BatchPrelude
	if prelude != nil {
		wp = func(ctx context.Context, tx store.Tx, live []int) (int, error) {
			return prelude(ctx, hookTx{tx, s.after}, live)
		}
	}
	return s.Store.InTxBatchCommit(ctx, fns, wp, finish)
}

// A ticket read with the batch's inserts cannot change under the batch: an
// agent who closes it meanwhile (another transaction) waits for the batch's
// commit. Otherwise an unverified reply, deciding from the copy read
// (answered), would reopen the ticket the agent had just closed, which only
// a verified sender may do.
func TestBatchReadAheadHoldsItsTickets(t *testing.T) {
	for _, be := range testdb.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			ctx := context.Background()
			st := &hookStore{Store: be.Open(t)}
			p := New(Options{SupportAddress: "support@centre.example"}, st, nil, nil, nil)
			number := openTicket(t, p, "awa@example.org")
			d, err := st.Ticket(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
				return tx.SetStatus(ctx, d.ID, store.StatusAnswered, "test", d.UpdatedAt)
			}); err != nil {
				t.Fatal(err)
			}
			closed := make(chan error, 1)
			st.after = func() {
				// The agent closes the ticket from another connection, while
				// the batch is between its read and its works.
				go func() {
					closed <- st.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
						return tx.SetStatus(ctx, d.ID, store.StatusClosed, "agent", time.Now())
					})
				}()
				select {
				case err := <-closed:
					closed <- err // not held: it is in
				case <-time.After(300 * time.Millisecond):
				}
			}
			p.c.running.Store(true)
			rs := commitAll(t, p, [][]byte{
				fmt.Appendf(nil, "From: awa@example.org\r\nSubject: RE : [Ticket#%s] Portail\r\nMessage-ID: <r@example.org>\r\n\r\nMerci\r\n", number),
			}, smtpEnv)
			if err := <-closed; err != nil {
				t.Fatal(err)
			}
			if rs[0].Action != Joined {
				t.Errorf("reply: %+v, want joined", rs[0])
			}
			d, err = st.Ticket(ctx, number)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range d.History {
				if h.From == store.StatusClosed && h.To == store.StatusOpen {
					t.Errorf("the unverified reply reopened the ticket the agent closed: %+v", d.History)
				}
			}
			if d.Status != store.StatusClosed {
				t.Errorf("status %s, want closed: the agent's close, after the reply", d.Status)
			}
		})
	}
}
