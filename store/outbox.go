package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Outbox: outbound mail queued in the transaction that decided it,
// delivered after the commit, claimed under a lease, and the
// acknowledgment rate count.

func prepareOutbound(o *Outbound, now time.Time) {
	if o.CreatedAt.IsZero() {
		o.CreatedAt = now
	}
	o.CreatedAt = ts(o.CreatedAt)
	if o.NextAttemptAt.IsZero() {
		o.NextAttemptAt = o.CreatedAt
	}
	o.NextAttemptAt = ts(o.NextAttemptAt)
	if o.Raw == nil {
		o.Raw = []byte{}
	}
	o.State = OutQueued
	o.MailFrom = clean(o.MailFrom)
	o.To = cleanAll(o.To)
	o.Subject = clean(o.Subject)
	o.MessageID = clean(o.MessageID)
}

// rcptKey is the outbox's rate-limit key: the mailbox of the first
// recipient (acknowledgments have exactly one recipient), MailboxKey.
func rcptKey(to []string) string {
	if len(to) == 0 {
		return ""
	}
	return MailboxKey(to[0])
}

// outboxCols: an outbox row queued by InsertOutbound keeps no copy of the
// bytes; they are its message row's. The PostgreSQL form reads the ticket
// number through a join on t, the SQLite one through a subquery.
const (
	pgOutboxCols = `o.id, coalesce(o.ticket_id, 0), coalesce(t.number, ''), coalesce(o.message_row_id, 0),
    o.mail_from, o.rcpt, o.subject, o.message_id,
    CASE WHEN length(o.raw) = 0 AND o.message_row_id IS NOT NULL
        THEN (SELECT m.raw FROM messages m WHERE m.id = o.message_row_id) ELSE o.raw END,
    o.state, o.attempts, o.last_error,
    o.next_attempt_at, o.created_at, o.sent_at, o.kind`
	sqliteOutboxCols = `id, coalesce(ticket_id, 0),
    coalesce((SELECT t.number FROM tickets t WHERE t.id = outbox.ticket_id), ''),
    coalesce(message_row_id, 0), mail_from, rcpt, subject, message_id,
    CASE WHEN length(raw) = 0 AND message_row_id IS NOT NULL
        THEN (SELECT m.raw FROM messages m WHERE m.id = outbox.message_row_id) ELSE raw END,
    state, attempts, last_error,
    next_attempt_at, created_at, sent_at, kind`
)

func scanOutbound(r scanner) (Outbound, error) {
	var (
		o     Outbound
		state string
		kind  string
		sent  *time.Time
	)
	err := r.Scan(&o.ID, &o.TicketID, &o.TicketNumber, &o.MessageRowID, &o.MailFrom, &o.To, &o.Subject,
		&o.MessageID, &o.Raw, &state, &o.Attempts, &o.LastError, &o.NextAttemptAt, &o.CreatedAt, &sent, &kind)
	o.State, o.Kind = OutState(state), Kind(kind)
	o.NextAttemptAt, o.CreatedAt = o.NextAttemptAt.UTC(), o.CreatedAt.UTC()
	if sent != nil {
		o.SentAt = sent.UTC()
	}
	return o, err
}

var (
	enqueue = portable(`
INSERT INTO outbox (ticket_id, message_row_id, mail_from, rcpt, subject, message_id, raw,
    next_attempt_at, created_at, kind, rcpt_key)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9,
    coalesce((SELECT kind FROM messages WHERE id = $2), ''), $10)
RETURNING id`)
	// linkOutbound (SQLite; PostgreSQL does it in pgInsertComposed).
	linkOutbound = stmt{sqlite: `UPDATE outbox SET message_row_id = ?2 WHERE id = ?1 AND message_row_id IS NULL`}
	// queueAcks: on PostgreSQL one statement for all, identity values
	// following the ORDER BY of its SELECT; on SQLite one row per statement.
	queueAcks = stmt{
		pg: `
INSERT INTO outbox (ticket_id, mail_from, rcpt, subject, message_id, raw, next_attempt_at, created_at, kind,
    rcpt_key, rcpt_domain, lease_until, claimed_by)
SELECT v.ticket_id, v.mail_from, ARRAY[v.rcpt], v.subject, v.message_id, '\x', v.due, v.created, 'ack',
    v.rcpt_key, v.rcpt_domain, $10::timestamptz, $11::text
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[],
    $9::text[])
    WITH ORDINALITY AS v(ticket_id, mail_from, rcpt, subject, message_id, due, created, rcpt_key, rcpt_domain, ord)
ORDER BY v.ord
RETURNING id`,
		sqlite: `
INSERT INTO outbox (ticket_id, mail_from, rcpt, subject, message_id, raw, next_attempt_at, created_at, kind,
    rcpt_key, rcpt_domain, lease_until, claimed_by)
VALUES (?1, ?2, ?3, ?4, ?5, x'', ?6, ?7, 'ack', ?8, ?9, ?10, ?11)
RETURNING id`,
	}
	// countOutbound counts through the outbox_rate index: the kind is the
	// kind of the messages row that records the outbound message, the
	// address its first recipient. On PostgreSQL, for several addresses,
	// one look-up per address: as rcpt_key = ANY(…) with GROUP BY the
	// planner scanned the whole recent outbox (through outbox_created, an
	// index since dropped), a cost that grows with the hour's traffic.
	countOutbound = stmt{
		pg: `
SELECT k.key, (SELECT count(*) FROM outbox o WHERE o.rcpt_key = k.key AND o.kind = $2 AND o.created_at >= $3)
FROM unnest($1::text[]) AS k(key)`,
		sqlite: `SELECT count(*) FROM outbox WHERE rcpt_key = ?1 AND kind = ?2 AND created_at >= ?3`,
	}
)

// countAcks counts the acknowledgments of the last hour to each mailbox
// (outbox_rate) and to each domain (outbox_ack_domain), in one statement
// on PostgreSQL, one look-up per key as countOutbound does. The domain
// rows carry an "@" before the domain, which no mailbox key starts with.
var countAcks = stmt{
	pg:     pgCountAcks(1),
	sqlite: `SELECT count(*) FROM (SELECT 1 FROM outbox WHERE rcpt_key = ?1 AND kind = 'ack' AND created_at >= ?2 LIMIT ?3)`,
	replan: true,
}

// pgCountAcks is countAcks on PostgreSQL with its arguments from $n on:
// the mailbox keys, the domains, since, atMost and the kind 'ack'
// (pgArgs), so that countRecent can run it with another statement's. The
// mailboxes' kind is a parameter: a generic plan (countRecent's) can then
// not read them through outbox_ack_domain, whose condition kind = 'ack'
// it could not prove, and reads them through outbox_rate, by key. Made on
// an empty outbox with the literal, that plan walked outbox_ack_domain
// by date and filtered the keys: every acknowledgment of the hour, for
// each mailbox.
func pgCountAcks(n int) string {
	return fmt.Sprintf(`
SELECT k.key, (SELECT count(*) FROM (SELECT 1 FROM outbox o
	WHERE o.rcpt_key = k.key AND o.kind = $%[5]d AND o.created_at >= $%[3]d LIMIT $%[4]d) c)
FROM unnest($%[1]d::text[]) AS k(key)
UNION ALL
SELECT '@' || d.dom, (SELECT count(*) FROM (SELECT 1 FROM outbox o
	WHERE o.rcpt_domain = d.dom AND o.kind = 'ack' AND o.created_at >= $%[3]d LIMIT $%[4]d) c)
FROM unnest($%[2]d::text[]) AS d(dom)`, n, n+1, n+2, n+3, n+4)
}

// pgCountAcksArgs is the number of pgCountAcks' arguments.
const pgCountAcksArgs = 5

// pgArgs are pgCountAcks' arguments.
func (q AckCountQuery) pgArgs() []any {
	doms := make([]string, len(q.Domains))
	for i, d := range q.Domains {
		doms[i] = strings.ToLower(clean(d))
	}
	return []any{rcptKeys(q.Mailboxes), doms, ts(q.Since), q.AtMost, string(KindAck)}
}

// newAckCounts is an empty AckCounts for q.
func newAckCounts(q AckCountQuery) AckCounts {
	return AckCounts{Mailbox: make(map[string]int, len(q.Mailboxes)), Domain: make(map[string]int, len(q.Domains))}
}

// add records the count of one of pgCountAcks' rows.
func (c AckCounts) add(key string, n int) {
	if d, ok := strings.CutPrefix(key, "@"); ok {
		c.Domain[d] = n
	} else {
		c.Mailbox[key] = n
	}
}

// countAcksToDomain is SQLite's per-domain look-up of countAcks.
var countAcksToDomain = stmt{
	sqlite: `SELECT count(*) FROM (SELECT 1 FROM outbox WHERE rcpt_domain = ?1 AND kind = 'ack' AND created_at >= ?2 LIMIT ?3)`,
}

func (t *pgTx) CountAcks(ctx context.Context, mailboxes, domains []string, since time.Time, atMost int) (AckCounts, error) {
	q := AckCountQuery{Mailboxes: mailboxes, Domains: domains, Since: since, AtMost: atMost}
	out := newAckCounts(q)
	rs, err := t.c.query(ctx, countAcks, q.pgArgs()...)
	if err != nil {
		return out, wrap("store: count acknowledgments", err)
	}
	_, err = collect(rs, func(r scanner) (struct{}, error) {
		var k string
		var n int
		if err := r.Scan(&k, &n); err != nil {
			return struct{}{}, err
		}
		out.add(k, n)
		return struct{}{}, nil
	})
	return out, wrap("store: count acknowledgments", err)
}

func (t *sqliteTx) CountAcks(ctx context.Context, mailboxes, domains []string, since time.Time, atMost int) (AckCounts, error) {
	out := newAckCounts(AckCountQuery{Mailboxes: mailboxes, Domains: domains})
	for _, q := range []struct {
		st   stmt
		keys []string
		into map[string]int
	}{{countAcks, rcptKeys(mailboxes), out.Mailbox}, {countAcksToDomain, domains, out.Domain}} {
		for _, k := range q.keys {
			k = strings.ToLower(clean(k))
			var n int
			if err := t.c.queryRow(ctx, q.st, k, since, atMost).Scan(&n); err != nil {
				return out, wrap("store: count acknowledgments", err)
			}
			q.into[k] = n
		}
	}
	return out, nil
}

func (t *txCore) Enqueue(ctx context.Context, o *Outbound) (int64, error) {
	prepareOutbound(o, t.now())
	err := t.c.queryRow(ctx, enqueue, nullID(o.TicketID), nullID(o.MessageRowID), o.MailFrom, o.To, o.Subject, o.MessageID,
		o.Raw, o.NextAttemptAt, o.CreatedAt, rcptKey(o.To)).Scan(&o.ID)
	if err != nil {
		return 0, wrap("store: enqueue", err)
	}
	return o.ID, nil
}

func (t *sqliteTx) InsertComposed(ctx context.Context, ms []*Message, outboxIDs []int64) error {
	if len(ms) != len(outboxIDs) {
		return fmt.Errorf("store: insert composed: %d messages for %d outbox rows", len(ms), len(outboxIDs))
	}
	for i, m := range ms {
		id, err := t.InsertMessage(ctx, m)
		if err != nil {
			return err
		}
		if err := exec1(ctx, t.c, fmt.Sprintf("store: link outbound %d", outboxIDs[i]), linkOutbound, outboxIDs[i], id); err != nil {
			return err
		}
	}
	return nil
}

func prepareAck(o *Outbound, now time.Time) error {
	prepareOutbound(o, now)
	if len(o.To) != 1 {
		return fmt.Errorf("store: queue acknowledgments: %d recipients, want 1", len(o.To))
	}
	return nil
}

// Hold leases outbox rows to a sender from their insert: Owner is its
// ClaimOutboundFor owner, Until the end of the lease. The zero Hold
// leaves them to any sender's claim.
type Hold struct {
	Owner string
	Until time.Time
}

// leaseArgs are h as the lease_until and claimed_by columns.
func (h Hold) leaseArgs() (any, string) {
	if h.Owner == "" {
		return nil, ""
	}
	return ts(h.Until), h.Owner
}

func (t *pgTx) QueueAcks(ctx context.Context, os []*Outbound, hold Hold) error {
	args, err := t.queueAcksArgs(os, hold)
	if err != nil || args == nil {
		return err
	}
	ids, err := queryIDs(ctx, t.c, queueAcks, args...)
	if err != nil {
		return wrap("store: queue acknowledgments", err)
	}
	return setAckIDs(os, ids)
}

// QueueAcksAtCommit sends queueAcks with the COMMIT (lazyTx.atCommit):
// one round trip less for the group commit, whose last statement it is.
func (t *pgTx) QueueAcksAtCommit(ctx context.Context, os []*Outbound, hold Hold) error {
	args, err := t.queueAcksArgs(os, hold)
	if err != nil || args == nil {
		return err
	}
	t.tx.atCommit(queueAcks.pg, args, func(rs pgx.Rows) error {
		ids, err := collect(rs, scanID)
		if err != nil {
			return wrap("store: queue acknowledgments", err)
		}
		return setAckIDs(os, ids)
	})
	return nil
}

// setAckIDs gives os the ids queueAcks returned.
func setAckIDs(os []*Outbound, ids []int64) error {
	if len(ids) != len(os) {
		return fmt.Errorf("store: queue acknowledgments: %d of %d queued", len(ids), len(os))
	}
	// Identity values follow the ORDER BY of the insert's SELECT.
	slices.Sort(ids)
	for i, o := range os {
		o.ID = ids[i]
	}
	return nil
}

// queueAcksArgs prepares os and returns queueAcks' arguments, nil when
// there is nothing to queue.
func (t *pgTx) queueAcksArgs(os []*Outbound, hold Hold) ([]any, error) {
	if len(os) == 0 {
		return nil, nil
	}
	n := len(os)
	tickets, from, to, subject, msgID := make([]*int64, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	due, created, keys, domains := make([]time.Time, n), make([]time.Time, n), make([]string, n), make([]string, n)
	for i, o := range os {
		if err := prepareAck(o, t.now()); err != nil {
			return nil, err
		}
		if o.TicketID != 0 {
			tickets[i] = &o.TicketID
		}
		from[i], to[i], subject[i], msgID[i] = o.MailFrom, o.To[0], o.Subject, o.MessageID
		due[i], created[i], keys[i] = o.NextAttemptAt, o.CreatedAt, rcptKey(o.To)
		domains[i] = MailDomain(keys[i])
	}
	until, owner := hold.leaseArgs()
	return []any{tickets, from, to, subject, msgID, due, created, keys, domains, until, owner}, nil
}

// QueueAcksAtCommit on SQLite is QueueAcks: in the process, there is no
// round trip to save.
func (t *sqliteTx) QueueAcksAtCommit(ctx context.Context, os []*Outbound, hold Hold) error {
	return t.QueueAcks(ctx, os, hold)
}

func (t *sqliteTx) QueueAcks(ctx context.Context, os []*Outbound, hold Hold) error {
	until, owner := hold.leaseArgs()
	for _, o := range os {
		if err := prepareAck(o, t.now()); err != nil {
			return err
		}
		key := rcptKey(o.To)
		err := t.c.queryRow(ctx, queueAcks, nullID(o.TicketID), o.MailFrom, o.To, o.Subject, o.MessageID,
			o.NextAttemptAt, o.CreatedAt, key, MailDomain(key), until, owner).Scan(&o.ID)
		if err != nil {
			return wrap("store: queue acknowledgments", err)
		}
	}
	return nil
}

func rcptKeys(addrs []string) []string {
	keys := make([]string, len(addrs))
	for i, a := range addrs {
		keys[i] = rcptKey([]string{a})
	}
	return keys
}

func (t *pgTx) CountOutboundToMany(ctx context.Context, addrs []string, kind Kind, since time.Time) (map[string]int, error) {
	keys := rcptKeys(addrs)
	rs, err := t.c.query(ctx, countOutbound, keys, string(kind), ts(since))
	if err != nil {
		return nil, wrap("store: count outbound", err)
	}
	defer rs.Close()
	out := make(map[string]int, len(keys))
	for rs.Next() {
		var k string
		var n int
		if err := rs.Scan(&k, &n); err != nil {
			return nil, wrap("store: count outbound", err)
		}
		out[k] = n
	}
	return out, wrap("store: count outbound", rs.Err())
}

func (t *sqliteTx) CountOutboundToMany(ctx context.Context, addrs []string, kind Kind, since time.Time) (map[string]int, error) {
	out := make(map[string]int, len(addrs))
	for _, k := range rcptKeys(addrs) {
		var n int
		if err := t.c.queryRow(ctx, countOutbound, k, string(kind), since).Scan(&n); err != nil {
			return nil, wrap("store: count outbound", err)
		}
		out[k] = n
	}
	return out, nil
}

// --- the sender's work, outside the pipeline's transaction ---

var (
	// ackTickets: the tickets of acknowledgments queued by QueueAcks. On
	// PostgreSQL the rows are found by primary key alone, in a
	// materialised CTE, and their kind checked after: with "o.kind = 'ack'"
	// beside the ids, the planner ANDs the primary key with a whole scan
	// of the acknowledgments' partial index (outbox_ack_domain), which
	// reads every acknowledgment of the table at each call.
	ackTickets = stmt{
		pg: `
WITH o AS MATERIALIZED (SELECT id, ticket_id, kind FROM outbox WHERE id = ANY($1::bigint[]))
SELECT o.id, ` + pgTicketCols + ` FROM o JOIN tickets t ON t.id = o.ticket_id
WHERE o.kind = 'ack'`,
		sqlite: `
SELECT o.id, ` + sqliteTicketCols + ` FROM outbox o JOIN tickets t ON t.id = o.ticket_id
WHERE o.id IN (SELECT value FROM json_each(?)) AND o.kind = 'ack'`,
		replan: true,
	}
	// ackFirstMessages: the first incoming message of each of their
	// tickets, its header fields only (ackHeaderCols). On PostgreSQL the
	// ids come first, through messages_ticket, then the rows by primary
	// key: as "m.id IN (subquery)" the planner may scan every message
	// while the table's statistics are young.
	ackFirstMessages = stmt{
		pg: `SELECT ` + ackHeaderCols + ` FROM messages m WHERE m.id = ANY(ARRAY(
    SELECT (SELECT f.id FROM messages f WHERE f.ticket_id = o.ticket_id AND f.direction = 'in' ORDER BY f.id LIMIT 1)
    FROM outbox o WHERE o.id = ANY($1::bigint[]))) ORDER BY m.id`,
		sqlite: `SELECT ` + ackHeaderCols + ` FROM messages m WHERE m.id IN (
    SELECT (SELECT min(f.id) FROM messages f WHERE f.ticket_id = o.ticket_id AND f.direction = 'in')
    FROM outbox o WHERE o.id IN (SELECT value FROM json_each(?))) ORDER BY m.id`,
		replan: true,
	}
)

// ackHeaderCols are what composing an acknowledgment reads of the
// request it answers: not its text, which the server would decompress and
// send for nothing with every acknowledgment.
const ackHeaderCols = `m.id, coalesce(m.ticket_id, 0), m.direction, m.from_addr, m.from_name, m.subject, m.message_id, m.refs`

func scanAckHeader(row scanner) (Message, error) {
	var m Message
	var dir string
	err := row.Scan(&m.ID, &m.TicketID, &dir, &m.From, &m.FromName, &m.Subject, &m.MessageID, &m.References)
	m.Direction = Direction(dir)
	return m, err
}

// prefixScanner scans one leading column into id before the columns a
// scan function written for another query expects.
type prefixScanner struct {
	scanner
	id *int64
}

func (r prefixScanner) Scan(dest ...any) error {
	return r.scanner.Scan(append([]any{r.id}, dest...)...)
}

func (s *core) AckSources(ctx context.Context, outboxIDs []int64) (map[int64]AckSource, error) {
	rs, err := s.read.query(ctx, ackTickets, outboxIDs)
	if err != nil {
		return nil, wrap("store: acknowledgment sources", err)
	}
	out := map[int64]AckSource{}
	byTicket := map[int64][]int64{}
	_, err = collect(rs, func(r scanner) (struct{}, error) {
		var id int64
		tk, err := scanTicket(prefixScanner{r, &id})
		out[id] = AckSource{Ticket: tk}
		byTicket[tk.ID] = append(byTicket[tk.ID], id)
		return struct{}{}, err
	})
	if err != nil {
		return nil, wrap("store: acknowledgment sources", err)
	}
	rs, err = s.read.query(ctx, ackFirstMessages, outboxIDs)
	if err != nil {
		return nil, wrap("store: acknowledgment sources", err)
	}
	firsts, err := collect(rs, scanAckHeader)
	if err != nil {
		return nil, wrap("store: acknowledgment sources", err)
	}
	for _, m := range firsts {
		for _, id := range byTicket[m.TicketID] {
			src := out[id]
			src.First = m
			out[id] = src
		}
	}
	return out, nil
}

var (
	// claimOutbound leases due rows to a sender ($4, claimed_by). On
	// PostgreSQL, SKIP LOCKED lets several senders claim disjoint sets at
	// once; SQLite runs the one UPDATE … RETURNING under the write lock, so
	// two senders (threads or processes) never claim the same row. The
	// lease keeps a claimed row from being claimed again until it ends (the
	// sender died, or stopped renewing it) or a Mark* clears it.
	claimOutbound = stmt{
		pg: `
WITH o AS (
    UPDATE outbox SET lease_until = $2, claimed_by = $4
    WHERE id IN (
        SELECT id FROM outbox
        WHERE state IN ('queued', 'retrying') AND next_attempt_at <= $1
          AND (lease_until IS NULL OR lease_until < $1)
        ORDER BY id LIMIT $3
        FOR UPDATE SKIP LOCKED)
    RETURNING *
)
SELECT ` + pgOutboxCols + ` FROM o LEFT JOIN tickets t ON t.id = o.ticket_id ORDER BY o.id`,
		sqlite: `
UPDATE outbox SET lease_until = ?2, claimed_by = ?4
WHERE id IN (
    SELECT id FROM outbox
    WHERE state IN ('queued', 'retrying') AND next_attempt_at <= ?1
      AND (lease_until IS NULL OR lease_until < ?1)
    ORDER BY id LIMIT ?3)
RETURNING ` + sqliteOutboxCols,
		replan: true,
	}
	// renewOutbound extends the lease of the rows a sender still holds: its
	// own claim, still pending, not cleared by a Mark*. A row whose lease
	// ran out is renewed as long as no other sender claimed it since
	// (claimed_by still names this one): until then nobody else can be
	// sending it. On PostgreSQL a concurrent claim of the same row holds
	// its lock; the update waits for it and then re-reads claimed_by
	// (READ COMMITTED re-checks the WHERE clause on the new row version),
	// so a renewal never takes a row back. By primary key, one statement
	// for all of a sender's rows: no index on claimed_by to maintain.
	renewOutbound = stmt{
		pg: `
UPDATE outbox SET lease_until = $3
WHERE id = ANY($1::bigint[]) AND claimed_by = $2 AND lease_until IS NOT NULL
  AND state IN ('queued', 'retrying')
RETURNING id`,
		sqlite: `
UPDATE outbox SET lease_until = ?3
WHERE id IN (SELECT value FROM json_each(?1)) AND claimed_by = ?2 AND lease_until IS NOT NULL
  AND state IN ('queued', 'retrying')
RETURNING id`,
		replan: true,
	}
	listOutbox = stmt{
		pg:     `SELECT ` + pgOutboxCols + ` FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket_id ORDER BY o.id`,
		sqlite: `SELECT ` + sqliteOutboxCols + ` FROM outbox ORDER BY id`,
	}
	// markRetry, markFailed: attempts counts every attempt, the last one
	// included. Only a pending row takes a result: a sent row stays sent,
	// and a failed one stays failed until an agent requeues it (a late
	// result, from a copy the sender claimed again, must not revive it).
	markRetry = portable(`
UPDATE outbox SET state = 'retrying', attempts = attempts + 1, last_error = $2, next_attempt_at = $3,
    lease_until = NULL
WHERE id = $1 AND state IN ('queued', 'retrying')`)
	markFailed = portable(`
UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = $2, lease_until = NULL
WHERE id = $1 AND state IN ('queued', 'retrying')`)
	// requeue only applies to a failed message; any other gives ErrNotFound.
	requeue = portable(`
UPDATE outbox SET state = 'queued', next_attempt_at = $2, lease_until = NULL
WHERE id = $1 AND state = 'failed'`)
)

func (s *core) ClaimOutbound(ctx context.Context, now time.Time, n int, lease time.Duration) ([]Outbound, error) {
	return s.ClaimOutboundFor(ctx, "", now, n, lease)
}

func (s *core) ClaimOutboundFor(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]Outbound, error) {
	if n <= 0 {
		return nil, nil
	}
	now = ts(now)
	rs, err := s.write.query(ctx, claimOutbound, now, ts(now.Add(lease)), n, owner)
	if err != nil {
		return nil, wrap("store: claim outbound", err)
	}
	out, err := collect(rs, scanOutbound)
	if err != nil {
		return nil, wrap("store: claim outbound", err)
	}
	// RETURNING gives no order on SQLite.
	slices.SortFunc(out, func(a, b Outbound) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

func (s *core) RenewOutbound(ctx context.Context, owner string, ids []int64, now time.Time, lease time.Duration) ([]int64, error) {
	if owner == "" {
		// An anonymous claim (ClaimOutbound) is nobody's to renew.
		return nil, fmt.Errorf("store: renew outbound: no owner")
	}
	if len(ids) == 0 {
		return nil, nil
	}
	got, err := queryIDs(ctx, s.write, renewOutbound, ids, owner, ts(now.Add(lease)))
	if err != nil {
		return nil, wrap("store: renew outbound", err)
	}
	slices.Sort(got)
	return got, nil
}

func (s *core) Outbox(ctx context.Context) ([]Outbound, error) {
	rs, err := s.read.query(ctx, listOutbox)
	if err != nil {
		return nil, wrap("store: outbox", err)
	}
	out, err := collect(rs, scanOutbound)
	return out, wrap("store: outbox", err)
}

func (s *core) MarkRetry(ctx context.Context, id int64, lastErr string, next time.Time) error {
	return exec1(ctx, s.write, "store: mark retry", markRetry, id, clean(lastErr), ts(next))
}

func (s *core) MarkFailed(ctx context.Context, id int64, lastErr string) error {
	return exec1(ctx, s.write, "store: mark failed", markFailed, id, clean(lastErr))
}

func (s *core) Requeue(ctx context.Context, id int64, now time.Time) error {
	return exec1(ctx, s.write, "store: requeue", requeue, id, ts(now))
}

// sentColumns turns MarkSent's arguments into columns, one entry per id.
func sentColumns(sent []Sent) (ids []int64, at []time.Time, notes []string) {
	seen := make(map[int64]bool, len(sent))
	for _, x := range sent {
		if seen[x.ID] {
			continue
		}
		seen[x.ID] = true
		ids, at, notes = append(ids, x.ID), append(at, ts(x.At)), append(notes, clean(x.Note))
	}
	return ids, at, notes
}

// sentAll reports, as ErrNotFound, the ids no row was recorded for (the
// others are).
func sentAll(ids, recorded []int64) error {
	if len(recorded) >= len(ids) {
		return nil
	}
	done := make(map[int64]bool, len(recorded))
	for _, id := range recorded {
		done[id] = true
	}
	var missing []int64
	for _, id := range ids {
		if !done[id] {
			missing = append(missing, id)
		}
	}
	return fmt.Errorf("store: mark sent: %d of %d, not %v: %w", len(recorded), len(ids), missing, ErrNotFound)
}

// markSent records deliveries, one row per id, in one statement; attempts
// counts every attempt, the last one included, so "sent, 1 attempt" reads
// as it should in guichet outbox. A note, when not empty, is kept as the
// last error. On PostgreSQL it is planned per call (replan): with a
// generic plan frozen while the outbox was small, the join on the array
// could scan the whole outbox for every group.
var markSent = stmt{
	pg: `
UPDATE outbox o SET state = 'sent', attempts = o.attempts + 1, sent_at = v.at, lease_until = NULL,
    last_error = CASE WHEN v.note = '' THEN o.last_error ELSE v.note END
FROM unnest($1::bigint[], $2::timestamptz[], $3::text[]) AS v(id, at, note)
WHERE o.id = v.id
RETURNING o.id`,
	sqlite: `
UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = v.at, lease_until = NULL,
    last_error = CASE WHEN v.note = '' THEN outbox.last_error ELSE v.note END
FROM (SELECT value ->> 'id' AS id, value ->> 'at' AS at, value ->> 'note' AS note FROM json_each(?)) AS v
WHERE outbox.id = v.id
RETURNING outbox.id`,
	replan: true,
}

// queryIDs runs st, which returns one id per row.
func queryIDs(ctx context.Context, c conn, st stmt, args ...any) ([]int64, error) {
	rs, err := c.query(ctx, st, args...)
	if err != nil {
		return nil, err
	}
	return collect(rs, scanID)
}

// scanID reads a row of one id.
func scanID(r scanner) (int64, error) {
	var id int64
	return id, r.Scan(&id)
}

// markSentAll runs markSent with args and checks every id was recorded.
func markSentAll(ctx context.Context, c conn, ids []int64, args ...any) error {
	recorded, err := queryIDs(ctx, c, markSent, args...)
	if err != nil {
		return wrap("store: mark sent", err)
	}
	return sentAll(ids, recorded)
}

// pgMarkSentOne is markSent for one row by primary key, whose cached plan
// stays right as the outbox grows.
const pgMarkSentOne = `
UPDATE outbox SET state = 'sent', attempts = attempts + 1, sent_at = $2::timestamptz, lease_until = NULL,
    last_error = CASE WHEN $3::text = '' THEN last_error ELSE $3::text END
WHERE id = $1`

// markSentManyFrom is the group size from which MarkSent records a group
// with one markSent: planned at each call, it costs the backend more CPU
// than eight pgMarkSentOne, less than sixty-four
// (BenchmarkPostgresAckPath).
const markSentManyFrom = 16

// MarkSent records a group in one round trip and one implicit
// transaction: one statement for all, or one per row for a small group.
func (s *pgStore) MarkSent(ctx context.Context, sent ...Sent) error {
	ids, at, notes := sentColumns(sent)
	if len(ids) == 0 {
		return nil
	}
	if len(ids) >= markSentManyFrom {
		return markSentAll(ctx, s.write, ids, ids, at, notes)
	}
	b := &pgx.Batch{}
	for i := range ids {
		b.Queue(pgMarkSentOne, ids[i], at[i], notes[i])
	}
	br := s.pool.SendBatch(ctx, b)
	var recorded []int64
	for _, id := range ids {
		tag, err := br.Exec()
		if err != nil {
			br.Close() // returns err again: the batch stopped there
			return wrap("store: mark sent", err)
		}
		if tag.RowsAffected() > 0 {
			recorded = append(recorded, id)
		}
	}
	if err := br.Close(); err != nil {
		return wrap("store: mark sent", err)
	}
	return sentAll(ids, recorded)
}

// MarkSent records every delivery in one statement, from a JSON array.
func (s *sqliteStore) MarkSent(ctx context.Context, sent ...Sent) error {
	ids, at, notes := sentColumns(sent)
	if len(ids) == 0 {
		return nil
	}
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
	return markSentAll(ctx, s.lazyWrite, ids, string(js))
}
