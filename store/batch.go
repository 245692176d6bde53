package store

import (
	"context"
	"errors"
	"slices"
)

// batchTx is one attempt at a batch: a transaction and how to end it.
type batchTx struct {
	tx       Tx
	commit   func() error
	rollback func()
}

// runBatch is the group commit behind InTxBatch, shared by both backends.
// It runs every fn in one transaction, without savepoints (each costs a
// round trip and a subtransaction on PostgreSQL), and commits once. When fn
// i fails, the transaction is rolled back and the batch runs again without
// fn i, whose error is kept: the others' work is redone from scratch, which
// a TxFunc allows (it holds no state across runs). Failures are rare (a
// duplicate or an unknown ticket is not an error), so the common batch
// costs one BEGIN, the fns' own statements and one COMMIT.
func runBatch(ctx context.Context, fns []TxFunc, finish BatchFinish, begin func(context.Context) (batchTx, error)) ([]error, error) {
	errs := make([]error, len(fns))
	live := make([]int, len(fns))
	for i := range live {
		live[i] = i
	}
	for len(live) > 0 {
		b, err := begin(ctx)
		if err != nil {
			return errs, err
		}
		failed := -1
		var skipped []int
		for k, i := range live {
			errs[i] = nil // an earlier attempt's verdict does not carry over
			if err := fns[i](ctx, b.tx); err != nil {
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
					return errs, err
				}
			}
			return errs, b.commit()
		}
		b.rollback()
		live = append(live[:failed], live[failed+1:]...)
	}
	return errs, nil
}
