package outbound

import (
	"context"
	"errors"
	"sync"

	"guichet/store"
)

// Pending holds the acknowledgments an Acker queued (AckerOptions.Queued =
// p.Add) until they are composed. A process that runs no sender (guichet
// ingest) composes its own right after each commit, so that a ticket shows
// its acknowledgment as soon as its message is delivered; the sender of
// guichet serve sends them later as it sends every acknowledgment.
//
// Add is called inside the ticket's transaction, which may still roll back
// and run again: the last acknowledgment queued for a ticket number is the
// one kept, and RenderAll composes only rows the store holds for that very
// ticket. The zero value is ready to use.
type Pending struct {
	mu       sync.Mutex
	byNumber map[string]*store.Outbound
}

// Add records o, queued by FinishAcks; its ID is set when its transaction
// commits.
func (p *Pending) Add(o *store.Outbound) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.byNumber == nil {
		p.byNumber = map[string]*store.Outbound{}
	}
	p.byNumber[o.TicketNumber] = o
}

// Render composes the acknowledgment pending for ticket number, if any, as
// the sender would (Acker.RenderAll), and forgets it. The caller names a
// ticket whose transaction committed (guichet ingest: the ticket Deliver
// returned): a number taken by a transaction that rolled back may since
// belong to another process's ticket.
func (p *Pending) Render(ctx context.Context, a *Acker, st RenderStore, number string) error {
	p.mu.Lock()
	o, ok := p.byNumber[number]
	delete(p.byNumber, number)
	p.mu.Unlock()
	if !ok {
		return nil
	}
	return errors.Join(a.RenderAll(ctx, st, []store.Outbound{*o}, nil)...)
}

// RenderAll composes every pending acknowledgment and forgets them: for a
// process alone on its database, after each commit.
func (p *Pending) RenderAll(ctx context.Context, a *Acker, st RenderStore) error {
	p.mu.Lock()
	ms := make([]store.Outbound, 0, len(p.byNumber))
	for _, o := range p.byNumber {
		ms = append(ms, *o)
	}
	clear(p.byNumber)
	p.mu.Unlock()
	if len(ms) == 0 {
		return nil
	}
	return errors.Join(a.RenderAll(ctx, st, ms, nil)...)
}
