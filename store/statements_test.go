package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// statementCalls clears pg_stat_statements for p's database and returns
// what counts, since then, the calls of the statements whose text holds
// part. It skips the test when the server does not load the extension.
func statementCalls(t *testing.T, p *pgStore) func(part string) int64 {
	t.Helper()
	ctx := context.Background()
	const db = `(SELECT oid FROM pg_database WHERE datname = current_database())`
	for _, q := range []string{`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`,
		`SELECT pg_stat_statements_reset(0, ` + db + `, 0)`} {
		if _, err := p.pool.Exec(ctx, q); err != nil {
			t.Skipf("pg_stat_statements unavailable: %v", err)
		}
	}
	return func(part string) int64 {
		t.Helper()
		var n int64
		err := p.pool.QueryRow(ctx, `SELECT coalesce(sum(calls), 0) FROM pg_stat_statements
WHERE dbid = `+db+` AND strpos(query, $1) > 0 AND strpos(query, 'pg_stat_statements') = 0`, part).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
}

// queueAcksN queues n acknowledgments and claims them.
func queueAcksN(t *testing.T, st Store, n int, now time.Time) []Outbound {
	t.Helper()
	ctx := context.Background()
	os := make([]*Outbound, n)
	for i := range os {
		os[i] = &Outbound{MailFrom: "support@example.org", To: []string{fmt.Sprintf("r%d@example.org", i)},
			MessageID: fmt.Sprintf("<ack%d@example.org>", i), CreatedAt: now}
	}
	if err := st.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.QueueAcks(ctx, os, Hold{}) }); err != nil {
		t.Fatal(err)
	}
	claimed, err := st.ClaimOutbound(ctx, now.Add(time.Second), n, time.Minute)
	if err != nil || len(claimed) != n {
		t.Fatalf("claimed %d (%v), want %d", len(claimed), err, n)
	}
	return claimed
}

// TestPostgresMarkSentOneStatement: a group of deliveries is recorded by
// one statement, whatever its size; an unknown id is named in the
// ErrNotFound while the others are recorded, and a row recorded already
// is recorded again (a delivery happened).
func TestPostgresMarkSentOneStatement(t *testing.T) {
	ctx := context.Background()
	p := openOneConn(t, "outbox")
	now := time.Now()
	claimed := queueAcksN(t, p, 100, now)
	if err := p.MarkSent(ctx, Sent{ID: claimed[0].ID, At: now}); err != nil {
		t.Fatal(err)
	}
	calls := statementCalls(t, p)
	sent := []Sent{{ID: 99999, At: now}}
	for _, o := range claimed {
		sent = append(sent, Sent{ID: o.ID, At: now.Add(time.Minute), Note: "n" + o.MessageID})
	}
	err := p.MarkSent(ctx, sent...)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "99999") {
		t.Errorf("MarkSent with an unknown id = %v, want ErrNotFound naming 99999", err)
	}
	if n := calls("sent_at ="); n != 1 {
		t.Errorf("MarkSent of 101 ids ran %d statements, want 1", n)
	}
	all, err := p.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range all {
		attempts := 1
		if i == 0 {
			attempts = 2
		}
		if o.State != OutSent || o.Attempts != attempts || o.LastError != "n"+o.MessageID ||
			!o.SentAt.Equal(ts(now.Add(time.Minute))) {
			t.Errorf("outbox %d: %s, %d attempts, note %q, sent at %v; want sent, %d attempts, its note, the group's time",
				o.ID, o.State, o.Attempts, o.LastError, o.SentAt, attempts)
		}
	}
}

// TestPostgresInsertComposedOneStatement: the acknowledgments of one
// transaction are stored by one statement, and linked by another.
func TestPostgresInsertComposedOneStatement(t *testing.T) {
	ctx := context.Background()
	p := openOneConn(t, "outbox")
	claimed := queueAcksN(t, p, 8, time.Now())
	calls := statementCalls(t, p)
	ms, ids := make([]*Message, len(claimed)), make([]int64, len(claimed))
	for i, o := range claimed {
		ms[i] = &Message{Direction: DirOut, Kind: KindAck, To: o.To, Raw: []byte("ack"), DedupeKey: o.MessageID}
		ids[i] = o.ID
	}
	if err := p.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.InsertComposed(ctx, ms, ids) }); err != nil {
		t.Fatal(err)
	}
	if n, links := calls("INSERT INTO messages"), calls("SET message_row_id"); n != 1 || links != 1 {
		t.Errorf("InsertComposed of %d messages ran %d inserts and %d links, want 1 each", len(ms), n, links)
	}
	all, err := p.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, o := range all {
		if o.MessageRowID == 0 || o.MessageRowID != ms[i].ID {
			t.Errorf("outbox %d linked to %d, want %d", o.ID, o.MessageRowID, ms[i].ID)
		}
	}
}
