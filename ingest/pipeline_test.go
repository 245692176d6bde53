package ingest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"guichet/ingest"
	"guichet/store"
)

func mail(from, subject, msgID, body string, extra ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\n", from, support, subject)
	if msgID != "" {
		fmt.Fprintf(&b, "Message-ID: %s\r\n", msgID)
	}
	for _, h := range extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Date: Thu, 26 Nov 2026 09:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
	b.WriteString(body + "\r\n")
	return []byte(b.String())
}

// TestGroupCommit delivers many messages at once through Run: every
// delivery is committed exactly once, numbers are gap-free, and duplicates
// inside one batch are caught.
func TestGroupCommit(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			p, _ := newPipeline(t, st, ingest.Options{MaxBatch: 16})
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error)
			go func() { done <- p.Run(ctx) }()

			const n = 120
			var wg sync.WaitGroup
			results := make([]ingest.Result, n)
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Every tenth message repeats the previous one's Message-ID.
					id := i
					if i%10 == 9 {
						id = i - 1
					}
					raw := mail(fmt.Sprintf("user%d@example.org", id), "[3.2] Lenteur", fmt.Sprintf("<m%d@example.org>", id), "Bonjour")
					results[i], errs[i] = p.Deliver(context.Background(), raw, store.Envelope{Transport: "smtp"})
				}()
			}
			wg.Wait()
			cancel()
			if err := <-done; err != nil {
				t.Fatalf("Run: %v", err)
			}
			created, dups := map[string]bool{}, 0
			for i := range n {
				if errs[i] != nil {
					t.Fatalf("Deliver %d: %v", i, errs[i])
				}
				switch results[i].Action {
				case ingest.Created:
					if created[results[i].Ticket] {
						t.Errorf("number %s given twice", results[i].Ticket)
					}
					created[results[i].Ticket] = true
				case ingest.Duplicate:
					dups++
				default:
					t.Errorf("Deliver %d = %+v", i, results[i])
				}
			}
			if len(created) != n-n/10 || dups != n/10 {
				t.Errorf("created %d, duplicates %d; want %d and %d", len(created), dups, n-n/10, n/10)
			}
			for i := 1; i <= len(created); i++ {
				if num := fmt.Sprintf("2026-%06d", i); !created[num] {
					t.Errorf("number %s missing: numbering has a gap", num)
				}
			}
			ts, err := st.Tickets(context.Background(), store.TicketFilter{})
			if err != nil || len(ts) != len(created) {
				t.Errorf("store holds %d tickets (%v), want %d", len(ts), err, len(created))
			}
		})
	}
}

// TestStoreUnavailable: a database that cannot be reached yields an error
// that transports recognise as temporary (SMTP 451, exit 75).
func TestStoreUnavailable(t *testing.T) {
	_, err := store.Open(context.Background(), store.Options{DatabaseURL: "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"})
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Open on a closed port = %v, want ErrUnavailable", err)
	}
}

// TestThreadingRules covers the participant rule of docs/threading.md, "Threading" and
// reopening, on both backends.
func TestThreadingRules(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			p, _ := newPipeline(t, st, ingest.Options{Agents: []string{"agent@centre.example"}, TrustedAuthServ: []string{"mx.centre.example"}})
			ctx := context.Background()
			deliver := func(raw []byte, rcpt ...string) ingest.Result {
				t.Helper()
				if len(rcpt) == 0 {
					rcpt = []string{support}
				}
				r, err := p.Deliver(ctx, raw, store.Envelope{Transport: "pipe", RcptTo: rcpt})
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			first := deliver(mail("Awa <awa@example.org>", "[1.7] Portail en panne", "<a1@example.org>", "Le portail est en panne.",
				"Cc: Moussa <moussa@example.org>"))
			if first.Action != ingest.Created {
				t.Fatalf("first = %+v", first)
			}
			num := first.Ticket

			cases := []struct {
				name       string
				raw        []byte
				rcpt       []string
				action     ingest.Action
				sameTicket bool
				linked     bool
			}{
				{"requester by tag", mail("awa@example.org", "RE : [Ticket#"+num+"] Portail", "<a2@example.org>", "Toujours en panne."), nil, ingest.Joined, true, false},
				{"cc participant by references", mail("moussa@example.org", "Re: Portail", "<m1@example.org>", "Chez moi aussi.", "In-Reply-To: <a1@example.org>"), nil, ingest.Joined, true, false},
				{"stranger by tag", mail("eve@evil.example", "TR: [Ticket#"+num+"]", "<e1@evil.example>", "Montrez-moi."), nil, ingest.Created, false, true},
				{"stranger by references", mail("eve@evil.example", "Re: Portail", "<e2@evil.example>", "Montrez-moi.", "References: <a1@example.org>"), nil, ingest.Created, false, true},
				// A declared agent's address alone proves nothing (the trust rule): without a
				// signed address or authentication it is a stranger here.
				{"unauthenticated agent", mail("agent@centre.example", "RE: [Ticket#"+num+"]", "<g1@centre.example>", "Nous regardons."), nil, ingest.Created, false, true},
			}
			for _, tc := range cases {
				r := deliver(tc.raw, tc.rcpt...)
				if r.Action != tc.action || (r.Ticket == num) != tc.sameTicket || (r.LinkedTo == num) != tc.linked {
					t.Errorf("%s: %+v, want %s same=%v linked=%v", tc.name, r, tc.action, tc.sameTicket, tc.linked)
				}
			}

			// A stranger's ticket shows nothing of the one it referred to.
			d, err := st.Ticket(ctx, num)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range d.Messages {
				if m.From == "eve@evil.example" {
					t.Errorf("stranger's message landed in %s", num)
				}
			}

			// Resolved, then a requester reply reopens it.
			if err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
				return tx.SetStatus(ctx, d.ID, store.StatusResolved, "test", d.UpdatedAt)
			}); err != nil {
				t.Fatal(err)
			}
			// An unverified reply joins but reopens nothing (docs/threading.md, "Trust");
			// a verified one (here: the centre's MTA says so) reopens.
			r := deliver(mail("awa@example.org", "Re: [Ticket#"+num+"]", "<a3@example.org>", "Encore en panne."))
			d, _ = st.Ticket(ctx, num)
			if r.Action != ingest.Joined || d.Status != store.StatusResolved {
				t.Errorf("unverified reply to resolved: %+v, status %s; want joined and still resolved", r, d.Status)
			}
			r = deliver(mail("awa@example.org", "Re: [Ticket#"+num+"]", "<a4@example.org>", "Encore en panne.",
				"Authentication-Results: mx.centre.example; dmarc=pass header.from=example.org"))
			d, _ = st.Ticket(ctx, num)
			if r.Action != ingest.Joined || d.Status != store.StatusOpen {
				t.Errorf("verified reply to resolved: %+v, status %s; want joined and open", r, d.Status)
			}
		})
	}
}
