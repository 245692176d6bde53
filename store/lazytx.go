package store

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// lazyTx is a PostgreSQL transaction whose BEGIN goes to the server with
// its first statement, in one pgx batch (pgx.Batch.BeginTx), instead of
// costing a round trip of its own. Under load a round trip inside the
// serial group commit costs about 0.4 ms of waiting on a busy machine,
// and every transaction paid one for its BEGIN alone. A transaction that
// runs no statement takes no connection at all.
//
// A batch runs with the connection's default mode (prepared, cached
// statements). A first statement that asks for another mode (replan), or
// has no arguments, begins the transaction on its own first, as before:
// pgx's Exec sends a statement without arguments by the simple protocol,
// where one string may hold several statements (the migrations do), which
// a batch cannot; Query and QueryRow follow the same rule for simplicity.
//
// A failure to start the transaction (no connection, BEGIN refused) is a
// beginError, which runBatch takes as its batch's, as it took a failed
// BEGIN before: the first statement's work is not to blame for it.
type lazyTx struct {
	pool *pgxpool.Pool
	tx   pgx.Tx // nil until the first statement
}

var _ pgQuerier = (*lazyTx)(nil)

// carried reports whether a statement with these arguments may travel
// with the BEGIN.
func carried(args []any) bool {
	if len(args) == 0 {
		return false
	}
	_, mode := args[0].(pgx.QueryExecMode)
	return !mode
}

// begin starts the transaction on its own, when it has not started.
func (l *lazyTx) begin(ctx context.Context) error {
	if l.tx != nil {
		return nil
	}
	tx, err := l.pool.Begin(ctx)
	if err != nil {
		return &beginError{err}
	}
	l.tx = tx
	return nil
}

// open sends BEGIN and what queue adds, and reads the BEGIN's result. From
// then on the transaction exists (l.tx), even when that result is an
// error: commit or rollback still end it and release its connection.
func (l *lazyTx) open(ctx context.Context, queue func(*pgx.Batch)) (pgx.BatchResults, error) {
	b := &pgx.Batch{}
	b.BeginTx(pgx.TxOptions{})
	queue(b)
	br := l.pool.SendBatch(ctx, b)
	l.tx = br.Tx()
	if _, err := br.Exec(); err != nil {
		br.Close() //nolint:errcheck // err is the batch's error
		// An error of the server's (a statement that failed to prepare,
		// which pgx does before sending the batch) is the statement's;
		// anything else (no connection, a broken one) is the start's.
		var pe *pgconn.PgError
		if !errors.As(err, &pe) {
			err = &beginError{err}
		}
		return nil, err
	}
	return br, nil
}

// beginError is a failure to start a transaction; see lazyTx.
type beginError struct{ err error }

func (e *beginError) Error() string { return e.err.Error() }
func (e *beginError) Unwrap() error { return e.err }

// failedBegin reports whether err, from a transaction's statement, is in
// fact the failure to start the transaction.
func failedBegin(err error) bool {
	var be *beginError
	return errors.As(err, &be)
}

func (l *lazyTx) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if l.tx == nil && carried(args) {
		br, err := l.open(ctx, func(b *pgx.Batch) { b.Queue(sql, args...) })
		if err != nil {
			return pgconn.CommandTag{}, err
		}
		tag, err := br.Exec()
		if cerr := br.Close(); err == nil {
			err = cerr
		}
		return tag, err
	}
	if err := l.begin(ctx); err != nil {
		return pgconn.CommandTag{}, err
	}
	return l.tx.Exec(ctx, sql, args...)
}

func (l *lazyTx) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if l.tx == nil && carried(args) {
		br, err := l.open(ctx, func(b *pgx.Batch) { b.Queue(sql, args...) })
		if err != nil {
			return nil, err
		}
		rows, err := br.Query()
		if err != nil {
			br.Close() //nolint:errcheck // err is the batch's error
			return nil, err
		}
		return &batchRows{Rows: rows, br: br}, nil
	}
	if err := l.begin(ctx); err != nil {
		return nil, err
	}
	return l.tx.Query(ctx, sql, args...)
}

func (l *lazyTx) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if l.tx == nil && carried(args) {
		rows, err := l.Query(ctx, sql, args...)
		return &batchRow{rows: rows, err: err}
	}
	if err := l.begin(ctx); err != nil {
		return &batchRow{err: err}
	}
	return l.tx.QueryRow(ctx, sql, args...)
}

// SendBatch sends b, after the BEGIN when the transaction has not started.
func (l *lazyTx) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if l.tx == nil {
		br, err := l.open(ctx, func(nb *pgx.Batch) { nb.QueuedQueries = append(nb.QueuedQueries, b.QueuedQueries...) })
		if err != nil {
			return pgx.FailedBatchResults(b, err)
		}
		return br
	}
	return l.tx.SendBatch(ctx, b)
}

func (l *lazyTx) Commit(ctx context.Context) error {
	if l.tx == nil {
		return nil
	}
	return l.tx.Commit(ctx)
}

func (l *lazyTx) Rollback(ctx context.Context) error {
	if l.tx == nil {
		return nil
	}
	return l.tx.Rollback(ctx)
}

// batchRows are the rows of a statement sent with the BEGIN; the batch
// is closed with them (which the connection needs before its next
// statement), also when Next reaches their end.
type batchRows struct {
	pgx.Rows
	br     pgx.BatchResults
	closed bool
	err    error
}

func (r *batchRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.Close()
	return false
}

func (r *batchRows) Close() {
	if r.closed {
		return
	}
	r.closed = true
	r.Rows.Close()
	r.err = r.br.Close()
}

func (r *batchRows) Err() error {
	if err := r.Rows.Err(); err != nil {
		return err
	}
	return r.err
}

// batchRow is QueryRow's row of a statement sent with the BEGIN.
type batchRow struct {
	rows pgx.Rows
	err  error
}

func (r *batchRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	r.rows.Close()
	return r.rows.Err()
}
