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
	// conn is the connection the transaction holds from its first
	// statement to its end; tx is where its statements go once it has
	// begun (conn, or in tests a pgx.Tx begun elsewhere), nil before.
	conn *pgxpool.Conn
	tx   txQuerier
	// tail are the statements sent with the COMMIT (atCommit).
	tail []tailStmt
}

// txQuerier is what a begun transaction runs statements on.
type txQuerier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// tailStmt is a statement sent with the COMMIT, and what reads its rows
// (it must close them).
type tailStmt struct {
	sql  string
	args []any
	read func(pgx.Rows) error
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

// acquire takes the transaction's connection.
func (l *lazyTx) acquire(ctx context.Context) error {
	conn, err := l.pool.Acquire(ctx)
	if err != nil {
		return &beginError{err}
	}
	l.conn = conn
	return nil
}

// begin starts the transaction on its own, when it has not started.
func (l *lazyTx) begin(ctx context.Context) error {
	if l.tx != nil {
		return nil
	}
	if err := l.acquire(ctx); err != nil {
		return err
	}
	if _, err := l.conn.Exec(ctx, "begin"); err != nil {
		l.release()
		return &beginError{err}
	}
	l.tx = l.conn
	return nil
}

// release gives the connection back to the pool, which closes it unless
// the transaction ended (pgxpool.Conn.Release).
func (l *lazyTx) release() {
	if l.conn != nil {
		l.conn.Release()
		l.conn = nil
	}
	l.tail = nil
}

// open sends BEGIN and what queue adds, and reads the BEGIN's result. From
// then on the transaction exists (l.tx), even when that result is an
// error: commit or rollback still end it and release its connection.
func (l *lazyTx) open(ctx context.Context, queue func(*pgx.Batch)) (pgx.BatchResults, error) {
	if err := l.acquire(ctx); err != nil {
		return nil, err
	}
	b := &pgx.Batch{}
	b.Queue("begin")
	queue(b)
	br := l.conn.SendBatch(ctx, b)
	l.tx = l.conn
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

// atCommit has sql run last in the transaction, sent with its COMMIT in
// one round trip, and its rows read by read when the COMMIT returns: a
// statement no later one of the transaction reads after (the outbox rows
// of the acknowledgments) saves the group commit, which every message
// waits for, a round trip. The server refusing it rolls the transaction
// back; a failure of read's own (none is expected) comes after the
// server ran the COMMIT, and the caller takes the error as it takes a
// COMMIT whose answer was lost: the transaction may have committed, and
// the work, run again, finds what it stored (dedupe).
func (l *lazyTx) atCommit(sql string, args []any, read func(pgx.Rows) error) {
	l.tail = append(l.tail, tailStmt{sql: sql, args: args, read: read})
}

// Commit sends what atCommit left, then COMMIT, in one round trip, and
// gives the connection back.
func (l *lazyTx) Commit(ctx context.Context) error {
	if l.tx == nil && len(l.tail) > 0 {
		if err := l.begin(ctx); err != nil {
			return err
		}
	}
	if l.conn == nil {
		if len(l.tail) > 0 {
			return errors.New("store: statements left for the commit of a transaction begun elsewhere")
		}
		return nil // nothing ran, or a transaction begun elsewhere (tests), its own to end
	}
	defer l.release()
	b := &pgx.Batch{}
	for _, s := range l.tail {
		b.Queue(s.sql, s.args...)
	}
	b.Queue("commit")
	br := l.tx.SendBatch(ctx, b)
	for _, s := range l.tail {
		rows, err := br.Query()
		if err == nil {
			err = s.read(rows)
		}
		if err != nil {
			br.Close() //nolint:errcheck // err is the batch's
			l.abandon(ctx)
			return err
		}
	}
	tag, err := br.Exec()
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if tag.String() == "ROLLBACK" {
		return pgx.ErrTxCommitRollback
	}
	return nil
}

// abandon rolls back what a failed COMMIT left open, so that the pool
// keeps the connection (it closes one still in a transaction).
func (l *lazyTx) abandon(ctx context.Context) {
	if l.conn.Conn().PgConn().TxStatus() != 'I' {
		l.conn.Exec(context.WithoutCancel(ctx), "rollback") //nolint:errcheck // released, and closed by the pool if this failed
	}
}

func (l *lazyTx) Rollback(ctx context.Context) error {
	if l.conn == nil {
		l.tail = nil
		return nil
	}
	defer l.release()
	_, err := l.conn.Exec(ctx, "rollback")
	return err
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
