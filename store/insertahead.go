package store

import (
	"context"
	"errors"
	"fmt"
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
func (t *pgTx) InsertMessages(ctx context.Context, ms []*Message) ([]int64, []error, error) {
	ids, dups := make([]int64, len(ms)), make([]error, len(ms))
	if len(ms) == 0 {
		return ids, dups, nil
	}
	stmts := make([]rowStmt, len(ms))
	for i, m := range ms {
		st, err := t.insertMessageStmt(m, nil)
		if err != nil {
			// Nothing was sent: the messages before it were not inserted
			// either, which rolling back makes true in any case.
			return ids, dups, &InsertError{Index: i, Err: err}
		}
		stmts[i] = st
	}
	br := t.tx.SendBatch(ctx, batchOf(stmts))
	for i, st := range stmts {
		id, err := st.scan(br.QueryRow())
		switch {
		case errors.Is(err, ErrDuplicate):
			dups[i] = err
		case err != nil:
			br.Close() // the server skipped the rest; the transaction is aborted
			return ids, dups, &InsertError{Index: i, Err: err}
		default:
			ids[i] = id
		}
	}
	if err := br.Close(); err != nil {
		// Every row was read: the failure is no message's own.
		return ids, dups, wrap("store: insert messages", err)
	}
	return ids, dups, nil
}

// InsertMessages on SQLite is InsertMessage in turn: the database is in
// the process, so there is no round trip to save.
func (t *sqliteTx) InsertMessages(ctx context.Context, ms []*Message) ([]int64, []error, error) {
	ids, dups := make([]int64, len(ms)), make([]error, len(ms))
	for i, m := range ms {
		id, err := t.InsertMessage(ctx, m)
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
