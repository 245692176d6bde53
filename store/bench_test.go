package store_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"guichet/internal/pgtest"
	"guichet/internal/testdb"
	"guichet/store"
)

// ingestFn is the pipeline's database work for one new request: the
// message with a small attachment, a ticket, the message attached, an
// acknowledgment queued.
func ingestFn(i int, raw, att []byte) store.TxFunc {
	return func(ctx context.Context, tx store.Tx) error {
		key := fmt.Sprintf("<bench-%d-%d@example.org>", time.Now().UnixNano(), i)
		m := store.Message{
			Direction: store.DirIn, Kind: store.KindRequest, From: "awa.diop@example.org",
			To: []string{"support@example.org"}, Subject: "Plateforme inaccessible", MessageID: key,
			Date: time.Now(), Text: "Bonjour, la plateforme est inaccessible.", Raw: raw, DedupeKey: key,
			Attachments: []store.Attachment{{Filename: "capture.png", ContentType: "image/png", Data: att}},
		}
		id, err := tx.InsertMessage(ctx, &m)
		if err != nil {
			return err
		}
		tk, err := testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: "Plateforme inaccessible", Requester: "awa.diop@example.org"})
		if err != nil {
			return err
		}
		if err := tx.AttachMessage(ctx, id, tk.ID, store.KindRequest); err != nil {
			return err
		}
		_, err = tx.Enqueue(ctx, &store.Outbound{TicketID: tk.ID, To: []string{"awa.diop@example.org"}, Raw: raw[:1024]})
		return err
	}
}

func benchStores(b *testing.B) map[string]func(b *testing.B) store.Store {
	open := func(b *testing.B, o store.Options) store.Store {
		s, err := store.Open(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(s.Close)
		return s
	}
	return map[string]func(b *testing.B) store.Store{
		"sqlite":   func(b *testing.B) store.Store { return open(b, store.Options{DataDir: b.TempDir()}) },
		"postgres": func(b *testing.B) store.Store { return open(b, store.Options{DatabaseURL: pgtest.URL(b)}) },
	}
}

// BenchmarkIngest reports ns per message (insert + ticket + attach +
// enqueue), one transaction each ("alone") or 32 per transaction
// ("batch32", the SMTP receiver's group commit).
func BenchmarkIngest(b *testing.B) {
	raw := bytes.Repeat([]byte("Bonjour, voici ma demande. "), 190) // ~5 KB
	for name, open := range benchStores(b) {
		b.Run(name+"/alone", func(b *testing.B) {
			s := open(b)
			ctx := context.Background()
			i := 0
			for b.Loop() {
				i++
				if err := s.InTx(ctx, ingestFn(i, raw, []byte(fmt.Sprint("att", i%8)))); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/batch32", func(b *testing.B) {
			s := open(b)
			ctx := context.Background()
			fns := make([]store.TxFunc, 0, 32)
			flush := func() {
				errs, err := s.InTxBatchFinish(ctx, fns, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, e := range errs {
					if e != nil {
						b.Fatal(e)
					}
				}
				fns = fns[:0]
			}
			i := 0
			for b.Loop() {
				i++
				fns = append(fns, ingestFn(i, raw, []byte(fmt.Sprint("att", i%8))))
				if len(fns) == 32 {
					flush()
				}
			}
			if len(fns) > 0 {
				flush()
			}
		})
	}
}
