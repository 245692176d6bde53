package ingest_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/classify"
	"guichet/ingest"
	"guichet/outbound"
	"guichet/replyaddr"
	"guichet/store"
)

// TestFloodFromSubAddresses: twenty requests from flood+N@example.net, one
// mailbox under as many names, open twenty tickets but get at most five
// acknowledgments (the mailbox's hourly allowance), and agents hear of
// them in a handful of messages: the first three one by one, then one
// notification of the burst. Delivered one at a time (a batch each) and
// all at once (batches of several): the counts are the store's, so both
// give the same.
func TestFloodFromSubAddresses(t *testing.T) {
	const n = 20
	agents := []string{agent1, agent2, agent3}
	for _, be := range backends() {
		for _, mode := range []string{"one at a time", "all at once"} {
			t.Run(be.Name+"/"+mode, func(t *testing.T) {
				st := be.Open(t)
				p := floodPipeline(t, st, agents)
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error)
				go func() { done <- p.Run(ctx) }()
				t.Cleanup(func() { cancel(); <-done })

				deliver := func(i int) error {
					from := fmt.Sprintf("flood+%d@example.net", i)
					raw := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Demande %d\r\nMessage-ID: <flood%d@example.net>\r\n"+
						"Date: Thu, 26 Nov 2026 09:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBonjour %d.\r\n",
						from, support, i, i, i)
					_, err := p.Deliver(context.Background(), []byte(raw), store.Envelope{Transport: "smtp", MailFrom: from, RcptTo: []string{support}})
					return err
				}
				if mode == "one at a time" {
					for i := range n {
						if err := deliver(i); err != nil {
							t.Fatal(err)
						}
					}
				} else {
					var wg sync.WaitGroup
					errs := make(chan error, n)
					for i := range n {
						wg.Go(func() { errs <- deliver(i) })
					}
					wg.Wait()
					close(errs)
					for err := range errs {
						if err != nil {
							t.Fatal(err)
						}
					}
				}

				tks, err := st.FindTickets(context.Background(), store.TicketQuery{})
				if err != nil {
					t.Fatal(err)
				}
				if len(tks) != n {
					t.Errorf("%d tickets, want %d: every request is kept", len(tks), n)
				}
				ob, err := st.Outbox(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				var acks, notes, bursts int
				for _, o := range ob {
					switch {
					case slices.ContainsFunc(o.To, func(a string) bool { return slices.Contains(agents, a) }):
						notes++
						if strings.Contains(o.Subject, "Série de demandes") {
							bursts++
						}
					case len(o.To) == 1 && strings.HasPrefix(o.To[0], "flood+"):
						acks++
					default:
						t.Errorf("outbox row to %v %q", o.To, o.Subject)
					}
				}
				if acks != 5 {
					t.Errorf("%d acknowledgments, want 5", acks)
				}
				if notes != 4 || bursts != 1 {
					t.Errorf("%d notifications to agents, %d of a burst; want 4 (three, then the burst once)", notes, bursts)
				}
			})
		}
	}
}

// floodPipeline is a pipeline with an acknowledger and agents, on the
// real clock: its deliveries run concurrently.
func floodPipeline(t *testing.T, st store.Store, agents []string) *ingest.Pipeline {
	t.Helper()
	o := ingest.Options{Clock: time.Now, Mailer: testMailer(t, time.Now), Agents: agents}
	p, _ := newPipelineWith(t, st, o, func(o *outbound.AckerOptions) {
		// Left queued for a sender, as guichet serve does: composing after
		// each commit assumes one delivery at a time.
		o.Queued = nil
	})
	return p
}

// testMailer is the agents' mailer of the test pipelines; own are our
// addresses besides the support address.
func testMailer(t *testing.T, clock func() time.Time, own ...string) *outbound.Mailer {
	t.Helper()
	cat, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := replyaddr.New([]byte("corpus-secret"), support)
	if err != nil {
		t.Fatal(err)
	}
	m, err := outbound.NewMailer(outbound.MailerOptions{SupportAddress: support, Signer: signer, Catalogue: cat, Clock: clock, OwnAddresses: own})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
