package ingest_test

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"guichet/classify"
	"guichet/ingest"
	"guichet/ingest/mailparse"
	"guichet/outbound"
	"guichet/replyaddr"
	"guichet/store"
)

const (
	agent1 = "agent1@centre.example" // team « matériel » (group 2)
	agent2 = "agent2@centre.example" // team « logiciel » (group 1)
	agent3 = "agent3@centre.example" // no team
)

// agentEnv is a pipeline wired as guichet serve wires it, with agents,
// teams and the agent mailer, over a real store.
type agentEnv struct {
	t      *testing.T
	st     store.Store
	p      *ingest.Pipeline
	signer *replyaddr.Signer
	now    time.Time
	seen   int // outbox rows already returned by sent()
}

func newAgentEnv(t *testing.T, st store.Store, o ingest.Options) *agentEnv {
	t.Helper()
	e := &agentEnv{t: t, st: st, now: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)}
	o.Clock = func() time.Time { e.now = e.now.Add(time.Second); return e.now }
	cat, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	e.signer, err = replyaddr.New([]byte("corpus-secret"), support)
	if err != nil {
		t.Fatal(err)
	}
	mailer, err := outbound.NewMailer(outbound.MailerOptions{
		SupportAddress: support, Signer: e.signer, Catalogue: cat, Clock: o.Clock,
		OwnAddresses: []string{"alertes@centre.example"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if o.Agents == nil {
		o.Agents = []string{agent1, agent2, agent3}
	}
	if o.Teams == nil {
		o.Teams = []ingest.Team{
			{Name: "matériel", Groups: []int{2, 6}, Agents: []string{agent1}},
			{Name: "logiciel", Groups: []int{1}, Agents: []string{agent2}},
		}
	}
	o.Mailer = mailer
	e.p, _ = newPipeline(t, st, o)
	return e
}

func (e *agentEnv) deliver(raw []byte, env store.Envelope) ingest.Result {
	e.t.Helper()
	if env.Transport == "" {
		env.Transport = "smtp"
	}
	if env.MailFrom == "" {
		env.MailFrom = mailparse.Parse(raw, mailparse.Limits{}).From.Addr
	}
	r, err := e.p.Deliver(context.Background(), raw, env)
	if err != nil {
		e.t.Fatalf("Deliver: %v", err)
	}
	return r
}

func (e *agentEnv) ticket(number string) store.TicketDetail {
	e.t.Helper()
	d, err := e.st.Ticket(context.Background(), number)
	if err != nil {
		e.t.Fatalf("Ticket(%s): %v", number, err)
	}
	return d
}

// sentMail is one queued outbound message, parsed back.
type sentMail struct {
	kind   store.Kind
	rcpt   []string
	m      *mailparse.Message
	raw    string
	ticket string
}

// sent returns the outbound messages queued since the last call.
func (e *agentEnv) sent() []sentMail {
	e.t.Helper()
	rows, err := e.st.Outbox(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	var out []sentMail
	for _, r := range rows[e.seen:] {
		s := sentMail{rcpt: r.To, m: mailparse.Parse(r.Raw, mailparse.Limits{}), raw: string(r.Raw), ticket: r.TicketNumber}
		for _, m := range e.ticket(r.TicketNumber).Messages {
			if m.MessageID == r.MessageID && m.Direction == store.DirOut {
				s.kind = m.Kind
			}
		}
		if s.kind == "" {
			e.t.Errorf("outbox row %d (%s) is not in ticket %s's history", r.ID, r.Subject, r.TicketNumber)
		}
		out = append(out, s)
	}
	e.seen = len(rows)
	// An acknowledgment is queued last in its transaction, with the
	// COMMIT (QueueAcksAtCommit), after the agents' notifications: listed
	// first all the same, the order the tests read them in.
	slices.SortStableFunc(out, func(a, b sentMail) int {
		return cmp.Compare(b2i(a.kind != store.KindAck), b2i(b.kind != store.KindAck))
	})
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s sentMail) String() string {
	return fmt.Sprintf("%s to %v %q", s.kind, s.rcpt, s.m.Subject)
}

func (e *agentEnv) setStatus(number string, st store.Status) {
	e.t.Helper()
	d := e.ticket(number)
	if err := e.st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
		return tx.SetStatus(ctx, d.ID, st, "test", e.now)
	}); err != nil {
		e.t.Fatal(err)
	}
}

// email builds test messages.
type email struct {
	from, to, cc, subject, id string
	inReplyTo, references     string
	extra                     []string
	body                      string
	attach                    []mailparse.Attachment
}

func (m email) raw() []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\n", m.from)
	if m.to == "" {
		m.to = support
	}
	fmt.Fprintf(&b, "To: %s\r\n", m.to)
	if m.cc != "" {
		fmt.Fprintf(&b, "Cc: %s\r\n", m.cc)
	}
	fmt.Fprintf(&b, "Subject: %s\r\n", m.subject)
	if m.id != "" {
		fmt.Fprintf(&b, "Message-ID: %s\r\n", m.id)
	}
	if m.inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: %s\r\n", m.inReplyTo)
	}
	if m.references != "" {
		fmt.Fprintf(&b, "References: %s\r\n", m.references)
	}
	for _, h := range m.extra {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Date: Thu, 26 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n")
	body := strings.ReplaceAll(m.body, "\n", "\r\n")
	if len(m.attach) == 0 {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n")
		return []byte(b.String())
	}
	b.WriteString("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body + "\r\n")
	for _, a := range m.attach {
		fmt.Fprintf(&b, "--b1\r\nContent-Type: %s\r\nContent-Disposition: attachment; filename=\"%s\"\r\nContent-Transfer-Encoding: base64\r\n\r\n%s\r\n",
			a.ContentType, a.Filename, base64.StdEncoding.EncodeToString(a.Data))
	}
	b.WriteString("--b1--\r\n")
	return []byte(b.String())
}

// request opens a ticket for awa@example.org (Cc moussa) with the given subject.
func (e *agentEnv) request(subject, id string) string {
	e.t.Helper()
	r := e.deliver(email{from: "Awa Diop <awa@example.org>", cc: "Moussa Fall <moussa@example.org>", subject: subject, id: id,
		body: "Bonjour,\n\nL'imprimante du 2e étage ne marche plus.\n\nAwa"}.raw(), store.Envelope{RcptTo: []string{support}})
	if r.Action != ingest.Created {
		e.t.Fatalf("request = %+v", r)
	}
	return r.Ticket
}

// agentAddr is ticket number's signed agent address.
func (e *agentEnv) agentAddr(number string) string {
	return e.signer.Address(number, replyaddr.RoleAgent)
}

func kinds(ms []sentMail) string {
	var out []string
	for _, m := range ms {
		out = append(out, m.String())
	}
	return strings.Join(out, "; ")
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
