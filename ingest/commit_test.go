package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guichet/internal/testdb"
	"guichet/store"
)

// countingStore counts the transactions the committer opens.
type countingStore struct {
	Store
	batches, alone atomic.Int32
}

func (s *countingStore) InTx(ctx context.Context, fn store.TxFunc) error {
	s.alone.Add(1)
	return s.Store.InTx(ctx, fn)
}

func (s *countingStore) InTxBatchCommit(ctx context.Context, fns []store.TxFunc, prelude store.BatchPrelude, finish store.BatchFinish) ([]error, func() error, error) {
	s.batches.Add(1)
	return s.Store.InTxBatchCommit(ctx, fns, prelude, finish)
}

// testCommitter is a committer whose finish step records what it got, in
// order, and fails on "poison".
type testCommitter struct {
	*committer[string]
	st       *countingStore
	mu       sync.Mutex
	finished []string
}

func newTestCommitter(t *testing.T, st store.Store) *testCommitter {
	t.Helper()
	tc := &testCommitter{st: &countingStore{Store: st}}
	tc.committer = newCommitter(tc.st, 8, slog.New(slog.DiscardHandler), func(ctx context.Context, tx store.Tx, opens []string) error {
		if slices.Contains(opens, "poison") {
			return errors.New("poisoned finish")
		}
		tc.mu.Lock()
		tc.finished = append(tc.finished, opens...)
		tc.mu.Unlock()
		return nil
	})
	return tc
}

// batchOf queues fns as concurrent callers would, commits them as one
// batch and returns each caller's error.
func (tc *testCommitter) batchOf(t *testing.T, fns ...work[string]) []error {
	t.Helper()
	tc.running.Store(true)
	errs := make([]chan error, len(fns))
	for i, fn := range fns {
		errs[i] = make(chan error, 1)
		go func() { errs[i] <- tc.Do(context.Background(), nil, fn) }()
		for deadline := time.Now().Add(5 * time.Second); len(tc.queue) < i+1; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("work not queued")
			}
		}
	}
	var jobs []*job[string]
	for range fns {
		jobs = append(jobs, <-tc.queue)
	}
	tc.commitBatch(context.Background(), jobs)
	out := make([]error, len(fns))
	for i := range errs {
		out[i] = <-errs[i]
	}
	return out
}

// slot writes a row named key: work that leaves a trace in the store.
func slot(ctx context.Context, tx store.Tx, key string) error {
	ok, err := tx.TakeRateSlot(ctx, key, time.Now(), time.Hour)
	if err == nil && !ok {
		err = fmt.Errorf("slot %s taken twice", key)
	}
	return err
}

// opens is work that writes its slot and leaves name to the finish step.
func opens(name string, runs *atomic.Int32) work[string] {
	return func(ctx context.Context, tx store.Tx, b *batch[string]) error {
		runs.Add(1)
		if err := slot(ctx, tx, name); err != nil {
			return err
		}
		b.Open(name, name)
		return nil
	}
}

func TestCommitter(t *testing.T) {
	for _, be := range testdb.Backends() {
		t.Run(be.Name, func(t *testing.T) {
			t.Run("group commit", func(t *testing.T) {
				tc := newTestCommitter(t, be.Open(t))
				var runs atomic.Int32
				errs := tc.batchOf(t, opens("a", &runs), opens("b", &runs), opens("c", &runs))
				if !slices.Equal(errs, []error{nil, nil, nil}) {
					t.Fatalf("errors %v", errs)
				}
				if tc.st.batches.Load() != 1 || tc.st.alone.Load() != 0 || runs.Load() != 3 {
					t.Errorf("%d batches, %d alone, %d runs; want one shared transaction, each work run once",
						tc.st.batches.Load(), tc.st.alone.Load(), runs.Load())
				}
				if !slices.Equal(tc.finished, []string{"a", "b", "c"}) {
					t.Errorf("finish got %v, want the batch's order", tc.finished)
				}
			})
			t.Run("deferred work runs alone after the batch", func(t *testing.T) {
				tc := newTestCommitter(t, be.Open(t))
				var runs atomic.Int32
				var sawPending []bool
				waiter := func(ctx context.Context, tx store.Tx, b *batch[string]) error {
					pending := b.Pending("a")
					sawPending = append(sawPending, pending)
					if pending {
						return b.Defer("w")
					}
					tc.mu.Lock()
					defer tc.mu.Unlock()
					if !slices.Contains(tc.finished, "a") {
						return errors.New("ran before what it waits for was finished")
					}
					return slot(ctx, tx, "w")
				}
				errs := tc.batchOf(t, opens("a", &runs), waiter)
				if !slices.Equal(errs, []error{nil, nil}) {
					t.Fatalf("errors %v", errs)
				}
				if !slices.Equal(sawPending, []bool{true, false}) || tc.st.alone.Load() != 1 {
					t.Errorf("pending seen %v, %d alone; want deferred once, then alone", sawPending, tc.st.alone.Load())
				}
			})
			t.Run("a work's own error is final", func(t *testing.T) {
				tc := newTestCommitter(t, be.Open(t))
				var runs, badRuns atomic.Int32
				bad := func(ctx context.Context, tx store.Tx, b *batch[string]) error {
					badRuns.Add(1)
					return errors.New("bad message")
				}
				errs := tc.batchOf(t, opens("a", &runs), bad, opens("c", &runs))
				if errs[0] != nil || errs[1] == nil || errs[2] != nil {
					t.Fatalf("errors %v, want only the bad work's", errs)
				}
				if badRuns.Load() != 1 || tc.st.alone.Load() != 0 {
					t.Errorf("bad work ran %d times, %d alone; want once, never alone", badRuns.Load(), tc.st.alone.Load())
				}
				if !slices.Equal(tc.finished, []string{"a", "c"}) {
					t.Errorf("finish got %v, want the others only", tc.finished)
				}
			})
			t.Run("a failed batch retries each work alone", func(t *testing.T) {
				tc := newTestCommitter(t, be.Open(t))
				var runs atomic.Int32
				errs := tc.batchOf(t, opens("a", &runs), opens("poison", &runs), opens("c", &runs))
				if errs[0] != nil || errs[1] == nil || errs[2] != nil {
					t.Fatalf("errors %v, want only the poisoned work's", errs)
				}
				if tc.st.alone.Load() != 3 || !slices.Equal(tc.finished, []string{"a", "c"}) {
					t.Errorf("%d alone, finish got %v; want each retried alone, the others finished", tc.st.alone.Load(), tc.finished)
				}
			})
			t.Run("Run drains the queue when it stops", func(t *testing.T) {
				tc := newTestCommitter(t, be.Open(t))
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { tc.Run(ctx); close(done) }()
				var runs atomic.Int32
				var wg sync.WaitGroup
				errs := make([]error, 20)
				for i := range errs {
					wg.Go(func() { errs[i] = tc.Do(context.Background(), nil, opens(fmt.Sprint(i), &runs)) })
				}
				cancel()
				wg.Wait()
				<-done
				for i, err := range errs {
					if err != nil {
						t.Errorf("work %d: %v", i, err)
					}
				}
				if len(tc.finished) != len(errs) {
					t.Errorf("%d finished, want %d", len(tc.finished), len(errs))
				}
			})
		})
	}
}

// TestCommitterGathers: when works come faster than the gathering time, a
// batch waits for the next one; when they come rarely, a work is
// committed at once.
func TestCommitterGathers(t *testing.T) {
	be := testdb.Backends()[0]
	run := func(t *testing.T, tc *testCommitter) {
		t.Helper()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { tc.Run(ctx); close(done) }()
		t.Cleanup(func() { cancel(); <-done })
		waitFor(t, "Run", tc.running.Load) // else Do commits alone
	}
	// do runs Do in the background; its verdict comes on the channel.
	do := func(tc *testCommitter, name string, runs *atomic.Int32) <-chan error {
		errc := make(chan error, 1)
		go func() { errc <- tc.Do(context.Background(), nil, opens(name, runs)) }()
		return errc
	}
	verdict := func(t *testing.T, errc <-chan error, what string) {
		t.Helper()
		if err := awaitVerdict(t, errc, what, 10*time.Second); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	t.Run("frequent works share a batch", func(t *testing.T) {
		tc := newTestCommitter(t, be.Open(t))
		tc.max = 2 // full, and committed, once the second is there
		tc.gather, tc.gap = time.Hour, 0
		run(t, tc)
		var runs atomic.Int32
		first := do(tc, "a", &runs)
		time.Sleep(20 * time.Millisecond) // a has been taken, and waits
		second := do(tc, "b", &runs)
		verdict(t, first, "a")
		verdict(t, second, "b")
		if n := tc.st.batches.Load(); n != 1 {
			t.Errorf("%d batches, want the two works in one", n)
		}
	})
	t.Run("a rare work is committed at once", func(t *testing.T) {
		tc := newTestCommitter(t, be.Open(t))
		// Works came further apart than the gathering time (the first
		// one keeps the mean as it is).
		tc.gather, tc.gap = time.Hour, 2*time.Hour
		run(t, tc)
		var runs atomic.Int32
		verdict(t, do(tc, "a", &runs), "a (it waited for work that was not coming)")
	})
	t.Run("a batch waits no longer than the gathering time", func(t *testing.T) {
		tc := newTestCommitter(t, be.Open(t))
		tc.gather, tc.gap = 50*time.Millisecond, 0
		run(t, tc)
		var runs atomic.Int32
		verdict(t, do(tc, "a", &runs), "a")
	})
}

// TestCommitterGap: the mean gap between works falls under the gathering
// time within a burst and rises above it at the first pause.
func TestCommitterGap(t *testing.T) {
	c := newCommitter[string](nil, 8, slog.New(slog.DiscardHandler), nil)
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		gap        time.Duration // between the works of the step
		works      int
		wantGather bool
	}{
		{"first works after start", 5 * time.Millisecond, 3, false},
		{"a burst, 1 ms apart", time.Millisecond, 40, true},
		{"one work after a pause of a minute", time.Minute, 1, false},
		{"the burst again", time.Millisecond, 40, true},
		{"works 10 ms apart", 10 * time.Millisecond, 40, false},
	}
	for _, tt := range tests {
		for range tt.works {
			at = at.Add(tt.gap)
			c.arrived(at)
		}
		if got := c.gap < c.gather; got != tt.wantGather {
			t.Errorf("%s: mean gap %v, gathering %v; want gathering %v", tt.name, c.gap, got, tt.wantGather)
		}
	}
}
