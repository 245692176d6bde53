package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"guichet/store"
)

// RunJobs runs the cases of the scheduled workflow jobs (automatic
// closing, the agents' digest) against stores from open.
func RunJobs(t *testing.T, open Opener) {
	for _, c := range []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"CloseResolved", testCloseResolved},
		{"CloseResolvedConcurrently", testCloseResolvedConcurrently},
		{"WorkQueue", testWorkQueue},
	} {
		t.Run(c.name, func(t *testing.T) { c.fn(t, open) })
	}
}

func closeResolved(t *testing.T, s store.Store, before, at time.Time, limit int) []store.Ticket {
	t.Helper()
	var got []store.Ticket
	inTx(t, s, func(ctx context.Context, tx store.Tx) error {
		var err error
		got, err = tx.CloseResolved(ctx, before, at, "closed automatically", limit)
		return err
	})
	return got
}

// testCloseResolved: only resolved tickets untouched since the cutoff are
// closed, with a history entry, and only once.
func testCloseResolved(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	old := createTicket(t, s, newTicket("Ancienne", "awa@example.org", base))
	setStatus(t, s, old.Number, store.StatusResolved, "resolved by agent", base.Add(time.Hour))
	recent := createTicket(t, s, newTicket("Récente", "awa@example.org", base))
	setStatus(t, s, recent.Number, store.StatusResolved, "resolved by agent", base.Add(6*24*time.Hour))
	openTk := createTicket(t, s, newTicket("Ouverte", "awa@example.org", base))

	now := base.Add(7*24*time.Hour + 2*time.Hour)
	cutoff := now.Add(-7 * 24 * time.Hour)
	got := closeResolved(t, s, cutoff, now, 100)
	if len(got) != 1 || got[0].Number != old.Number || got[0].Status != store.StatusClosed {
		t.Fatalf("CloseResolved = %+v, want %s closed", got, old.Number)
	}
	if again := closeResolved(t, s, cutoff, now, 100); len(again) != 0 {
		t.Errorf("second CloseResolved = %d tickets, want none", len(again))
	}
	d, err := s.Ticket(ctx, old.Number)
	if err != nil {
		t.Fatal(err)
	}
	last := d.History[len(d.History)-1]
	if last.From != store.StatusResolved || last.To != store.StatusClosed || last.Reason != "closed automatically" || !last.At.Equal(us(now)) {
		t.Errorf("history entry = %+v", last)
	}
	for _, n := range []string{recent.Number, openTk.Number} {
		d, err := s.Ticket(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == store.StatusClosed {
			t.Errorf("%s closed, want left alone", n)
		}
	}
}

// testCloseResolvedConcurrently: workers closing at once close every
// ticket exactly once between them.
func testCloseResolvedConcurrently(t *testing.T, open Opener) {
	s := open(t)
	const n = 12
	for i := range n {
		tk := createTicket(t, s, newTicket(fmt.Sprint("Demande ", i), "awa@example.org", base))
		setStatus(t, s, tk.Number, store.StatusResolved, "resolved", base.Add(time.Minute))
	}
	now := base.Add(30 * 24 * time.Hour)
	var (
		mu  sync.Mutex
		all []string
		wg  sync.WaitGroup
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var got []store.Ticket
				err := s.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
					var err error
					got, err = tx.CloseResolved(ctx, now.Add(-time.Hour), now, "closed automatically", 3)
					return err
				})
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, tk := range got {
					all = append(all, tk.Number)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	slices.Sort(all)
	if len(all) != n || len(slices.Compact(slices.Clone(all))) != n {
		t.Errorf("closed %v, want %d distinct tickets once each", all, n)
	}
}

// testWorkQueue: open and answered tickets with an assignee or a team.
func testWorkQueue(t *testing.T, open Opener) {
	s := open(t)
	mk := func(subject string, w store.Workflow, status store.Status) string {
		nt := newTicket(subject, "awa@example.org", base)
		nt.Workflow = w
		tk := createTicket(t, s, nt)
		if status != store.StatusOpen {
			setStatus(t, s, tk.Number, status, "test", base.Add(time.Minute))
		}
		if w.Assignee != "" {
			inTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.SetWorkflow(ctx, tk.ID, w) })
		}
		return tk.Number
	}
	assigned := mk("Assignée", store.Workflow{Assignee: "moussa@example.org", Team: "reseau"}, store.StatusOpen)
	waiting := mk("En attente", store.Workflow{Team: "reseau"}, store.StatusAnswered)
	mk("Résolue", store.Workflow{Assignee: "moussa@example.org"}, store.StatusResolved)
	mk("Sans équipe", store.Workflow{}, store.StatusOpen)
	got, err := s.WorkQueue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var numbers []string
	for _, tk := range got {
		numbers = append(numbers, tk.Number)
	}
	if want := []string{assigned, waiting}; !slices.Equal(numbers, want) {
		t.Errorf("WorkQueue = %v, want %v", numbers, want)
	}
}
