package ingest_test

import (
	"context"
	"errors"
	"testing"

	"guichet/ingest"
	"guichet/store"
)

// FuzzDeliver sends arbitrary bytes through the whole pipeline on the
// embedded store: Deliver never panics, and whatever it says happened is
// true of the store (a created or joined message is in its ticket, a
// duplicate names a stored ticket).
func FuzzDeliver(f *testing.F) {
	f.Add([]byte("From: a@example.org\r\nSubject: [1.7] Panne\r\nMessage-ID: <x@y>\r\n\r\nBonjour"))
	f.Add([]byte("From: a@example.org\r\nSubject: RE: [Ticket#2026-000001]\r\nIn-Reply-To: <x@y>\r\n\r\nMerci"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\r\nFrom: =?utf-8?q?=C3=A9?= <b@c.d>\r\n\r\n--b\r\n\r\nx\r\n--b--"))
	f.Add([]byte("From: <>\r\nAuto-Submitted: auto-replied\r\nContent-Type: multipart/report; report-type=delivery-status\r\n\r\n"))
	f.Add([]byte{0xff, 0xfe, 0x00, '\n', '\n'})
	st, err := store.Open(context.Background(), store.Options{DataDir: f.TempDir()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(st.Close)
	p, _ := newPipeline(f, st, ingest.Options{})
	f.Fuzz(func(t *testing.T, raw []byte) {
		ctx := context.Background()
		res, err := p.Deliver(ctx, raw, store.Envelope{Transport: "pipe", RcptTo: []string{support}})
		if err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		switch res.Action {
		case ingest.Created, ingest.Joined, ingest.Duplicate:
			if res.Ticket == "" && res.Action != ingest.Duplicate {
				t.Fatalf("%s without a ticket: %+v", res.Action, res)
			}
			if res.Ticket == "" {
				return // a duplicate of an unticketed message
			}
			if _, err := st.Ticket(ctx, res.Ticket); err != nil {
				t.Fatalf("%+v: ticket not stored: %v", res, err)
			}
		case ingest.Unticketed:
			if res.Ticket != "" {
				t.Fatalf("unticketed with a ticket: %+v", res)
			}
		default:
			t.Fatalf("unknown action %+v", res)
		}
		if _, err := st.Ticket(ctx, "2026-000000"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("store broken after the input: %v", err)
		}
	})
}
