package ingest

import (
	"context"

	"guichet/store"
)

// storeAlert handles monitoring mail: for now each alert opens a ticket of
// its own, without acknowledgment (the acknowledger refuses monitoring mail).
func (p *Pipeline) storeAlert(ctx context.Context, tx store.Tx, d *delivery) (Result, error) {
	return p.open(ctx, tx, d, Result{MessageID: d.m.MessageID, ParseError: d.msg.ParseError})
}
