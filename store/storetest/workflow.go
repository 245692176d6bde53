package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"guichet/store"
)

// testWorkflow: the workflow columns round-trip from creation and from
// SetWorkflow (NULL for what is absent), whichever backend creates the
// ticket, and the listing filters by assignee and team.
func testWorkflow(t *testing.T, open Opener) {
	s := open(t)
	ctx := context.Background()
	created := us(base)
	nt := newTicket("Urgent", "awa@example.org", base)
	nt.Workflow = store.Workflow{
		Priority: store.PriorityUrgent, Team: "reseau",
		FirstResponseDue: created.Add(time.Hour), ResolutionDue: created.Add(8 * time.Hour), ClockSince: created,
	}
	plain := createTicket(t, s, newTicket("Ordinaire", "moussa@example.org", base.Add(time.Minute)))
	tk := createTicket(t, s, nt)
	if tk.Workflow != nt.Workflow {
		t.Errorf("CreateTickets workflow = %+v, want %+v", tk.Workflow, nt.Workflow)
	}
	read := func(number string) store.Ticket {
		t.Helper()
		var got store.Ticket
		inTx(t, s, func(ctx context.Context, tx store.Tx) error {
			var err error
			got, err = tx.TicketByNumber(ctx, number)
			return err
		})
		return got
	}
	if got := read(tk.Number).Workflow; got != nt.Workflow {
		t.Errorf("stored workflow = %+v, want %+v", got, nt.Workflow)
	}
	if got := read(plain.Number).Workflow; got != (store.Workflow{Priority: store.PriorityNormal}) {
		t.Errorf("default workflow = %+v, want priority normal and nothing else", got)
	}

	changed := nt.Workflow
	changed.Assignee, changed.Priority = "Moussa.Fall@Example.org", store.PriorityHigh
	changed.FirstResponseAt, changed.ClockSince = created.Add(30*time.Minute), time.Time{}
	changed.ClockUsed, changed.SLABreached = 90*time.Minute+time.Microsecond, true
	inTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.SetWorkflow(ctx, tk.ID, changed) })
	want := changed
	want.Assignee = "moussa.fall@example.org"
	if got := read(tk.Number).Workflow; got != want {
		t.Errorf("after SetWorkflow = %+v, want %+v", got, want)
	}
	// Back to none: NULL again, not "".
	cleared := want
	cleared.Assignee, cleared.Team, cleared.ResolutionDue = "", "", time.Time{}
	inTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.SetWorkflow(ctx, tk.ID, cleared) })
	if got := read(tk.Number).Workflow; got != cleared {
		t.Errorf("after clearing = %+v, want %+v", got, cleared)
	}
	inTx(t, s, func(ctx context.Context, tx store.Tx) error { return tx.SetWorkflow(ctx, tk.ID, want) })

	cases := []struct {
		name string
		f    store.TicketFilter
		want []string
	}{
		{"assignee in any case", store.TicketFilter{Assignee: "MOUSSA.FALL@example.org"}, []string{tk.Number}},
		{"unassigned", store.TicketFilter{Unassigned: true}, []string{plain.Number}},
		{"team", store.TicketFilter{Team: "reseau"}, []string{tk.Number}},
		{"other team", store.TicketFilter{Team: "materiel"}, nil},
		{"unassigned of a team", store.TicketFilter{Unassigned: true, Team: "reseau"}, nil},
	}
	for _, c := range cases {
		got, err := s.Tickets(ctx, c.f)
		if err != nil {
			t.Fatal(err)
		}
		var nums []string
		for _, g := range got {
			nums = append(nums, g.Number)
		}
		if !slices.Equal(nums, c.want) {
			t.Errorf("%s: Tickets(%+v) = %q, want %q", c.name, c.f, nums, c.want)
		}
	}
}
