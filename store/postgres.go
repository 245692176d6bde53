package store

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrationLockKey is the pg_advisory_xact_lock key that serialises
// migrations when several processes start at once ("guichet" in ASCII).
const migrationLockKey int64 = 0x67756963686574

// pgStore is the PostgreSQL backend.
type pgStore struct {
	pool *pgxpool.Pool
	log  *slog.Logger
	now  func() time.Time
}

var _ Store = (*pgStore)(nil)

// pgQuerier is what both the pool and a transaction offer.
type pgQuerier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// replan, passed first to a query, has PostgreSQL plan the statement for
// each call's own arguments instead of reusing a generic plan (pgx still
// caches its description, so it costs no extra round trip). pgx prepares
// every statement, and after five calls PostgreSQL keeps a generic plan,
// costed against the table sizes of that moment, until the next ANALYZE:
// on a young database that froze sequential scans into the statements
// that take arrays of ids or search a growing table (the outbox claim,
// ticket creation's message update, the acknowledgment sources), so their
// cost grew with every message until autovacuum caught up. Planning each
// call costs far less than one such scan; look-ups by one key keep their
// cached plans (MarkSent is written as such).
const replan = pgx.QueryExecModeCacheDescribe

func openPostgres(ctx context.Context, o Options) (*pgStore, []string, error) {
	cfg, err := pgxpool.ParseConfig(o.DatabaseURL)
	if err != nil {
		// The message of a parse error may quote the password; do not wrap it.
		return nil, nil, errors.New("store: invalid PostgreSQL URL")
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	// The statements planned per call (replan) need pgx's description
	// cache: without it (description_cache_capacity=0 in the URL) each of
	// them would fail. It holds descriptions only, and serves no other mode.
	if cfg.ConnConfig.DescriptionCacheCapacity <= 0 {
		cfg.ConnConfig.DescriptionCacheCapacity = 512
	}
	if _, ok := ctx.Deadline(); !ok && cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, wrap("store: connect to PostgreSQL", err)
	}
	s := &pgStore{pool: pool, log: o.logger(), now: o.clock()}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, nil, wrap("store: connect to PostgreSQL", err)
	}
	applied, err := s.migrate(ctx)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return s, applied, nil
}

// migrate applies pending migrations, each in its own transaction under a
// transaction-scoped advisory lock, so that concurrent starters queue up and
// each migration runs exactly once.
func (s *pgStore) migrate(ctx context.Context) ([]string, error) {
	return applyMigrations(ctx, "postgres", s.log, s.migrateOne)
}

func (s *pgStore) migrateOne(ctx context.Context, ms []migration) (name string, done bool, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return "", false, wrap("store: migrate", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockKey); err != nil {
		return "", false, wrap("store: migrate: lock", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return "", false, wrap("store: migrate", err)
	}
	rows, err := tx.Query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return "", false, wrap("store: migrate", err)
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return "", false, wrap("store: migrate", err)
	}
	have, maxV := map[int]bool{}, 0
	for _, v := range versions {
		have[int(v)] = true
		maxV = max(maxV, int(v))
	}
	m, ok, err := pending(ms, have, maxV)
	if err != nil || !ok {
		return "", true, err
	}
	// No arguments: pgx uses the simple protocol, which runs the whole file.
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return "", false, wrap("store: migration "+m.name, err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
		return "", false, wrap("store: migration "+m.name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return "", false, wrap("store: migration "+m.name, err)
	}
	return m.name, false, nil
}

func (s *pgStore) Close() { s.pool.Close() }

func (s *pgStore) InTx(ctx context.Context, fn TxFunc) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap("store: begin", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after commit
	if err := fn(ctx, &pgTx{q: tx, now: s.now}); err != nil {
		return err
	}
	return wrap("store: commit", tx.Commit(ctx))
}

// InTxBatch runs fns in one transaction committed once: the fsync is
// shared (group commit). See runBatch for how one fn's failure is isolated.
func (s *pgStore) InTxBatch(ctx context.Context, fns []TxFunc) ([]error, error) {
	return s.InTxBatchFinish(ctx, fns, nil)
}

// InTxBatchFinish is InTxBatch with a last step before the commit.
func (s *pgStore) InTxBatchFinish(ctx context.Context, fns []TxFunc, finish BatchFinish) ([]error, error) {
	return runBatch(ctx, fns, finish, func(ctx context.Context) (batchTx, error) {
		tx, err := s.pool.Begin(ctx)
		if err != nil {
			return batchTx{}, wrap("store: begin", err)
		}
		return batchTx{
			tx:       &pgTx{q: tx, now: s.now},
			commit:   func() error { return wrap("store: commit", tx.Commit(ctx)) },
			rollback: func() { tx.Rollback(context.WithoutCancel(ctx)) }, //nolint:errcheck // the connection is reset on failure
		}, nil
	})
}

// pgTx implements Tx on a pgx transaction or savepoint.
type pgTx struct {
	q   pgx.Tx
	now func() time.Time
}

var _ Tx = (*pgTx)(nil)

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

func utc(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

// InsertMessage stores the message, its attachments' content (once per
// hash) and their metadata in one statement. ON CONFLICT DO NOTHING on
// dedupe_key makes a duplicate return no row instead of failing, so the
// transaction stays usable; the attachment inserts are guarded by the
// message insert having happened.
func (t *pgTx) InsertMessage(ctx context.Context, m *Message) (int64, error) {
	return t.insertMessage(ctx, m, nil)
}

// InsertOutbound records an outbound message and queues it: the message,
// its attachments and the outbox row in one statement.
func (t *pgTx) InsertOutbound(ctx context.Context, m *Message, o *Outbound) (int64, error) {
	return t.insertMessage(ctx, m, o)
}

// insertMessage is InsertMessage, followed in the same statement by the
// outbox row of o when o is not nil.
func (t *pgTx) insertMessage(ctx context.Context, m *Message, o *Outbound) (int64, error) {
	st, err := t.insertMessageStmt(m, o)
	if err != nil {
		return 0, err
	}
	return st.scan(t.q.QueryRow(ctx, st.query, st.args...))
}

// InsertOutbounds is InsertOutbound for several messages, sent to the
// server in one round trip (a pgx batch); it stops at the first error.
func (t *pgTx) InsertOutbounds(ctx context.Context, ms []*Message, os []*Outbound) error {
	if len(ms) != len(os) {
		return fmt.Errorf("store: insert outbounds: %d messages for %d outbounds", len(ms), len(os))
	}
	stmts := make([]rowStmt, len(ms))
	for i := range ms {
		st, err := t.insertMessageStmt(ms[i], os[i])
		if err != nil {
			return err
		}
		stmts[i] = st
	}
	return t.sendBatch(ctx, "store: insert outbounds", stmts)
}

// rowStmt is one statement returning one row, and what reads that row.
type rowStmt struct {
	query string
	args  []any
	scan  func(pgx.Row) (int64, error)
}

// sendBatch sends stmts in one round trip and scans their rows in order.
func (t *pgTx) sendBatch(ctx context.Context, op string, stmts []rowStmt) error {
	if len(stmts) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for _, st := range stmts {
		b.Queue(st.query, st.args...)
	}
	br := t.q.SendBatch(ctx, b)
	for _, st := range stmts {
		if _, err := st.scan(br.QueryRow()); err != nil {
			return errors.Join(err, wrap(op, br.Close()))
		}
	}
	return wrap(op, br.Close())
}

// insertMessageStmt prepares insertMessage's statement; its scan fills the
// ids of m (and o).
func (t *pgTx) insertMessageStmt(m *Message, o *Outbound) (rowStmt, error) {
	prepareMessage(m, t.now())
	env, err := json.Marshal(m.Envelope)
	if err != nil {
		return rowStmt{}, fmt.Errorf("store: insert message: envelope: %w", err)
	}
	content := distinctContent(m.Attachments)
	cSHA, cSize, cData := make([]string, len(content)), make([]int64, len(content)), make([][]byte, len(content))
	for i, a := range content {
		cSHA[i], cSize[i], cData[i] = a.SHA256, int64(len(a.Data)), a.Data
	}
	n := len(m.Attachments)
	aName, aType, aCID, aInline, aSize, aSHA := make([]string, n), make([]string, n), make([]string, n), make([]bool, n), make([]int64, n), make([]string, n)
	for i, a := range m.Attachments {
		aName[i], aType[i], aCID[i], aInline[i], aSize[i], aSHA[i] = a.Filename, a.ContentType, a.ContentID, a.Inline, a.Size, a.SHA256
	}
	query := `
WITH m AS (
    INSERT INTO messages (ticket_id, direction, kind, from_addr, from_name, to_addrs, cc_addrs,
        subject, message_id, in_reply_to, refs, date, body, raw, raw_sha256, parse_error,
        envelope, dedupe_key, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18, $19)
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id
), content AS (
    INSERT INTO attachments (sha256, size, data)
    SELECT c.sha256, c.size, c.data
    FROM unnest($20::text[], $21::bigint[], $22::bytea[]) AS c(sha256, size, data)
    WHERE EXISTS (SELECT 1 FROM m)
    ON CONFLICT (sha256) DO NOTHING
), meta AS (
    INSERT INTO message_attachments (message_id, position, filename, content_type, content_id, inline, size, sha256)
    SELECT m.id, a.position, a.filename, a.content_type, a.content_id, a.inline, a.size, a.sha256
    FROM m, unnest($23::text[], $24::text[], $25::text[], $26::bool[], $27::bigint[], $28::text[])
        WITH ORDINALITY AS a(filename, content_type, content_id, inline, size, sha256, position)
)
`
	args := []any{
		nullID(m.TicketID), string(m.Direction), string(m.Kind), m.From, m.FromName, m.To, m.Cc,
		m.Subject, m.MessageID, m.InReplyTo, m.References, nullTime(m.Date), m.Text, m.Raw, m.RawSHA256, m.ParseError,
		string(env), m.DedupeKey, m.CreatedAt,
		cSHA, cSize, cData,
		aName, aType, aCID, aInline, aSize, aSHA,
	}
	if o == nil {
		query += `SELECT id FROM m`
	} else {
		prepareOutbound(o, t.now())
		query += `, o AS (
    INSERT INTO outbox (ticket_id, message_row_id, mail_from, rcpt, subject, message_id, raw,
        next_attempt_at, created_at, kind, rcpt_key)
    SELECT $29, m.id, $30, $31, $32, $33, $34, $35, $36, $3, $37 FROM m
    RETURNING id, message_row_id
)
SELECT message_row_id, id FROM o`
		// The bytes are the message row's: written once, read back by the
		// sender through pgOutboxCols.
		args = append(args, nullID(o.TicketID), o.MailFrom, o.To, o.Subject, o.MessageID, []byte{},
			o.NextAttemptAt, o.CreatedAt, rcptKey(o.To))
	}
	scan := func(row pgx.Row) (int64, error) {
		var id int64
		var err error
		if o == nil {
			err = row.Scan(&id)
		} else {
			err = row.Scan(&id, &o.ID)
		}
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, fmt.Errorf("store: insert message %q: %w", m.DedupeKey, ErrDuplicate)
		}
		if err != nil {
			return 0, wrap("store: insert message", err)
		}
		m.ID = id
		if o != nil {
			o.MessageRowID, o.State = id, OutQueued
		}
		return id, nil
	}
	return rowStmt{query: query, args: args, scan: scan}, nil
}

// AttachMessage sets the ticket and, unless kind is "", the kind.
func (t *pgTx) AttachMessage(ctx context.Context, messageRowID, ticketID int64, kind Kind) error {
	// Joining tickets makes a missing ticket a zero-row update (ErrNotFound)
	// instead of a foreign-key error that would abort the transaction.
	tag, err := t.q.Exec(ctx, `
UPDATE messages SET ticket_id = t.id, kind = coalesce(nullif($3, ''), messages.kind)
FROM tickets t WHERE messages.id = $1 AND t.id = $2`, messageRowID, ticketID, string(kind))
	if err != nil {
		return wrap("store: attach message", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: attach message %d to ticket %d: %w", messageRowID, ticketID, ErrNotFound)
	}
	return nil
}

const pgMessageCols = `m.id, coalesce(m.ticket_id, 0), m.direction, m.kind, m.from_addr, m.from_name,
    m.to_addrs, m.cc_addrs, m.subject, m.message_id, m.in_reply_to, m.refs, m.date, m.body,
    m.raw_sha256, m.parse_error, m.envelope, m.dedupe_key, m.created_at,
    coalesce((SELECT tn.number FROM tickets tn WHERE tn.id = m.ticket_id), '')`

func scanPGMessage(row pgx.Row) (Message, error) {
	var (
		m         Message
		dir, kind string
		date      *time.Time
		env       []byte
	)
	err := row.Scan(&m.ID, &m.TicketID, &dir, &kind, &m.From, &m.FromName, &m.To, &m.Cc,
		&m.Subject, &m.MessageID, &m.InReplyTo, &m.References, &date, &m.Text,
		&m.RawSHA256, &m.ParseError, &env, &m.DedupeKey, &m.CreatedAt, &m.TicketNumber)
	if err != nil {
		return m, err
	}
	m.Direction, m.Kind, m.Date, m.CreatedAt = Direction(dir), Kind(kind), utc(date), m.CreatedAt.UTC()
	if err := json.Unmarshal(env, &m.Envelope); err != nil {
		return m, fmt.Errorf("envelope of message %d: %w", m.ID, err)
	}
	return m, nil
}

func (t *pgTx) MessageByDedupeKey(ctx context.Context, key string) (Message, error) {
	m, err := scanPGMessage(t.q.QueryRow(ctx, `SELECT `+pgMessageCols+` FROM messages m WHERE m.dedupe_key = $1`, key))
	if err != nil {
		return Message{}, wrap("store: message by dedupe key", err)
	}
	return m, nil
}

// CreateTicket takes the next number of the year, inserts the ticket, its
// requester as first participant and the first history entry in one
// statement. The counter upsert locks the year's row until commit: other
// creators wait, and a rollback gives the number back (gap-free).
func (t *pgTx) CreateTicket(ctx context.Context, nt NewTicket) (Ticket, error) {
	tks, err := t.CreateTickets(ctx, []NewTicket{nt})
	if err != nil {
		return Ticket{}, err
	}
	return tks[0], nil
}

// CreateTickets creates several tickets, numbered in the order given.
//
// A batch's tickets of one year go in one statement: the counter moves
// once, by their number, and the rows are written together (one statement
// per ticket cost about 0.4 ms of server time each, most of it per-statement
// overhead and the counter row rewritten every time).
func (t *pgTx) CreateTickets(ctx context.Context, nts []NewTicket) ([]Ticket, error) {
	out := make([]Ticket, 0, len(nts))
	for start := 0; start < len(nts); {
		year := t.ticketYear(&nts[start])
		end := start + 1
		for end < len(nts) && t.ticketYear(&nts[end]) == year {
			end++
		}
		tks, err := t.createTicketsOfYear(ctx, year, nts[start:end])
		if err != nil {
			return nil, err
		}
		out = append(out, tks...)
		start = end
	}
	return out, nil
}

func (t *pgTx) ticketYear(nt *NewTicket) int {
	prepareTicket(nt, t.now())
	return nt.CreatedAt.Year()
}

const pgCreateTickets = `
WITH c AS (
    INSERT INTO ticket_counters (year, last) VALUES ($1, $2)
    ON CONFLICT (year) DO UPDATE SET last = ticket_counters.last + $2
    RETURNING last
), v AS (
    SELECT v.*, c.last - $2 + v.ord AS n
    FROM c, unnest($3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[], $9::text[],
        $10::text[], $11::timestamptz[])
        WITH ORDINALITY AS v(subject, category, category_source, confidence, requester, linked_to,
            no_ack_reason, incident_key, created_at, ord)
), t AS (
    INSERT INTO tickets (number, subject, category, category_source, confidence, requester,
        linked_to, no_ack_reason, incident_key, created_at, updated_at)
    SELECT $1::int::text || '-' || lpad(v.n::text, greatest(6, length(v.n::text)), '0'),
        v.subject, v.category, v.category_source, v.confidence, v.requester, v.linked_to,
        v.no_ack_reason, v.incident_key, v.created_at, v.created_at
    FROM v ORDER BY v.ord
    RETURNING id, number
), tv AS (
    SELECT t.id, v.* FROM t JOIN v ON t.number = $1::int::text || '-' || lpad(v.n::text, greatest(6, length(v.n::text)), '0')
), p AS (
    INSERT INTO participants (ticket_id, address, first_seen)
    SELECT tv.id, r.address, tv.created_at
    FROM unnest($12::bigint[], $13::text[]) WITH ORDINALITY AS r(ord, address, k) JOIN tv ON tv.ord = r.ord
    ORDER BY r.k
), h AS (
    INSERT INTO status_history (ticket_id, from_status, to_status, reason, at)
    SELECT tv.id, '', 'open', 'created', tv.created_at FROM tv ORDER BY tv.ord
)
SELECT tv.ord, tv.id, tv.n FROM tv ORDER BY tv.ord`

// pgAttachMessages gives each message its new ticket. Apart from the
// creation statement, whose cached plan has no scan to go wrong: this one
// is planned per call (replan), which for the whole creation statement
// cost ~1 ms of parsing and planning per batch on the committer's path.
const pgAttachMessages = `
UPDATE messages SET ticket_id = v.ticket_id, kind = coalesce(nullif(v.kind, ''), messages.kind)
FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS v(id, ticket_id, kind)
WHERE messages.id = v.id AND messages.id = ANY($1::bigint[])`

func (t *pgTx) createTicketsOfYear(ctx context.Context, year int, nts []NewTicket) ([]Ticket, error) {
	n := len(nts)
	var (
		subject, category, source, requester, linked, noAck, incident = make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		confidence = make([]float64, n)
		at         = make([]time.Time, n)
		parts      = make([][]string, n)
		partOrd    []int64
		partAddr   []string
		// The messages that open the tickets, and which ticket each opens.
		msgIDs, msgTickets []int64
		msgKinds           []string
		msgOf              []int
	)
	for i := range nts {
		nt := &nts[i]
		subject[i], category[i], source[i], confidence[i] = nt.Subject, nt.Category, nt.CategorySource, nt.Confidence
		requester[i], linked[i], noAck[i], incident[i] = nt.Requester, nt.LinkedTo, nt.NoAckReason, nt.IncidentKey
		at[i] = ts(nt.CreatedAt)
		if nt.MessageRowID != 0 {
			msgIDs, msgKinds, msgOf = append(msgIDs, nt.MessageRowID), append(msgKinds, string(nt.MessageKind)), append(msgOf, i)
		}
		parts[i] = normAddrs(append([]string{nt.Requester}, nt.Participants...))
		for _, a := range parts[i] {
			partOrd, partAddr = append(partOrd, int64(i+1)), append(partAddr, a)
		}
	}
	rows, err := t.q.Query(ctx, pgCreateTickets, year, n, subject, category, source, confidence, requester,
		linked, noAck, incident, at, partOrd, partAddr)
	if err != nil {
		return nil, wrap("store: create tickets", err)
	}
	out := make([]Ticket, n)
	got := 0
	for rows.Next() {
		var ord, id, num int64
		if err := rows.Scan(&ord, &id, &num); err != nil {
			rows.Close()
			return nil, wrap("store: create tickets", err)
		}
		i := int(ord - 1)
		out[i] = newTicket(id, ticketNumber(year, num), nts[i], at[i], parts[i])
		got++
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("store: create tickets", err)
	}
	if got != n {
		return nil, fmt.Errorf("store: create tickets: %d of %d created", got, n)
	}
	if len(msgIDs) == 0 {
		return out, nil
	}
	msgTickets = make([]int64, len(msgOf))
	for k, i := range msgOf {
		msgTickets[k] = out[i].ID
	}
	tag, err := t.q.Exec(ctx, pgAttachMessages, replan, msgIDs, msgTickets, msgKinds)
	if err != nil {
		return nil, wrap("store: create tickets", err)
	}
	if int(tag.RowsAffected()) != len(msgIDs) {
		return nil, fmt.Errorf("store: create tickets: %d of %d messages attached: %w", tag.RowsAffected(), len(msgIDs), ErrNotFound)
	}
	return out, nil
}

func newTicket(id int64, number string, nt NewTicket, at time.Time, participants []string) Ticket {
	return Ticket{
		ID: id, Number: number, Subject: nt.Subject, Status: StatusOpen,
		Category: nt.Category, CategorySource: nt.CategorySource, Confidence: nt.Confidence,
		Requester: nt.Requester, LinkedTo: nt.LinkedTo, NoAckReason: nt.NoAckReason,
		IncidentKey: nt.IncidentKey, Participants: participants, CreatedAt: at, UpdatedAt: at,
	}
}

const pgTicketCols = `t.id, t.number, t.subject, t.status, t.category, t.category_source, t.confidence,
    t.requester, t.linked_to, t.no_ack_reason, t.incident_key, t.repeats, t.created_at, t.updated_at,
    ARRAY(SELECT p.address FROM participants p WHERE p.ticket_id = t.id ORDER BY p.id)`

func scanPGTicket(row pgx.Row) (Ticket, error) {
	var (
		t      Ticket
		status string
	)
	err := row.Scan(&t.ID, &t.Number, &t.Subject, &status, &t.Category, &t.CategorySource, &t.Confidence,
		&t.Requester, &t.LinkedTo, &t.NoAckReason, &t.IncidentKey, &t.Repeats, &t.CreatedAt, &t.UpdatedAt,
		&t.Participants)
	t.Status, t.CreatedAt, t.UpdatedAt = Status(status), t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return t, err
}

func (t *pgTx) TicketByNumber(ctx context.Context, number string) (Ticket, error) {
	tk, err := scanPGTicket(t.q.QueryRow(ctx, `SELECT `+pgTicketCols+` FROM tickets t WHERE t.number = $1`, number))
	if err != nil {
		return Ticket{}, wrap("store: ticket "+number, err)
	}
	return tk, nil
}

// pgTicketByMessageIDs finds the messages first, through the
// messages_message_id index, then picks the newest. Written as one join
// with ORDER BY m.id DESC LIMIT 1, the planner walks the primary key
// backwards and filters: 24 ms at 10,000 messages when nothing matches (a
// reply to a message we never saw), growing with the table, inside the
// serial commit path.
const pgTicketByMessageIDs = `
WITH m AS MATERIALIZED (
    SELECT id, ticket_id FROM messages
    WHERE message_id = ANY($1::text[]) AND message_id <> ''
)
SELECT ` + pgTicketCols + ` FROM m JOIN tickets t ON t.id = m.ticket_id
ORDER BY m.id DESC LIMIT 1`

func (t *pgTx) TicketByMessageIDs(ctx context.Context, ids []string) (Ticket, error) {
	tk, err := scanPGTicket(t.q.QueryRow(ctx, pgTicketByMessageIDs, replan, cleanAll(ids)))
	if err != nil {
		return Ticket{}, wrap("store: ticket by message ids", err)
	}
	return tk, nil
}

func (t *pgTx) TicketByIncidentKey(ctx context.Context, key string) (Ticket, error) {
	tk, err := scanPGTicket(t.q.QueryRow(ctx, `
SELECT `+pgTicketCols+` FROM tickets t WHERE t.incident_key = $1 AND t.incident_key <> ''
ORDER BY t.id DESC LIMIT 1`, key))
	if err != nil {
		return Ticket{}, wrap("store: ticket by incident key", err)
	}
	return tk, nil
}

func (t *pgTx) IsParticipant(ctx context.Context, ticketID int64, addr string) (bool, error) {
	a := normAddrs([]string{addr})
	if len(a) == 0 {
		return false, nil
	}
	var ok bool
	err := t.q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM participants WHERE ticket_id = $1 AND address = $2)`,
		ticketID, a[0]).Scan(&ok)
	return ok, wrap("store: is participant", err)
}

func (t *pgTx) AddParticipants(ctx context.Context, ticketID int64, addrs []string) error {
	a := normAddrs(addrs)
	if len(a) == 0 {
		return nil
	}
	// ORDER BY n keeps the identity order equal to the order given, which
	// is the first-seen order Ticket lists.
	_, err := t.q.Exec(ctx, `
INSERT INTO participants (ticket_id, address, first_seen)
SELECT $1, u.address, $3 FROM unnest($2::text[]) WITH ORDINALITY AS u(address, n) ORDER BY u.n
ON CONFLICT (ticket_id, address) DO NOTHING`, ticketID, a, ts(t.now()))
	return wrap("store: add participants", err)
}

// SetStatus changes the status and records the change; setting the status
// a ticket already has records nothing.
func (t *pgTx) SetStatus(ctx context.Context, ticketID int64, to Status, reason string, at time.Time) error {
	var found bool
	err := t.q.QueryRow(ctx, `
WITH old AS (
    SELECT id, status FROM tickets WHERE id = $1 FOR UPDATE
), upd AS (
    UPDATE tickets SET status = $2, updated_at = greatest(tickets.updated_at, $4)
    FROM old WHERE tickets.id = old.id AND old.status <> $2
    RETURNING old.status AS from_status
), h AS (
    INSERT INTO status_history (ticket_id, from_status, to_status, reason, at)
    SELECT $1, upd.from_status, $2, $3, $4 FROM upd
)
SELECT EXISTS (SELECT 1 FROM old)`, ticketID, string(to), clean(reason), ts(at)).Scan(&found)
	if err != nil {
		return wrap("store: set status", err)
	}
	if !found {
		return fmt.Errorf("store: set status of ticket %d: %w", ticketID, ErrNotFound)
	}
	return nil
}

func (t *pgTx) exec1(ctx context.Context, op string, sql string, args ...any) error {
	tag, err := t.q.Exec(ctx, sql, args...)
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	return nil
}

func (t *pgTx) SetCategory(ctx context.Context, ticketID int64, code, source string, confidence float64) error {
	return t.exec1(ctx, "store: set category", `
UPDATE tickets SET category = $2, category_source = $3, confidence = $4 WHERE id = $1`,
		ticketID, clean(code), clean(source), confidence)
}

func (t *pgTx) SetNoAckReason(ctx context.Context, ticketID int64, reason string) error {
	return t.exec1(ctx, "store: set no-ack reason", `UPDATE tickets SET no_ack_reason = $2 WHERE id = $1`,
		ticketID, clean(reason))
}

// SetNoAckReasons updates the tickets in one statement.
func (t *pgTx) SetNoAckReasons(ctx context.Context, ids []int64, reasons []string) error {
	if len(ids) != len(reasons) {
		return fmt.Errorf("store: set no-ack reasons: %d tickets for %d reasons", len(ids), len(reasons))
	}
	if len(ids) == 0 {
		return nil
	}
	tag, err := t.q.Exec(ctx, `
UPDATE tickets SET no_ack_reason = v.reason
FROM unnest($1::bigint[], $2::text[]) AS v(id, reason) WHERE tickets.id = v.id`, replan, ids, cleanAll(reasons))
	if err != nil {
		return wrap("store: set no-ack reasons", err)
	}
	if int(tag.RowsAffected()) != len(ids) {
		return fmt.Errorf("store: set no-ack reasons: %d of %d tickets: %w", tag.RowsAffected(), len(ids), ErrNotFound)
	}
	return nil
}

func (t *pgTx) BumpRepeats(ctx context.Context, ticketID int64) (int, error) {
	var n int
	err := t.q.QueryRow(ctx, `UPDATE tickets SET repeats = repeats + 1 WHERE id = $1 RETURNING repeats`, ticketID).Scan(&n)
	return n, wrap("store: bump repeats", err)
}

func (t *pgTx) Touch(ctx context.Context, ticketID int64, at time.Time) error {
	return t.exec1(ctx, "store: touch ticket", `
UPDATE tickets SET updated_at = greatest(updated_at, $2) WHERE id = $1`, ticketID, ts(at))
}

func (t *pgTx) Enqueue(ctx context.Context, o *Outbound) (int64, error) {
	prepareOutbound(o, t.now())
	err := t.q.QueryRow(ctx, `
INSERT INTO outbox (ticket_id, message_row_id, mail_from, rcpt, subject, message_id, raw,
    next_attempt_at, created_at, kind, rcpt_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
    coalesce((SELECT kind FROM messages WHERE id = $2), ''), $10)
RETURNING id`,
		nullID(o.TicketID), nullID(o.MessageRowID), o.MailFrom, o.To, o.Subject, o.MessageID, o.Raw,
		o.NextAttemptAt, o.CreatedAt, rcptKey(o.To)).Scan(&o.ID)
	if err != nil {
		return 0, wrap("store: enqueue", err)
	}
	return o.ID, nil
}

func (t *pgTx) QueueAcks(ctx context.Context, os []*Outbound) error {
	if len(os) == 0 {
		return nil
	}
	n := len(os)
	tickets, from, to, subject, msgID := make([]*int64, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	due, created, keys := make([]time.Time, n), make([]time.Time, n), make([]string, n)
	for i, o := range os {
		prepareOutbound(o, t.now())
		if len(o.To) != 1 {
			return fmt.Errorf("store: queue acknowledgments: %d recipients, want 1", len(o.To))
		}
		if o.TicketID != 0 {
			tickets[i] = &o.TicketID
		}
		from[i], to[i], subject[i], msgID[i] = o.MailFrom, o.To[0], o.Subject, o.MessageID
		due[i], created[i], keys[i] = o.NextAttemptAt, o.CreatedAt, rcptKey(o.To)
	}
	rows, err := t.q.Query(ctx, `
INSERT INTO outbox (ticket_id, mail_from, rcpt, subject, message_id, raw, next_attempt_at, created_at, kind, rcpt_key)
SELECT v.ticket_id, v.mail_from, ARRAY[v.rcpt], v.subject, v.message_id, '\x', v.due, v.created, 'ack', v.rcpt_key
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[])
    WITH ORDINALITY AS v(ticket_id, mail_from, rcpt, subject, message_id, due, created, rcpt_key, ord)
ORDER BY v.ord
RETURNING id`, tickets, from, to, subject, msgID, due, created, keys)
	if err != nil {
		return wrap("store: queue acknowledgments", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return wrap("store: queue acknowledgments", err)
	}
	if len(ids) != n {
		return fmt.Errorf("store: queue acknowledgments: %d of %d queued", len(ids), n)
	}
	// Identity values follow the ORDER BY of the insert's SELECT.
	slices.Sort(ids)
	for i, o := range os {
		o.ID = ids[i]
	}
	return nil
}

func (t *pgTx) LinkOutbound(ctx context.Context, outboxID, messageRowID int64) error {
	tag, err := t.q.Exec(ctx, `UPDATE outbox SET message_row_id = $2 WHERE id = $1 AND message_row_id IS NULL`,
		outboxID, messageRowID)
	if err != nil {
		return wrap("store: link outbound", err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("store: link outbound %d: %w", outboxID, ErrNotFound)
	}
	return nil
}

// CountOutboundTo counts through the outbox_rate index (migration 0003):
// the kind is the kind of the messages row that records the outbound
// message, the address its first recipient.
func (t *pgTx) CountOutboundTo(ctx context.Context, addr string, kind Kind, since time.Time) (int, error) {
	var n int
	err := t.q.QueryRow(ctx, `
SELECT count(*) FROM outbox WHERE rcpt_key = $1 AND kind = $2 AND created_at >= $3`,
		rcptKey([]string{addr}), string(kind), ts(since)).Scan(&n)
	return n, wrap("store: count outbound", err)
}

// CountOutboundToMany is CountOutboundTo for several addresses in one
// statement; absent addresses count 0. One outbox_rate look-up per address:
// written as rcpt_key = ANY(…) with GROUP BY, the planner sometimes scanned
// the whole recent outbox through outbox_created (1.1 ms a call at 5,000
// rows instead of 0.07 ms, growing with the hour's traffic).
func (t *pgTx) CountOutboundToMany(ctx context.Context, addrs []string, kind Kind, since time.Time) (map[string]int, error) {
	keys := make([]string, len(addrs))
	for i, a := range addrs {
		keys[i] = rcptKey([]string{a})
	}
	rows, err := t.q.Query(ctx, `
SELECT k.key, (SELECT count(*) FROM outbox o WHERE o.rcpt_key = k.key AND o.kind = $2 AND o.created_at >= $3)
FROM unnest($1::text[]) AS k(key)`, keys, string(kind), ts(since))
	if err != nil {
		return nil, wrap("store: count outbound", err)
	}
	defer rows.Close()
	out := make(map[string]int, len(keys))
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, wrap("store: count outbound", err)
		}
		out[k] = n
	}
	return out, wrap("store: count outbound", rows.Err())
}

// --- reads outside the pipeline's transaction ---

func (s *pgStore) AckSources(ctx context.Context, outboxIDs []int64) (map[int64]AckSource, error) {
	rows, err := s.pool.Query(ctx, `
SELECT o.id, `+pgTicketCols+` FROM outbox o JOIN tickets t ON t.id = o.ticket_id
WHERE o.id = ANY($1::bigint[]) AND o.kind = 'ack'`, replan, outboxIDs)
	if err != nil {
		return nil, wrap("store: acknowledgment sources", err)
	}
	defer rows.Close()
	out, byTicket, err := ackTickets(rows, func(r scanner) (Ticket, error) { return scanPGTicket(r) })
	if err != nil {
		return nil, err
	}
	// The ids first, through messages_ticket, then the rows by primary key:
	// as "m.id IN (subquery)" the planner scanned every message while the
	// table's statistics were young (26 ms a call at 10,000 messages).
	firsts, err := pgMessageRows(ctx, s.pool, `m.id = ANY(ARRAY(
    SELECT (SELECT f.id FROM messages f WHERE f.ticket_id = o.ticket_id AND f.direction = 'in' ORDER BY f.id LIMIT 1)
    FROM outbox o WHERE o.id = ANY($1::bigint[])))`, replan, outboxIDs)
	if err != nil {
		return nil, err
	}
	addFirsts(out, byTicket, firsts)
	return out, nil
}

func (s *pgStore) Tickets(ctx context.Context, f TicketFilter) ([]Ticket, error) {
	var limit any
	if f.Limit > 0 {
		limit = f.Limit
	}
	rows, err := s.pool.Query(ctx, `
SELECT `+pgTicketCols+` FROM tickets t
WHERE ($1 = '' OR t.status = $1) AND ($2 = '' OR t.category = $2)
ORDER BY t.created_at DESC, t.id DESC LIMIT $3`, string(f.Status), f.Category, limit)
	if err != nil {
		return nil, wrap("store: tickets", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Ticket, error) { return scanPGTicket(r) })
	return out, wrap("store: tickets", err)
}

func (s *pgStore) Ticket(ctx context.Context, number string) (TicketDetail, error) {
	// One snapshot for the ticket and its history.
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return TicketDetail{}, wrap("store: ticket", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	tk, err := scanPGTicket(tx.QueryRow(ctx, `SELECT `+pgTicketCols+` FROM tickets t WHERE t.number = $1`, number))
	if err != nil {
		return TicketDetail{}, wrap("store: ticket "+number, err)
	}
	d := TicketDetail{Ticket: tk, Messages: []Message{}, History: []StatusChange{}}
	if d.Messages, err = pgMessages(ctx, tx, `m.ticket_id = $1`, tk.ID); err != nil {
		return TicketDetail{}, err
	}
	rows, err := tx.Query(ctx, `
SELECT from_status, to_status, reason, at FROM status_history WHERE ticket_id = $1 ORDER BY id`, tk.ID)
	if err != nil {
		return TicketDetail{}, wrap("store: ticket history", err)
	}
	d.History, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (StatusChange, error) {
		var c StatusChange
		var from, to string
		err := r.Scan(&from, &to, &c.Reason, &c.At)
		c.From, c.To, c.At = Status(from), Status(to), c.At.UTC()
		return c, err
	})
	if err != nil {
		return TicketDetail{}, wrap("store: ticket history", err)
	}
	return d, nil
}

// pgMessageRows lists messages matching where (oldest first), without
// their attachments.
func pgMessageRows(ctx context.Context, q pgQuerier, where string, args ...any) ([]Message, error) {
	rows, err := q.Query(ctx, `SELECT `+pgMessageCols+` FROM messages m WHERE `+where+` ORDER BY m.id`, args...)
	if err != nil {
		return nil, wrap("store: messages", err)
	}
	msgs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Message, error) { return scanPGMessage(r) })
	if err != nil {
		return nil, wrap("store: messages", err)
	}
	return msgs, nil
}

// pgMessages is pgMessageRows with each message's attachment metadata, in
// a second query.
func pgMessages(ctx context.Context, q pgQuerier, where string, args ...any) ([]Message, error) {
	msgs, err := pgMessageRows(ctx, q, where, args...)
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return []Message{}, nil
	}
	byID := make(map[int64]int, len(msgs))
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		byID[m.ID], ids[i] = i, m.ID
	}
	rows, err := q.Query(ctx, `
SELECT message_id, filename, content_type, content_id, inline, size, sha256
FROM message_attachments WHERE message_id = ANY($1::bigint[]) ORDER BY message_id, position`, replan, ids)
	if err != nil {
		return nil, wrap("store: attachments", err)
	}
	defer rows.Close()
	return msgs, addAttachments(rows, msgs, byID)
}

func (s *pgStore) RawMessage(ctx context.Context, messageRowID int64) ([]byte, error) {
	var raw []byte
	err := s.pool.QueryRow(ctx, `SELECT raw FROM messages WHERE id = $1`, messageRowID).Scan(&raw)
	if err != nil {
		return nil, wrap("store: raw message", err)
	}
	return raw, nil
}

func (s *pgStore) AttachmentData(ctx context.Context, sha256 string) ([]byte, error) {
	var data []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM attachments WHERE sha256 = $1`, sha256).Scan(&data)
	if err != nil {
		return nil, wrap("store: attachment data", err)
	}
	return data, nil
}

// Unticketed relies on the partial index messages_unticketed.
func (s *pgStore) Unticketed(ctx context.Context) ([]Message, error) {
	return pgMessages(ctx, s.pool, `m.ticket_id IS NULL`)
}

// pgOutboxCols: an outbox row queued by InsertOutbound keeps no copy of
// the bytes; they are its message row's.
const pgOutboxCols = `o.id, coalesce(o.ticket_id, 0), coalesce(t.number, ''), coalesce(o.message_row_id, 0),
    o.mail_from, o.rcpt, o.subject, o.message_id,
    CASE WHEN length(o.raw) = 0 AND o.message_row_id IS NOT NULL
        THEN (SELECT m.raw FROM messages m WHERE m.id = o.message_row_id) ELSE o.raw END,
    o.state, o.attempts, o.last_error,
    o.next_attempt_at, o.created_at, o.sent_at`

func scanPGOutbound(r pgx.CollectableRow) (Outbound, error) {
	var (
		o     Outbound
		state string
		sent  *time.Time
	)
	err := r.Scan(&o.ID, &o.TicketID, &o.TicketNumber, &o.MessageRowID, &o.MailFrom, &o.To, &o.Subject,
		&o.MessageID, &o.Raw, &state, &o.Attempts, &o.LastError, &o.NextAttemptAt, &o.CreatedAt, &sent)
	o.State, o.SentAt = OutState(state), utc(sent)
	o.NextAttemptAt, o.CreatedAt = o.NextAttemptAt.UTC(), o.CreatedAt.UTC()
	return o, err
}

// ClaimOutbound leases due rows; SKIP LOCKED lets several senders claim
// disjoint sets at once, and the lease keeps a claimed row from being
// claimed again until it ends (the sender died) or a Mark* clears it.
func (s *pgStore) ClaimOutbound(ctx context.Context, now time.Time, n int, lease time.Duration) ([]Outbound, error) {
	if n <= 0 {
		return nil, nil
	}
	now = ts(now)
	rows, err := s.pool.Query(ctx, `
WITH o AS (
    UPDATE outbox SET lease_until = $2
    WHERE id IN (
        SELECT id FROM outbox
        WHERE state IN ('queued', 'retrying') AND next_attempt_at <= $1
          AND (lease_until IS NULL OR lease_until < $1)
        ORDER BY id LIMIT $3
        FOR UPDATE SKIP LOCKED)
    RETURNING *
)
SELECT `+pgOutboxCols+` FROM o LEFT JOIN tickets t ON t.id = o.ticket_id ORDER BY o.id`,
		replan, now, ts(now.Add(lease)), n)
	if err != nil {
		return nil, wrap("store: claim outbound", err)
	}
	out, err := pgx.CollectRows(rows, scanPGOutbound)
	return out, wrap("store: claim outbound", err)
}

func (s *pgStore) exec1(ctx context.Context, op, sql string, args ...any) error {
	tag, err := s.pool.Exec(ctx, sql, args...)
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	return nil
}

// MarkSent records delivery; attempts counts every attempt, the last one
// included, so "sent, 1 attempt" reads as it should in guichet outbox.
// One update per row by primary key, sent together (one round trip, one
// implicit transaction): the cached plan of a key look-up stays right as
// the outbox grows, where one statement over an array of ids had to be
// planned again at every call (~0.5 ms, for groups of three on average).
func (s *pgStore) MarkSent(ctx context.Context, sent ...Sent) error {
	ids, at, notes := sentColumns(sent)
	if len(ids) == 0 {
		return nil
	}
	b := &pgx.Batch{}
	for i := range ids {
		b.Queue(`
UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = $2::timestamptz, lease_until = NULL,
    last_error = CASE WHEN $3::text = '' THEN last_error ELSE $3::text END
WHERE id = $1`, ids[i], at[i], notes[i])
	}
	br := s.pool.SendBatch(ctx, b)
	var affected int64
	for range ids {
		tag, err := br.Exec()
		if err != nil {
			br.Close() // returns err again: the batch stopped there
			return wrap("store: mark sent", err)
		}
		affected += tag.RowsAffected()
	}
	if err := br.Close(); err != nil {
		return wrap("store: mark sent", err)
	}
	return sentAll(affected, ids)
}

func (s *pgStore) MarkRetry(ctx context.Context, id int64, lastErr string, next time.Time) error {
	return s.exec1(ctx, "store: mark retry", `
UPDATE outbox SET state = 'retrying', attempts = attempts + 1, last_error = $2, next_attempt_at = $3,
    lease_until = NULL
WHERE id = $1 AND state <> 'sent'`, id, clean(lastErr), ts(next))
}

func (s *pgStore) MarkFailed(ctx context.Context, id int64, lastErr string) error {
	return s.exec1(ctx, "store: mark failed", `
UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = $2, lease_until = NULL
WHERE id = $1 AND state <> 'sent'`, id, clean(lastErr))
}

// Requeue only applies to a failed message; any other gives ErrNotFound.
func (s *pgStore) Requeue(ctx context.Context, id int64, now time.Time) error {
	return s.exec1(ctx, "store: requeue", `
UPDATE outbox SET state = 'queued', next_attempt_at = $2, lease_until = NULL
WHERE id = $1 AND state = 'failed'`, id, ts(now))
}

func (s *pgStore) Outbox(ctx context.Context) ([]Outbound, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+pgOutboxCols+` FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket_id ORDER BY o.id`)
	if err != nil {
		return nil, wrap("store: outbox", err)
	}
	out, err := pgx.CollectRows(rows, scanPGOutbound)
	return out, wrap("store: outbox", err)
}

// Secret inserts a fresh key unless one exists, then reads the stored one:
// two processes starting at once agree on the first committed key.
func (s *pgStore) Secret(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("store: secret: %w", err)
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('secret', $1) ON CONFLICT (key) DO NOTHING`, fresh); err != nil {
		return nil, wrap("store: secret", err)
	}
	var key []byte
	err := s.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = 'secret'`).Scan(&key)
	return key, wrap("store: secret", err)
}

func (s *pgStore) MailboxState(ctx context.Context, mailbox string) (uint32, uint32, error) {
	var v, last int64
	err := s.pool.QueryRow(ctx, `SELECT uid_validity, last_uid FROM mailbox_state WHERE mailbox = $1`, mailbox).Scan(&v, &last)
	if err != nil {
		return 0, 0, wrap("store: mailbox state "+mailbox, err)
	}
	return uint32(v), uint32(last), nil
}

func (s *pgStore) SetMailboxState(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error {
	_, err := s.pool.Exec(ctx, `
INSERT INTO mailbox_state (mailbox, uid_validity, last_uid) VALUES ($1, $2, $3)
ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid`,
		clean(mailbox), int64(uidValidity), int64(lastUID))
	return wrap("store: set mailbox state", err)
}

// AcquireLease inserts the lease, or takes it over when it expired or is
// ours already, in one atomic statement: no row back means another holder
// still has it.
func (s *pgStore) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	var got string
	err := s.pool.QueryRow(ctx, `
INSERT INTO leases (name, holder, until) VALUES ($1, $2, $4)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
WHERE leases.until < $3 OR leases.holder = excluded.holder
RETURNING holder`, clean(name), clean(holder), ts(now), ts(now.Add(ttl))).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, wrap("store: acquire lease", err)
	}
	return true, nil
}

func (s *pgStore) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM leases WHERE name = $1 AND holder = $2`, name, holder)
	return wrap("store: release lease", err)
}

// sortOutbound orders by id (RETURNING gives no order on SQLite).
func sortOutbound(o []Outbound) { sort.Slice(o, func(i, j int) bool { return o[i].ID < o[j].ID }) }
