package outbound

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"guichet/store"
)

// ErrCannotCompose marks outbound mail that composing will never produce
// (its ticket is gone): the sender fails it instead of retrying.
var ErrCannotCompose = errors.New("outbound: cannot compose")

// RenderStore is what RenderAll reads and writes; store.Store satisfies it.
type RenderStore interface {
	AckSources(ctx context.Context, outboxIDs []int64) (map[int64]store.AckSource, error)
	InTxCommit(ctx context.Context, fn store.TxFunc) (durable func() error, err error)
	// ComposedPerTx is how many acknowledgments one transaction stores.
	ComposedPerTx() int
}

var _ RenderStore = store.Store(nil)

// RenderAll composes the acknowledgments among ms that FinishAcks
// queued without their bytes, as the sender takes them from the outbox (or
// as Pending hands them over right after their commit). Each ticket and its
// first incoming message give what PlanAcks and FinishAcks had; the recipient,
// subject and Message-ID queued with it are kept, and it is dated when it
// was queued. The bytes are stored as the tickets' ack messages and linked
// to their outbox rows, a few per transaction (ComposedPerTx), durable
// before anything is sent: what goes out is what the ticket shows, and a
// later attempt sends the same bytes. The transactions are waited for
// once, after the last that committed: they run one after the other, so
// its durability covers the others' (Store.InTxCommit). ms[i] is updated
// in place; errs[i] is its error (nil for mail that had its bytes
// already). known holds the sources already in hand (QueuedAck.Source,
// by outbox id), which are not read again.
func (a *Acker) RenderAll(ctx context.Context, st RenderStore, ms []store.Outbound, known map[int64]store.AckSource) (errs []error) {
	errs = make([]error, len(ms))
	var todo []int
	var ids []int64 // of the rows whose sources are to read
	for i, m := range ms {
		if len(m.Raw) == 0 && m.MessageRowID == 0 {
			todo = append(todo, i)
			if _, ok := known[m.ID]; !ok {
				ids = append(ids, m.ID)
			}
		}
	}
	if len(todo) == 0 {
		return errs
	}
	fail := func(i int, err error) { errs[i] = fmt.Errorf("outbound: compose outbox %d: %w", ms[i].ID, err) }
	srcs := map[int64]store.AckSource{}
	if len(ids) > 0 {
		read, err := st.AckSources(ctx, ids)
		if err != nil {
			for _, i := range todo {
				if _, ok := known[ms[i].ID]; !ok {
					fail(i, err)
				}
			}
			todo = slices.DeleteFunc(todo, func(i int) bool { return errs[i] != nil })
		}
		maps.Copy(srcs, read)
	}
	maps.Copy(srcs, known)
	type composed struct {
		i   int
		c   Composed
		msg *store.Message
	}
	var done []composed
	for _, i := range todo {
		o := ms[i]
		src, ok := srcs[o.ID]
		if !ok || src.Ticket.ID != o.TicketID || len(o.To) != 1 {
			fail(i, fmt.Errorf("%w: no queued acknowledgment with its ticket", ErrCannotCompose))
			continue
		}
		f := src.First
		in := Incoming{From: f.From, FromName: f.FromName, Subject: f.Subject, MessageID: f.MessageID, References: f.References}
		// Dated when it was queued, in the ticket's transaction: the moment
		// the request was accepted, whenever it is composed; in the zone of
		// the options (compose), else the host's as the clock gives it (the
		// store may return UTC).
		at := o.CreatedAt.Local()
		if o.CreatedAt.IsZero() {
			at = a.o.Clock()
		}
		c, err := a.compose(src.Ticket, in, o.To[0], at, o.MessageID)
		if err != nil {
			fail(i, fmt.Errorf("%w: %w", ErrCannotCompose, err))
			continue
		}
		done = append(done, composed{i, c, a.ackMessage(src.Ticket, o.To[0], c, at)})
	}
	perTx := max(st.ComposedPerTx(), 1)
	var stored []composed // committed, not yet known durable
	var durable func() error
	storeChunk := func(chunk []composed) error {
		msgs, ids := make([]*store.Message, len(chunk)), make([]int64, len(chunk))
		for k, d := range chunk {
			msgs[k], ids[k] = d.msg, ms[d.i].ID
		}
		d, err := st.InTxCommit(ctx, func(ctx context.Context, tx store.Tx) error {
			return tx.InsertComposed(ctx, msgs, ids)
		})
		if err == nil {
			stored, durable = append(stored, chunk...), d
		}
		return err
	}
	for len(done) > 0 {
		n := min(perTx, len(done))
		chunk := done[:n]
		done = done[n:]
		err := storeChunk(chunk)
		if err != nil && n > 1 && !errors.Is(err, store.ErrUnavailable) {
			// One row's failure must not hold the others back: each alone.
			for _, d := range chunk {
				if err := storeChunk([]composed{d}); err != nil {
					fail(d.i, err)
				}
			}
			continue
		}
		if err != nil {
			for _, d := range chunk {
				fail(d.i, err)
			}
		}
	}
	if durable != nil {
		if err := durable(); err != nil {
			// Committed, perhaps not on disk: not sent now. A later
			// attempt finds the bytes stored, or composes them again.
			for _, d := range stored {
				fail(d.i, err)
			}
			return errs
		}
	}
	for _, d := range stored {
		ms[d.i].Raw, ms[d.i].MessageRowID, ms[d.i].Subject = d.c.Raw, d.msg.ID, d.c.Subject
	}
	return errs
}
