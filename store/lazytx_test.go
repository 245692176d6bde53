package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guichet/internal/pgtest"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// countingProxy forwards TCP connections to target and counts what the
// clients send: each burst of bytes read is one message of the client,
// which waits for the server's answer before the next, so the count is the
// number of round trips.
type countingProxy struct {
	ln     net.Listener
	target string
	sends  atomic.Int64
	wg     sync.WaitGroup
}

func newCountingProxy(t *testing.T, target string) *countingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{ln: ln, target: target}
	p.wg.Go(p.serve)
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

// proxiedStore opens a store on a fresh PostgreSQL database through a
// counting proxy, with one connection, so that every round trip is counted.
func proxiedStore(ctx context.Context, t *testing.T) (Store, *countingProxy) {
	t.Helper()
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	p := newCountingProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	st, err := Open(ctx, Options{DatabaseURL: u.String(), MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	return st, p
}

func (p *countingProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.wg.Go(func() {
			defer s.Close()
			buf := make([]byte, 64<<10)
			for {
				n, err := c.Read(buf)
				if n > 0 {
					p.sends.Add(1)
					if _, err := s.Write(buf[:n]); err != nil {
						return
					}
				}
				if err != nil {
					return
				}
			}
		})
		p.wg.Go(func() {
			defer c.Close()
			io.Copy(c, s) //nolint:errcheck // ends with either side
		})
	}
}

// TestPostgresBeginTravelsWithFirstStatement: a transaction's BEGIN costs
// no round trip of its own, a statement the batch cannot carry (planned per
// call) begins it as before, and a transaction without statements never
// reaches the server.
func TestPostgresBeginTravelsWithFirstStatement(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, p := proxiedStore(ctx, t)
	for _, tc := range []struct {
		name  string
		fn    TxFunc
		trips int64
	}{
		{"one look-up: with BEGIN, then COMMIT", func(ctx context.Context, tx Tx) error {
			_, err := tx.TicketByNumber(ctx, "2026-000001")
			if !errors.Is(err, ErrNotFound) {
				return err
			}
			return nil
		}, 2},
		{"planned per call: BEGIN alone, statement, COMMIT", func(ctx context.Context, tx Tx) error {
			_, err := tx.TicketByMessageIDs(ctx, []string{"<a@example.org>"})
			if !errors.Is(err, ErrNotFound) {
				return err
			}
			return nil
		}, 3},
		{"no statement: nothing sent", func(context.Context, Tx) error { return nil }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The first run prepares the statements; the second is counted.
			for run := range 2 {
				before := p.sends.Load()
				if err := st.InTx(ctx, tc.fn); err != nil {
					t.Fatal(err)
				}
				if got := p.sends.Load() - before; run == 1 && got != tc.trips {
					t.Errorf("%d round trips, want %d", got, tc.trips)
				}
			}
		})
	}
}

// TestPostgresLazyBeginFailures: a first statement that fails, with the
// BEGIN or after it, leaves nothing behind, and the connection serves the
// next transaction.
func TestPostgresLazyBeginFailures(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := Open(ctx, Options{DatabaseURL: pgtest.URL(t), MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	s := st.(*pgStore)
	boom := errors.New("boom")
	for _, tc := range []struct {
		name string
		fn   func(ctx context.Context, l *lazyTx) error
	}{
		{"prepare fails", func(ctx context.Context, l *lazyTx) error {
			_, err := l.Exec(ctx, "INSERT INTO ticket_counters (year, last) VALUES ($1, 1/($1 - $1))", 2026)
			return err
		}},
		{"query fails", func(ctx context.Context, l *lazyTx) error {
			rows, err := l.Query(ctx, "SELECT 1/($1::int - 1)", 1)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
			}
			return rows.Err()
		}},
		{"row fails", func(ctx context.Context, l *lazyTx) error {
			var n int
			return l.QueryRow(ctx, "SELECT 1/($1::int - 1)", 1).Scan(&n)
		}},
		{"exec fails", func(ctx context.Context, l *lazyTx) error {
			_, err := l.Exec(ctx, "INSERT INTO ticket_counters (year, last) VALUES ($1::int, 1/($1::int - $1::int))", 2026)
			return err
		}},
		{"written, then the work fails", func(ctx context.Context, l *lazyTx) error {
			if _, err := l.Exec(ctx, "INSERT INTO ticket_counters (year, last) VALUES ($1, 7)", 2026); err != nil {
				return err
			}
			return boom
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := &lazyTx{pool: s.pool}
			err := tc.fn(ctx, l)
			if err == nil {
				t.Fatal("no error")
			}
			if failedBegin(err) && tc.name != "written, then the work fails" {
				t.Errorf("%v: a statement's failure taken for a failure to begin", err)
			}
			// When pgx fails the batch before its BEGIN ran (its
			// statements are prepared first), no transaction was opened.
			if err := l.Rollback(ctx); err != nil && !errors.Is(err, pgx.ErrTxClosed) {
				t.Fatalf("rollback: %v", err)
			}
			if got := s.pool.Stat().AcquiredConns(); got != 0 {
				t.Errorf("%d connections still acquired", got)
			}
			// The one connection is back, outside any transaction.
			l = &lazyTx{pool: s.pool}
			var n int
			if err := l.QueryRow(ctx, "SELECT count(*) FROM ticket_counters WHERE year = $1", 2026).Scan(&n); err != nil || n != 0 {
				t.Errorf("counters of 2026 = %d, %v; want 0, nil", n, err)
			}
			if err := l.Commit(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
	// Rows read to their end release the batch: the next statement runs.
	l := &lazyTx{pool: s.pool}
	rows, err := l.Query(ctx, "SELECT generate_series(1, $1::int)", 3)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		sum += v
	}
	if err := rows.Err(); err != nil || sum != 6 {
		t.Fatalf("sum %d, %v; want 6", sum, err)
	}
	if _, err := l.Exec(ctx, "INSERT INTO ticket_counters (year, last) VALUES ($1, 1)", 2027); err != nil {
		t.Fatalf("statement after rows read to their end: %v", err)
	}
	if err := l.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestLazyBeginFailureIsTheBatchs: a transaction that could not start
// fails its batch, as a failed BEGIN did, instead of the work whose
// statement carried the BEGIN; a statement's own failure stays its work's.
func TestLazyBeginFailureIsTheBatchs(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Nothing listens on port 1: the connection cannot be made.
	pool, err := pgxpool.New(ctx, "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=2")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	for name, first := range map[string]func(*lazyTx) error{
		"with the statement": func(l *lazyTx) error { _, err := l.Exec(ctx, "SELECT $1::int", 1); return err },
		"alone":              func(l *lazyTx) error { _, err := l.Exec(ctx, "SELECT 1"); return err },
	} {
		l := &lazyTx{pool: pool}
		err := first(l)
		if !failedBegin(err) || !errors.Is(wrap("store: x", err), ErrUnavailable) {
			t.Errorf("%s: %v: want a failure to begin, and the database unavailable", name, err)
		}
		l.Rollback(ctx) //nolint:errcheck // nothing began
	}

	boom := &beginError{errors.New("no connection")}
	mine := errors.New("its own failure")
	begin := func(context.Context) (txn, error) {
		return txn{commit: func() error { return nil }, rollback: func() {}}, nil
	}
	errs, _, err := runBatch(ctx, []TxFunc{
		func(context.Context, Tx) error { return boom },
		func(context.Context, Tx) error { return nil },
	}, nil, nil, begin)
	if !errors.Is(err, boom) || errs[0] != nil || errs[1] != nil {
		t.Errorf("begin failed in the first work: batch %v, works %v; want the batch's failure, no work's", err, errs)
	}
	errs, _, err = runBatch(ctx, []TxFunc{
		func(context.Context, Tx) error { return mine },
		func(context.Context, Tx) error { return nil },
	}, nil, nil, begin)
	if err != nil || !errors.Is(errs[0], mine) || errs[1] != nil {
		t.Errorf("a work failed: batch %v, works %v; want that work's failure only", err, errs)
	}
}

// TestPostgresInsertMessagesReading: the tickets read by number travel with
// the inserts and the BEGIN, in one round trip, and are what TicketByNumber
// returns, participants included; an unknown number is read as nil.
func TestPostgresInsertMessagesReading(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, p := proxiedStore(ctx, t)
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	var want Ticket
	if err := st.InTx(ctx, func(ctx context.Context, tx Tx) error {
		ts, err := tx.CreateTickets(ctx, []NewTicket{{Subject: "Portail", Requester: "awa@example.org",
			Participants: []string{"bob@example.org"}, CreatedAt: at}})
		if err != nil {
			return err
		}
		want, err = tx.TicketByNumber(ctx, ts[0].Number)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{2, messagesManyFrom} { // one insert each, then one for all
		t.Run(fmt.Sprintf("%d messages", n), func(t *testing.T) {
			// The first run prepares the statements; the second is counted.
			for run := range 2 {
				var ms []*Message
				for i := range n {
					ms = append(ms, &Message{Direction: DirIn, Kind: KindRequest, From: "awa@example.org",
						DedupeKey: fmt.Sprintf("<%d-%d-%d@example.org>", n, run, i), Raw: []byte("x"), CreatedAt: at})
				}
				before := p.sends.Load()
				var found map[string]*Ticket
				var ids []int64
				if err := st.InTx(ctx, func(ctx context.Context, tx Tx) error {
					var err error
					ids, _, found, err = tx.InsertMessagesReading(ctx, ms, []string{want.Number, "2026-999999"})
					return err
				}); err != nil {
					t.Fatal(err)
				}
				if run == 0 {
					continue
				}
				if got := p.sends.Load() - before; got != 2 {
					t.Errorf("%d round trips, want 2 (BEGIN, inserts and reads; COMMIT)", got)
				}
				if slices.Contains(ids, 0) {
					t.Errorf("ids %v: every message should be inserted", ids)
				}
				if tk, ok := found[want.Number]; !ok || tk == nil || tk.ID != want.ID || !slices.Equal(tk.Participants, want.Participants) {
					t.Errorf("read %s: %+v, want %+v", want.Number, tk, want)
				}
				if tk, ok := found["2026-999999"]; !ok || tk != nil {
					t.Errorf("unknown number read as %+v (present: %v), want nil", tk, ok)
				}
			}
		})
	}
}

// TestPostgresInsertMessagesBlame: a row the server refuses is its own
// message's failure (InsertError names it); an error that is no row's
// fails the batch unattributed.
func TestPostgresInsertMessagesBlame(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, _ := proxiedStore(ctx, t)
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	ms := []*Message{
		{Direction: DirIn, Kind: KindRequest, From: "a@example.org", DedupeKey: "<blame-1@example.org>", Raw: []byte("x"), CreatedAt: at},
		{Direction: DirIn, Kind: Kind("bogus"), From: "a@example.org", DedupeKey: "<blame-2@example.org>", Raw: []byte("x"), CreatedAt: at},
	}
	err := st.InTx(ctx, func(ctx context.Context, tx Tx) error {
		_, _, _, err := tx.InsertMessagesReading(ctx, ms, []string{"2026-000001"})
		return err
	})
	var ie *InsertError
	if !errors.As(err, &ie) || ie.Index != 1 {
		t.Errorf("a row the server refuses: %v, want an InsertError naming message 1", err)
	}
	for _, c := range []struct {
		code string
		own  bool
	}{
		{"23514", true},  // check_violation
		{"22021", true},  // invalid byte sequence
		{"42P01", false}, // undefined table: a statement that failed to prepare
		{"57P01", false}, // the server shut down
	} {
		if got := ownInsertError(fmt.Errorf("insert: %w", &pgconn.PgError{Code: c.code})); got != c.own {
			t.Errorf("ownInsertError(%s) = %v, want %v", c.code, got, c.own)
		}
	}
	if ownInsertError(errors.New("connection reset")) {
		t.Error("a broken connection is taken for a row's own failure")
	}
}

// TestPostgresAcksTravelWithCommit: acknowledgments queued at commit
// (QueueAcksAtCommit) cost no round trip of their own: the transaction
// that creates a ticket and queues its acknowledgment makes two, its
// first statement with BEGIN and the outbox rows with COMMIT; the rows'
// ids are set once it has committed. Rows that fail to insert fail the
// commit, and nothing of the transaction is kept.
func TestPostgresAcksTravelWithCommit(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, p := proxiedStore(ctx, t)
	queue := func(subject string, ticket func(Ticket) int64) (*Outbound, int64, error) {
		o := &Outbound{MailFrom: "support@example.org", To: []string{"a@example.org"}, MessageID: "<" + subject + "@example.org>"}
		before := p.sends.Load()
		err := st.InTx(ctx, func(ctx context.Context, tx Tx) error {
			ts, err := tx.CreateTickets(ctx, []NewTicket{{Subject: subject, Requester: "a@example.org"}})
			if err != nil {
				return err
			}
			o.TicketID, o.Subject = ticket(ts[0]), "[Ticket#"+ts[0].Number+"] "+subject
			if err := tx.QueueAcksAtCommit(ctx, []*Outbound{o}, Hold{}); err != nil {
				return err
			}
			if o.ID != 0 {
				t.Errorf("id %d set before the commit", o.ID)
			}
			return nil
		})
		return o, p.sends.Load() - before, err
	}
	// The first run prepares the statements; the second is counted.
	for run := range 2 {
		o, trips, err := queue(fmt.Sprintf("ok%d", run), func(tk Ticket) int64 { return tk.ID })
		if err != nil {
			t.Fatal(err)
		}
		if run == 1 && trips != 2 {
			t.Errorf("%d round trips, want 2: the creation with BEGIN, the outbox rows with COMMIT", trips)
		}
		ob, err := st.Outbox(ctx)
		if err != nil || len(ob) != run+1 || o.ID == 0 || ob[run].ID != o.ID || ob[run].Subject != o.Subject {
			t.Fatalf("outbox %+v (%v), want the row queued, id %d", ob, err, o.ID)
		}
	}
	// A ticket that does not exist: the foreign key refuses the row, at
	// the commit, and the ticket created before it is not kept either.
	if _, _, err := queue("bad", func(Ticket) int64 { return 1 << 40 }); err == nil {
		t.Fatal("commit with a refused outbox row succeeded")
	}
	if ts, err := st.Tickets(ctx, TicketFilter{}); err != nil || len(ts) != 2 {
		t.Errorf("%d tickets (%v), want the two committed before, not the third", len(ts), err)
	}
	if ob, err := st.Outbox(ctx); err != nil || len(ob) != 2 {
		t.Errorf("%d outbox rows (%v), want 2", len(ob), err)
	}
	// The connection serves the next transaction.
	if _, _, err := queue("after", func(tk Ticket) int64 { return tk.ID }); err != nil {
		t.Errorf("the next transaction: %v", err)
	}
}
