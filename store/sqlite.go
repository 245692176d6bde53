package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go)
)

// DefaultDataDir is the SPEC default of GUICHET_DATA_DIR.
const DefaultDataDir = "./guichet-data"

// sqliteStore is the embedded backend. One writer connection, opened with
// _txlock=immediate so that every write transaction takes the write lock at
// BEGIN (no deadlock-prone lock upgrade), and a small pool of readers that
// WAL lets run beside the writer.
type sqliteStore struct {
	w, r  *sql.DB
	log   *slog.Logger
	now   func() time.Time
	stmts *stmtCache
}

var _ Store = (*sqliteStore)(nil)

type sqlQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// sqliteDSN: WAL so readers never block the writer; synchronous=FULL so a
// commit is on disk before the caller acknowledges (SMTP 250 after commit);
// busy_timeout so that other processes' writes are waited for, not failed.
func sqliteDSN(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	if writer {
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

func openSQLite(ctx context.Context, o Options) (*sqliteStore, []string, error) {
	dir := o.DataDir
	if dir == "" {
		dir = DefaultDataDir
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("store: create data directory: %w", err)
	}
	path := filepath.Join(dir, "guichet.db")
	w, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		return nil, nil, wrap("store: open "+path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		w.Close()
		return nil, nil, wrap("store: open "+path, err)
	}
	r.SetMaxOpenConns(4)
	s := &sqliteStore{w: w, r: r, log: o.logger(), now: o.clock(), stmts: newStmtCache()}
	if err := w.PingContext(ctx); err != nil {
		s.Close()
		return nil, nil, wrap("store: open "+path, err)
	}
	applied, err := s.migrate(ctx)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, applied, nil
}

// migrate applies pending migrations, each in its own BEGIN IMMEDIATE
// transaction: the write lock serialises processes starting at once.
func (s *sqliteStore) migrate(ctx context.Context) ([]string, error) {
	return applyMigrations(ctx, "sqlite", s.log, s.migrateOne)
}

func (s *sqliteStore) migrateOne(ctx context.Context, ms []migration) (string, bool, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return "", false, wrap("store: migrate", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after commit
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return "", false, wrap("store: migrate", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return "", false, wrap("store: migrate", err)
	}
	have, maxV := map[int]bool{}, 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return "", false, wrap("store: migrate", err)
		}
		have[v], maxV = true, max(maxV, v)
	}
	if err := rows.Close(); err != nil {
		return "", false, wrap("store: migrate", err)
	}
	m, ok, err := pending(ms, have, maxV)
	if err != nil || !ok {
		return "", true, err
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return "", false, wrap("store: migration "+m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, us(s.now())); err != nil {
		return "", false, wrap("store: migration "+m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return "", false, wrap("store: migration "+m.name, err)
	}
	return m.name, false, nil
}

func (s *sqliteStore) Close() {
	s.stmts.close()
	s.r.Close()
	s.w.Close()
}

func (s *sqliteStore) InTx(ctx context.Context, fn TxFunc) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return wrap("store: begin", err)
	}
	defer s.stmts.prepare(context.WithoutCancel(ctx), s.w) // after the rollback below frees the connection
	defer tx.Rollback()                                    //nolint:errcheck // no-op after commit
	if err := fn(ctx, &sqliteTx{q: cachedTx{tx, s.stmts}, now: s.now}); err != nil {
		return err
	}
	return wrap("store: commit", tx.Commit())
}

// InTxBatch runs fns in one transaction committed once (group commit).
// See runBatch for how one fn's failure is isolated.
func (s *sqliteStore) InTxBatch(ctx context.Context, fns []TxFunc) ([]error, error) {
	return s.InTxBatchFinish(ctx, fns, nil)
}

// InTxBatchFinish is InTxBatch with a last step before the commit.
func (s *sqliteStore) InTxBatchFinish(ctx context.Context, fns []TxFunc, finish BatchFinish) ([]error, error) {
	defer s.stmts.prepare(context.WithoutCancel(ctx), s.w)
	return runBatch(ctx, fns, finish, func(ctx context.Context) (batchTx, error) {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return batchTx{}, wrap("store: begin", err)
		}
		return batchTx{
			tx:       &sqliteTx{q: cachedTx{tx, s.stmts}, now: s.now},
			commit:   func() error { return wrap("store: commit", tx.Commit()) },
			rollback: func() { tx.Rollback() }, //nolint:errcheck // nothing to do if it fails
		}, nil
	})
}

// us is the stored form of a time on SQLite: unix microseconds UTC.
func us(t time.Time) int64 { return ts(t).UnixMicro() }

func nullUS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return us(t)
}

func fromUS(n int64) time.Time { return time.UnixMicro(n).UTC() }

func fromNullUS(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return fromUS(n.Int64)
}

func jsonList(ss []string) string {
	b, _ := json.Marshal(cleanAll(ss)) // []string always marshals
	return string(b)
}

func parseList(s string) ([]string, error) {
	out := []string{}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("list %q: %w", s, err)
	}
	return out, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sqliteTx implements Tx on the writer's transaction.
type sqliteTx struct {
	q   sqlQuerier
	now func() time.Time
}

var _ Tx = (*sqliteTx)(nil)

func (t *sqliteTx) InsertMessage(ctx context.Context, m *Message) (int64, error) {
	prepareMessage(m, t.now())
	env, err := json.Marshal(m.Envelope)
	if err != nil {
		return 0, fmt.Errorf("store: insert message: envelope: %w", err)
	}
	var id int64
	// ON CONFLICT DO NOTHING: a duplicate returns no row and fails nothing.
	err = t.q.QueryRowContext(ctx, `
INSERT INTO messages (ticket_id, direction, kind, from_addr, from_name, to_addrs, cc_addrs,
    subject, message_id, in_reply_to, refs, date, body, raw, raw_sha256, parse_error,
    envelope, dedupe_key, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id`,
		nullID(m.TicketID), string(m.Direction), string(m.Kind), m.From, m.FromName, jsonList(m.To), jsonList(m.Cc),
		m.Subject, m.MessageID, m.InReplyTo, jsonList(m.References), nullUS(m.Date), m.Text, m.Raw, m.RawSHA256,
		m.ParseError, string(env), m.DedupeKey, us(m.CreatedAt)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: insert message %q: %w", m.DedupeKey, ErrDuplicate)
	}
	if err != nil {
		return 0, wrap("store: insert message", err)
	}
	for _, a := range distinctContent(m.Attachments) {
		if _, err := t.q.ExecContext(ctx, `
INSERT INTO attachments (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
			a.SHA256, int64(len(a.Data)), a.Data); err != nil {
			return 0, wrap("store: insert attachment", err)
		}
	}
	for i, a := range m.Attachments {
		if _, err := t.q.ExecContext(ctx, `
INSERT INTO message_attachments (message_id, position, filename, content_type, content_id, inline, size, sha256)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, i+1, a.Filename, a.ContentType, a.ContentID, boolInt(a.Inline), a.Size, a.SHA256); err != nil {
			return 0, wrap("store: insert attachment", err)
		}
	}
	m.ID = id
	return id, nil
}

func (t *sqliteTx) AttachMessage(ctx context.Context, messageRowID, ticketID int64, kind Kind) error {
	res, err := t.q.ExecContext(ctx, `
UPDATE messages SET ticket_id = ?2, kind = coalesce(nullif(?3, ''), kind)
WHERE id = ?1 AND EXISTS (SELECT 1 FROM tickets WHERE id = ?2)`, messageRowID, ticketID, string(kind))
	if err != nil {
		return wrap("store: attach message", err)
	}
	return affected1(res, fmt.Sprintf("store: attach message %d to ticket %d", messageRowID, ticketID))
}

func affected1(res sql.Result, op string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	return nil
}

const sqliteMessageCols = `m.id, coalesce(m.ticket_id, 0), m.direction, m.kind, m.from_addr, m.from_name,
    m.to_addrs, m.cc_addrs, m.subject, m.message_id, m.in_reply_to, m.refs, m.date, m.body,
    m.raw_sha256, m.parse_error, m.envelope, m.dedupe_key, m.created_at,
    coalesce((SELECT tn.number FROM tickets tn WHERE tn.id = m.ticket_id), '')`

type scanner interface{ Scan(dest ...any) error }

func scanSQLiteMessage(row scanner) (Message, error) {
	var (
		m                 Message
		dir, kind         string
		to, cc, refs, env string
		date              sql.NullInt64
		created           int64
	)
	err := row.Scan(&m.ID, &m.TicketID, &dir, &kind, &m.From, &m.FromName, &to, &cc,
		&m.Subject, &m.MessageID, &m.InReplyTo, &refs, &date, &m.Text,
		&m.RawSHA256, &m.ParseError, &env, &m.DedupeKey, &created, &m.TicketNumber)
	if err != nil {
		return m, err
	}
	m.Direction, m.Kind, m.Date, m.CreatedAt = Direction(dir), Kind(kind), fromNullUS(date), fromUS(created)
	if m.To, err = parseList(to); err != nil {
		return m, err
	}
	if m.Cc, err = parseList(cc); err != nil {
		return m, err
	}
	if m.References, err = parseList(refs); err != nil {
		return m, err
	}
	if err := json.Unmarshal([]byte(env), &m.Envelope); err != nil {
		return m, fmt.Errorf("envelope of message %d: %w", m.ID, err)
	}
	return m, nil
}

func (t *sqliteTx) MessageByDedupeKey(ctx context.Context, key string) (Message, error) {
	m, err := scanSQLiteMessage(t.q.QueryRowContext(ctx, `SELECT `+sqliteMessageCols+` FROM messages m WHERE m.dedupe_key = ?`, key))
	if err != nil {
		return Message{}, wrap("store: message by dedupe key", err)
	}
	return m, nil
}

// CreateTicket: the transaction already holds SQLite's write lock (BEGIN
// IMMEDIATE), so the counter upsert is serialised and rolls back with it.
func (t *sqliteTx) CreateTicket(ctx context.Context, nt NewTicket) (Ticket, error) {
	prepareTicket(&nt, t.now())
	at := ts(nt.CreatedAt)
	year := nt.CreatedAt.Year()
	var n int64
	if err := t.q.QueryRowContext(ctx, `
INSERT INTO ticket_counters (year, last) VALUES (?, 1)
ON CONFLICT (year) DO UPDATE SET last = last + 1
RETURNING last`, year).Scan(&n); err != nil {
		return Ticket{}, wrap("store: create ticket: number", err)
	}
	number := ticketNumber(year, n)
	var id int64
	if err := t.q.QueryRowContext(ctx, `
INSERT INTO tickets (number, subject, category, category_source, confidence, requester,
    linked_to, no_ack_reason, incident_key, created_at, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
RETURNING id`, number, nt.Subject, nt.Category, nt.CategorySource, nt.Confidence, nt.Requester,
		nt.LinkedTo, nt.NoAckReason, nt.IncidentKey, us(at)).Scan(&id); err != nil {
		return Ticket{}, wrap("store: create ticket", err)
	}
	parts := normAddrs(append([]string{nt.Requester}, nt.Participants...))
	for _, a := range parts {
		if _, err := t.q.ExecContext(ctx, `INSERT INTO participants (ticket_id, address, first_seen) VALUES (?, ?, ?)
ON CONFLICT (ticket_id, address) DO NOTHING`,
			id, a, us(at)); err != nil {
			return Ticket{}, wrap("store: create ticket: participants", err)
		}
	}
	if _, err := t.q.ExecContext(ctx, `
INSERT INTO status_history (ticket_id, from_status, to_status, reason, at) VALUES (?, '', 'open', 'created', ?)`,
		id, us(at)); err != nil {
		return Ticket{}, wrap("store: create ticket: history", err)
	}
	if nt.MessageRowID != 0 {
		if err := t.AttachMessage(ctx, nt.MessageRowID, id, nt.MessageKind); err != nil {
			return Ticket{}, err
		}
	}
	return newTicket(id, number, nt, at, parts), nil
}

const sqliteTicketCols = `t.id, t.number, t.subject, t.status, t.category, t.category_source, t.confidence,
    t.requester, t.linked_to, t.no_ack_reason, t.incident_key, t.repeats, t.created_at, t.updated_at,
    (SELECT json_group_array(address) FROM
        (SELECT p.address FROM participants p WHERE p.ticket_id = t.id ORDER BY p.id))`

func scanSQLiteTicket(row scanner) (Ticket, error) {
	var (
		t                Ticket
		status, parts    string
		created, updated int64
	)
	err := row.Scan(&t.ID, &t.Number, &t.Subject, &status, &t.Category, &t.CategorySource, &t.Confidence,
		&t.Requester, &t.LinkedTo, &t.NoAckReason, &t.IncidentKey, &t.Repeats, &created, &updated, &parts)
	if err != nil {
		return t, err
	}
	t.Status, t.CreatedAt, t.UpdatedAt = Status(status), fromUS(created), fromUS(updated)
	t.Participants, err = parseList(parts)
	return t, err
}

func (t *sqliteTx) TicketByNumber(ctx context.Context, number string) (Ticket, error) {
	tk, err := scanSQLiteTicket(t.q.QueryRowContext(ctx, `SELECT `+sqliteTicketCols+` FROM tickets t WHERE t.number = ?`, number))
	if err != nil {
		return Ticket{}, wrap("store: ticket "+number, err)
	}
	return tk, nil
}

// TicketByMessageIDs relies on the messages_message_id index.
func (t *sqliteTx) TicketByMessageIDs(ctx context.Context, ids []string) (Ticket, error) {
	tk, err := scanSQLiteTicket(t.q.QueryRowContext(ctx, `
SELECT `+sqliteTicketCols+` FROM messages m JOIN tickets t ON t.id = m.ticket_id
WHERE m.message_id IN (SELECT value FROM json_each(?)) AND m.message_id <> ''
ORDER BY m.id DESC LIMIT 1`, jsonList(ids)))
	if err != nil {
		return Ticket{}, wrap("store: ticket by message ids", err)
	}
	return tk, nil
}

func (t *sqliteTx) TicketByIncidentKey(ctx context.Context, key string) (Ticket, error) {
	tk, err := scanSQLiteTicket(t.q.QueryRowContext(ctx, `
SELECT `+sqliteTicketCols+` FROM tickets t WHERE t.incident_key = ? AND t.incident_key <> ''
ORDER BY t.id DESC LIMIT 1`, key))
	if err != nil {
		return Ticket{}, wrap("store: ticket by incident key", err)
	}
	return tk, nil
}

func (t *sqliteTx) IsParticipant(ctx context.Context, ticketID int64, addr string) (bool, error) {
	a := normAddrs([]string{addr})
	if len(a) == 0 {
		return false, nil
	}
	var ok bool
	err := t.q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM participants WHERE ticket_id = ? AND address = ?)`,
		ticketID, a[0]).Scan(&ok)
	return ok, wrap("store: is participant", err)
}

func (t *sqliteTx) AddParticipants(ctx context.Context, ticketID int64, addrs []string) error {
	at := us(t.now())
	for _, a := range normAddrs(addrs) {
		if _, err := t.q.ExecContext(ctx, `
INSERT INTO participants (ticket_id, address, first_seen) VALUES (?, ?, ?)
ON CONFLICT (ticket_id, address) DO NOTHING`, ticketID, a, at); err != nil {
			return wrap("store: add participants", err)
		}
	}
	return nil
}

func (t *sqliteTx) SetStatus(ctx context.Context, ticketID int64, to Status, reason string, at time.Time) error {
	var from string
	err := t.q.QueryRowContext(ctx, `SELECT status FROM tickets WHERE id = ?`, ticketID).Scan(&from)
	if err != nil {
		return wrap(fmt.Sprintf("store: set status of ticket %d", ticketID), err)
	}
	if Status(from) == to {
		return nil
	}
	if _, err := t.q.ExecContext(ctx, `UPDATE tickets SET status = ?2, updated_at = max(updated_at, ?3) WHERE id = ?1`,
		ticketID, string(to), us(at)); err != nil {
		return wrap("store: set status", err)
	}
	_, err = t.q.ExecContext(ctx, `
INSERT INTO status_history (ticket_id, from_status, to_status, reason, at) VALUES (?, ?, ?, ?, ?)`,
		ticketID, from, string(to), clean(reason), us(at))
	return wrap("store: set status", err)
}

func (t *sqliteTx) exec1(ctx context.Context, op, query string, args ...any) error {
	res, err := t.q.ExecContext(ctx, query, args...)
	if err != nil {
		return wrap(op, err)
	}
	return affected1(res, op)
}

func (t *sqliteTx) SetCategory(ctx context.Context, ticketID int64, code, source string, confidence float64) error {
	return t.exec1(ctx, "store: set category", `
UPDATE tickets SET category = ?, category_source = ?, confidence = ? WHERE id = ?`,
		clean(code), clean(source), confidence, ticketID)
}

func (t *sqliteTx) SetNoAckReason(ctx context.Context, ticketID int64, reason string) error {
	return t.exec1(ctx, "store: set no-ack reason", `UPDATE tickets SET no_ack_reason = ? WHERE id = ?`,
		clean(reason), ticketID)
}

func (t *sqliteTx) BumpRepeats(ctx context.Context, ticketID int64) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `UPDATE tickets SET repeats = repeats + 1 WHERE id = ? RETURNING repeats`, ticketID).Scan(&n)
	return n, wrap("store: bump repeats", err)
}

func (t *sqliteTx) Touch(ctx context.Context, ticketID int64, at time.Time) error {
	return t.exec1(ctx, "store: touch ticket", `UPDATE tickets SET updated_at = max(updated_at, ?) WHERE id = ?`,
		us(at), ticketID)
}

// SetNoAckReasons is SetNoAckReason in a loop.
func (t *sqliteTx) SetNoAckReasons(ctx context.Context, ids []int64, reasons []string) error {
	if len(ids) != len(reasons) {
		return fmt.Errorf("store: set no-ack reasons: %d tickets for %d reasons", len(ids), len(reasons))
	}
	for i := range ids {
		if err := t.SetNoAckReason(ctx, ids[i], reasons[i]); err != nil {
			return err
		}
	}
	return nil
}

// CreateTickets is CreateTicket in a loop: in-process SQLite has no round
// trips to save.
func (t *sqliteTx) CreateTickets(ctx context.Context, nts []NewTicket) ([]Ticket, error) {
	out := make([]Ticket, 0, len(nts))
	for _, nt := range nts {
		tk, err := t.CreateTicket(ctx, nt)
		if err != nil {
			return nil, err
		}
		out = append(out, tk)
	}
	return out, nil
}

// InsertOutbounds is InsertOutbound in a loop.
func (t *sqliteTx) InsertOutbounds(ctx context.Context, ms []*Message, os []*Outbound) error {
	if len(ms) != len(os) {
		return fmt.Errorf("store: insert outbounds: %d messages for %d outbounds", len(ms), len(os))
	}
	for i := range ms {
		if _, err := t.InsertOutbound(ctx, ms[i], os[i]); err != nil {
			return err
		}
	}
	return nil
}

// CountOutboundToMany is CountOutboundTo for each address.
func (t *sqliteTx) CountOutboundToMany(ctx context.Context, addrs []string, kind Kind, since time.Time) (map[string]int, error) {
	out := make(map[string]int, len(addrs))
	for _, a := range addrs {
		n, err := t.CountOutboundTo(ctx, a, kind, since)
		if err != nil {
			return nil, err
		}
		out[rcptKey([]string{a})] = n
	}
	return out, nil
}

// InsertOutbound is InsertMessage then Enqueue: in-process SQLite has no
// round trips to save.
func (t *sqliteTx) InsertOutbound(ctx context.Context, m *Message, o *Outbound) (int64, error) {
	id, err := t.InsertMessage(ctx, m)
	if err != nil {
		return 0, err
	}
	// The bytes are written once, in the message row; the outbox reads them
	// from there (sqliteOutboxCols).
	q := *o
	q.MessageRowID, q.Raw = id, []byte{}
	if _, err := t.Enqueue(ctx, &q); err != nil {
		return 0, err
	}
	o.ID, o.MessageRowID, o.State = q.ID, id, q.State
	return id, nil
}

func (t *sqliteTx) Enqueue(ctx context.Context, o *Outbound) (int64, error) {
	prepareOutbound(o, t.now())
	err := t.q.QueryRowContext(ctx, `
INSERT INTO outbox (ticket_id, message_row_id, mail_from, rcpt, subject, message_id, raw,
    next_attempt_at, created_at, kind, rcpt_key)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,
    coalesce((SELECT kind FROM messages WHERE id = ?2), ''), ?10)
RETURNING id`,
		nullID(o.TicketID), nullID(o.MessageRowID), o.MailFrom, jsonList(o.To), o.Subject, o.MessageID, o.Raw,
		us(o.NextAttemptAt), us(o.CreatedAt), rcptKey(o.To)).Scan(&o.ID)
	if err != nil {
		return 0, wrap("store: enqueue", err)
	}
	return o.ID, nil
}

// QueueAcks is Enqueue in a loop: in-process SQLite has no round trips
// to save.
func (t *sqliteTx) QueueAcks(ctx context.Context, os []*Outbound) error {
	for _, o := range os {
		prepareOutbound(o, t.now())
		if len(o.To) != 1 {
			return fmt.Errorf("store: queue acknowledgments: %d recipients, want 1", len(o.To))
		}
		err := t.q.QueryRowContext(ctx, `
INSERT INTO outbox (ticket_id, mail_from, rcpt, subject, message_id, raw, next_attempt_at, created_at, kind, rcpt_key)
VALUES (?1, ?2, ?3, ?4, ?5, x'', ?6, ?7, 'ack', ?8)
RETURNING id`,
			nullID(o.TicketID), o.MailFrom, jsonList(o.To), o.Subject, o.MessageID,
			us(o.NextAttemptAt), us(o.CreatedAt), rcptKey(o.To)).Scan(&o.ID)
		if err != nil {
			return wrap("store: queue acknowledgments", err)
		}
	}
	return nil
}

func (t *sqliteTx) LinkOutbound(ctx context.Context, outboxID, messageRowID int64) error {
	res, err := t.q.ExecContext(ctx, `UPDATE outbox SET message_row_id = ?2 WHERE id = ?1 AND message_row_id IS NULL`,
		outboxID, messageRowID)
	if err != nil {
		return wrap("store: link outbound", err)
	}
	return affected1(res, "store: link outbound")
}

func (t *sqliteTx) CountOutboundTo(ctx context.Context, addr string, kind Kind, since time.Time) (int, error) {
	var n int
	err := t.q.QueryRowContext(ctx, `
SELECT count(*) FROM outbox WHERE rcpt_key = ?1 AND kind = ?2 AND created_at >= ?3`,
		rcptKey([]string{addr}), string(kind), us(since)).Scan(&n)
	return n, wrap("store: count outbound", err)
}

// --- reads and outbox work outside the pipeline's transaction ---

func (s *sqliteStore) Tickets(ctx context.Context, f TicketFilter) ([]Ticket, error) {
	limit := -1 // SQLite: a negative LIMIT is no limit
	if f.Limit > 0 {
		limit = f.Limit
	}
	rows, err := s.r.QueryContext(ctx, `
SELECT `+sqliteTicketCols+` FROM tickets t
WHERE (?1 = '' OR t.status = ?1) AND (?2 = '' OR t.category = ?2)
ORDER BY t.created_at DESC, t.id DESC LIMIT ?3`, string(f.Status), f.Category, limit)
	if err != nil {
		return nil, wrap("store: tickets", err)
	}
	defer rows.Close()
	out := []Ticket{}
	for rows.Next() {
		tk, err := scanSQLiteTicket(rows)
		if err != nil {
			return nil, wrap("store: tickets", err)
		}
		out = append(out, tk)
	}
	return out, wrap("store: tickets", rows.Err())
}

func (s *sqliteStore) AckSources(ctx context.Context, outboxIDs []int64) (map[int64]AckSource, error) {
	ids, err := json.Marshal(outboxIDs)
	if err != nil {
		return nil, fmt.Errorf("store: acknowledgment sources: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `
SELECT o.id, `+sqliteTicketCols+` FROM outbox o JOIN tickets t ON t.id = o.ticket_id
WHERE o.id IN (SELECT value FROM json_each(?)) AND o.kind = 'ack'`, string(ids))
	if err != nil {
		return nil, wrap("store: acknowledgment sources", err)
	}
	out, byTicket, err := ackTickets(rows, scanSQLiteTicket)
	rows.Close()
	if err != nil {
		return nil, err
	}
	firsts, err := sqliteMessageRows(ctx, s.r, `m.id IN (
    SELECT (SELECT min(f.id) FROM messages f WHERE f.ticket_id = o.ticket_id AND f.direction = 'in')
    FROM outbox o WHERE o.id IN (SELECT value FROM json_each(?)))`, string(ids))
	if err != nil {
		return nil, err
	}
	addFirsts(out, byTicket, firsts)
	return out, nil
}

func (s *sqliteStore) Ticket(ctx context.Context, number string) (TicketDetail, error) {
	// One read transaction: one WAL snapshot for the ticket and its history.
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return TicketDetail{}, wrap("store: ticket", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	tk, err := scanSQLiteTicket(tx.QueryRowContext(ctx, `SELECT `+sqliteTicketCols+` FROM tickets t WHERE t.number = ?`, number))
	if err != nil {
		return TicketDetail{}, wrap("store: ticket "+number, err)
	}
	d := TicketDetail{Ticket: tk, History: []StatusChange{}}
	if d.Messages, err = sqliteMessages(ctx, tx, `m.ticket_id = ?`, tk.ID); err != nil {
		return TicketDetail{}, err
	}
	rows, err := tx.QueryContext(ctx, `
SELECT from_status, to_status, reason, at FROM status_history WHERE ticket_id = ? ORDER BY id`, tk.ID)
	if err != nil {
		return TicketDetail{}, wrap("store: ticket history", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c StatusChange
		var from, to string
		var at int64
		if err := rows.Scan(&from, &to, &c.Reason, &at); err != nil {
			return TicketDetail{}, wrap("store: ticket history", err)
		}
		c.From, c.To, c.At = Status(from), Status(to), fromUS(at)
		d.History = append(d.History, c)
	}
	if err := rows.Err(); err != nil {
		return TicketDetail{}, wrap("store: ticket history", err)
	}
	return d, nil
}

// sqliteMessageRows lists messages matching where (oldest first), without
// their attachments.
func sqliteMessageRows(ctx context.Context, q sqlQuerier, where string, args ...any) ([]Message, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+sqliteMessageCols+` FROM messages m WHERE `+where+` ORDER BY m.id`, args...)
	if err != nil {
		return nil, wrap("store: messages", err)
	}
	msgs := []Message{}
	for rows.Next() {
		m, err := scanSQLiteMessage(rows)
		if err != nil {
			rows.Close()
			return nil, wrap("store: messages", err)
		}
		msgs = append(msgs, m)
	}
	if err := rows.Close(); err != nil {
		return nil, wrap("store: messages", err)
	}
	return msgs, nil
}

// sqliteMessages is sqliteMessageRows with each message's attachment
// metadata, in a second query.
func sqliteMessages(ctx context.Context, q sqlQuerier, where string, args ...any) ([]Message, error) {
	msgs, err := sqliteMessageRows(ctx, q, where, args...)
	if err != nil || len(msgs) == 0 {
		return msgs, err
	}
	byID := make(map[int64]int, len(msgs))
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		byID[m.ID], ids[i] = i, m.ID
	}
	idsJSON, _ := json.Marshal(ids)
	rows, err := q.QueryContext(ctx, `
SELECT message_id, filename, content_type, content_id, inline, size, sha256
FROM message_attachments WHERE message_id IN (SELECT value FROM json_each(?))
ORDER BY message_id, position`, string(idsJSON))
	if err != nil {
		return nil, wrap("store: attachments", err)
	}
	defer rows.Close()
	return msgs, addAttachments(rows, msgs, byID)
}

func (s *sqliteStore) RawMessage(ctx context.Context, messageRowID int64) ([]byte, error) {
	var raw []byte
	if err := s.r.QueryRowContext(ctx, `SELECT raw FROM messages WHERE id = ?`, messageRowID).Scan(&raw); err != nil {
		return nil, wrap("store: raw message", err)
	}
	return raw, nil
}

func (s *sqliteStore) AttachmentData(ctx context.Context, sha256 string) ([]byte, error) {
	var data []byte
	if err := s.r.QueryRowContext(ctx, `SELECT data FROM attachments WHERE sha256 = ?`, sha256).Scan(&data); err != nil {
		return nil, wrap("store: attachment data", err)
	}
	return data, nil
}

func (s *sqliteStore) Unticketed(ctx context.Context) ([]Message, error) {
	return sqliteMessages(ctx, s.r, `m.ticket_id IS NULL`)
}

// sqliteOutboxCols: an outbox row queued by InsertOutbound keeps no copy of
// the bytes; they are its message row's.
const sqliteOutboxCols = `id, coalesce(ticket_id, 0),
    coalesce((SELECT t.number FROM tickets t WHERE t.id = outbox.ticket_id), ''),
    coalesce(message_row_id, 0), mail_from, rcpt, subject, message_id,
    CASE WHEN length(raw) = 0 AND message_row_id IS NOT NULL
        THEN (SELECT m.raw FROM messages m WHERE m.id = outbox.message_row_id) ELSE raw END,
    state, attempts, last_error,
    next_attempt_at, created_at, sent_at`

func scanSQLiteOutbound(row scanner) (Outbound, error) {
	var (
		o             Outbound
		rcpt, state   string
		next, created int64
		sent          sql.NullInt64
	)
	err := row.Scan(&o.ID, &o.TicketID, &o.TicketNumber, &o.MessageRowID, &o.MailFrom, &rcpt, &o.Subject,
		&o.MessageID, &o.Raw, &state, &o.Attempts, &o.LastError, &next, &created, &sent)
	if err != nil {
		return o, err
	}
	o.State, o.NextAttemptAt, o.CreatedAt, o.SentAt = OutState(state), fromUS(next), fromUS(created), fromNullUS(sent)
	o.To, err = parseList(rcpt)
	return o, err
}

func collectOutbound(rows *sql.Rows) ([]Outbound, error) {
	defer rows.Close()
	out := []Outbound{}
	for rows.Next() {
		o, err := scanSQLiteOutbound(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ClaimOutbound is one UPDATE … RETURNING: SQLite runs it under the write
// lock, so two senders (threads or processes) never claim the same row.
func (s *sqliteStore) ClaimOutbound(ctx context.Context, now time.Time, n int, lease time.Duration) ([]Outbound, error) {
	if n <= 0 {
		return nil, nil
	}
	rows, err := s.w.QueryContext(ctx, `
UPDATE outbox SET lease_until = ?2
WHERE id IN (
    SELECT id FROM outbox
    WHERE state IN ('queued', 'retrying') AND next_attempt_at <= ?1
      AND (lease_until IS NULL OR lease_until < ?1)
    ORDER BY id LIMIT ?3)
RETURNING `+sqliteOutboxCols, us(now), us(now.Add(lease)), n)
	if err != nil {
		return nil, wrap("store: claim outbound", err)
	}
	out, err := collectOutbound(rows)
	if err != nil {
		return nil, wrap("store: claim outbound", err)
	}
	sortOutbound(out)
	return out, nil
}

func (s *sqliteStore) exec1(ctx context.Context, op, query string, args ...any) error {
	res, err := s.w.ExecContext(ctx, query, args...)
	if err != nil {
		return wrap(op, err)
	}
	return affected1(res, op)
}

// MarkSent records delivery; attempts counts every attempt, the last one
// included, so "sent, 1 attempt" reads as it should in guichet outbox.
func (s *sqliteStore) MarkSent(ctx context.Context, sent ...Sent) error {
	ids, at, notes := sentColumns(sent)
	type row struct {
		ID   int64  `json:"id"`
		At   int64  `json:"at"`
		Note string `json:"note"`
	}
	rows := make([]row, len(ids))
	for i := range ids {
		rows[i] = row{ids[i], us(at[i]), notes[i]}
	}
	js, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("store: mark sent: %w", err)
	}
	res, err := s.w.ExecContext(ctx, `
UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = v.at, lease_until = NULL,
    last_error = CASE WHEN v.note = '' THEN outbox.last_error ELSE v.note END
FROM (SELECT value ->> 'id' AS id, value ->> 'at' AS at, value ->> 'note' AS note FROM json_each(?)) AS v
WHERE outbox.id = v.id`, string(js))
	if err != nil {
		return wrap("store: mark sent", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return wrap("store: mark sent", err)
	}
	return sentAll(n, ids)
}

func (s *sqliteStore) MarkRetry(ctx context.Context, id int64, lastErr string, next time.Time) error {
	return s.exec1(ctx, "store: mark retry", `
UPDATE outbox SET state = 'retrying', attempts = attempts + 1, last_error = ?, next_attempt_at = ?,
    lease_until = NULL
WHERE id = ? AND state <> 'sent'`, clean(lastErr), us(next), id)
}

func (s *sqliteStore) MarkFailed(ctx context.Context, id int64, lastErr string) error {
	return s.exec1(ctx, "store: mark failed", `
UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ?, lease_until = NULL
WHERE id = ? AND state <> 'sent'`, clean(lastErr), id)
}

// Requeue only applies to a failed message; any other gives ErrNotFound.
func (s *sqliteStore) Requeue(ctx context.Context, id int64, now time.Time) error {
	return s.exec1(ctx, "store: requeue", `
UPDATE outbox SET state = 'queued', next_attempt_at = ?, lease_until = NULL
WHERE id = ? AND state = 'failed'`, us(now), id)
}

func (s *sqliteStore) Outbox(ctx context.Context) ([]Outbound, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+sqliteOutboxCols+` FROM outbox ORDER BY id`)
	if err != nil {
		return nil, wrap("store: outbox", err)
	}
	out, err := collectOutbound(rows)
	return out, wrap("store: outbox", err)
}

func (s *sqliteStore) Secret(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("store: secret: %w", err)
	}
	if _, err := s.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('secret', ?) ON CONFLICT (key) DO NOTHING`, fresh); err != nil {
		return nil, wrap("store: secret", err)
	}
	var key []byte
	err := s.w.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'secret'`).Scan(&key)
	return key, wrap("store: secret", err)
}

func (s *sqliteStore) MailboxState(ctx context.Context, mailbox string) (uint32, uint32, error) {
	var v, last int64
	err := s.r.QueryRowContext(ctx, `SELECT uid_validity, last_uid FROM mailbox_state WHERE mailbox = ?`, mailbox).Scan(&v, &last)
	if err != nil {
		return 0, 0, wrap("store: mailbox state "+mailbox, err)
	}
	return uint32(v), uint32(last), nil
}

func (s *sqliteStore) SetMailboxState(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error {
	_, err := s.w.ExecContext(ctx, `
INSERT INTO mailbox_state (mailbox, uid_validity, last_uid) VALUES (?, ?, ?)
ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid`,
		clean(mailbox), int64(uidValidity), int64(lastUID))
	return wrap("store: set mailbox state", err)
}

func (s *sqliteStore) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	var got string
	err := s.w.QueryRowContext(ctx, `
INSERT INTO leases (name, holder, until) VALUES (?1, ?2, ?4)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
WHERE leases.until < ?3 OR leases.holder = excluded.holder
RETURNING holder`, clean(name), clean(holder), us(now), us(now.Add(ttl))).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, wrap("store: acquire lease", err)
	}
	return true, nil
}

func (s *sqliteStore) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`, name, holder)
	return wrap("store: release lease", err)
}
