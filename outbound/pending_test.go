package outbound

import (
	"context"
	"errors"
	"testing"

	"guichet/store"
)

// TestPending: what an Acker queued is composed right after the commit for
// the ticket named, and only for a row the store holds for that ticket.
func TestPending(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			ctx := context.Background()
			var p Pending
			a, _ := newTestAcker(t, func(o *AckerOptions) { o.Queued = p.Add })
			tk := storeRequest(t, st, a)

			if err := p.Render(ctx, a, st, "2026-999999"); err != nil {
				t.Errorf("Render of a ticket with nothing pending: %v", err)
			}
			if err := p.Render(ctx, a, st, tk.Number); err != nil {
				t.Fatal(err)
			}
			d, err := st.Ticket(ctx, tk.Number)
			if err != nil || len(d.Messages) != 2 || d.Messages[1].Kind != store.KindAck {
				t.Fatalf("ticket history %+v (%v), want the request then its acknowledgment", d.Messages, err)
			}
			ob, err := st.Outbox(ctx)
			if err != nil || len(ob) != 1 || len(ob[0].Raw) == 0 || ob[0].MessageID != d.Messages[1].MessageID {
				t.Fatalf("outbox %+v (%v), want the composed acknowledgment", ob, err)
			}

			// A row left by a transaction that rolled back: its id now
			// names another ticket's row, or none.
			stale := ob[0]
			stale.ID, stale.TicketID, stale.Raw, stale.MessageRowID = ob[0].ID, tk.ID+1, nil, 0
			p.Add(&stale)
			if err := p.RenderAll(ctx, a, st); !errors.Is(err, ErrCannotCompose) {
				t.Errorf("RenderAll of a row of another ticket = %v, want ErrCannotCompose", err)
			}
			if d2, _ := st.Ticket(ctx, tk.Number); len(d2.Messages) != 2 {
				t.Errorf("a stale row stored a message: %d in history", len(d2.Messages))
			}
			if err := p.RenderAll(ctx, a, st); err != nil {
				t.Errorf("RenderAll with nothing pending: %v", err)
			}
		})
	}
}
