package outbound

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"guichet/internal/testdb"
	"guichet/store"
)

var slaBase = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// slaClock is the time a scheduler reads; its After fires at once (after
// a real pause short enough for loops to spin), so that tests move time.
type slaClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *slaClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *slaClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func (c *slaClock) After(time.Duration) <-chan time.Time { return time.After(2 * time.Millisecond) }

func slaRouteForTest(t store.Ticket, escalate bool) []string {
	if escalate {
		return []string{"agent1@centre.example", "chef.reseau@example.org"}
	}
	return []string{"agent1@centre.example"}
}

func newTestReminders(t *testing.T, st store.Store, clock Clock) *Reminders {
	t.Helper()
	m, _ := newTestMailer(t)
	r, err := NewReminders(RemindersOptions{Store: st, Mailer: m, Route: slaRouteForTest, Clock: clock, Batch: 3})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// newSLATicket: a first answer due an hour after creation at slaBase,
// resolution eight hours after, the clock running.
func newSLATicket(t *testing.T, st store.Store, subject string) store.Ticket {
	t.Helper()
	var tk store.Ticket
	err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) (err error) {
		tk, err = testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: subject, Requester: "awa@example.org", CreatedAt: slaBase,
			Workflow: store.Workflow{Priority: store.PriorityUrgent, Team: "reseau", ClockSince: slaBase,
				FirstResponseDue: slaBase.Add(time.Hour), ResolutionDue: slaBase.Add(8 * time.Hour)}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func outboxSubjects(t *testing.T, st store.Store) []string {
	t.Helper()
	os, err := st.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, o := range os {
		out = append(out, o.Subject+" → "+strings.Join(o.To, ","))
	}
	return out
}

// TestRemindersSchedule: the reminder at 75 % of the span, the escalation
// at the deadline, nothing while #attente stops the clock, and a moved
// deadline reminded again.
func TestRemindersSchedule(t *testing.T) {
	for _, b := range testdb.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			clock := &slaClock{}
			r := newTestReminders(t, st, clock)
			var breaches []string
			r.o.Breached = func(stage string) { breaches = append(breaches, stage) }
			tk := newSLATicket(t, st, "Portail en panne")
			sent := 0
			step := func(at time.Duration, want ...string) {
				t.Helper()
				clock.Set(slaBase.Add(at))
				if _, err := r.Tick(ctx); err != nil {
					t.Fatal(err)
				}
				all := outboxSubjects(t, st)
				got := all[sent:]
				sent = len(all)
				if len(got) != len(want) {
					t.Fatalf("at +%v: sent %q, want %d mails %q", at, got, len(want), want)
				}
				for i := range want {
					if !strings.Contains(got[i], want[i]) {
						t.Errorf("at +%v: sent %q, want %q", at, got[i], want[i])
					}
				}
			}
			step(44 * time.Minute)
			step(45*time.Minute, "[Ticket#"+tk.Number+"] Rappel : première réponse attendue avant jeudi 26 novembre 2026 à 10\u00a0h\u00a000 — Portail en panne → agent1@centre.example")
			step(50 * time.Minute)
			step(time.Hour, "Délai dépassé : première réponse attendue avant jeudi 26 novembre 2026 à 10\u00a0h\u00a000 — Portail en panne → agent1@centre.example,chef.reseau@example.org")
			step(2 * time.Hour)

			// #attente at +2 h after a first answer: the clock stops with 6 h left.
			read := func() store.Ticket {
				var got store.Ticket
				if err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) (err error) {
					got, err = tx.TicketByNumber(ctx, tk.Number)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				return got
			}
			setWorkflow := func(w store.Workflow) {
				if err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error { return tx.SetWorkflow(ctx, tk.ID, w) }); err != nil {
					t.Fatal(err)
				}
			}
			cur := read()
			if !cur.SLABreached {
				t.Error("the escalation did not record the breach")
			}
			w := cur.Workflow
			w.FirstResponseAt, w.ClockUsed, w.ClockSince = slaBase.Add(90*time.Minute), 2*time.Hour, time.Time{}
			setWorkflow(w)
			step(7 * time.Hour)
			step(9 * time.Hour)

			// The requester answers at +10 h: 6 h left, due at +16 h.
			w.ClockSince, w.ResolutionDue = slaBase.Add(10*time.Hour), slaBase.Add(16*time.Hour)
			setWorkflow(w)
			step(14 * time.Hour)
			step(14*time.Hour+30*time.Minute, "Rappel : résolution attendue avant vendredi 27 novembre 2026 à 1\u00a0h\u00a000")
			step(16*time.Hour, "Délai dépassé : résolution attendue")
			step(20 * time.Hour)
			if want := []string{store.StageFirstResponseDue, store.StageResolutionDue}; !slices.Equal(breaches, want) {
				t.Errorf("breaches reported %q, want %q", breaches, want)
			}
		})
	}
}

// TestRemindersTwoNodes: two schedulers on one database, as two serve
// nodes, send each stage of each ticket once.
func TestRemindersTwoNodes(t *testing.T) {
	for _, b := range testdb.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			const tickets = 8
			for i := range tickets {
				newSLATicket(t, st, "Demande "+string(rune('A'+i)))
			}
			clock := &slaClock{now: slaBase}
			ctx, cancel := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			var breaches atomic.Int64
			for range 2 {
				r := newTestReminders(t, st, clock)
				r.o.Breached = func(string) { breaches.Add(1) }
				wg.Add(1)
				go func() {
					defer wg.Done()
					if err := r.Run(ctx); err != nil {
						t.Error(err)
					}
				}()
			}
			defer func() { cancel(); wg.Wait() }()
			for i, at := range []time.Duration{45 * time.Minute, time.Hour, 6 * time.Hour, 8 * time.Hour} {
				clock.Set(slaBase.Add(at))
				want := tickets * (i + 1)
				deadline := time.Now().Add(15 * time.Second)
				for len(outboxSubjects(t, st)) < want && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
			}
			time.Sleep(100 * time.Millisecond) // time for a duplicate to show
			seen := map[string]int{}
			for _, s := range outboxSubjects(t, st) {
				seen[s]++
			}
			if len(seen) != tickets*4 {
				t.Errorf("%d distinct mails, want %d: %v", len(seen), tickets*4, seen)
			}
			for s, n := range seen {
				if n != 1 {
					t.Errorf("%q sent %d times", s, n)
				}
			}
			cancel()
			wg.Wait() // the last callbacks come after their commit
			if n := breaches.Load(); n != tickets*2 {
				t.Errorf("%d breaches reported by the nodes, want %d (each deadline once)", n, tickets*2)
			}
		})
	}
}
