package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"guichet/internal/testdb"
	"guichet/store"
)

// commitBatch commits jobs as Run does and settles their verdicts at once.
func (c *committer[O]) commitBatch(ctx context.Context, jobs []*job[O]) {
	if s := c.commit(ctx, jobs); s != nil {
		s.settle()
	}
}

// syncGateStore holds the durability of its batches' commits: each
// batch's durable waits for a value on release (its result), then for
// the store's own.
type syncGateStore struct {
	store.Store
	commits atomic.Int32
	release chan error
}

func (s *syncGateStore) InTxBatchCommit(ctx context.Context, fns []store.TxFunc, prelude store.BatchPrelude, finish store.BatchFinish) ([]error, func() error, error) {
	errs, durable, err := s.Store.InTxBatchCommit(ctx, fns, prelude, finish)
	if err != nil {
		return errs, durable, err
	}
	s.commits.Add(1)
	return errs, func() error {
		if err := <-s.release; err != nil {
			return err
		}
		if durable != nil {
			return durable()
		}
		return nil
	}, nil
}

// TestCommitterVerdictAfterDurable: a caller hears that its work is
// committed only once the commit is durable (it may then acknowledge:
// SMTP 250), while the committer goes on with the next batch; when the
// commit cannot be made durable, no caller of its batch hears success,
// but a work's own failure stays its own.
func TestCommitterVerdictAfterDurable(t *testing.T) {
	for _, be := range testdb.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Run("the next batch commits meanwhile", func(t *testing.T) {
				gs := &syncGateStore{Store: be.Open(t), release: make(chan error)}
				tc := newTestCommitter(t, gs)
				ctx, cancel := context.WithCancel(context.Background())
				stopped := make(chan struct{})
				go func() { tc.Run(ctx); close(stopped) }()
				// Closed, release lets any commit still held be durable: a
				// failed test does not hang in its cleanup.
				t.Cleanup(func() { cancel(); close(gs.release); <-stopped })
				waitFor(t, "Run", tc.running.Load)
				var runs atomic.Int32
				first := make(chan error, 1)
				go func() { first <- tc.Do(context.Background(), nil, opens("first", &runs)) }()
				waitFor(t, "the first batch's commit", func() bool { return gs.commits.Load() == 1 })
				second := make(chan error, 1)
				go func() { second <- tc.Do(context.Background(), nil, opens("second", &runs)) }()
				waitFor(t, "the second batch's commit, while the first is not durable", func() bool { return gs.commits.Load() == 2 })
				for _, ch := range []chan error{first, second} {
					select {
					case err := <-ch:
						t.Fatalf("a caller heard %v before its commit was durable", err)
					case <-time.After(50 * time.Millisecond):
					}
				}
				gs.release <- nil
				gs.release <- nil
				for i, ch := range []chan error{first, second} {
					if err := awaitVerdict(t, ch, fmt.Sprintf("work %d, once durable", i), 5*time.Second); err != nil {
						t.Errorf("work %d: %v", i, err)
					}
				}
			})
			t.Run("a commit that cannot be made durable", func(t *testing.T) {
				gs := &syncGateStore{Store: be.Open(t), release: make(chan error, 1)}
				tc := newTestCommitter(t, gs)
				lost := errors.New("sync failed")
				gs.release <- lost
				var runs atomic.Int32
				own := errors.New("its own failure")
				errs := tc.batchOf(t,
					opens("a", &runs),
					func(context.Context, store.Tx, *batch[string]) error {
						return fmt.Errorf("already there: %w", store.ErrSkip)
					},
					func(context.Context, store.Tx, *batch[string]) error { return own },
				)
				if !errors.Is(errs[0], lost) || !errors.Is(errs[1], lost) || !errors.Is(errs[2], own) {
					t.Errorf("verdicts %v; want the sync's failure for the committed and the skipped work, its own for the failed one", errs)
				}
			})
		})
	}
}

// awaitVerdict returns the verdict that comes on errc, and fails t when
// none came within d.
func awaitVerdict(t *testing.T, errc <-chan error, what string, d time.Duration) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(d):
		t.Fatalf("%s: no verdict after %v", what, d)
		return nil
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
