package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Messages: every mail in or out, its raw bytes and its attachments, whose
// content is stored once per SHA-256.

// messageCols: the same text on both backends.
const messageCols = `m.id, coalesce(m.ticket_id, 0), m.direction, m.kind, m.from_addr, m.from_name,
    m.to_addrs, m.cc_addrs, m.subject, m.message_id, m.in_reply_to, m.refs, m.date, m.body,
    m.raw_sha256, m.parse_error, m.envelope, m.dedupe_key, m.created_at, m.sender, m.sender_evidence,
    coalesce((SELECT tn.number FROM tickets tn WHERE tn.id = m.ticket_id), '')`

func scanMessage(row scanner) (Message, error) {
	var (
		m         Message
		dir, kind string
		date      *time.Time
		env       []byte
	)
	err := row.Scan(&m.ID, &m.TicketID, &dir, &kind, &m.From, &m.FromName, &m.To, &m.Cc,
		&m.Subject, &m.MessageID, &m.InReplyTo, &m.References, &date, &m.Text,
		&m.RawSHA256, &m.ParseError, &env, &m.DedupeKey, &m.CreatedAt, &m.Sender, &m.SenderEvidence, &m.TicketNumber)
	if err != nil {
		return m, err
	}
	m.Direction, m.Kind, m.CreatedAt = Direction(dir), Kind(kind), m.CreatedAt.UTC()
	if date != nil {
		m.Date = date.UTC()
	}
	if err := json.Unmarshal(env, &m.Envelope); err != nil {
		return m, fmt.Errorf("envelope of message %d: %w", m.ID, err)
	}
	return m, nil
}

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// prepareMessage fills what the caller may leave out and cleans the text.
func prepareMessage(m *Message, now time.Time) {
	if m.RawSHA256 == "" {
		m.RawSHA256 = sha256Hex(m.Raw)
	}
	if m.Raw == nil {
		m.Raw = []byte{}
	}
	if m.DedupeKey == "" {
		m.DedupeKey = "sha256:" + m.RawSHA256
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now
	}
	m.CreatedAt = ts(m.CreatedAt)
	if !m.Date.IsZero() {
		m.Date = ts(m.Date)
	}
	m.From = clean(m.From)
	m.FromName = clean(m.FromName)
	m.To = cleanAll(m.To)
	m.Cc = cleanAll(m.Cc)
	m.Subject = clean(m.Subject)
	m.MessageID = clean(m.MessageID)
	m.InReplyTo = clean(m.InReplyTo)
	m.References = cleanAll(m.References)
	m.Text = clean(m.Text)
	m.ParseError = clean(m.ParseError)
	m.SenderEvidence = clean(m.SenderEvidence)
	m.DedupeKey = clean(m.DedupeKey)
	e := &m.Envelope
	e.Transport, e.MailFrom, e.ClientAddr = clean(e.Transport), clean(e.MailFrom), clean(e.ClientAddr)
	e.Helo, e.Mailbox = clean(e.Helo), clean(e.Mailbox)
	e.RcptTo = cleanAll(e.RcptTo)
	for i := range m.Attachments {
		a := &m.Attachments[i]
		if a.SHA256 == "" {
			a.SHA256 = sha256Hex(a.Data)
		}
		if a.Size == 0 {
			a.Size = int64(len(a.Data))
		}
		if a.Data == nil {
			a.Data = []byte{}
		}
		a.Filename, a.ContentType, a.ContentID = clean(a.Filename), clean(a.ContentType), clean(a.ContentID)
	}
}

// messageArgs prepares m and returns the values of messageInsertCols, in
// order.
func messageArgs(m *Message, now time.Time) ([]any, error) {
	prepareMessage(m, now)
	env, err := json.Marshal(m.Envelope)
	if err != nil {
		return nil, fmt.Errorf("store: insert message: envelope: %w", err)
	}
	return []any{
		nullID(m.TicketID), string(m.Direction), string(m.Kind), m.From, m.FromName, m.To, m.Cc,
		m.Subject, m.MessageID, m.InReplyTo, m.References, nullTime(m.Date), m.Text, m.Raw, m.RawSHA256, m.ParseError,
		string(env), m.DedupeKey, m.CreatedAt, m.Sender, m.SenderEvidence,
	}, nil
}

const messageInsertCols = `ticket_id, direction, kind, from_addr, from_name, to_addrs, cc_addrs,
    subject, message_id, in_reply_to, refs, date, body, raw, raw_sha256, parse_error,
    envelope, dedupe_key, created_at, sender, sender_evidence`

// distinctContent returns one attachment per hash: content is stored once.
func distinctContent(as []Attachment) []Attachment {
	out := make([]Attachment, 0, len(as))
	seen := make(map[string]bool, len(as))
	for _, a := range as {
		if seen[a.SHA256] {
			continue
		}
		seen[a.SHA256] = true
		out = append(out, a)
	}
	return out
}

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

func duplicate(m *Message) error {
	return fmt.Errorf("store: insert message %q: %w", m.DedupeKey, ErrDuplicate)
}

// pgInsertMessage stores the message, its attachments' content (once per
// hash) and their metadata in one statement. ON CONFLICT DO NOTHING on
// dedupe_key makes a duplicate return no row instead of failing, so the
// transaction stays usable; the attachment inserts are guarded by the
// message insert having happened. pgInsertOutbox, appended, queues the
// outbox row of an outbound message in the same statement.
//
// pgInsertOpening stores a message that opens a ticket with that ticket's
// id (Message.OpensTicket), taken from the tickets' identity sequence in
// the statement itself: CreateTickets then creates the ticket with it, so
// the message row is written once. Setting ticket_id afterwards was an
// UPDATE that is never HOT (ticket_id is indexed twice): a second copy of
// a row of several kilobytes, four index entries and their WAL per new
// ticket. The foreign key to tickets is checked at commit (migration
// 0019), when the ticket exists. A duplicate, which inserts nothing, only
// leaves a gap in the ids; ticket numbers come from ticket_counters and
// keep none.
var (
	pgInsertMessageHead = `
WITH m AS (
    INSERT INTO messages (` + messageInsertCols + `)
    VALUES (`
	pgInsertMessageTail = `, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, $18, $19, $20, $21)
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id, ticket_id
), content AS (` + pgContentFrom(22) + `
), meta AS (
    INSERT INTO message_attachments (message_id, position, filename, content_type, content_id, inline, size, sha256)
    SELECT m.id, a.position, a.filename, a.content_type, a.content_id, a.inline, a.size, a.sha256
    FROM m, unnest($25::text[], $26::text[], $27::text[], $28::bool[], $29::bigint[], $30::text[])
        WITH ORDINALITY AS a(filename, content_type, content_id, inline, size, sha256, position)
)
`
	pgInsertMessage     = pgInsertMessageHead + `$1` + pgInsertMessageTail
	pgInsertMessageOnly = pgInsertMessage + `SELECT id FROM m`
	// pgInsertComposed links the outbox row $31 to the message: no row when
	// the message is a duplicate, a null link when the outbox row is
	// unknown or linked already.
	pgInsertComposed = pgInsertMessage + `, l AS (
    UPDATE outbox SET message_row_id = m.id FROM m
    WHERE outbox.id = $31 AND outbox.message_row_id IS NULL
    RETURNING outbox.id
)
SELECT m.id, (SELECT id FROM l) FROM m`
	pgInsertOpening = pgInsertMessageHead + `coalesce($1::bigint, nextval(pg_get_serial_sequence('tickets', 'id')))` +
		pgInsertMessageTail + `SELECT id, ticket_id FROM m`
	pgInsertOutbox = pgInsertMessage + `, o AS (
    INSERT INTO outbox (ticket_id, message_row_id, mail_from, rcpt, subject, message_id, raw,
        next_attempt_at, created_at, kind, rcpt_key)
    SELECT $31, m.id, $32, $33, $34, $35, $36, $37, $38, $3, $39 FROM m
    RETURNING id, message_row_id
)
SELECT message_row_id, id FROM o`
)

// pgContentFrom stores attachments' content, once per hash, from the
// arrays of hashes, sizes and bytes at parameters first to first+2, when
// the statement's CTE m inserted a message.
func pgContentFrom(first int) string {
	return fmt.Sprintf(`
    INSERT INTO attachments (sha256, size, data)
    SELECT c.sha256, c.size, c.data
    FROM unnest($%d::text[], $%d::bigint[], $%d::bytea[]) AS c(sha256, size, data)
    WHERE EXISTS (SELECT 1 FROM m)
    ON CONFLICT (sha256) DO NOTHING`, first, first+1, first+2)
}

func (t *pgTx) InsertMessage(ctx context.Context, m *Message) (int64, error) {
	return t.insertMessage(ctx, m, nil)
}

// InsertOutbound records an outbound message and queues it: the message,
// its attachments and the outbox row in one statement.
func (t *pgTx) InsertOutbound(ctx context.Context, m *Message, o *Outbound) (int64, error) {
	return t.insertMessage(ctx, m, o)
}

func (t *pgTx) insertMessage(ctx context.Context, m *Message, o *Outbound) (int64, error) {
	st, err := t.insertMessageStmt(m, o)
	if err != nil {
		return 0, err
	}
	return st.scan(t.tx.QueryRow(ctx, st.query, st.args...))
}

// InsertOutbounds is InsertOutbound for several messages, sent to the
// server in one round trip (a pgx batch); it stops at the first error.
func (t *pgTx) InsertOutbounds(ctx context.Context, ms []*Message, os []*Outbound) error {
	if err := outboundArgs(ms, os); err != nil {
		return err
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

// ComposedPerTx is how many composed acknowledgments a transaction of
// InsertComposed should hold on PostgreSQL: a sender's claim. Each commit
// flushes the log, and each call has statements to plan: storing 64
// acknowledgments eight per transaction costs the backend about twice
// the CPU of one transaction (BenchmarkPostgresAckPath). The rows are
// leased to the sender, so a longer transaction keeps nobody waiting.
func (s *pgStore) ComposedPerTx() int { return 64 }

// ComposedPerTx on SQLite is a few: one commit for several, while the
// single writer, which the pipeline's commits wait for, is held briefly.
func (s *sqliteStore) ComposedPerTx() int { return 8 }

// composedManyFrom is the number of messages from which InsertComposed
// stores them with insertComposedMany: its two statements cost more, in
// the backend's CPU, than four pgInsertComposed, and less than eight
// (BenchmarkPostgresAckPath).
const composedManyFrom = 8

// InsertComposed stores the composed messages and links their outbox
// rows. Several without attachments (acknowledgments have none) take one
// statement for all the messages and one for all the links
// (insertComposedMany); otherwise one pgInsertComposed per message, in
// one round trip.
func (t *pgTx) InsertComposed(ctx context.Context, ms []*Message, outboxIDs []int64) error {
	if len(ms) != len(outboxIDs) {
		return fmt.Errorf("store: insert composed: %d messages for %d outbox rows", len(ms), len(outboxIDs))
	}
	if len(ms) < composedManyFrom {
		return t.insertComposedEach(ctx, ms, outboxIDs)
	}
	for _, m := range ms {
		if len(m.Attachments) > 0 {
			return t.insertComposedEach(ctx, ms, outboxIDs)
		}
	}
	return t.insertComposedMany(ctx, ms, outboxIDs)
}

func (t *pgTx) insertComposedEach(ctx context.Context, ms []*Message, outboxIDs []int64) error {
	stmts := make([]rowStmt, len(ms))
	for i, m := range ms {
		st, err := t.insertMessageStmt(m, nil)
		if err != nil {
			return err
		}
		outboxID := outboxIDs[i]
		st.query, st.args = pgInsertComposed, append(st.args, outboxID)
		st.scan = func(row pgx.Row) (int64, error) {
			var id int64
			var linked *int64
			err := row.Scan(&id, &linked)
			switch {
			case noRow(err):
				return 0, duplicate(m)
			case err != nil:
				return 0, wrap("store: insert composed", err)
			case linked == nil:
				return 0, linkNotFound(outboxID)
			}
			m.ID = id
			return id, nil
		}
		stmts[i] = st
	}
	return t.sendBatch(ctx, "store: insert composed", stmts)
}

func linkNotFound(outboxID int64) error {
	return fmt.Errorf("store: link outbound %d: %w", outboxID, ErrNotFound)
}

// pgInsertMessages inserts messages without attachments, one row per
// element of its arrays: a duplicate dedupe key inserts nothing and
// returns no row. An array of arrays cannot be unnested by rows, so each
// list (to_addrs, cc_addrs, refs) comes as one flat array of all the
// messages' elements ($22-$24) with where each message's ends ($19-$21),
// and a message's list is the slice after the previous one's end: the
// elements as given, with no encoding to get wrong. It reads no table, so
// its cached plan stays right however the tables grow, and it is parsed
// once per connection: planned per call, this statement's parse and plan
// cost about as much as eight of the one-message inserts.
var pgInsertMessages = stmt{pg: messagesFromArrays("v.ticket_id") + `
RETURNING id, dedupe_key`}

// messagesFromArrays is pgInsertMessages' INSERT, with ticket as the
// expression of each row's ticket_id.
func messagesFromArrays(ticket string) string {
	return `
INSERT INTO messages (` + messageInsertCols + `)
SELECT ` + ticket + `, v.direction, v.kind, v.from_addr, v.from_name,
    ($22::text[])[coalesce(($19::int[])[v.ord - 1], 0) + 1 : v.to_end],
    ($23::text[])[coalesce(($20::int[])[v.ord - 1], 0) + 1 : v.cc_end],
    v.subject, v.message_id, v.in_reply_to,
    ($24::text[])[coalesce(($21::int[])[v.ord - 1], 0) + 1 : v.refs_end],
    v.date, v.body, v.raw, v.raw_sha256, v.parse_error, v.envelope::jsonb,
    v.dedupe_key, v.created_at, v.sender, v.sender_evidence
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::text[], $9::timestamptz[], $10::text[], $11::bytea[], $12::text[], $13::text[], $14::text[],
    $15::text[], $16::timestamptz[], $17::text[], $18::text[], $19::int[], $20::int[], $21::int[])
    WITH ORDINALITY AS v(ticket_id, direction, kind, from_addr, from_name, subject, message_id,
        in_reply_to, date, body, raw, raw_sha256, parse_error, envelope, dedupe_key, created_at,
        sender, sender_evidence, to_end, cc_end, refs_end, ord)
ORDER BY v.ord
ON CONFLICT (dedupe_key) DO NOTHING`
}

// pgLinkComposed links outbox rows to their messages, but not a row linked
// already; it returns the rows linked. Planned per call (replan): it joins
// the outbox on an array of ids.
var pgLinkComposed = stmt{pg: `
UPDATE outbox SET message_row_id = v.message_id
FROM unnest($1::bigint[], $2::bigint[]) AS v(id, message_id)
WHERE outbox.id = v.id AND outbox.message_row_id IS NULL
RETURNING outbox.id`, replan: true}

// composedColumns are pgInsertMessages' arrays, one element per
// message, prepared already, but for the lists: all the elements of each,
// and where each message's ends.
type composedColumns struct {
	ticket                            []*int64
	direction, kind, from, fromName   []string
	subject, messageID, inReplyTo     []string
	date                              []*time.Time
	body                              []string
	raw                               [][]byte
	rawSHA, parseError, envelope, key []string
	created                           []time.Time
	sender, evidence                  []string
	toEnd, ccEnd, refsEnd             []int32
	to, cc, refs                      []string
}

func (c *composedColumns) add(m *Message) error {
	env, err := json.Marshal(m.Envelope)
	if err != nil {
		return fmt.Errorf("store: insert message: envelope: %w", err)
	}
	var ticket *int64
	if m.TicketID != 0 {
		ticket = &m.TicketID
	}
	var date *time.Time
	if !m.Date.IsZero() {
		date = &m.Date
	}
	c.ticket, c.direction, c.kind = append(c.ticket, ticket), append(c.direction, string(m.Direction)), append(c.kind, string(m.Kind))
	c.from, c.fromName = append(c.from, m.From), append(c.fromName, m.FromName)
	c.subject, c.messageID, c.inReplyTo = append(c.subject, m.Subject), append(c.messageID, m.MessageID), append(c.inReplyTo, m.InReplyTo)
	c.date, c.body, c.raw = append(c.date, date), append(c.body, m.Text), append(c.raw, m.Raw)
	c.rawSHA, c.parseError, c.envelope = append(c.rawSHA, m.RawSHA256), append(c.parseError, m.ParseError), append(c.envelope, string(env))
	c.key, c.created = append(c.key, m.DedupeKey), append(c.created, m.CreatedAt)
	c.sender, c.evidence = append(c.sender, m.Sender), append(c.evidence, m.SenderEvidence)
	c.to, c.cc, c.refs = append(c.to, m.To...), append(c.cc, m.Cc...), append(c.refs, m.References...)
	c.toEnd, c.ccEnd, c.refsEnd = append(c.toEnd, int32(len(c.to))), append(c.ccEnd, int32(len(c.cc))), append(c.refsEnd, int32(len(c.refs)))
	return nil
}

// args are the arrays in the order of pgInsertMessages' parameters.
// The lists' are never nil, which pgx would send as NULL.
func (c *composedColumns) args() []any {
	c.to, c.cc, c.refs = nonNil(c.to), nonNil(c.cc), nonNil(c.refs)
	return []any{c.ticket, c.direction, c.kind, c.from, c.fromName, c.subject, c.messageID, c.inReplyTo,
		c.date, c.body, c.raw, c.rawSHA, c.parseError, c.envelope, c.key, c.created, c.sender, c.evidence,
		c.toEnd, c.ccEnd, c.refsEnd, c.to, c.cc, c.refs}
}

// insertComposedMany stores ms with pgInsertMessages, links their outbox
// rows with pgLinkComposed, and reports the first message, in order, that
// one pgInsertComposed each would have failed on: a duplicate (of a
// stored message or of one earlier in ms), or an outbox row unknown,
// linked already, or linked by an earlier message. Those later copies
// are left out of the statements, so that each key and each outbox row
// appears once, and which message wins does not depend on a plan.
func (t *pgTx) insertComposedMany(ctx context.Context, ms []*Message, outboxIDs []int64) error {
	var c composedColumns
	keys := make(map[string]bool, len(ms))
	dupAt := make([]bool, len(ms))
	for i, m := range ms {
		prepareMessage(m, t.now())
		if keys[m.DedupeKey] {
			dupAt[i] = true
			continue
		}
		keys[m.DedupeKey] = true
		if err := c.add(m); err != nil {
			return err
		}
	}
	rs, err := t.c.query(ctx, pgInsertMessages, c.args()...)
	if err != nil {
		return wrap("store: insert composed", err)
	}
	inserted := make(map[string]int64, len(c.key))
	_, err = collect(rs, func(r scanner) (struct{}, error) {
		var key string
		var id int64
		err := r.Scan(&id, &key)
		inserted[key] = id
		return struct{}{}, err
	})
	if err != nil {
		return wrap("store: insert composed", err)
	}
	// Each outbox row is linked by the first message given for it, if
	// that one was stored.
	linker := make(map[int64]int, len(ms))
	var linkIDs, linkMessages []int64
	for i, m := range ms {
		if _, taken := linker[outboxIDs[i]]; taken {
			continue
		}
		linker[outboxIDs[i]] = i
		if id, ok := inserted[m.DedupeKey]; ok && !dupAt[i] {
			linkIDs, linkMessages = append(linkIDs, outboxIDs[i]), append(linkMessages, id)
		}
	}
	linked := map[int64]bool{}
	if len(linkIDs) > 0 {
		ids, err := queryIDs(ctx, t.c, pgLinkComposed, linkIDs, linkMessages)
		if err != nil {
			return wrap("store: insert composed", err)
		}
		for _, id := range ids {
			linked[id] = true
		}
	}
	for i, m := range ms {
		id, ok := inserted[m.DedupeKey]
		switch {
		case dupAt[i] || !ok:
			return duplicate(m)
		case linker[outboxIDs[i]] != i || !linked[outboxIDs[i]]:
			return linkNotFound(outboxIDs[i])
		}
		m.ID = id
	}
	return nil
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
	br := t.tx.SendBatch(ctx, batchOf(stmts))
	for _, st := range stmts {
		if _, err := st.scan(br.QueryRow()); err != nil {
			return errors.Join(err, wrap(op, br.Close()))
		}
	}
	return wrap(op, br.Close())
}

// batchOf queues stmts in one pgx batch.
func batchOf(stmts []rowStmt) *pgx.Batch {
	b := &pgx.Batch{}
	for _, st := range stmts {
		b.Queue(st.query, st.args...)
	}
	return b
}

// insertMessageStmt prepares insertMessage's statement; its scan fills the
// ids of m (and o).
func (t *pgTx) insertMessageStmt(m *Message, o *Outbound) (rowStmt, error) {
	args, err := messageArgs(m, t.now())
	if err != nil {
		return rowStmt{}, err
	}
	cSHA, cSize, cData := contentArrays(m.Attachments)
	n := len(m.Attachments)
	aName, aType, aCID, aInline, aSize, aSHA := make([]string, n), make([]string, n), make([]string, n), make([]bool, n), make([]int64, n), make([]string, n)
	for i, a := range m.Attachments {
		aName[i], aType[i], aCID[i], aInline[i], aSize[i], aSHA[i] = a.Filename, a.ContentType, a.ContentID, a.Inline, a.Size, a.SHA256
	}
	args = append(args, cSHA, cSize, cData, aName, aType, aCID, aInline, aSize, aSHA)
	query := pgInsertMessageOnly
	if m.OpensTicket {
		if o != nil {
			return rowStmt{}, fmt.Errorf("store: insert message %q: an outbound message opens no ticket", m.DedupeKey)
		}
		query = pgInsertOpening
	}
	if o != nil {
		prepareOutbound(o, t.now())
		query = pgInsertOutbox
		// The bytes are the message row's: written once, read back by the
		// sender through outboxCols.
		args = append(args, nullID(o.TicketID), o.MailFrom, o.To, o.Subject, o.MessageID, []byte{},
			o.NextAttemptAt, o.CreatedAt, rcptKey(o.To))
	}
	scan := func(row pgx.Row) (int64, error) {
		var id int64
		var err error
		switch {
		case m.OpensTicket:
			err = row.Scan(&id, &m.TicketID)
		case o == nil:
			err = row.Scan(&id)
		default:
			err = row.Scan(&id, &o.ID)
		}
		if noRow(err) {
			return 0, duplicate(m)
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

// pgPutContent inserts content in the order of its hash, so that two of
// these never wait for each other in opposite orders, and commits without
// waiting for the disk: content is immutable and named by its hash, and
// the message that refers to it is committed after it, which flushes this
// too (the log is written in order). If the server stops before then, the
// message's own insert stores the content again.
const pgPutContent = `
WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
INSERT INTO attachments (sha256, size, data)
SELECT c.sha256, c.size, c.data
FROM unnest($1::text[], $2::bigint[], $3::bytea[]) AS c(sha256, size, data), async
ORDER BY c.sha256
ON CONFLICT (sha256) DO NOTHING`

func (s *pgStore) PutContent(ctx context.Context, as []Attachment) error {
	sha, size, data := contentArrays(as)
	if len(sha) == 0 {
		return nil
	}
	_, err := s.pool.Exec(ctx, pgPutContent, sha, size, data)
	return wrap("store: put content", err)
}

// contentArrays returns the attachments' content once per hash, as the
// columns of the attachments table, for unnest.
func contentArrays(as []Attachment) (sha []string, size []int64, data [][]byte) {
	content := distinctContent(as)
	sha, size, data = make([]string, len(content)), make([]int64, len(content)), make([][]byte, len(content))
	for i, a := range content {
		sha[i], size[i], data[i] = a.SHA256, int64(len(a.Data)), a.Data
	}
	return sha, size, data
}

// PutContent has nothing to do on SQLite: one transaction writes at a
// time, so none waits for another's content.
func (s *sqliteStore) PutContent(context.Context, []Attachment) error { return nil }

// SQLite stores a message with one statement per row: in-process, it has
// no round trips to save.
var (
	// sqliteInsertMessage: ON CONFLICT DO NOTHING, a duplicate returns no
	// row and fails nothing.
	sqliteInsertMessage = stmt{sqlite: `
INSERT INTO messages (` + messageInsertCols + `)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id`}
	sqliteInsertContent = stmt{sqlite: `
INSERT INTO attachments (sha256, size, data) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING`}
	sqliteInsertAttachment = stmt{sqlite: `
INSERT INTO message_attachments (message_id, position, filename, content_type, content_id, inline, size, sha256)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`}
)

func (t *sqliteTx) InsertMessage(ctx context.Context, m *Message) (int64, error) {
	args, err := messageArgs(m, t.now())
	if err != nil {
		return 0, err
	}
	var id int64
	err = t.c.queryRow(ctx, sqliteInsertMessage, args...).Scan(&id)
	if noRow(err) {
		return 0, duplicate(m)
	}
	if err != nil {
		return 0, wrap("store: insert message", err)
	}
	for _, a := range distinctContent(m.Attachments) {
		if _, err := t.c.exec(ctx, sqliteInsertContent, a.SHA256, int64(len(a.Data)), a.Data); err != nil {
			return 0, wrap("store: insert attachment", err)
		}
	}
	for i, a := range m.Attachments {
		if _, err := t.c.exec(ctx, sqliteInsertAttachment,
			id, i+1, a.Filename, a.ContentType, a.ContentID, a.Inline, a.Size, a.SHA256); err != nil {
			return 0, wrap("store: insert attachment", err)
		}
	}
	m.ID = id
	return id, nil
}

// InsertOutbound is InsertMessage then Enqueue.
func (t *sqliteTx) InsertOutbound(ctx context.Context, m *Message, o *Outbound) (int64, error) {
	id, err := t.InsertMessage(ctx, m)
	if err != nil {
		return 0, err
	}
	// The bytes are written once, in the message row; the outbox reads them
	// from there (outboxCols).
	q := *o
	q.MessageRowID, q.Raw = id, []byte{}
	if _, err := t.Enqueue(ctx, &q); err != nil {
		return 0, err
	}
	o.ID, o.MessageRowID, o.State = q.ID, id, q.State
	return id, nil
}

// InsertOutbounds is InsertOutbound in a loop.
func (t *sqliteTx) InsertOutbounds(ctx context.Context, ms []*Message, os []*Outbound) error {
	if err := outboundArgs(ms, os); err != nil {
		return err
	}
	for i := range ms {
		if _, err := t.InsertOutbound(ctx, ms[i], os[i]); err != nil {
			return err
		}
	}
	return nil
}

func outboundArgs(ms []*Message, os []*Outbound) error {
	if len(ms) != len(os) {
		return fmt.Errorf("store: insert outbounds: %d messages for %d outbounds", len(ms), len(os))
	}
	return nil
}

var (
	// attachMessage: the condition on tickets makes a missing ticket a
	// zero-row update (ErrNotFound) instead of a foreign-key error that
	// would abort the transaction.
	attachMessage = stmt{
		pg: `
UPDATE messages SET ticket_id = t.id, kind = coalesce(nullif($3, ''), messages.kind)
FROM tickets t WHERE messages.id = $1 AND t.id = $2`,
		sqlite: `
UPDATE messages SET ticket_id = ?2, kind = coalesce(nullif(?3, ''), kind)
WHERE id = ?1 AND EXISTS (SELECT 1 FROM tickets WHERE id = ?2)`,
	}
	messageByDedupeKey = portable(`SELECT ` + messageCols + ` FROM messages m WHERE m.dedupe_key = $1`)
)

// AttachMessage sets the ticket and, unless kind is "", the kind.
func (t *txCore) AttachMessage(ctx context.Context, messageRowID, ticketID int64, kind Kind) error {
	n, err := t.c.exec(ctx, attachMessage, messageRowID, ticketID, string(kind))
	if err != nil {
		return wrap("store: attach message", err)
	}
	if n == 0 {
		return fmt.Errorf("store: attach message %d to ticket %d: %w", messageRowID, ticketID, ErrNotFound)
	}
	return nil
}

func (t *txCore) MessageByDedupeKey(ctx context.Context, key string) (Message, error) {
	m, err := scanMessage(t.c.queryRow(ctx, messageByDedupeKey, key))
	if err != nil {
		return Message{}, wrap("store: message by dedupe key", err)
	}
	return m, nil
}

// --- reads outside the pipeline's transaction ---

var (
	messagesOfTicket = portable(`SELECT ` + messageCols + ` FROM messages m WHERE m.ticket_id = $1 ORDER BY m.id`)
	// unticketedMessages relies on the partial index messages_unticketed.
	unticketedMessages = portable(`SELECT ` + messageCols + ` FROM messages m WHERE m.ticket_id IS NULL ORDER BY m.id`)
	attachmentsOf      = stmt{
		pg: `
SELECT message_id, filename, content_type, content_id, inline, size, sha256
FROM message_attachments WHERE message_id = ANY($1::bigint[]) ORDER BY message_id, position`,
		sqlite: `
SELECT message_id, filename, content_type, content_id, inline, size, sha256
FROM message_attachments WHERE message_id IN (SELECT value FROM json_each(?))
ORDER BY message_id, position`,
		replan: true,
	}
	rawMessage     = portable(`SELECT raw FROM messages WHERE id = $1`)
	attachmentData = portable(`SELECT data FROM attachments WHERE sha256 = $1`)
)

// messageRows runs s, which selects messageCols oldest first, without the
// messages' attachments.
func messageRows(ctx context.Context, c conn, s stmt, args ...any) ([]Message, error) {
	rs, err := c.query(ctx, s, args...)
	if err != nil {
		return nil, wrap("store: messages", err)
	}
	msgs, err := collect(rs, scanMessage)
	if err != nil {
		return nil, wrap("store: messages", err)
	}
	return msgs, nil
}

// messagesWhere is messageRows with each message's attachment metadata, in
// a second query.
func messagesWhere(ctx context.Context, c conn, s stmt, args ...any) ([]Message, error) {
	msgs, err := messageRows(ctx, c, s, args...)
	if err != nil || len(msgs) == 0 {
		return msgs, err
	}
	byID := make(map[int64]int, len(msgs))
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		byID[m.ID], ids[i] = i, m.ID
	}
	rs, err := c.query(ctx, attachmentsOf, ids)
	if err != nil {
		return nil, wrap("store: attachments", err)
	}
	defer rs.Close()
	for rs.Next() {
		var mid int64
		var a Attachment
		if err := rs.Scan(&mid, &a.Filename, &a.ContentType, &a.ContentID, &a.Inline, &a.Size, &a.SHA256); err != nil {
			return nil, wrap("store: attachments", err)
		}
		i := byID[mid]
		msgs[i].Attachments = append(msgs[i].Attachments, a)
	}
	return msgs, wrap("store: attachments", rs.Err())
}

func (s *core) RawMessage(ctx context.Context, messageRowID int64) ([]byte, error) {
	var raw []byte
	if err := s.read.queryRow(ctx, rawMessage, messageRowID).Scan(&raw); err != nil {
		return nil, wrap("store: raw message", err)
	}
	return raw, nil
}

func (s *core) AttachmentData(ctx context.Context, sha256 string) ([]byte, error) {
	var data []byte
	if err := s.read.queryRow(ctx, attachmentData, sha256).Scan(&data); err != nil {
		return nil, wrap("store: attachment data", err)
	}
	return data, nil
}

func (s *core) Unticketed(ctx context.Context) ([]Message, error) {
	return messagesWhere(ctx, s.read, unticketedMessages)
}
