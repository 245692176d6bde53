package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Tickets: numbering, participants, status history and the listings.

// ticketCols: the same columns on both backends; the participants come as
// an array (PostgreSQL) or a JSON array (SQLite), in first-seen order.
const (
	pgTicketCols = `t.id, t.number, t.subject, t.status, t.category, t.category_source, t.confidence,
    t.requester, t.linked_to, t.no_ack_reason, t.incident_key, t.repeats, t.created_at, t.updated_at,
    ` + workflowCols + `,
    ARRAY(SELECT p.address FROM participants p WHERE p.ticket_id = t.id ORDER BY p.id)`
	sqliteTicketCols = `t.id, t.number, t.subject, t.status, t.category, t.category_source, t.confidence,
    t.requester, t.linked_to, t.no_ack_reason, t.incident_key, t.repeats, t.created_at, t.updated_at,
    ` + workflowCols + `,
    (SELECT json_group_array(address) FROM
        (SELECT p.address FROM participants p WHERE p.ticket_id = t.id ORDER BY p.id))`
)

func scanTicket(row scanner) (Ticket, error) {
	var (
		t      Ticket
		status string
		w      workflowScan
	)
	dest := append([]any{&t.ID, &t.Number, &t.Subject, &status, &t.Category, &t.CategorySource, &t.Confidence,
		&t.Requester, &t.LinkedTo, &t.NoAckReason, &t.IncidentKey, &t.Repeats, &t.CreatedAt, &t.UpdatedAt},
		w.dest()...)
	err := row.Scan(append(dest, &t.Participants)...)
	t.Status, t.CreatedAt, t.UpdatedAt = Status(status), t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	t.Workflow = w.workflow()
	return t, err
}

// ticketNumber formats YYYY-NNNNNN (docs/threading.md, "Tickets": at least six digits,
// more when needed) for SQLite. PostgreSQL's creation statement formats the
// same way in SQL, because it advances the counter and writes the numbered
// rows in one statement (one round trip per batch); the number it returns
// is that column's. So each backend formats in one place, and
// TestNumberGrowsPastSixDigits holds both to the rule.
func ticketNumber(year int, n int64) string { return fmt.Sprintf("%d-%06d", year, n) }

// newTicket is the Ticket just created from nt at at.
func newTicket(id int64, number string, nt NewTicket, at time.Time, participants []string) Ticket {
	return Ticket{
		ID: id, Number: number, Subject: nt.Subject, Status: StatusOpen,
		Category: nt.Category, CategorySource: nt.CategorySource, Confidence: nt.Confidence,
		Requester: nt.Requester, LinkedTo: nt.LinkedTo, NoAckReason: nt.NoAckReason,
		IncidentKey: nt.IncidentKey, Participants: participants, CreatedAt: at, UpdatedAt: at,
		Workflow: nt.Workflow.normal(),
	}
}

func prepareTicket(t *NewTicket, now time.Time) {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	t.Subject = boundSubject(clean(t.Subject))
	t.Category = clean(t.Category)
	t.CategorySource = clean(t.CategorySource)
	t.Requester = clean(t.Requester)
	t.LinkedTo = clean(t.LinkedTo)
	t.NoAckReason = clean(t.NoAckReason)
	t.IncidentKey = clean(t.IncidentKey)
	t.Workflow = t.Workflow.normal()
}

// ticketParticipants: the requester first, then the others, normalised.
func ticketParticipants(nt *NewTicket) []string {
	return normAddrs(append([]string{nt.Requester}, nt.Participants...))
}

// pgCreateTickets numbers and writes one year's tickets, their
// participants and first history entries in one statement. The counter
// upsert moves the year's row once, by the number of tickets, and locks it
// until commit: other creators wait, and a rollback gives the numbers back
// (gap-free). A ticket whose id its message's insert reserved ($20, 0 for
// none) is created with it; the others take the next one.
const pgCreateTickets = `
WITH c AS (
    INSERT INTO ticket_counters (year, last) VALUES ($1, $2)
    ON CONFLICT (year) DO UPDATE SET last = ticket_counters.last + $2
    RETURNING last
), v AS (
    SELECT v.*, $1::int::text || '-' || lpad(k.n::text, greatest(6, length(k.n::text)), '0') AS number
    FROM c, unnest($3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[], $9::text[],
        $10::text[], $11::timestamptz[], $14::text[], $15::text[], $16::text[], $17::timestamptz[],
        $18::timestamptz[], $19::timestamptz[], $20::bigint[])
        WITH ORDINALITY AS v(subject, category, category_source, confidence, requester, linked_to,
            no_ack_reason, incident_key, created_at, requester_key, priority, team, first_response_due,
            resolution_due, clock_since, reserved, ord),
        LATERAL (SELECT c.last - $2 + v.ord AS n) AS k
), t AS (
    INSERT INTO tickets (id, number, subject, category, category_source, confidence, requester,
        linked_to, no_ack_reason, incident_key, created_at, updated_at, requester_key,
        priority, team, first_response_due, resolution_due, clock_since)
    OVERRIDING SYSTEM VALUE
    SELECT coalesce(nullif(v.reserved, 0), nextval(pg_get_serial_sequence('tickets', 'id'))),
        v.number, v.subject, v.category, v.category_source, v.confidence, v.requester, v.linked_to,
        v.no_ack_reason, v.incident_key, v.created_at, v.created_at, v.requester_key,
        v.priority, nullif(v.team, ''), v.first_response_due, v.resolution_due, v.clock_since
    FROM v ORDER BY v.ord
    RETURNING id, number
), tv AS (
    SELECT t.id, v.* FROM t JOIN v ON t.number = v.number
), p AS (
    INSERT INTO participants (ticket_id, address, first_seen, origin)
    SELECT tv.id, r.address, tv.created_at, 'request'
    FROM unnest($12::bigint[], $13::text[]) WITH ORDINALITY AS r(ord, address, k) JOIN tv ON tv.ord = r.ord
    ORDER BY r.k
), h AS (
    INSERT INTO status_history (ticket_id, from_status, to_status, reason, at)
    SELECT tv.id, '', 'open', 'created', tv.created_at FROM tv ORDER BY tv.ord
)
SELECT tv.ord, tv.id, tv.number FROM tv ORDER BY tv.ord`

// pgAttachMessages gives each message its new ticket, for the callers
// that inserted it without reserving the ticket's id (the pipeline always
// reserves it: this UPDATE is never HOT). It is planned per call
// (replan): its array of ids must not meet a stale generic plan. The
// creation statement above keeps its cached plan, which has no scan to go
// wrong, and would cost a parse and a plan per batch on the committer's
// path if planned per call.
const pgAttachMessages = `
UPDATE messages SET ticket_id = v.ticket_id, kind = coalesce(nullif(v.kind, ''), messages.kind)
FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS v(id, ticket_id, kind)
WHERE messages.id = v.id AND messages.id = ANY($1::bigint[])`

// CreateTickets numbers the tickets in the order given. A batch's tickets
// of one year go in one statement: the counter moves once, and the rows
// are written together, where a statement per ticket would pay the
// per-statement overhead and rewrite the counter row each time.
func (t *pgTx) CreateTickets(ctx context.Context, nts []NewTicket) ([]Ticket, error) {
	out := make([]Ticket, 0, len(nts))
	for i := range nts {
		prepareTicket(&nts[i], t.now())
	}
	for start := 0; start < len(nts); {
		year := nts[start].CreatedAt.Year()
		end := start + 1
		for end < len(nts) && nts[end].CreatedAt.Year() == year {
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

func (t *pgTx) createTicketsOfYear(ctx context.Context, year int, nts []NewTicket) ([]Ticket, error) {
	c := newTicketsOfYear(year, nts)
	rs, err := t.c.query(ctx, stmt{pg: pgCreateTickets}, c.args...)
	if err != nil {
		return nil, wrap("store: create tickets", err)
	}
	out, err := c.read(rs)
	if err != nil {
		return nil, err
	}
	return out, t.attachOpening(ctx, c, out)
}

// ticketsOfYear is pgCreateTickets' work for one year's new tickets: its
// arguments, and what reading its rows needs.
type ticketsOfYear struct {
	nts   []NewTicket
	args  []any
	at    []time.Time
	parts [][]string
	// The messages that open the tickets without a reserved id, and which
	// ticket each opens: attached once the tickets exist.
	msgIDs   []int64
	msgKinds []string
	msgOf    []int
}

func newTicketsOfYear(year int, nts []NewTicket) *ticketsOfYear {
	n := len(nts)
	var (
		subject, category, source, requester, linked, noAck, incident = make([]string, n), make([]string, n),
			make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		requesterKey = make([]string, n)
		wf           = newWorkflowArrays(n)
		confidence   = make([]float64, n)
		reserved     = make([]int64, n)
		partOrd      []int64
		partAddr     []string
	)
	c := &ticketsOfYear{nts: nts, at: make([]time.Time, n), parts: make([][]string, n)}
	for i := range nts {
		nt := &nts[i]
		subject[i], category[i], source[i], confidence[i] = nt.Subject, nt.Category, nt.CategorySource, nt.Confidence
		requester[i], linked[i], noAck[i], incident[i] = nt.Requester, nt.LinkedTo, nt.NoAckReason, nt.IncidentKey
		requesterKey[i] = MailboxKey(nt.Requester)
		c.at[i] = ts(nt.CreatedAt)
		wf.set(i, nt.Workflow)
		reserved[i] = nt.ID
		if nt.MessageRowID != 0 && nt.ID == 0 {
			c.msgIDs, c.msgKinds, c.msgOf = append(c.msgIDs, nt.MessageRowID), append(c.msgKinds, string(nt.MessageKind)), append(c.msgOf, i)
		}
		c.parts[i] = ticketParticipants(nt)
		for _, a := range c.parts[i] {
			partOrd, partAddr = append(partOrd, int64(i+1)), append(partAddr, a)
		}
	}
	c.args = []any{year, n, subject, category, source, confidence, requester,
		linked, noAck, incident, c.at, partOrd, partAddr, requesterKey,
		wf.priority, wf.team, wf.firstDue, wf.resolutionDue, wf.clockSince, reserved}
	return c
}

// read reads pgCreateTickets' rows: the tickets, in the order given.
func (c *ticketsOfYear) read(rs rows) ([]Ticket, error) {
	n := len(c.nts)
	out := make([]Ticket, n)
	got, err := collect(rs, func(r scanner) (int, error) {
		var ord, id int64
		var number string
		if err := r.Scan(&ord, &id, &number); err != nil {
			return 0, err
		}
		i := int(ord - 1)
		out[i] = newTicket(id, number, c.nts[i], c.at[i], c.parts[i])
		return i, nil
	})
	if err != nil {
		return nil, wrap("store: create tickets", err)
	}
	if len(got) != n {
		return nil, fmt.Errorf("store: create tickets: %d of %d created", len(got), n)
	}
	return out, nil
}

// attachOpening attaches to the tickets out the messages that open them
// without having reserved their ids.
func (t *pgTx) attachOpening(ctx context.Context, c *ticketsOfYear, out []Ticket) error {
	if len(c.msgIDs) == 0 {
		return nil
	}
	msgTickets := make([]int64, len(c.msgOf))
	for k, i := range c.msgOf {
		msgTickets[k] = out[i].ID
	}
	attached, err := t.c.exec(ctx, stmt{pg: pgAttachMessages, replan: true}, c.msgIDs, msgTickets, c.msgKinds)
	if err != nil {
		return wrap("store: create tickets", err)
	}
	if int(attached) != len(c.msgIDs) {
		return fmt.Errorf("store: create tickets: %d of %d messages attached: %w", attached, len(c.msgIDs), ErrNotFound)
	}
	return nil
}

// SQLite's creation statements: the year's counter moved once per year
// of the group, by the number of its tickets, then the tickets one at a
// time. The transaction already holds the write lock (BEGIN IMMEDIATE),
// so the counter upsert is serialised and rolls back with it.
var (
	sqliteReserveNumbers = stmt{sqlite: `
INSERT INTO ticket_counters (year, last) VALUES (?1, ?2)
ON CONFLICT (year) DO UPDATE SET last = last + ?2
RETURNING last`}
	sqliteInsertTicket = stmt{sqlite: `
INSERT INTO tickets (number, subject, category, category_source, confidence, requester,
    linked_to, no_ack_reason, incident_key, created_at, updated_at, requester_key,
    priority, team, first_response_due, resolution_due, clock_since)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, nullif(?13, ''), ?14, ?15, ?16)
RETURNING id`}
	sqliteCreatedHistory = stmt{sqlite: `
INSERT INTO status_history (ticket_id, from_status, to_status, reason, at) VALUES (?, '', 'open', 'created', ?)`}
)

// CreateTickets numbers the tickets of each year in the order given, one
// counter upsert per year (a statement per ticket cost the group commit
// about 20 µs each), then creates them one by one: in-process SQLite has
// no round trips to save.
func (t *sqliteTx) CreateTickets(ctx context.Context, nts []NewTicket) ([]Ticket, error) {
	nts = slices.Clone(nts)
	perYear := map[int]int64{}
	for i := range nts {
		prepareTicket(&nts[i], t.now())
		perYear[nts[i].CreatedAt.Year()]++
	}
	next := make(map[int]int64, len(perYear))
	for year, n := range perYear {
		var last int64
		if err := t.c.queryRow(ctx, sqliteReserveNumbers, year, n).Scan(&last); err != nil {
			return nil, wrap("store: create tickets: numbers", err)
		}
		next[year] = last - n + 1
	}
	out := make([]Ticket, 0, len(nts))
	for _, nt := range nts {
		year := nt.CreatedAt.Year()
		tk, err := t.createTicket(ctx, nt, ticketNumber(year, next[year]))
		if err != nil {
			return nil, err
		}
		next[year]++
		out = append(out, tk)
	}
	return out, nil
}

// createTicket writes nt, prepared (prepareTicket), as ticket number.
func (t *sqliteTx) createTicket(ctx context.Context, nt NewTicket, number string) (Ticket, error) {
	at := ts(nt.CreatedAt)
	var id int64
	if err := t.c.queryRow(ctx, sqliteInsertTicket, number, nt.Subject, nt.Category, nt.CategorySource, nt.Confidence,
		nt.Requester, nt.LinkedTo, nt.NoAckReason, nt.IncidentKey, at, MailboxKey(nt.Requester),
		nt.Priority, nt.Team, nullTime(nt.FirstResponseDue), nullTime(nt.ResolutionDue),
		nullTime(nt.ClockSince)).Scan(&id); err != nil {
		return Ticket{}, wrap("store: create ticket", err)
	}
	parts := ticketParticipants(&nt)
	if err := t.addParticipants(ctx, id, parts, OriginRequest, at); err != nil {
		return Ticket{}, fmt.Errorf("store: create ticket: %w", err)
	}
	if _, err := t.c.exec(ctx, sqliteCreatedHistory, id, at); err != nil {
		return Ticket{}, wrap("store: create ticket: history", err)
	}
	if nt.MessageRowID != 0 {
		if err := t.AttachMessage(ctx, nt.MessageRowID, id, nt.MessageKind); err != nil {
			return Ticket{}, err
		}
	}
	return newTicket(id, number, nt, at, parts), nil
}

// countTicketsFrom counts through tickets_requester_key; the number of
// rows it reads per key is what that sender opened in the window. Planned
// per call (replan): a generic plan made while the table was small would
// keep scanning it whole as it grows.
var countTicketsFrom = stmt{
	pg: pgCountTicketsFrom(1),
	sqlite: `
SELECT count(*) FROM tickets
WHERE requester_key = ?1 AND requester_key <> '' AND created_at >= ?3
    AND id NOT IN (SELECT value FROM json_each(?2))`,
	replan: true,
}

// pgCountTicketsFrom is countTicketsFrom on PostgreSQL with its arguments
// from $n on: the keys, the ids excepted and since (pgArgs), so that
// countRecent can run it with another statement's.
func pgCountTicketsFrom(n int) string {
	return fmt.Sprintf(`
SELECT k.key, (SELECT count(*) FROM tickets t
    WHERE t.requester_key = k.key AND t.requester_key <> '' AND t.created_at >= $%[3]d AND t.id <> ALL($%[2]d::bigint[]))
FROM unnest($%[1]d::text[]) AS k(key)`, n, n+1, n+2)
}

// pgArgs are pgCountTicketsFrom's arguments.
func (q TicketCountQuery) pgArgs() []any {
	ks := make([]string, len(q.Keys))
	for i, k := range q.Keys {
		ks[i] = MailboxKey(k)
	}
	return []any{ks, notNull(q.Except), ts(q.Since)}
}

// notNull keeps an empty list from reaching SQL as NULL (or JSON null),
// which would make "<> ALL" and "NOT IN" unknown for every ticket.
func notNull(ids []int64) []int64 {
	if ids == nil {
		return []int64{}
	}
	return ids
}

func (t *pgTx) CountTicketsFrom(ctx context.Context, keys []string, except []int64, since time.Time) (map[string]int, error) {
	out := make(map[string]int, len(keys))
	rs, err := t.c.query(ctx, countTicketsFrom, TicketCountQuery{Keys: keys, Except: except, Since: since}.pgArgs()...)
	if err != nil {
		return nil, wrap("store: count tickets from", err)
	}
	_, err = collect(rs, func(r scanner) (struct{}, error) {
		var k string
		var n int
		err := r.Scan(&k, &n)
		out[k] = n
		return struct{}{}, err
	})
	return out, wrap("store: count tickets from", err)
}

func (t *sqliteTx) CountTicketsFrom(ctx context.Context, keys []string, except []int64, since time.Time) (map[string]int, error) {
	out := make(map[string]int, len(keys))
	for _, k := range keys {
		k = MailboxKey(k)
		var n int
		if err := t.c.queryRow(ctx, countTicketsFrom, k, notNull(except), since).Scan(&n); err != nil {
			return nil, wrap("store: count tickets from", err)
		}
		out[k] = n
	}
	return out, nil
}

var (
	ticketByNumber = stmt{
		pg:     `SELECT ` + pgTicketCols + ` FROM tickets t WHERE t.number = $1`,
		sqlite: `SELECT ` + sqliteTicketCols + ` FROM tickets t WHERE t.number = ?`,
	}
	// pgTicketByNumberLocked is ticketByNumber that keeps the row from
	// other transactions' writes until this one ends (InsertMessagesReading).
	// NO KEY UPDATE: the foreign-key checks of the messages inserted for
	// the ticket (KEY SHARE) do not wait for it.
	pgTicketByNumberLocked = `SELECT ` + pgTicketCols + ` FROM tickets t WHERE t.number = $1 FOR NO KEY UPDATE OF t`
	// ticketByMessageIDs finds the messages first, by index, then picks
	// the newest. A message's Message-ID is its dedupe key whenever it has
	// one, so the rows where the two are equal are found through the
	// dedupe key's unique index, and the others (none that Guichet writes
	// itself) through messages_message_id_other, which holds only them
	// (migration 0020): one index entry per message instead of two. On
	// PostgreSQL, as one join with ORDER BY m.id DESC LIMIT 1, the planner
	// walks the primary key backwards and filters, a cost that grows with
	// the table when nothing matches (a reply to a message never seen),
	// inside the serial commit path; the MATERIALIZED step keeps the index
	// look-ups first.
	ticketByMessageIDs = stmt{
		pg: `
WITH m AS MATERIALIZED (
    SELECT id, ticket_id FROM messages
    WHERE dedupe_key = ANY($1::text[]) AND message_id = dedupe_key
    UNION ALL
    SELECT id, ticket_id FROM messages
    WHERE message_id = ANY($1::text[]) AND message_id <> '' AND message_id <> dedupe_key
)
SELECT ` + pgTicketCols + ` FROM m JOIN tickets t ON t.id = m.ticket_id
ORDER BY m.id DESC LIMIT 1`,
		sqlite: `
SELECT ` + sqliteTicketCols + ` FROM (
    SELECT id, ticket_id FROM messages
    WHERE dedupe_key IN (SELECT value FROM json_each(?1)) AND message_id = dedupe_key
    UNION ALL
    SELECT id, ticket_id FROM messages
    WHERE message_id IN (SELECT value FROM json_each(?1)) AND message_id <> '' AND message_id <> dedupe_key
) m JOIN tickets t ON t.id = m.ticket_id
ORDER BY m.id DESC LIMIT 1`,
		replan: true,
	}
	ticketByIncidentKey = stmt{
		pg: `
SELECT ` + pgTicketCols + ` FROM tickets t WHERE t.incident_key = $1 AND t.incident_key <> ''
ORDER BY t.id DESC LIMIT 1`,
		sqlite: `
SELECT ` + sqliteTicketCols + ` FROM tickets t WHERE t.incident_key = ? AND t.incident_key <> ''
ORDER BY t.id DESC LIMIT 1`,
	}
)

// ticketBy runs s, which selects one ticket's columns.
func ticketBy(ctx context.Context, c conn, op string, s stmt, arg any) (Ticket, error) {
	tk, err := scanTicket(c.queryRow(ctx, s, arg))
	if err != nil {
		return Ticket{}, wrap(op, err)
	}
	return tk, nil
}

func (t *txCore) TicketByNumber(ctx context.Context, number string) (Ticket, error) {
	return ticketBy(ctx, t.c, "store: ticket "+number, ticketByNumber, number)
}

func (t *txCore) TicketByMessageIDs(ctx context.Context, ids []string) (Ticket, error) {
	return ticketBy(ctx, t.c, "store: ticket by message ids", ticketByMessageIDs, cleanAll(ids))
}

func (t *txCore) TicketByIncidentKey(ctx context.Context, key string) (Ticket, error) {
	return ticketBy(ctx, t.c, "store: ticket by incident key", ticketByIncidentKey, key)
}

var (
	// addParticipants: ORDER BY n keeps the identity order equal to the
	// order given, which is the first-seen order Ticket lists. A row
	// without origin takes the new one: it is now known how it came.
	addParticipants = stmt{
		pg: `
INSERT INTO participants (ticket_id, address, first_seen, origin)
SELECT $1, u.address, $3, $4 FROM unnest($2::text[]) WITH ORDINALITY AS u(address, n) ORDER BY u.n
ON CONFLICT (ticket_id, address) DO UPDATE SET origin = excluded.origin WHERE participants.origin = ''`,
		sqlite: `
INSERT INTO participants (ticket_id, address, first_seen, origin) VALUES (?, ?, ?, ?)
ON CONFLICT (ticket_id, address) DO UPDATE SET origin = excluded.origin WHERE participants.origin = ''`,
	}
	removeParticipant = portable(`DELETE FROM participants WHERE ticket_id = $1 AND address = $2`)
	participantsOf    = portable(`SELECT address, origin FROM participants WHERE ticket_id = $1 ORDER BY id`)
)

// HasParticipant reports whether addr, compared as participants are
// stored (trimmed, lower case), is among t.Participants: the participants
// as they were when t was read. The reply path reads its ticket with them
// inside its transaction, so asking the database again would only cost a
// round trip in the serial commit.
func (t Ticket) HasParticipant(addr string) bool {
	a := normAddrs([]string{addr})
	return len(a) == 1 && slices.Contains(t.Participants, a[0])
}

func (t *txCore) RemoveParticipant(ctx context.Context, ticketID int64, addr string) (bool, error) {
	a := normAddrs([]string{addr})
	if len(a) == 0 {
		return false, nil
	}
	n, err := t.c.exec(ctx, removeParticipant, ticketID, a[0])
	return n > 0, wrap("store: remove participant", err)
}

func (t *txCore) Participants(ctx context.Context, ticketID int64) ([]Participant, error) {
	rs, err := t.c.query(ctx, participantsOf, ticketID)
	if err != nil {
		return nil, wrap("store: participants", err)
	}
	ps, err := collect(rs, func(row scanner) (Participant, error) {
		var p Participant
		var origin string
		err := row.Scan(&p.Address, &origin)
		p.Origin = Origin(origin)
		return p, err
	})
	return ps, wrap("store: participants", err)
}

func (t *pgTx) AddParticipants(ctx context.Context, ticketID int64, addrs []string, origin Origin) error {
	a := normAddrs(addrs)
	if len(a) == 0 {
		return nil
	}
	_, err := t.c.exec(ctx, addParticipants, ticketID, a, ts(t.now()), string(origin))
	return wrap("store: add participants", err)
}

func (t *sqliteTx) AddParticipants(ctx context.Context, ticketID int64, addrs []string, origin Origin) error {
	return t.addParticipants(ctx, ticketID, normAddrs(addrs), origin, ts(t.now()))
}

// addParticipants inserts normalised addresses one row each.
func (t *sqliteTx) addParticipants(ctx context.Context, ticketID int64, addrs []string, origin Origin, at time.Time) error {
	for _, a := range addrs {
		if _, err := t.c.exec(ctx, addParticipants, ticketID, a, at, string(origin)); err != nil {
			return wrap("store: add participants", err)
		}
	}
	return nil
}

// pgSetStatus changes the status and records the change in one statement;
// the row lock orders concurrent changes.
const pgSetStatus = `
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
SELECT EXISTS (SELECT 1 FROM old)`

// SetStatus changes the status and records the change; setting the status
// a ticket already has records nothing.
func (t *pgTx) SetStatus(ctx context.Context, ticketID int64, to Status, reason string, at time.Time) error {
	var found bool
	if err := t.c.queryRow(ctx, stmt{pg: pgSetStatus}, ticketID, string(to), clean(reason), ts(at)).Scan(&found); err != nil {
		return wrap("store: set status", err)
	}
	if !found {
		return fmt.Errorf("store: set status of ticket %d: %w", ticketID, ErrNotFound)
	}
	return nil
}

var (
	sqliteTicketStatus = stmt{sqlite: `SELECT status FROM tickets WHERE id = ?`}
	sqliteSetStatus    = stmt{sqlite: `UPDATE tickets SET status = ?2, updated_at = max(updated_at, ?3) WHERE id = ?1`}
	sqliteAddHistory   = stmt{sqlite: `
INSERT INTO status_history (ticket_id, from_status, to_status, reason, at) VALUES (?, ?, ?, ?, ?)`}
)

// SetStatus: the transaction holds the write lock, so reading the old
// status and then writing is safe.
func (t *sqliteTx) SetStatus(ctx context.Context, ticketID int64, to Status, reason string, at time.Time) error {
	var from string
	if err := t.c.queryRow(ctx, sqliteTicketStatus, ticketID).Scan(&from); err != nil {
		return wrap(fmt.Sprintf("store: set status of ticket %d", ticketID), err)
	}
	if Status(from) == to {
		return nil
	}
	if _, err := t.c.exec(ctx, sqliteSetStatus, ticketID, string(to), at); err != nil {
		return wrap("store: set status", err)
	}
	_, err := t.c.exec(ctx, sqliteAddHistory, ticketID, from, string(to), clean(reason), at)
	return wrap("store: set status", err)
}

var (
	setCategory = portable(`UPDATE tickets SET category = $2, category_source = $3, confidence = $4 WHERE id = $1`)
	bumpRepeats = portable(`UPDATE tickets SET repeats = repeats + 1 WHERE id = $1 RETURNING repeats`)
	touchTicket = stmt{
		pg:     `UPDATE tickets SET updated_at = greatest(updated_at, $2) WHERE id = $1`,
		sqlite: `UPDATE tickets SET updated_at = max(updated_at, ?2) WHERE id = ?1`,
	}
	setNoAckReasons = stmt{
		pg: `
UPDATE tickets SET no_ack_reason = v.reason
FROM unnest($1::bigint[], $2::text[]) AS v(id, reason) WHERE tickets.id = v.id`,
		sqlite: `UPDATE tickets SET no_ack_reason = ?2 WHERE id = ?1`,
		replan: true,
	}
)

func (t *txCore) SetCategory(ctx context.Context, ticketID int64, code, source string, confidence float64) error {
	return exec1(ctx, t.c, "store: set category", setCategory, ticketID, clean(code), clean(source), confidence)
}

// BumpRepeats adds one to the ticket's repeat counter and returns it.
func (t *txCore) BumpRepeats(ctx context.Context, ticketID int64) (int, error) {
	var n int
	err := t.c.queryRow(ctx, bumpRepeats, ticketID).Scan(&n)
	return n, wrap("store: bump repeats", err)
}

func (t *txCore) Touch(ctx context.Context, ticketID int64, at time.Time) error {
	return exec1(ctx, t.c, "store: touch ticket", touchTicket, ticketID, ts(at))
}

func noAckArgs(ids []int64, reasons []string) error {
	if len(ids) != len(reasons) {
		return fmt.Errorf("store: set no-ack reasons: %d tickets for %d reasons", len(ids), len(reasons))
	}
	return nil
}

// SetNoAckReasons updates the tickets in one statement.
func (t *pgTx) SetNoAckReasons(ctx context.Context, ids []int64, reasons []string) error {
	if err := noAckArgs(ids, reasons); err != nil || len(ids) == 0 {
		return err
	}
	n, err := t.c.exec(ctx, setNoAckReasons, ids, cleanAll(reasons))
	if err != nil {
		return wrap("store: set no-ack reasons", err)
	}
	if int(n) != len(ids) {
		return fmt.Errorf("store: set no-ack reasons: %d of %d tickets: %w", n, len(ids), ErrNotFound)
	}
	return nil
}

// SetNoAckReasons updates the tickets one by one.
func (t *sqliteTx) SetNoAckReasons(ctx context.Context, ids []int64, reasons []string) error {
	if err := noAckArgs(ids, reasons); err != nil {
		return err
	}
	for i := range ids {
		if err := exec1(ctx, t.c, "store: set no-ack reason", setNoAckReasons, ids[i], clean(reasons[i])); err != nil {
			return err
		}
	}
	return nil
}

// --- reads outside the pipeline's transaction ---

// limitArg is a LIMIT argument: NULL is no limit (SQLite's statements turn
// it into -1, which is).
func limitArg(n int) any {
	if n > 0 {
		return n
	}
	return nil
}

var (
	listTickets = stmt{
		pg: `SELECT ` + pgTicketCols + ` FROM tickets t
WHERE ($1 = '' OR t.status = $1) AND ($2 = '' OR t.category = $2)
    AND ($4 = '' OR coalesce(t.assignee, '-') = $4) AND ($5 = '' OR t.team = $5)
ORDER BY t.created_at DESC, t.id DESC LIMIT $3`,
		sqlite: `SELECT ` + sqliteTicketCols + ` FROM tickets t
WHERE (?1 = '' OR t.status = ?1) AND (?2 = '' OR t.category = ?2)
    AND (?4 = '' OR coalesce(t.assignee, '-') = ?4) AND (?5 = '' OR t.team = ?5)
ORDER BY t.created_at DESC, t.id DESC LIMIT coalesce(?3, -1)`,
	}
	statusHistory = portable(`SELECT from_status, to_status, reason, at FROM status_history WHERE ticket_id = $1 ORDER BY id`)
)

func (s *core) Tickets(ctx context.Context, f TicketFilter) ([]Ticket, error) {
	rs, err := s.read.query(ctx, listTickets, string(f.Status), f.Category, limitArg(f.Limit),
		assigneeArg(f), clean(f.Team))
	if err != nil {
		return nil, wrap("store: tickets", err)
	}
	out, err := collect(rs, scanTicket)
	return out, wrap("store: tickets", err)
}

// maxSearchWords bounds the words of a text search: each one is a condition
// of the query, and nobody types more to find a ticket.
const maxSearchWords = 8

// searchWords splits a free-text search into lower-case words.
func searchWords(text string) []string {
	words := strings.Fields(strings.ToLower(clean(text)))
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	return words
}

// findTickets is FindTickets' statement for that many search words, with
// or without a requester: each word with strpos (PostgreSQL) or instr
// (SQLite) over lower(). PostgreSQL folds every letter; SQLite folds ASCII
// letters only, so the words are lowered in Go and an accented capital in
// the stored text is not folded. The requester is found through
// tickets_requester_key, then matched whole: a requester's page lists the
// tickets of that exact address, not those of its +tag variants. A
// statement of its own, because neither planner would use the index behind
// an "OR the parameter is empty".
func findTickets(words int, byRequester bool) stmt {
	const where = `(%[1]s = '' OR t.status = %[1]s) AND (%[2]s = '' OR t.category = %[2]s)`
	const requester = ` AND t.requester_key = %[1]s AND t.requester_key <> '' AND lower(t.requester) = %[2]s`
	const word = ` AND (%[1]s(lower(t.subject), %[2]s) > 0 OR EXISTS (
    SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND %[1]s(lower(m.subject || ' ' || m.body), %[2]s) > 0))`
	build := func(cols, search, limit string, param func(int) string) string {
		var b strings.Builder
		b.WriteString(`SELECT ` + cols + ` FROM tickets t WHERE `)
		fmt.Fprintf(&b, where, param(1), param(2))
		n := 3
		if byRequester {
			fmt.Fprintf(&b, requester, param(3), param(4))
			n = 5
		}
		for i := range words {
			fmt.Fprintf(&b, word, search, param(n+i))
		}
		fmt.Fprintf(&b, ` ORDER BY t.created_at DESC, t.id DESC LIMIT `+limit, param(n+words))
		return b.String()
	}
	return stmt{
		pg:     build(pgTicketCols, "strpos", "%s", func(n int) string { return fmt.Sprintf("$%d", n) }),
		sqlite: build(sqliteTicketCols, "instr", "coalesce(%s, -1)", func(n int) string { return fmt.Sprintf("?%d", n) }),
	}
}

// FindTickets lists tickets newest first by status, category, requester
// and words of their subject or messages.
func (s *core) FindTickets(ctx context.Context, q TicketQuery) ([]Ticket, error) {
	words := searchWords(q.Text)
	args := []any{string(q.Status), q.Category}
	requester := strings.ToLower(clean(q.Requester))
	if requester != "" {
		args = append(args, MailboxKey(requester), requester)
	}
	for _, w := range words {
		args = append(args, w)
	}
	args = append(args, limitArg(q.Limit))
	rs, err := s.read.query(ctx, findTickets(len(words), requester != ""), args...)
	if err != nil {
		return nil, wrap("store: find tickets", err)
	}
	out, err := collect(rs, scanTicket)
	return out, wrap("store: find tickets", err)
}

// Ticket reads the ticket, its messages and its history in one snapshot.
func (s *core) Ticket(ctx context.Context, number string) (TicketDetail, error) {
	var d TicketDetail
	err := s.snapshot(ctx, func(c conn) error {
		var err error
		if d.Ticket, err = ticketBy(ctx, c, "store: ticket "+number, ticketByNumber, number); err != nil {
			return err
		}
		if d.Messages, err = messagesWhere(ctx, c, messagesOfTicket, d.ID); err != nil {
			return err
		}
		rs, err := c.query(ctx, statusHistory, d.ID)
		if err != nil {
			return wrap("store: ticket history", err)
		}
		d.History, err = collect(rs, func(r scanner) (StatusChange, error) {
			var (
				h        StatusChange
				from, to string
			)
			err := r.Scan(&from, &to, &h.Reason, &h.At)
			h.From, h.To, h.At = Status(from), Status(to), h.At.UTC()
			return h, err
		})
		return wrap("store: ticket history", err)
	})
	if err != nil {
		return TicketDetail{}, err
	}
	return d, nil
}
