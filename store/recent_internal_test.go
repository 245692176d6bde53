package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"guichet/internal/pgtest"
)

// roundTrips counts the calls that reach the server through a pgx
// transaction: each is one round trip.
type roundTrips struct {
	pgx.Tx
	n int
}

func (r *roundTrips) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	r.n++
	return r.Tx.Exec(ctx, sql, args...)
}

func (r *roundTrips) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	r.n++
	return r.Tx.Query(ctx, sql, args...)
}

func (r *roundTrips) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	r.n++
	return r.Tx.QueryRow(ctx, sql, args...)
}

func (r *roundTrips) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	r.n++
	return r.Tx.SendBatch(ctx, b)
}

// TestPostgresCountRecentOneRoundTrip: CountRecent asks for both counts in
// one round trip where CountAcks and CountTicketsFrom take one each, and
// for a side with nothing to count sends nothing.
func TestPostgresCountRecentOneRoundTrip(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{DatabaseURL: pgtest.URL(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	now := time.Now()
	acks := AckCountQuery{Mailboxes: []string{"a@example.org"}, Domains: []string{"example.org"}, Since: now.Add(-time.Hour), AtMost: 5}
	tickets := TicketCountQuery{Keys: []string{"a@example.org"}, Except: []int64{1}, Since: now.Add(-10 * time.Minute)}
	for _, c := range []struct {
		name string
		q    RecentCounts
		want int
	}{
		{"both", RecentCounts{Acks: acks, TicketsFrom: tickets}, 1},
		{"acknowledgments only", RecentCounts{Acks: acks}, 1},
		{"tickets only", RecentCounts{TicketsFrom: tickets}, 1},
		{"neither", RecentCounts{}, 0},
	} {
		tx, err := st.(*pgStore).pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		rt := &roundTrips{Tx: tx}
		lt := &lazyTx{tx: rt} // begun: every call goes through rt
		pt := &pgTx{txCore: txCore{c: pgConn{lt}, now: time.Now}, tx: lt}
		if _, _, err := pt.CountRecent(ctx, c.q); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if rt.n != c.want {
			t.Errorf("%s: CountRecent took %d round trips, want %d", c.name, rt.n, c.want)
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPostgresCreateTicketsCounting: the creation and the counts travel in
// one round trip; the counts are what CountRecent gives, the new tickets
// excluded; the count runs one generic plan, made on tables of a few rows
// and reading them through their indexes all the same (none frozen into
// sequential scans of a young table), and the transaction's later
// statements plan as the server's settings say.
func TestPostgresCreateTicketsCounting(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, Options{DatabaseURL: pgtest.URL(t), MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	now := time.Now()
	if err := st.InTx(ctx, func(ctx context.Context, tx Tx) error {
		_, err := tx.CreateTickets(ctx, []NewTicket{{Subject: "un", Requester: "a@example.org", CreatedAt: now}, {Subject: "deux", Requester: "A@example.org", CreatedAt: now}})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for run := range 8 {
		tx, err := st.(*pgStore).pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var nts []NewTicket
		for i := range 2 {
			m := &Message{Direction: DirIn, Kind: KindRequest, From: "a@example.org", Raw: []byte("x"),
				DedupeKey: fmt.Sprintf("<counting-%d-%d>", run, i), OpensTicket: true, CreatedAt: now}
			pt := &pgTx{txCore: txCore{c: pgConn{&lazyTx{tx: tx}}, now: time.Now}, tx: &lazyTx{tx: tx}}
			if _, err := pt.InsertMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
			nts = append(nts, NewTicket{ID: m.TicketID, MessageRowID: m.ID, MessageKind: KindRequest,
				Subject: "trois", Requester: "a@example.org", CreatedAt: now})
		}
		// Every statement of the transaction runs per call plans, unless
		// the method says otherwise.
		if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = force_custom_plan"); err != nil {
			t.Fatal(err)
		}
		rt := &roundTrips{Tx: tx}
		lt := &lazyTx{tx: rt}
		pt := &pgTx{txCore: txCore{c: pgConn{lt}, now: time.Now}, tx: lt}
		q := RecentCounts{
			Acks:        AckCountQuery{Mailboxes: []string{"a@example.org"}, Domains: []string{"example.org"}, Since: now.Add(-time.Hour), AtMost: 5},
			TicketsFrom: TicketCountQuery{Keys: []string{"a@example.org"}, Except: []int64{nts[0].ID, nts[1].ID}, Since: now.Add(-time.Hour)},
		}
		ts, acks, from, err := pt.CreateTicketsCounting(ctx, nts, q)
		if err != nil {
			t.Fatal(err)
		}
		if rt.n != 1 {
			t.Errorf("run %d: %d round trips, want 1", run, rt.n)
		}
		if len(ts) != 2 || ts[0].ID != nts[0].ID || ts[1].ID != nts[1].ID || ts[1].Number <= ts[0].Number {
			t.Errorf("run %d: created %+v, want the reserved ids, numbered in order", run, ts)
		}
		// Two tickets before the test, two more by each earlier run: this
		// run's are excluded.
		if want := 2 + 2*run; from["a@example.org"] != want || acks.Mailbox["a@example.org"] != 0 || acks.Domain["example.org"] != 0 {
			t.Errorf("run %d: counted %v and %+v, want %d tickets and no acknowledgment", run, from, acks, want)
		}
		var mode, seqscan string
		if err := tx.QueryRow(ctx, "SELECT current_setting('plan_cache_mode'), current_setting('enable_seqscan')").Scan(&mode, &seqscan); err != nil ||
			mode != "auto" || seqscan != "on" {
			t.Errorf("run %d: plan_cache_mode %q and enable_seqscan %q after the call (%v), want the server's, auto and on", run, mode, seqscan, err)
		}
		if run == 7 {
			var name string
			var generic, custom int64
			if err := tx.QueryRow(ctx, `SELECT name, generic_plans, custom_plans
FROM pg_prepared_statements WHERE statement = $1`, countRecent.pg).Scan(&name, &generic, &custom); err != nil {
				t.Fatal(err)
			}
			if generic != 8 || custom != 0 {
				t.Errorf("the count was planned generically %d times and per call %d times; want its generic plan at each of 8 calls", generic, custom)
			}
			// The plan it runs, as the batch runs it: by index, on tables of a
			// few rows.
			for _, s := range planOnceIndexed {
				if _, err := tx.Exec(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			rows, err := tx.Query(ctx, "EXPLAIN EXECUTE "+name+
				"('{a@example.org}', '{example.org}', now(), 5, 'ack', '{a@example.org}', '{1,2}', now())", pgx.QueryExecModeSimpleProtocol)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			if text := strings.Join(plan, "\n"); strings.Contains(text, "Seq Scan") || !strings.Contains(text, "outbox_rate") ||
				!strings.Contains(text, "tickets_requester_key") {
				t.Errorf("the count's plan scans a table whole or misses an index:\n%s", text)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
}
