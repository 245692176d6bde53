package ingest

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"guichet/ingest/mailparse"
	"guichet/outbound"
	"guichet/replyaddr"
	"guichet/store"
)

// recordingMailer records which kinds of agent mail were queued.
type recordingMailer struct{ sent []string }

func (m *recordingMailer) Notify(_ context.Context, _ store.Tx, _ store.Ticket, n outbound.Notification) (bool, error) {
	m.sent = append(m.sent, "notify:"+strings.Join(n.To, ","))
	return true, nil
}

func (m *recordingMailer) Answer(_ context.Context, _ store.Tx, _ store.Ticket, a outbound.Answer) (bool, error) {
	what := "answer:"
	if a.Resolved {
		what = "answer+resolved:"
	}
	m.sent = append(m.sent, what+strings.Join(a.To, ","))
	return true, nil
}

func (m *recordingMailer) Resolved(_ context.Context, _ store.Tx, _ store.Ticket, r outbound.Resolution) (bool, error) {
	m.sent = append(m.sent, "resolved:"+r.To)
	return true, nil
}

func (m *recordingMailer) Report(_ context.Context, _ store.Tx, _ store.Ticket, r outbound.Report) (bool, error) {
	m.sent = append(m.sent, "report:"+r.To)
	return true, nil
}

// oneTicketAddrs signs nothing but ticket 2026-000001's agent address.
type oneTicketAddrs struct{}

func (oneTicketAddrs) Parse(a string) (string, replyaddr.Role, bool) {
	if a == "support+agent@centre.example" {
		return "2026-000001", replyaddr.RoleAgent, true
	}
	return "", "", false
}

func (tx *threadTx) SetCategory(context.Context, int64, string, string, float64) error { return nil }

// SetWorkflow records the last workflow written.
func (tx *threadTx) SetWorkflow(_ context.Context, _ int64, w store.Workflow) error {
	tx.workflow = w
	return nil
}

const deskAgent, deskColleague = "agent@centre.example", "collegue@centre.example"

func newDesk() (*agentDesk, *recordingMailer) {
	mailer := &recordingMailer{}
	agents := set([]string{deskAgent, deskColleague})
	n := &notifier{all: []string{deskAgent, deskColleague}}
	return &agentDesk{agents: agents, own: set([]string{"support@centre.example"}), addrs: oneTicketAddrs{}, mailer: mailer,
		notify: n, log: slog.New(slog.DiscardHandler), wf: &workflow{clock: roundTheClock{}, notify: n}}, mailer
}

func deskAttempt(from, to, proof, text string) *attempt {
	m := &mailparse.Message{From: mailparse.Address{Addr: from}, To: []mailparse.Address{{Addr: to}}, Text: text, MessageID: "<m@centre.example>"}
	d := &delivery{m: m, env: store.Envelope{Transport: "smtp", MailFrom: from}, agentProof: proof}
	return d.attempt(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC))
}

func TestAgentDeskIsAgent(t *testing.T) {
	ticket := store.Ticket{ID: 1, Number: "2026-000001"}
	for _, tc := range []struct {
		name, from, to, proof string
		agent                 bool
		wantProof             string
	}{
		{"not a declared agent", "eve@example.org", "support+agent@centre.example", proofDKIM, false, proofDKIM},
		{"proved before the transaction", deskAgent, "support@centre.example", proofDKIM, true, proofDKIM},
		{"sent to the ticket's agent address", deskAgent, "support+agent@centre.example", "", true, proofReplyAddress},
		{"an agent's address alone proves nothing", deskAgent, "support@centre.example", "", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			desk, _ := newDesk()
			a := deskAttempt(tc.from, tc.to, tc.proof, "x")
			if got := desk.isAgent(a, ticket); got != tc.agent || a.proof != tc.wantProof {
				t.Errorf("isAgent = %v (proof %q), want %v (%q)", got, a.proof, tc.agent, tc.wantProof)
			}
		})
	}
}

func TestAgentDeskHandle(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		incident   bool
		kind       store.Kind
		status     store.Status
		sent       string
	}{
		{"answer", "C'est réparé.", false, store.KindAgent, store.StatusAnswered, "answer:awa@example.org"},
		{"note", "#note\nClient difficile", false, store.KindNote, "", "notify:" + deskColleague},
		{"resolve with an answer", "#résolu\nC'est réparé.", false, store.KindAgent, store.StatusResolved, "answer+resolved:awa@example.org"},
		{"unknown command: nothing done, the agent told", "#fermer\nC'est réparé.", false, store.KindNote, "", "report:" + deskAgent},
		{"on an incident, always a note", "Redémarré.", true, store.KindNote, "", "notify:" + deskColleague},
	} {
		t.Run(tc.name, func(t *testing.T) {
			desk, mailer := newDesk()
			tx := newThreadTx()
			ticket := store.Ticket{ID: 1, Number: "2026-000001", Status: store.StatusOpen, Requester: "awa@example.org"}
			if tc.incident {
				ticket.IncidentKey = "nagios/web01/http"
			}
			a := deskAttempt(deskAgent, "support+agent@centre.example", proofDKIM, tc.text)
			if err := desk.handle(context.Background(), tx, a, ticket); err != nil {
				t.Fatal(err)
			}
			if a.res.Action != Joined || a.msg.Kind != tc.kind || tx.attached != tc.kind || tx.status != tc.status {
				t.Errorf("result %+v, kind %q (attached %q), status %q; want %q, %q", a.res, a.msg.Kind, tx.attached, tx.status, tc.kind, tc.status)
			}
			if got := strings.Join(mailer.sent, " "); got != tc.sent || !a.queued {
				t.Errorf("sent %q (queued %v), want %q", got, a.queued, tc.sent)
			}
		})
	}
}
