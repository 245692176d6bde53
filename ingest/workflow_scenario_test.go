package ingest_test

import (
	"context"
	"slices"
	"testing"

	"guichet/ingest"
	"guichet/store"
)

// TestRequesterHeadersSetNoPriority: a requester's own urgency headers
// change nothing (docs/threading.md, "Tickets"): anyone can write them, and
// every mail client's "important" flag would jump the queue.
func TestRequesterHeadersSetNoPriority(t *testing.T) {
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newAgentEnv(t, be.Open(t), ingest.Options{})
			for i, h := range [][]string{
				{"Importance: high"},
				{"X-Priority: 1 (Highest)"},
				{"Priority: urgent"},
				{"Importance: High", "X-Priority: 1", "X-MSMail-Priority: High", "Priority: urgent"},
			} {
				r := e.deliver(email{from: "awa@example.org", subject: "[2.2] Imprimante en panne", id: "<h" + string(rune('0'+i)) + "@example.org>",
					extra: h, body: "Bonjour, c'est très urgent !"}.raw(), store.Envelope{RcptTo: []string{support}})
				if r.Action != ingest.Created {
					t.Fatalf("%v: %+v", h, r)
				}
				if got := e.ticket(r.Ticket).Priority; got != store.PriorityNormal {
					t.Errorf("%v: priority %q, want normal", h, got)
				}
			}
		})
	}
}

// TestReplyReachesAssigneeAlone: once a ticket is assigned (by mail or
// through the API), the requester's reply is told to the assignee alone,
// not to the category's team.
func TestReplyReachesAssigneeAlone(t *testing.T) {
	for _, be := range backends() {
		for _, by := range []string{"mail", "api"} {
			t.Run(be.Name+"/"+by, func(t *testing.T) {
				e := newAgentEnv(t, be.Open(t), ingest.Options{})
				num := e.request("[2.2] Imprimante en panne", "<r1@example.org>")
				out := e.sent()
				if len(out) != 2 || !slices.Equal(out[1].rcpt, []string{agent1}) {
					t.Fatalf("after the request: %s; want the ack and team matériel's notification", kinds(out))
				}
				switch by {
				case "mail":
					r := e.deliver(email{from: agent1, to: e.agentAddr(num), subject: out[1].m.Subject, id: "<g1@centre.example>",
						inReplyTo: out[1].m.MessageID, body: "#assigner " + agent3}.raw(), store.Envelope{RcptTo: []string{e.agentAddr(num)}})
					if r.Action != ingest.Joined {
						t.Fatalf("#assigner = %+v", r)
					}
				case "api":
					a := agent3
					if err := e.p.Patch(context.Background(), num, ingest.Patch{Agent: agent1, Assignee: &a}); err != nil {
						t.Fatal(err)
					}
				}
				if got := e.ticket(num).Assignee; got != agent3 {
					t.Fatalf("assignee = %q, want %s", got, agent3)
				}
				e.sent()

				r := e.deliver(email{from: "Awa Diop <awa@example.org>", subject: "RE: [Ticket#" + num + "] Imprimante en panne",
					id: "<r2@example.org>", body: "Elle ne marche toujours pas."}.raw(), store.Envelope{RcptTo: []string{support}})
				if r.Action != ingest.Joined || r.Ticket != num {
					t.Fatalf("reply = %+v", r)
				}
				out = e.sent()
				if len(out) != 1 || out[0].kind != store.KindNotification || !slices.Equal(out[0].rcpt, []string{agent3}) {
					t.Errorf("after the reply: %s; want one notification to %s alone", kinds(out), agent3)
				}
			})
		}
	}
}
