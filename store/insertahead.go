package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// InsertError is InsertMessages' failure on the message at Index: the
// messages before it were inserted, those after it were not tried, and the
// transaction must be rolled back.
type InsertError struct {
	Index int
	Err   error
}

func (e *InsertError) Error() string {
	return fmt.Sprintf("store: insert message %d of the batch: %v", e.Index, e.Err)
}

func (e *InsertError) Unwrap() error { return e.Err }

// InsertMessages sends the inserts in one pgx batch: the server runs them
// back to back, one round trip for all where InsertMessage costs one each
// (under load a round trip, with its two wake-ups, costs more than the
// statement itself). A duplicate inserts nothing and returns no row
// (ON CONFLICT DO NOTHING), so the statements after it still run.
//
// From messagesManyFrom messages on, they go as one statement instead
// (pgInsertMessagesMany): each statement costs the server a fixed price
// (binding, executor start-up, the CHECK constraints rebuilt, its
// triggers), which one INSERT per message paid per message.
func (t *pgTx) InsertMessages(ctx context.Context, ms []*Message) ([]int64, []error, error) {
	ids, dups, _, err := t.InsertMessagesReading(ctx, ms, nil)
	return ids, dups, err
}

// InsertMessagesReading sends the ticket look-ups after the inserts, in
// the same pgx batch: a group's replies that name their ticket by number
// each cost the serial group commit a round trip of their own otherwise
// (about 0.4 ms of waiting under load, a third of the works' time).
//
// The tickets read are locked (FOR NO KEY UPDATE) until the transaction
// ends: the works decide from them later in the group (reopen or not,
// the workflow they write back whole), so another transaction's change in
// between (an agent closing or assigning the ticket in the web) must wait
// for the group's commit rather than be overwritten or ignored. They are
// locked in the order of their numbers, the same in every group and on
// every node, so that two groups' reads never deadlock: one waits for the
// other's commit.
func (t *pgTx) InsertMessagesReading(ctx context.Context, ms []*Message, numbers []string) ([]int64, []error, map[string]*Ticket, error) {
	ids, dups := make([]int64, len(ms)), make([]error, len(ms))
	if len(ms) == 0 && len(numbers) == 0 {
		return ids, dups, nil, nil
	}
	b := &pgx.Batch{}
	var read func(pgx.BatchResults) error
	if len(ms) >= messagesManyFrom {
		args, err := t.manyArgs(ms, dups)
		if err != nil {
			return ids, dups, nil, err
		}
		b.Queue(pgInsertMessagesMany.pg, args...)
		read = func(br pgx.BatchResults) error {
			rs, err := br.Query()
			if err != nil {
				return wrap("store: insert messages", err)
			}
			return wrap("store: insert messages", readMany(rs, ms, ids, dups))
		}
	} else if len(ms) > 0 {
		stmts := make([]rowStmt, len(ms))
		for i, m := range ms {
			st, err := t.insertMessageStmt(m, nil)
			if err != nil {
				// Nothing was sent: the messages before it were not inserted
				// either, which rolling back makes true in any case.
				return ids, dups, nil, &InsertError{Index: i, Err: err}
			}
			stmts[i] = st
			b.Queue(st.query, st.args...)
		}
		read = func(br pgx.BatchResults) error {
			for i, st := range stmts {
				id, err := st.scan(br.QueryRow())
				switch {
				case errors.Is(err, ErrDuplicate):
					dups[i] = err
				case err != nil && !ownInsertError(err):
					// Not this row's: pgx prepares every new statement of
					// the batch before sending it, and a failure to
					// prepare one (a ticket look-up as well) comes back
					// as the first result's.
					return wrap("store: insert messages", err)
				case err != nil:
					// The server skipped the rest; the transaction is aborted.
					return &InsertError{Index: i, Err: err}
				default:
					ids[i] = id
				}
			}
			return nil
		}
	}
	numbers = slices.Sorted(slices.Values(numbers))
	for _, n := range numbers {
		b.Queue(pgTicketByNumberLocked, n)
	}
	br := t.tx.SendBatch(ctx, b)
	if read != nil {
		if err := read(br); err != nil {
			br.Close() //nolint:errcheck // err is the batch's error
			return ids, dups, nil, err
		}
	}
	var found map[string]*Ticket
	if numbers != nil {
		found = make(map[string]*Ticket, len(numbers))
	}
	for _, n := range numbers {
		tk, err := scanTicket(br.QueryRow())
		err = wrap("store: ticket "+n, err)
		switch {
		case errors.Is(err, ErrNotFound):
			found[n] = nil
		case err != nil:
			br.Close() //nolint:errcheck // err is the batch's error
			return ids, dups, nil, err
		default:
			found[n] = &tk
		}
	}
	if err := br.Close(); err != nil {
		// Every row was read: the failure is no message's own.
		return ids, dups, nil, wrap("store: insert messages", err)
	}
	return ids, dups, found, nil
}

// InsertMessagesReading on SQLite is InsertMessages and reads nothing
// (nil): in the process, a look-up saves no round trip.
func (t *sqliteTx) InsertMessagesReading(ctx context.Context, ms []*Message, _ []string) ([]int64, []error, map[string]*Ticket, error) {
	ids, dups, err := t.InsertMessages(ctx, ms)
	return ids, dups, nil, err
}

// InsertMessages on SQLite is InsertMessage in turn: the database is in
// the process, so there is no round trip to save.
func (t *sqliteTx) InsertMessages(ctx context.Context, ms []*Message) ([]int64, []error, error) {
	return InsertEach(ctx, t.InsertMessage, ms)
}

// InsertEach is InsertMessages made of one insert per message, in order,
// with its results: what a Tx without a better way to insert several
// does.
func InsertEach(ctx context.Context, insert func(context.Context, *Message) (int64, error), ms []*Message) ([]int64, []error, error) {
	ids, dups := make([]int64, len(ms)), make([]error, len(ms))
	for i, m := range ms {
		id, err := insert(ctx, m)
		switch {
		case errors.Is(err, ErrDuplicate):
			dups[i] = err
		case err != nil:
			return ids, dups, &InsertError{Index: i, Err: err}
		default:
			ids[i] = id
		}
	}
	return ids, dups, nil
}

// ownInsertError reports whether err, from a message's insert, is the
// message's own: a value the server refused (data exceptions, integrity
// constraints, SQLSTATE classes 22 and 23). Anything else fails the
// batch, not the message, and each work runs again alone, where a
// message's own failure shows as such.
func ownInsertError(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (strings.HasPrefix(pe.Code, "22") || strings.HasPrefix(pe.Code, "23"))
}

// messagesManyFrom is how many messages InsertMessages stores with one
// statement rather than one each.
const messagesManyFrom = 4

// pgInsertMessagesMany stores messages with their attachments in one
// statement: the rows of pgInsertMessages ($1-$24), each with a ticket id
// taken from the tickets' sequence when it opens one ($25, as
// pgInsertOpening); the content of every attachment, once per hash
// ($26-$28); and each attachment's metadata with the dedupe key of its
// message ($29-$36), joined to the rows inserted. A duplicate inserts
// nothing and returns no row; its attachments' metadata joins nothing. It
// reads no table but by key, so its cached plan stays right however the
// tables grow.
var pgInsertMessagesMany = stmt{pg: `
WITH m AS (` + messagesFromArrays(`CASE WHEN ($25::bool[])[v.ord] THEN
        coalesce(v.ticket_id, nextval(pg_get_serial_sequence('tickets', 'id'))) ELSE v.ticket_id END`) + `
    RETURNING id, ticket_id, dedupe_key
), content AS (` + pgContentFrom(26) + `
), meta AS (
    INSERT INTO message_attachments (message_id, position, filename, content_type, content_id, inline, size, sha256)
    SELECT m.id, a.position, a.filename, a.content_type, a.content_id, a.inline, a.size, a.sha256
    FROM unnest($29::text[], $30::bigint[], $31::text[], $32::text[], $33::text[], $34::bool[], $35::bigint[], $36::text[])
        AS a(dedupe_key, position, filename, content_type, content_id, inline, size, sha256)
    JOIN m ON m.dedupe_key = a.dedupe_key
)
SELECT id, ticket_id, dedupe_key FROM m`}

// manyArgs are pgInsertMessagesMany's arguments for ms. A dedupe key
// given twice is stored once, by the first message that has it: the later
// ones are marked in dups and left out, duplicates as one insert each
// would have made them. A failure of the statement is no one message's:
// nothing is inserted.
func (t *pgTx) manyArgs(ms []*Message, dups []error) ([]any, error) {
	var c composedColumns
	var opens []bool
	var all []Attachment // of the messages inserted, for their content
	var aKey, aName, aType, aCID, aSHA []string
	var aPos, aSize []int64
	var aInline []bool
	given := make(map[string]bool, len(ms))
	for i, m := range ms {
		prepareMessage(m, t.now())
		if given[m.DedupeKey] {
			dups[i] = duplicate(m)
			continue
		}
		given[m.DedupeKey] = true
		if err := c.add(m); err != nil {
			return nil, &InsertError{Index: i, Err: err}
		}
		opens = append(opens, m.OpensTicket)
		all = append(all, m.Attachments...)
		for k, a := range m.Attachments {
			aKey, aPos = append(aKey, m.DedupeKey), append(aPos, int64(k+1))
			aName, aType, aCID = append(aName, a.Filename), append(aType, a.ContentType), append(aCID, a.ContentID)
			aInline, aSize, aSHA = append(aInline, a.Inline), append(aSize, a.Size), append(aSHA, a.SHA256)
		}
	}
	cSHA, cSize, cData := contentArrays(all)
	return append(c.args(), opens, cSHA, cSize, cData,
		nonNil(aKey), nonNil(aPos), nonNil(aName), nonNil(aType), nonNil(aCID), nonNil(aInline), nonNil(aSize), nonNil(aSHA)), nil
}

// readMany reads pgInsertMessagesMany's rows into ids and dups: a message
// without a row was a duplicate.
func readMany(rs rows, ms []*Message, ids []int64, dups []error) error {
	type row struct{ id, ticket int64 }
	inserted := make(map[string]row, len(ms))
	_, err := collect(rs, func(r scanner) (struct{}, error) {
		var key string
		var x row
		var ticket *int64
		err := r.Scan(&x.id, &ticket, &key)
		if ticket != nil {
			x.ticket = *ticket
		}
		inserted[key] = x
		return struct{}{}, err
	})
	if err != nil {
		return err
	}
	for i, m := range ms {
		if dups[i] != nil {
			continue
		}
		x, ok := inserted[m.DedupeKey]
		if !ok {
			dups[i] = duplicate(m)
			continue
		}
		ids[i], m.ID = x.id, x.id
		if m.OpensTicket {
			m.TicketID = x.ticket
		}
	}
	return nil
}

// nonNil returns s, or an empty slice for nil, which pgx would send as
// NULL where the statement wants an empty array.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
