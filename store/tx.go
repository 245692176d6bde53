package store

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"
)

// core is what both backends share: every Store method whose Go is the
// same on both is written once, on core, and runs its statements through
// the conn adapters.
type core struct {
	write conn // writes (PostgreSQL: the pool; SQLite: the writer connection)
	read  conn // reads outside a transaction (SQLite: the readers beside the writer)
	// begin opens a write transaction.
	begin func(ctx context.Context) (txn, error)
	// snapshot runs fn in a read-only transaction: one snapshot for a
	// ticket and its history.
	snapshot func(ctx context.Context, fn func(c conn) error) error
	log      *slog.Logger
	now      func() time.Time
}

// txn is one open transaction: the Tx handed to the caller's functions,
// and how to end it. rollback after commit does nothing.
type txn struct {
	tx Tx
	c  conn
	// commit commits; the commit is durable once it returned when durable
	// is nil (PostgreSQL), else once durable returned nil (SQLite, whose
	// writer syncs after its connection is free: walsync.go).
	commit  func() error
	durable func() error
	// lazilyDurable is durable that leaves the sync to others for a while
	// (walSync.waitLazily); nil when durable is.
	lazilyDurable func() error
	rollback      func()
}

// commitDurably commits and returns once the commit is on disk.
func (t txn) commitDurably() error {
	if err := t.commit(); err != nil {
		return err
	}
	if t.durable != nil {
		return t.durable()
	}
	return nil
}

// txCore implements the Tx methods whose Go is the same on both backends;
// pgTx and sqliteTx add those where one statement over arrays (PostgreSQL)
// stands against one statement per row (SQLite, in-process, has no round
// trips to save).
type txCore struct {
	c   conn
	now func() time.Time
}

// InTx runs fn in one transaction and commits when it returns nil.
func (s *core) InTx(ctx context.Context, fn TxFunc) error {
	t, err := s.runTx(ctx, fn)
	if err != nil || t.durable == nil {
		return err
	}
	return t.durable()
}

// InTxCommit runs fn in one transaction, commits when it returns nil, and
// returns as soon as it committed, with how to wait for the commit to be
// durable (nil when it was on return). See Store.
func (s *core) InTxCommit(ctx context.Context, fn TxFunc) (func() error, error) {
	t, err := s.runTx(ctx, fn)
	if err != nil {
		return nil, err
	}
	return t.lazilyDurable, nil
}

// runTx runs fn in a transaction and commits it when fn returns nil; the
// caller waits for the commit's durability as it needs.
func (s *core) runTx(ctx context.Context, fn TxFunc) (txn, error) {
	t, err := s.begin(ctx)
	if err != nil {
		return txn{}, err
	}
	defer t.rollback()
	if err := fn(ctx, t.tx); err != nil {
		return txn{}, err
	}
	if err := t.commit(); err != nil {
		return txn{}, err
	}
	return t, nil
}

// InTxBatchFinish runs fns in one transaction committed once: the commit's
// fsync is shared (group commit). See runBatch for how one fn's failure is
// kept from the others.
func (s *core) InTxBatchFinish(ctx context.Context, fns []TxFunc, prelude BatchPrelude, finish BatchFinish) ([]error, error) {
	errs, durable, err := runBatch(ctx, fns, prelude, finish, s.begin)
	if err == nil && durable != nil {
		err = durable()
	}
	return errs, err
}

// InTxBatchCommit is InTxBatchFinish returning once the batch committed,
// before it is durable: see Store.
func (s *core) InTxBatchCommit(ctx context.Context, fns []TxFunc, prelude BatchPrelude, finish BatchFinish) ([]error, func() error, error) {
	return runBatch(ctx, fns, prelude, finish, s.begin)
}

// runBatch is the group commit behind InTxBatchFinish. It runs the prelude,
// then every fn in one transaction, without savepoints (each costs a round trip and a
// subtransaction on PostgreSQL), then finish, and commits once. When fn i
// fails, the transaction is rolled back and the batch runs again without
// fn i, whose error is kept: the others' work is redone from scratch, which
// a TxFunc allows (it holds no state across runs); a prelude's error that
// names fn i is handled the same way. A fn whose error wraps
// ErrSkip wrote nothing and is left out without a rollback. durable is
// the committed transaction's (txn.durable): nil when the commit is
// durable already. Failures are
// rare (a duplicate or an unknown ticket is not an error), so the common
// batch costs one BEGIN, the fns' own statements and one COMMIT.
func runBatch(ctx context.Context, fns []TxFunc, prelude BatchPrelude, finish BatchFinish, begin func(context.Context) (txn, error)) (errs []error, durable func() error, err error) {
	errs = make([]error, len(fns))
	live := make([]int, len(fns))
	for i := range live {
		live[i] = i
	}
	for len(live) > 0 {
		b, err := begin(ctx)
		if err != nil {
			return errs, nil, err
		}
		if prelude != nil {
			if k, err := prelude(ctx, b.tx, live); err != nil {
				b.rollback()
				if k < 0 || k >= len(live) || failedBegin(err) {
					return errs, nil, err
				}
				errs[live[k]] = err
				live = append(live[:k], live[k+1:]...)
				continue
			}
		}
		failed := -1
		var skipped []int
		for k, i := range live {
			errs[i] = nil // an earlier attempt's verdict does not carry over
			if err := fns[i](ctx, b.tx); err != nil {
				if failedBegin(err) {
					// The transaction never started: the batch failed,
					// not this work (PostgreSQL begins with the first
					// statement, lazyTx).
					b.rollback()
					return errs, nil, err
				}
				errs[i] = err
				if errors.Is(err, ErrSkip) {
					skipped = append(skipped, k)
					continue
				}
				failed = k
				break
			}
		}
		if failed < 0 && len(skipped) > 0 {
			// Left out without a rollback: what runs on is the rest.
			kept := live[:0:0]
			for k, i := range live {
				if !slices.Contains(skipped, k) {
					kept = append(kept, i)
				}
			}
			live = kept
		}
		if failed < 0 {
			if finish != nil {
				if err := finish(ctx, b.tx, live); err != nil {
					b.rollback()
					return errs, nil, err
				}
			}
			if err := b.commit(); err != nil {
				return errs, nil, err
			}
			return errs, b.durable, nil
		}
		b.rollback()
		live = append(live[:failed], live[failed+1:]...)
	}
	return errs, nil, nil
}
