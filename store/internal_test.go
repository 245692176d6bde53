package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"guichet/internal/pgtest"
)

// backend is one opened backend with raw SQL access for checks the Store
// interface does not expose (row counts, column settings).
type backend struct {
	name  string
	s     Store
	count func(t *testing.T, query string) int64
	exec  func(t *testing.T, query string)
}

// forEachBackend runs fn in one subtest per backend, each on a fresh
// database (the PostgreSQL one skips when no server is reachable).
func forEachBackend(t *testing.T, fn func(t *testing.T, b backend)) {
	t.Helper()
	ctx := context.Background()
	for _, o := range []struct {
		name string
		opts func(t *testing.T) Options
	}{
		{"sqlite", func(t *testing.T) Options { return Options{DataDir: t.TempDir()} }},
		{"postgres", func(t *testing.T) Options { return Options{DatabaseURL: pgtest.URL(t)} }},
	} {
		t.Run(o.name, func(t *testing.T) {
			s, err := Open(ctx, o.opts(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			fn(t, backendOf(o.name, s))
		})
	}
}

// backendOf is s, opened on the backend name, with its helpers.
func backendOf(name string, s Store) backend {
	ctx := context.Background()
	c := coreOf(s)
	return backend{
		name: name, s: s,
		count: func(t *testing.T, q string) int64 {
			t.Helper()
			var n int64
			if err := c.read.queryRow(ctx, stmt{pg: q, sqlite: q}).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		},
		exec: func(t *testing.T, q string) {
			t.Helper()
			if _, err := c.write.exec(ctx, stmt{pg: q, sqlite: q}); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		},
	}
}

func coreOf(s Store) *core {
	switch s := s.(type) {
	case *pgStore:
		return &s.core
	case *sqliteStore:
		return &s.core
	}
	panic(fmt.Sprintf("unknown backend %T", s))
}

func TestAttachmentContentStoredOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		{
			ctx := context.Background()
			data := []byte("same bytes in three places")
			for i := range 2 {
				err := b.s.InTx(ctx, func(ctx context.Context, tx Tx) error {
					_, err := tx.InsertMessage(ctx, &Message{
						Direction: DirIn, Kind: KindRequest, Raw: []byte(fmt.Sprint(i)), DedupeKey: fmt.Sprint("<", i, ">"),
						Attachments: []Attachment{{Filename: "a", Data: data}, {Filename: "b", Data: data}},
					})
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if n := b.count(t, `SELECT count(*) FROM attachments`); n != 1 {
				t.Errorf("attachments rows = %d, want 1", n)
			}
			if n := b.count(t, `SELECT count(*) FROM message_attachments`); n != 4 {
				t.Errorf("message_attachments rows = %d, want 4", n)
			}
		}
	})
}

// TestNumberGrowsPastSixDigits: numbers have at least six digits, more when needed.
func TestNumberGrowsPastSixDigits(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		{
			b.exec(t, `INSERT INTO ticket_counters (year, last) VALUES (2026, 999998)`)
			for _, want := range []string{"2026-999999", "2026-1000000", "2026-1000001"} {
				var got Ticket
				err := b.s.InTx(context.Background(), func(ctx context.Context, tx Tx) error {
					var err error
					tks, err := tx.CreateTickets(ctx, []NewTicket{{CreatedAt: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}})
					if err == nil {
						got = tks[0]
					}
					return err
				})
				if err != nil || got.Number != want {
					t.Errorf("CreateTicket = %q, %v; want %q", got.Number, err, want)
				}
			}
		}
	})
}

func TestRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.(*sqliteStore).w.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, Options{DataDir: dir}); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Open on a newer schema = %v, want ErrSchemaTooNew", err)
	}

	url := pgtest.URL(t)
	p, err := Open(ctx, Options{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.(*pgStore).pool.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (9999, '9999_future')`); err != nil {
		t.Fatal(err)
	}
	p.Close()
	if _, err := Open(ctx, Options{DatabaseURL: url}); !errors.Is(err, ErrSchemaTooNew) {
		t.Errorf("Open on a newer PostgreSQL schema = %v, want ErrSchemaTooNew", err)
	}
}

// TestPostgresRawColumnsNotPGLZ: raw content must not pay pglz's CPU for
// nothing: lz4 when the server has it, else no compression.
func TestPostgresRawColumnsNotPGLZ(t *testing.T) {
	url := pgtest.URL(t)
	ctx := context.Background()
	s, err := Open(ctx, Options{DatabaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.(*pgStore).pool.Query(ctx, `
SELECT c.relname || '.' || a.attname, a.attcompression::text, a.attstorage::text
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
WHERE (c.relname, a.attname) IN (('messages', 'raw'), ('attachments', 'data'), ('outbox', 'raw'), ('messages', 'body'))`)
	if err != nil {
		t.Fatal(err)
	}
	type col struct{ Name, Compression, Storage string }
	cols, err := pgx.CollectRows(rows, pgx.RowToStructByPos[col])
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 4 {
		t.Fatalf("columns = %v, want 4", cols)
	}
	lz4 := false
	for _, c := range cols {
		lz4 = lz4 || c.Compression == "l"
	}
	for _, c := range cols {
		switch {
		case c.Name == "messages.body":
			// Text compresses well: it keeps pglz only where lz4 is missing.
			if lz4 && c.Compression != "l" {
				t.Errorf("%s: compression %q, want lz4 (l) as the raw columns", c.Name, c.Compression)
			}
		case c.Compression != "l" && c.Storage != "e":
			t.Errorf("%s: compression %q storage %q, want lz4 (l) or external (e)", c.Name, c.Compression, c.Storage)
		}
	}
}

func TestWrapClassifiesErrors(t *testing.T) {
	cases := []struct {
		name        string
		err         error
		unavailable bool
		notFound    bool
	}{
		{"pgx no rows", pgx.ErrNoRows, false, true},
		{"connection refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true, false},
		{"connection reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true, false},
		{"unexpected eof", io.ErrUnexpectedEOF, true, false},
		{"admin shutdown 57P01", &pgconn.PgError{Code: "57P01"}, true, false},
		{"cannot connect now 57P03", &pgconn.PgError{Code: "57P03"}, true, false},
		{"connection failure 08006", &pgconn.PgError{Code: "08006"}, true, false},
		{"too many connections 53300", &pgconn.PgError{Code: "53300"}, true, false},
		{"disk full 53100", &pgconn.PgError{Code: "53100"}, true, false},
		{"serialization 40001", &pgconn.PgError{Code: "40001"}, true, false},
		{"deadlock 40P01", &pgconn.PgError{Code: "40P01"}, true, false},
		{"missing database 3D000", &pgconn.PgError{Code: "3D000"}, true, false},
		{"password refused 28P01", &pgconn.PgError{Code: "28P01"}, true, false},
		{"no pg_hba entry 28000", &pgconn.PgError{Code: "28000"}, true, false},
		{"unique violation 23505", &pgconn.PgError{Code: "23505"}, false, false},
		{"check violation 23514", &pgconn.PgError{Code: "23514"}, false, false},
		{"deadline", context.DeadlineExceeded, true, false},
		{"canceled", context.Canceled, false, false},
		{"plain", errors.New("syntax"), false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := wrap("op", c.err)
			if errors.Is(got, ErrUnavailable) != c.unavailable || errors.Is(got, ErrNotFound) != c.notFound {
				t.Errorf("wrap(%v) = %v: unavailable %v, not found %v; want %v, %v",
					c.err, got, errors.Is(got, ErrUnavailable), errors.Is(got, ErrNotFound), c.unavailable, c.notFound)
			}
			if !c.notFound && !errors.Is(got, c.err) {
				t.Errorf("wrap(%v) lost the cause", c.err)
			}
		})
	}
	if wrap("op", nil) != nil {
		t.Error("wrap(nil) != nil")
	}
}

// TestSQLiteBusyIsUnavailable: another process holding the write lock past
// busy_timeout is a passing failure.
func TestSQLiteBusyIsUnavailable(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	a, err := Open(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if _, err := b.(*sqliteStore).w.ExecContext(ctx, `PRAGMA busy_timeout = 50`); err != nil {
		t.Fatal(err)
	}
	hold := make(chan struct{})
	held := make(chan struct{})
	go a.InTx(ctx, func(ctx context.Context, tx Tx) error { //nolint:errcheck // the holder's result is irrelevant
		close(held)
		<-hold
		return nil
	})
	<-held
	err = b.InTx(ctx, func(ctx context.Context, tx Tx) error { return nil })
	close(hold)
	if !errors.Is(err, ErrUnavailable) {
		t.Errorf("InTx while another process writes = %v, want ErrUnavailable", err)
	}
}

func TestClean(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"valid", "Accusé de réception : « ok »", "Accusé de réception : « ok »"},
		{"latin-1 byte", "caf\xe9", "caf\uFFFD"},
		{"nul", "a\x00b", "ab"},
		{"both", "\xff\x00x", "\uFFFDx"},
	}
	for _, c := range cases {
		if got := clean(c.in); got != c.want {
			t.Errorf("%s: clean(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

// TestReferencesLookupUsesIndex guards the plan of the References look-up:
// a reply citing only unknown Message-IDs must not scan every message (the
// PostgreSQL planner's choice for the plain join with ORDER BY id DESC).
// It reads the dedupe key's index for the messages whose Message-ID is
// their dedupe key, and messages_message_id_other for the others, and
// finds both kinds.
func TestReferencesLookupUsesIndex(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		// No statistics yet, as on a young or fast-growing table before
		// autovacuum's analyze: the planner falls back on default
		// estimates, under which the plain join walked the whole primary
		// key. Odd messages have a dedupe key of their own.
		fill := `
ALTER TABLE messages SET (autovacuum_enabled = false);
INSERT INTO tickets (number, created_at, updated_at)
SELECT '2026-' || lpad(i::text, 6, '0'), now(), now() FROM generate_series(1, 2000) AS i;
INSERT INTO messages (ticket_id, direction, kind, message_id, raw, raw_sha256, dedupe_key, created_at)
SELECT 1 + i % 2000, 'in', 'request', '<m' || i || '@example.org>', '\x00', '',
    CASE WHEN i % 2 = 0 THEN '<m' || i || '@example.org>' ELSE 'k' || i END, now()
FROM generate_series(1, 20000) AS i`
		if b.name == "sqlite" {
			fill = sqliteSeries + `
INSERT INTO tickets (number, created_at, updated_at)
SELECT '2026-' || substr('00000' || n, -6), 0, 0 FROM i WHERE n <= 2000;
` + sqliteSeries + `
INSERT INTO messages (ticket_id, direction, kind, message_id, raw, raw_sha256, dedupe_key, created_at)
SELECT 1 + n % 2000, 'in', 'request', '<m' || n || '@example.org>', x'00', '',
    CASE WHEN n % 2 = 0 THEN '<m' || n || '@example.org>' ELSE 'k' || n END, 0
FROM i`
		}
		b.exec(t, fill)
		ids := []string{"<unknown@example.org>", "<m7@example.org>", "<m8@example.org>"}
		plan := queryPlan(t, b, ticketByMessageIDs, ids)
		dedupe := map[string]string{"postgres": "messages_dedupe_key_key", "sqlite": "sqlite_autoindex_messages_1"}[b.name]
		if !strings.Contains(plan, dedupe) || !strings.Contains(plan, "messages_message_id_other") ||
			strings.Contains(plan, "Seq Scan on messages") || strings.Contains(plan, "SCAN messages") {
			t.Errorf("the References look-up does not read the messages through %s and messages_message_id_other:\n%s", dedupe, plan)
		}
		ctx := context.Background()
		for _, c := range []struct {
			ids  []string
			want string
		}{
			{[]string{"<m7@example.org>"}, "2026-000008"},                     // dedupe key of its own
			{[]string{"<m8@example.org>"}, "2026-000009"},                     // its Message-ID
			{[]string{"<m7@example.org>", "<m8@example.org>"}, "2026-000009"}, // the newest
		} {
			var got Ticket
			err := b.s.InTx(ctx, func(ctx context.Context, tx Tx) error {
				var err error
				got, err = tx.TicketByMessageIDs(ctx, c.ids)
				return err
			})
			if err != nil || got.Number != c.want {
				t.Errorf("TicketByMessageIDs(%v) = %s, %v; want %s", c.ids, got.Number, err, c.want)
			}
		}
		err := b.s.InTx(ctx, func(ctx context.Context, tx Tx) error {
			_, err := tx.TicketByMessageIDs(ctx, []string{"<unknown@example.org>", ""})
			return err
		})
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("TicketByMessageIDs of unknown and empty ids: %v, want ErrNotFound", err)
		}
	})
}

// TestStatsUseIndex guards the metrics' count of the outbox: on a table
// of mostly sent mail it must read the partial index outbox_unsent, never
// the whole table, on either backend.
func TestStatsUseIndex(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		fill := `
INSERT INTO outbox (raw, state, next_attempt_at, created_at, sent_at)
SELECT '\x00', CASE WHEN i % 100 = 0 THEN 'queued' ELSE 'sent' END, now(), now(),
    CASE WHEN i % 100 = 0 THEN NULL ELSE now() END
FROM generate_series(1, 20000) AS i;
ANALYZE outbox`
		if b.name == "sqlite" {
			fill = sqliteSeries + `
INSERT INTO outbox (raw, state, next_attempt_at, created_at, sent_at)
SELECT x'00', CASE WHEN n % 100 = 0 THEN 'queued' ELSE 'sent' END, 0, 0,
    CASE WHEN n % 100 = 0 THEN NULL ELSE 0 END FROM i`
		}
		b.exec(t, fill)
		plan := queryPlan(t, b, statsQuery)
		if !strings.Contains(plan, "outbox_unsent") {
			t.Errorf("the stats query does not read outbox_unsent:\n%s", plan)
		}
		if st, err := b.s.Stats(context.Background()); err != nil || st.Outbox[OutQueued] != 200 || len(st.Outbox) != 1 {
			t.Errorf("Stats = %v, %v; want 200 queued", st, err)
		}
	})
}

// TestBacklogUsesIndex guards the metrics' count of the backlog: on a
// table of mostly closed tickets it must read the partial index
// tickets_backlog, never the whole table, on either backend.
func TestBacklogUsesIndex(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		fill := `
INSERT INTO tickets (number, status, priority, created_at, updated_at)
SELECT 'B' || i, CASE WHEN i % 100 = 0 THEN 'open' ELSE 'closed' END, 'normal', now(), now()
FROM generate_series(1, 20000) AS i;
ANALYZE tickets`
		if b.name == "sqlite" {
			fill = sqliteSeries + `
INSERT INTO tickets (number, status, priority, created_at, updated_at)
SELECT 'B' || n, CASE WHEN n % 100 = 0 THEN 'open' ELSE 'closed' END, 'normal', 0, 0 FROM i`
		}
		b.exec(t, fill)
		if plan := queryPlan(t, b, backlogQuery); !strings.Contains(plan, "tickets_backlog") {
			t.Errorf("the backlog query does not read tickets_backlog:\n%s", plan)
		}
		st, err := b.s.Stats(context.Background())
		if want := (BacklogKey{Priority: PriorityNormal}); err != nil || st.Backlog[want] != 200 || len(st.Backlog) != 1 {
			t.Errorf("Stats = %v, %v; want 200 normal unassigned", st, err)
		}
	})
}

// sqliteSeries numbers 1 to 20000 as i(n): SQLite has no generate_series.
const sqliteSeries = `WITH RECURSIVE i(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM i WHERE n < 20000)`

// scansTickets reports whether plan (queryPlan's) reads the tickets
// table whole, on either backend.
func scansTickets(plan string) bool {
	return strings.Contains(plan, "Seq Scan on tickets") || regexp.MustCompile(`(?m)^SCAN (tickets|t)$`).MatchString(plan)
}

// hasIndex reports whether b's schema has the index name.
func (b backend) hasIndex(t *testing.T, name string) bool {
	t.Helper()
	q := map[string]string{
		"sqlite":   `SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = '` + name + `'`,
		"postgres": `SELECT count(*) FROM pg_indexes WHERE indexname = '` + name + `'`,
	}[b.name]
	return b.count(t, q) != 0
}

// queryPlan is the planner's plan of q on b, one line a step.
func queryPlan(t *testing.T, b backend, q stmt, args ...any) string {
	t.Helper()
	explain := stmt{pg: "EXPLAIN " + q.pg, sqlite: "EXPLAIN QUERY PLAN " + q.sqlite}
	rs, err := coreOf(b.s).read.query(context.Background(), explain, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var plan strings.Builder
	for rs.Next() {
		// PostgreSQL gives one text column, SQLite four.
		var line string
		var id, parent, unused int
		if b.name == "sqlite" {
			err = rs.Scan(&id, &parent, &unused, &line)
		} else {
			err = rs.Scan(&line)
		}
		if err != nil {
			t.Fatal(err)
		}
		plan.WriteString(line + "\n")
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}

// TestOutboxRowNeedsBytes: only a deferred acknowledgment may wait in the
// outbox without bytes (migration 0004), so that no empty message is sent.
func TestOutboxRowNeedsBytes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		ctx := context.Background()
		err := b.s.InTx(ctx, func(ctx context.Context, tx Tx) error {
			_, err := tx.Enqueue(ctx, &Outbound{MailFrom: "support@example.org", To: []string{"a@example.org"}, MessageID: "<e@example.org>"})
			return err
		})
		if err == nil {
			t.Error("an outbox row without bytes, message or acknowledgment kind was accepted")
		}
		err = b.s.InTx(ctx, func(ctx context.Context, tx Tx) error {
			return tx.QueueAcks(ctx, []*Outbound{{MailFrom: "support@example.org", To: []string{"a@example.org"}, MessageID: "<q@example.org>"}}, Hold{})
		})
		if err != nil {
			t.Errorf("QueueAcks: %v", err)
		}
	})
}

// TestPostgresOutboxStatementsKeepIndexAsTableGrows: statements planned
// while the outbox was nearly empty must not keep scanning it once it holds
// thousands of rows. PostgreSQL may keep the generic plan of a prepared
// statement's fifth call (a sequential scan, right for one page) until the
// next ANALYZE; claiming and recording a group would then read the whole
// outbox every time on a young database (see replan).
func TestPostgresOutboxStatementsKeepIndexAsTableGrows(t *testing.T) {
	ctx := context.Background()
	p := openOneConn(t, "outbox")
	st := Store(p)
	now := time.Now()
	// cycle queues, claims, composes and records n acknowledgments: one,
	// or sixteen, which InsertComposed and MarkSent take with other
	// statements.
	cycle := func(i, n int) int {
		t.Helper()
		err := st.InTx(ctx, func(ctx context.Context, tx Tx) error {
			to := fmt.Sprintf("r%d@example.org", i)
			if _, err := tx.CountOutboundToMany(ctx, []string{to, "other@example.org"}, KindAck, now.Add(-time.Hour)); err != nil {
				return err
			}
			var os []*Outbound
			for k := range n {
				os = append(os, &Outbound{MailFrom: "support@example.org", To: []string{to},
					MessageID: fmt.Sprintf("<ack%d.%d@example.org>", i, k), CreatedAt: now})
			}
			return tx.QueueAcks(ctx, os, Hold{})
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := st.ClaimOutbound(ctx, now.Add(time.Second), 64, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		var sent []Sent
		var composed []*Message
		var ids []int64
		for _, o := range got {
			sent = append(sent, Sent{ID: o.ID, At: now})
			composed = append(composed, &Message{Direction: DirOut, Kind: KindAck, Raw: []byte("ack"), DedupeKey: o.MessageID})
			ids = append(ids, o.ID)
		}
		err = st.InTx(ctx, func(ctx context.Context, tx Tx) error { return tx.InsertComposed(ctx, composed, ids) })
		if err != nil {
			t.Fatal(err)
		}
		if err := st.MarkSent(ctx, sent...); err != nil {
			t.Fatal(err)
		}
		return len(got)
	}
	sizes := []int{1, 16}
	for i := range 12 { // past the five calls after which a generic plan may stick, for each size
		if n, want := cycle(i, sizes[i%2]), sizes[i%2]; n != want {
			t.Fatalf("cycle %d claimed %d rows, want %d", i, n, want)
		}
	}
	if _, err := p.pool.Exec(ctx, `
INSERT INTO outbox (mail_from, rcpt, subject, message_id, raw, state, next_attempt_at, created_at, sent_at, kind, rcpt_key)
SELECT 'support@example.org', ARRAY['old' || i || '@example.org'], 's', '<old' || i || '@example.org>', '\x00',
    'sent', now(), now(), now(), 'ack', 'old' || i || '@example.org'
FROM generate_series(1, 5000) AS i`); err != nil {
		t.Fatal(err)
	}
	for _, size := range sizes {
		before := seqRead(t, p, "outbox")
		if n := cycle(100+size, size); n != size {
			t.Fatalf("claimed %d rows, want %d", n, size)
		}
		if read := seqRead(t, p, "outbox") - before; read > 1000 {
			t.Errorf("count, queue, claim, compose and record %d acknowledgments read %d outbox rows sequentially, want index look-ups", size, read)
		}
	}
}

// TestPostgresTicketCreationKeepsIndexAsMessagesGrow: attaching a batch's
// messages to their new tickets must not scan the messages table once it
// has grown past the size its first plans were made for (see
// TestPostgresOutboxStatementsKeepIndexAsTableGrows).
func TestPostgresTicketCreationKeepsIndexAsMessagesGrow(t *testing.T) {
	ctx := context.Background()
	p := openOneConn(t, "messages")
	st := Store(p)
	open := func(i int) {
		t.Helper()
		err := st.InTx(ctx, func(ctx context.Context, tx Tx) error {
			var nts []NewTicket
			for k := range 2 {
				id, err := tx.InsertMessage(ctx, &Message{Direction: DirIn, Kind: KindRequest, From: "a@example.org",
					Raw: []byte("Subject: x\r\n\r\nx\r\n"), DedupeKey: fmt.Sprintf("k%d.%d", i, k)})
				if err != nil {
					return err
				}
				nts = append(nts, NewTicket{Subject: "x", Requester: "a@example.org", MessageRowID: id, MessageKind: KindRequest})
			}
			_, err := tx.CreateTickets(ctx, nts)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		open(i)
	}
	if _, err := p.pool.Exec(ctx, `
INSERT INTO messages (direction, kind, raw, raw_sha256, dedupe_key, created_at)
SELECT 'in', 'request', '\x00', '', 'bulk' || i, now() FROM generate_series(1, 5000) AS i`); err != nil {
		t.Fatal(err)
	}
	before := seqRead(t, p, "messages")
	open(100)
	if read := seqRead(t, p, "messages") - before; read > 1000 {
		t.Errorf("creating two tickets read %d messages sequentially, want index look-ups", read)
	}
}

// TestPostgresAckSourcesReadByKey: finding the queued acknowledgments'
// tickets reads their outbox rows by primary key, not every
// acknowledgment of the table through the kind's partial index.
func TestPostgresAckSourcesReadByKey(t *testing.T) {
	ctx := context.Background()
	p := openOneConn(t, "outbox")
	st := Store(p)
	if _, err := p.pool.Exec(ctx, `
INSERT INTO outbox (mail_from, rcpt, subject, message_id, raw, state, next_attempt_at, created_at, sent_at, kind,
    rcpt_key, rcpt_domain)
SELECT 'support@example.org', ARRAY['old' || i || '@example.org'], 's', '<old' || i || '@example.org>', '\x00',
    'sent', now(), now(), now(), 'ack', 'old' || i || '@example.org', 'example.org'
FROM generate_series(1, 5000) AS i`); err != nil {
		t.Fatal(err)
	}
	// Several at once, as the sender takes them: with one id the planner
	// keeps to the primary key anyway.
	var ids []int64
	err := st.InTx(ctx, func(ctx context.Context, tx Tx) error {
		for i := range 8 {
			mid, err := tx.InsertMessage(ctx, &Message{Direction: DirIn, Kind: KindRequest, From: "a@example.org",
				Raw: []byte("Subject: x\r\n\r\nx\r\n"), DedupeKey: fmt.Sprintf("ack-source-%d", i), MessageID: fmt.Sprintf("<ack-source-%d>", i)})
			if err != nil {
				return err
			}
			ts, err := tx.CreateTickets(ctx, []NewTicket{{Subject: "x", Requester: "a@example.org", MessageRowID: mid, MessageKind: KindRequest}})
			if err != nil {
				return err
			}
			o := &Outbound{TicketID: ts[0].ID, MailFrom: "support@example.org", To: []string{"a@example.org"},
				MessageID: fmt.Sprintf("<ack%d@example.org>", i)}
			if err := tx.QueueAcks(ctx, []*Outbound{o}, Hold{}); err != nil {
				return err
			}
			ids = append(ids, o.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	read := func() int64 {
		t.Helper()
		if _, err := p.pool.Exec(ctx, `SELECT pg_stat_force_next_flush()`); err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := p.pool.QueryRow(ctx, `SELECT coalesce(sum(idx_tup_read), 0) + coalesce(sum(seq_tup_read), 0)
FROM pg_stat_user_tables t LEFT JOIN pg_stat_user_indexes i USING (relid) WHERE t.relname = 'outbox'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := read()
	srcs, err := st.AckSources(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != len(ids) || srcs[ids[7]].First.MessageID != "<ack-source-7>" {
		t.Fatalf("AckSources = %+v, want each ticket's first message", srcs)
	}
	if n := read() - before; n > 100 {
		t.Errorf("AckSources of 8 acknowledgments read %d outbox rows or index entries, want a look-up by key", n)
	}
}

// openOneConn opens a fresh PostgreSQL store with one connection, so that
// the plans cached are those of the statements under test, and no
// autovacuum of table: its statistics stay those of an empty table.
func openOneConn(t *testing.T, table string) *pgStore {
	t.Helper()
	st, err := Open(context.Background(), Options{DatabaseURL: pgtest.URL(t), MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	p := st.(*pgStore)
	if _, err := p.pool.Exec(context.Background(), `ALTER TABLE `+table+` SET (autovacuum_enabled = false)`); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPostgresOpeningMessageWrittenOnce: a ticket created with the id its
// message's insert reserved leaves that message as inserted: no update of
// messages at all (setting ticket_id is never a HOT update, the column
// being indexed). A reserved id no ticket takes fails the commit, as the
// foreign key is checked then, and nothing of the transaction remains.
func TestPostgresOpeningMessageWrittenOnce(t *testing.T) {
	ctx := context.Background()
	p := openOneConn(t, "messages")
	st := Store(p)
	insert := func(tx Tx, key string) (Message, error) {
		m := Message{Direction: DirIn, Kind: KindRequest, From: "a@example.org",
			Raw: []byte("Subject: x\r\n\r\nx\r\n"), DedupeKey: key, OpensTicket: true}
		_, err := tx.InsertMessage(ctx, &m)
		if err == nil && m.TicketID == 0 {
			err = fmt.Errorf("message %s inserted without a ticket id", key)
		}
		return m, err
	}
	before := tableUpdates(t, p, "messages")
	err := st.InTx(ctx, func(ctx context.Context, tx Tx) error {
		var nts []NewTicket
		for k := range 3 {
			m, err := insert(tx, fmt.Sprintf("once%d", k))
			if err != nil {
				return err
			}
			nts = append(nts, NewTicket{Subject: "x", Requester: "a@example.org", ID: m.TicketID,
				MessageRowID: m.ID, MessageKind: KindRequest})
		}
		_, err := tx.CreateTickets(ctx, nts)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := tableUpdates(t, p, "messages") - before; n != 0 {
		t.Errorf("creating three tickets updated messages %d times, want none", n)
	}

	err = st.InTx(ctx, func(ctx context.Context, tx Tx) error {
		_, err := insert(tx, "orphan")
		return err
	})
	if err == nil {
		t.Fatal("a transaction that reserved a ticket id and created no ticket committed")
	}
	err = st.InTx(ctx, func(ctx context.Context, tx Tx) error {
		_, err := tx.MessageByDedupeKey(ctx, "orphan")
		return err
	})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("message of the failed transaction: %v, want ErrNotFound", err)
	}
}

// tableUpdates is how many rows of table have been updated so far, HOT
// or not (see seqRead).
func tableUpdates(t *testing.T, p *pgStore, table string) int64 {
	t.Helper()
	return tableStat(t, p, table, "n_tup_upd")
}

// seqRead is how many rows of table sequential scans have read so far.
func seqRead(t *testing.T, p *pgStore, table string) int64 {
	t.Helper()
	return tableStat(t, p, table, "seq_tup_read")
}

// tableStat reads one counter of pg_stat_user_tables.
func tableStat(t *testing.T, p *pgStore, table, column string) int64 {
	t.Helper()
	ctx := context.Background()
	// The backend's counters reach the shared statistics when it next goes
	// idle (after this statement); the read comes after.
	if _, err := p.pool.Exec(ctx, `SELECT pg_stat_force_next_flush()`); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := p.pool.QueryRow(ctx, `SELECT `+column+` FROM pg_stat_user_tables WHERE relname = $1`, table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPostgresOutboxLeavesRoomForUpdates: the outbox's pages keep room so
// that claiming and linking a row update it in place (migration 0006).
func TestPostgresOutboxLeavesRoomForUpdates(t *testing.T) {
	p := openOneConn(t, "outbox")
	var opts []string
	if err := p.pool.QueryRow(context.Background(),
		`SELECT coalesce(reloptions, '{}') FROM pg_class WHERE relname = 'outbox' AND relkind = 'r'`).Scan(&opts); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(opts, "fillfactor=50") {
		t.Errorf("outbox options = %v, want fillfactor=50", opts)
	}
}

// TestPostgresWithoutDescriptionCache: the statements planned per call
// (replan) use pgx's description cache; a URL that turns it off
// (description_cache_capacity=0, as with default_query_exec_mode=describe_exec
// behind a pooler) must not make them fail: openPostgres keeps the cache.
func TestPostgresWithoutDescriptionCache(t *testing.T) {
	ctx := context.Background()
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("description_cache_capacity", "0")
	u.RawQuery = q.Encode()
	st, err := Open(ctx, Options{DatabaseURL: u.String()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(st.Close)
	now := time.Now()
	var number string
	err = st.InTx(ctx, func(ctx context.Context, tx Tx) error {
		tk, err := queueOne(ctx, tx, now)
		if err != nil {
			return err
		}
		number = tk.Number
		_, err = tx.TicketByMessageIDs(ctx, []string{"<a@example.org>"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ticket(ctx, number); err != nil {
		t.Fatal(err)
	}
	got, err := st.ClaimOutbound(ctx, now.Add(time.Second), 10, time.Minute)
	if err != nil || len(got) != 1 {
		t.Fatalf("ClaimOutbound = %d rows, %v; want 1", len(got), err)
	}
	if err := st.MarkSent(ctx, Sent{ID: got[0].ID, At: now}); err != nil {
		t.Fatal(err)
	}
}

func TestPortable(t *testing.T) {
	cases := []struct{ pg, sqlite string }{
		{`SELECT 1`, `SELECT 1`},
		{`SELECT a FROM t WHERE b = $1 AND c < $12`, `SELECT a FROM t WHERE b = ?1 AND c < ?12`},
		{`SELECT '$' || $2`, `SELECT '$' || ?2`},
	}
	for _, c := range cases {
		if got := portable(c.pg); got.pg != c.pg || got.sqlite != c.sqlite {
			t.Errorf("portable(%q) = %q, %q; want the SQLite text %q", c.pg, got.pg, got.sqlite, c.sqlite)
		}
	}
}

// TestReminderScanUsesIndexes guards the reminder scan, which every node
// runs each second: on a table of tickets mostly without a running clock
// it must read the partial indexes of the running deadlines, never the
// whole table, on either backend. tickets_clock_running, which no
// statement read, is gone (migrations 0021, SQLite 0018).
func TestReminderScanUsesIndexes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		fill := `
INSERT INTO tickets (number, status, priority, created_at, updated_at, clock_since, first_response_due, resolution_due)
SELECT 'R' || i, 'open', 'normal', now(), now(),
    CASE WHEN i % 100 = 0 THEN now() END, CASE WHEN i % 100 = 0 THEN now() + interval '1 hour' END,
    CASE WHEN i % 100 = 0 THEN now() + interval '1 day' END
FROM generate_series(1, 20000) AS i;
ANALYZE tickets`
		want := []string{"tickets_sla_running"}
		if b.name == "sqlite" {
			fill = sqliteSeries + `
INSERT INTO tickets (number, status, priority, created_at, updated_at, clock_since, first_response_due, resolution_due)
SELECT 'R' || n, 'open', 'normal', 0, 0, CASE WHEN n % 100 = 0 THEN 0 END,
    CASE WHEN n % 100 = 0 THEN 3600000000 END, CASE WHEN n % 100 = 0 THEN 86400000000 END FROM i`
			want = []string{"tickets_first_response_running", "tickets_resolution_running"}
		}
		b.exec(t, fill)
		plan := queryPlan(t, b, dueReminders, ts(time.Now()), 100)
		for _, ix := range want {
			if !strings.Contains(plan, ix) {
				t.Errorf("the reminder scan does not read %s:\n%s", ix, plan)
			}
		}
		if scansTickets(plan) {
			t.Errorf("the reminder scan reads the tickets table whole:\n%s", plan)
		}
		if b.hasIndex(t, "tickets_clock_running") {
			t.Error("tickets_clock_running, which no statement reads, is still there")
		}
	})
}

// TestFindTicketsByRequesterUsesIndex guards a requester's page: on a
// table of many requesters it reads tickets_requester_key, never the
// whole table, and tickets_requester (a second index entry per ticket for
// the same address) is gone (migrations 0022, SQLite 0019).
func TestFindTicketsByRequesterUsesIndex(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b backend) {
		fill := `
INSERT INTO tickets (number, status, priority, created_at, updated_at, requester, requester_key)
SELECT 'R' || i, 'open', 'normal', now(), now(), 'r' || i || '@example.org', 'r' || i || '@example.org'
FROM generate_series(1, 20000) AS i;
ANALYZE tickets`
		if b.name == "sqlite" {
			fill = sqliteSeries + `
INSERT INTO tickets (number, status, priority, created_at, updated_at, requester, requester_key)
SELECT 'R' || n, 'open', 'normal', 0, 0, 'r' || n || '@example.org', 'r' || n || '@example.org' FROM i`
		}
		b.exec(t, fill)
		for _, words := range []int{0, 1} {
			args := []any{"", "", "r7@example.org", "r7@example.org"}
			for range words {
				args = append(args, "panne")
			}
			plan := queryPlan(t, b, findTickets(words, true), append(args, limitArg(0))...)
			if !strings.Contains(plan, "tickets_requester_key") {
				t.Errorf("a requester's tickets (%d words) are not found through tickets_requester_key:\n%s", words, plan)
			}
			if scansTickets(plan) {
				t.Errorf("a requester's tickets (%d words) are found by reading the table whole:\n%s", words, plan)
			}
		}
		if b.hasIndex(t, "tickets_requester") {
			t.Error("tickets_requester, a second entry for the requester's address, is still there")
		}
	})
}

// TestRequesterKeyBackfill: a database upgraded past the migration that
// drops tickets_requester (put back as it was before it: the old index,
// the tickets opened before requester_key existed without one) gives
// those tickets their key as MailboxKey computes it, so that their
// requester still finds them, and loses the index.
func TestRequesterKeyBackfill(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			o := Options{DataDir: t.TempDir()}
			now := "0"
			if name == "postgres" {
				o, now = Options{DatabaseURL: pgtest.URL(t)}, "now()"
			}
			ms, err := migrations(name)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(ms, func(m migration) bool { return strings.HasSuffix(m.name, "_requester_by_key") })
			if i < 0 {
				t.Fatal("no requester_by_key migration")
			}
			s, err := Open(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			addrs := []string{"Awa.Diop@Example.org", " awa+imprimante@example.org ", "moussa@example.org+x", "plain@example.org", ""}
			old := []string{
				`CREATE INDEX tickets_requester ON tickets (lower(requester), id)`,
				fmt.Sprintf(`DELETE FROM schema_migrations WHERE version >= %d`, ms[i].version),
			}
			for n, a := range addrs {
				old = append(old, fmt.Sprintf(`INSERT INTO tickets (number, status, priority, created_at, updated_at, requester, requester_key)
VALUES ('B%d', 'open', 'normal', %s, %s, '%s', '')`, n, now, now, a))
			}
			b := backendOf(name, s)
			for _, q := range old {
				b.exec(t, q)
			}
			s.Close()
			if s, err = Open(ctx, o); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			b = backendOf(name, s)
			for n, a := range addrs {
				want := MailboxKey(a)
				if got := b.count(t, fmt.Sprintf(`SELECT count(*) FROM tickets WHERE number = 'B%d' AND requester_key = '%s'`, n, want)); got != 1 {
					t.Errorf("the ticket of %q has not the key %q after the upgrade", a, want)
				}
			}
			if b.hasIndex(t, "tickets_requester") {
				t.Error("tickets_requester is still there after the upgrade")
			}
			got, err := s.FindTickets(ctx, TicketQuery{Requester: "awa.diop@example.org"})
			if err != nil || len(got) != 1 || got[0].Number != "B0" {
				t.Errorf("FindTickets(awa.diop@example.org) = %v, %v; want B0 after the upgrade", got, err)
			}
		})
	}
}

// queueOne creates a ticket for a request from a@example.org, Message-ID
// <a@example.org>, and queues one outbound message for it.
func queueOne(ctx context.Context, tx Tx, now time.Time) (Ticket, error) {
	id, err := tx.InsertMessage(ctx, &Message{Direction: DirIn, Kind: KindRequest, From: "a@example.org",
		MessageID: "<a@example.org>", Raw: []byte("Subject: x\r\n\r\nx\r\n"), DedupeKey: "k"})
	if err != nil {
		return Ticket{}, err
	}
	tks, err := tx.CreateTickets(ctx, []NewTicket{{Subject: "x", Requester: "a@example.org", MessageRowID: id, MessageKind: KindRequest}})
	if err != nil {
		return Ticket{}, err
	}
	_, err = tx.Enqueue(ctx, &Outbound{TicketID: tks[0].ID, MailFrom: "support@example.org", To: []string{"a@example.org"},
		MessageID: "<r@example.org>", Raw: []byte("x"), CreatedAt: now})
	return tks[0], err
}
