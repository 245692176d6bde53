package ingest_test

import (
	"slices"
	"testing"
	"time"

	"guichet/ingest"
	"guichet/store"
)

// halfClock is a business clock where half of real time is business
// time, so that a metric fed real time instead would show.
type halfClock struct{}

func (halfClock) Add(t time.Time, d time.Duration) time.Time { return t.Add(2 * d) }
func (halfClock) Elapsed(a, b time.Time) time.Duration       { return max(b.Sub(a), 0) / 2 }

// TestWorkflowEvents: after their commit, an agent's first public answer
// reports the business time since the ticket's creation, and #résolu the
// business time the resolution clock ran, the wait for the requester
// excluded.
func TestWorkflowEvents(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			var got []ingest.WorkflowEvent
			e := newAgentEnv(t, be.Open(t), ingest.Options{
				BusinessClock: halfClock{},
				OnWorkflow:    func(ev ingest.WorkflowEvent) { got = append(got, ev) },
			})
			num := e.request("[4.4] Serveur arrêté", "<wfev@example.org>")
			if len(got) != 0 {
				t.Fatalf("a new ticket reported %+v", got)
			}
			answer := func(id, body string) {
				t.Helper()
				e.deliver(email{from: agent1, to: e.agentAddr(num), subject: "RE: [Ticket#" + num + "]", id: id, body: body}.raw(),
					store.Envelope{RcptTo: []string{e.agentAddr(num)}})
			}
			e.now = e.now.Add(time.Hour)
			answer("<wfev1@centre.example>", "Bonjour, nous regardons.")
			d := e.ticket(num)
			first := d.FirstResponseAt.Sub(d.CreatedAt) / 2
			if first < 30*time.Minute {
				t.Fatalf("first response after %v of business time, want about 30 min", first)
			}
			e.now = e.now.Add(2 * time.Hour) // waiting for the requester: no clock
			answer("<wfev2@centre.example>", "#résolu\nC'est réparé.")
			answer("<wfev3@centre.example>", "Encore un mot.") // neither first nor a resolution
			want := []ingest.WorkflowEvent{
				{Kind: ingest.EventFirstResponse, Priority: store.PriorityUrgent, BusinessTime: first},
				{Kind: ingest.EventResolved, Priority: store.PriorityUrgent, BusinessTime: first},
			}
			if !slices.Equal(got, want) {
				t.Errorf("events = %+v, want %+v", got, want)
			}
		})
	}
}
