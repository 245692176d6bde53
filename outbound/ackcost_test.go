package outbound

import (
	"context"
	"fmt"
	"testing"
	"time"

	"guichet/store"
)

// TestAckCost compares a ticket-creating transaction with and without the
// acknowledgment (CountOutboundTo + InsertMessage + Enqueue) on each backend.
func TestAckCost(t *testing.T) {
	if testing.Short() {
		t.Skip("measurement")
	}
	const n = 300
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			st := b.open(t)
			durs := map[string]time.Duration{}
			a, _ := newTestAcker(t, func(o *AckerOptions) { o.Clock = time.Now })
			run := func(ack bool) time.Duration {
				start := time.Now()
				for i := 0; i < n; i++ {
					err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
						from := fmt.Sprintf("d%v%d@example.org", ack, i)
						tk, err := tx.CreateTicket(ctx, store.NewTicket{Subject: "Demande", Requester: from, CreatedAt: time.Now()})
						if err != nil || !ack {
							return err
						}
						in := request
						in.From, in.MailFrom, in.MessageID = from, from, fmt.Sprintf("<c%d@example.org>", i)
						_, err = a.Acknowledge(ctx, &timedTx{Tx: tx, d: durs}, tk, in)
						return err
					})
					if err != nil {
						t.Fatal(err)
					}
				}
				return time.Since(start) / n
			}
			without, with := run(false), run(true)
			t.Logf("%s: ticket transaction %v, with acknowledgment %v", b.name, without, with)
			for k, v := range durs {
				t.Logf("%s: %s %v per call", b.name, k, v/n)
			}
		})
	}
}

// timedTx measures the Tx calls the Acker makes.
type timedTx struct {
	store.Tx
	d map[string]time.Duration
}

func (x *timedTx) CountOutboundTo(ctx context.Context, addr string, k store.Kind, since time.Time) (int, error) {
	defer x.time("CountOutboundTo", time.Now())
	return x.Tx.CountOutboundTo(ctx, addr, k, since)
}
func (x *timedTx) InsertMessage(ctx context.Context, m *store.Message) (int64, error) {
	defer x.time("InsertMessage", time.Now())
	return x.Tx.InsertMessage(ctx, m)
}
func (x *timedTx) Enqueue(ctx context.Context, o *store.Outbound) (int64, error) {
	defer x.time("Enqueue", time.Now())
	return x.Tx.Enqueue(ctx, o)
}
func (x *timedTx) time(k string, start time.Time) { x.d[k] += time.Since(start) }
