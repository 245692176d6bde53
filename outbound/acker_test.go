package outbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"

	"guichet/classify"
	"guichet/internal/testdb"
	"guichet/replyaddr"
	"guichet/store"
)

const support = "support@aide.example.org"

var fixedNow = time.Date(2026, 11, 26, 9, 14, 3, 0, time.UTC)

func newTestAcker(t *testing.T, mod func(*AckerOptions)) (*Acker, *replyaddr.Signer) {
	t.Helper()
	cat, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := replyaddr.New([]byte("0123456789abcdef0123456789abcdef"), support)
	if err != nil {
		t.Fatal(err)
	}
	o := AckerOptions{SupportAddress: support, Signer: signer, Catalogue: cat, Clock: func() time.Time { return fixedNow }}
	if mod != nil {
		mod(&o)
	}
	a, err := NewAcker(o)
	if err != nil {
		t.Fatal(err)
	}
	return a, signer
}

// fakeTx records the few Tx methods the Acker uses; any other call panics
// (nil embedded interface), which would show an unexpected dependency.
type fakeTx struct {
	store.Tx
	count       int
	domainCount int
	countErr    error
	noAck       string
	inserted    []*store.Message
	queued      []*store.Outbound
	hold        store.Hold
}

func (f *fakeTx) CountOutboundTo(_ context.Context, _ string, kind store.Kind, since time.Time) (int, error) {
	if kind != store.KindAck || !since.Equal(fixedNow.Add(-time.Hour)) {
		return 0, errors.New("unexpected CountOutboundTo arguments")
	}
	return f.count, f.countErr
}
func (f *fakeTx) SetNoAckReason(_ context.Context, _ int64, r string) error { f.noAck = r; return nil }
func (f *fakeTx) SetNoAckReasons(ctx context.Context, ids []int64, rs []string) error {
	for i := range ids {
		if err := f.SetNoAckReason(ctx, ids[i], rs[i]); err != nil {
			return err
		}
	}
	return nil
}
func (f *fakeTx) InsertMessage(_ context.Context, m *store.Message) (int64, error) {
	f.inserted = append(f.inserted, m)
	return int64(100 + len(f.inserted)), nil
}
func (f *fakeTx) Enqueue(_ context.Context, o *store.Outbound) (int64, error) {
	f.queued = append(f.queued, o)
	return int64(len(f.queued)), nil
}
func (f *fakeTx) CountAcks(ctx context.Context, mailboxes, domains []string, since time.Time, _ int) (store.AckCounts, error) {
	out := store.AckCounts{Mailbox: map[string]int{}, Domain: map[string]int{}}
	for _, a := range mailboxes {
		n, err := f.CountOutboundTo(ctx, a, store.KindAck, since)
		if err != nil {
			return out, err
		}
		out.Mailbox[store.MailboxKey(a)] = n
	}
	for _, d := range domains {
		out.Domain[d] = f.domainCount
	}
	return out, nil
}
func (f *fakeTx) QueueAcksAtCommit(ctx context.Context, os []*store.Outbound, hold store.Hold) error {
	return f.QueueAcks(ctx, os, hold)
}
func (f *fakeTx) QueueAcks(ctx context.Context, os []*store.Outbound, hold store.Hold) error {
	f.hold = hold
	for _, o := range os {
		o.ID, _ = f.Enqueue(ctx, o)
	}
	return nil
}
func (f *fakeTx) InsertOutbound(ctx context.Context, m *store.Message, o *store.Outbound) (int64, error) {
	id, _ := f.InsertMessage(ctx, m)
	o.MessageRowID = id
	_, err := f.Enqueue(ctx, o)
	return id, err
}

var request = Incoming{
	From: "awa.diop@example.org", FromName: "Awa Diop", MailFrom: "awa.diop@example.org",
	Subject: "RE: [1.7] Plateforme inaccessible depuis ce matin", MessageID: "<abc@example.org>",
	References: []string{"<older@example.org>"}, ContentType: "text/plain",
}

func ticket(cat string) store.Ticket {
	return store.Ticket{ID: 42, Number: "2026-000042", Requester: "awa.diop@example.org", Category: cat}
}

// parsed is an acknowledgment read back as a mail client would.
type parsed struct {
	h           gomail.Header
	text, html  string
	partHeaders []message.Header
}

func parseAck(t *testing.T, raw []byte) parsed {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("raw message has bare LF line endings")
	}
	mr, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse acknowledgment: %v", err)
	}
	p := parsed{h: mr.Header}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(part.Body)
		ih := part.Header.(*gomail.InlineHeader)
		p.partHeaders = append(p.partHeaders, ih.Header)
		ct, params, _ := ih.ContentType()
		if params["charset"] != "utf-8" {
			t.Errorf("%s part charset %q, want utf-8", ct, params["charset"])
		}
		switch ct {
		case "text/plain":
			p.text = string(b)
		case "text/html":
			p.html = string(b)
		}
	}
	return p
}

// acknowledge runs Acknowledge on tx and composes the acknowledgment it
// queued as RenderAll does: the messages row that records it.
func acknowledge(t *testing.T, a *Acker, tx *fakeTx, tk store.Ticket, in Incoming) *store.Message {
	t.Helper()
	reason, err := a.Acknowledge(context.Background(), tx, tk, in)
	if err != nil || reason != "" {
		t.Fatalf("Acknowledge = %q, %v; want an acknowledgment", reason, err)
	}
	if len(tx.inserted) != 0 || len(tx.queued) != 1 {
		t.Fatalf("inserted %d, queued %d; want 0 and 1", len(tx.inserted), len(tx.queued))
	}
	o := tx.queued[0]
	if len(o.Raw) != 0 || o.MessageRowID != 0 {
		t.Errorf("queued with its bytes: %+v", o)
	}
	c, err := a.compose(tk, in, o.To[0], fixedNow, o.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject != o.Subject {
		t.Errorf("composed subject %q, queued %q", c.Subject, o.Subject)
	}
	return a.ackMessage(tk, o.To[0], c, fixedNow)
}

func TestAcknowledgeComposes(t *testing.T) {
	a, signer := newTestAcker(t, nil)
	tx := &fakeTx{}
	m := acknowledge(t, a, tx, ticket("1.7"), request)
	o := tx.queued[0]
	if m.Direction != store.DirOut || m.Kind != store.KindAck || m.DedupeKey != m.MessageID || m.TicketID != 42 {
		t.Errorf("stored message %+v", m)
	}
	if o.TicketID != 42 || o.MailFrom != support || len(o.To) != 1 || o.To[0] != "awa.diop@example.org" || o.MessageID != m.MessageID {
		t.Errorf("queued %+v", o)
	}

	p := parseAck(t, m.Raw)
	h := p.h
	subj, _ := h.Subject()
	if want := "[Ticket#2026-000042] Accusé de réception : [1.7] Plateforme inaccessible depuis ce matin"; subj != want {
		t.Errorf("Subject = %q, want %q", subj, want)
	}
	if raw := h.Get("Subject"); !strings.HasPrefix(raw, "=?utf-8?") {
		t.Errorf("Subject is not RFC 2047 encoded: %q", raw)
	}
	from, _ := h.AddressList("From")
	if len(from) != 1 || from[0].Address != support || from[0].Name != "Centre d'assistance" {
		t.Errorf("From = %v", from)
	}
	to, _ := h.AddressList("To")
	if len(to) != 1 || to[0].Address != "awa.diop@example.org" {
		t.Errorf("To = %v", to)
	}
	rt, _ := h.AddressList("Reply-To")
	if len(rt) != 1 {
		t.Fatalf("Reply-To = %v", rt)
	}
	if n, role, ok := signer.Parse(rt[0].Address); !ok || n != "2026-000042" || role != replyaddr.RoleRequester {
		t.Errorf("Reply-To %q does not route back to the ticket (%q %q %v)", rt[0].Address, n, role, ok)
	}
	id, _ := h.MessageID()
	if "<"+id+">" != m.MessageID || !strings.HasSuffix(id, "@aide.example.org") {
		t.Errorf("Message-ID %q (stored %q)", id, m.MessageID)
	}
	if got := h.Get("In-Reply-To"); got != "<abc@example.org>" {
		t.Errorf("In-Reply-To = %q", got)
	}
	if refs, _ := h.MsgIDList("References"); strings.Join(refs, " ") != "older@example.org abc@example.org" {
		t.Errorf("References = %v", refs)
	}
	if d, err := h.Date(); err != nil || !d.Equal(fixedNow) {
		t.Errorf("Date = %v, %v", d, err)
	}
	for k, want := range map[string]string{
		"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All",
		"Content-Language": "fr", "Mime-Version": "1.0", "Precedence": "",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if ct, _, _ := h.ContentType(); ct != "multipart/alternative" {
		t.Errorf("Content-Type = %q", ct)
	}
	for _, ph := range p.partHeaders {
		if ph.Get("Content-Transfer-Encoding") != "quoted-printable" {
			t.Errorf("part encoding %q", ph.Get("Content-Transfer-Encoding"))
		}
	}
	for _, want := range []string{"Bonjour Awa Diop,", "2026-000042", "1.7 – Plateforme inaccessible", "[Ticket#2026-000042]"} {
		if !strings.Contains(p.text, want) || !strings.Contains(p.html, strings.ReplaceAll(want, "1.7 ", "<strong>1.7</strong> ")) && !strings.Contains(p.html, want) {
			t.Errorf("acknowledgment lacks %q:\n%s", want, p.text)
		}
	}
	if strings.ReplaceAll(p.text, "\r\n", "\n") != m.Text {
		t.Errorf("stored Text differs from the text part")
	}
}

func TestAcknowledgeWithoutCategoryAndLink(t *testing.T) {
	a, _ := newTestAcker(t, func(o *AckerOptions) {
		o.PublicURL = "https://aide.example.org/"
		o.TrackToken = func(number, requester string) string { return "jt-" + number + "-" + requester }
	})
	p := parseAck(t, acknowledge(t, a, &fakeTx{}, ticket(""), request).Raw)
	for _, want := range []string{"[1.7]", "8. Gestion d'accès physique", "5.4\u00a0: Création de compte",
		"https://aide.example.org/suivi/2026-000042?jeton=jt-2026-000042-awa.diop%40example.org"} {
		if !strings.Contains(p.text, want) {
			t.Errorf("text part lacks %q:\n%s", want, p.text)
		}
	}
	cat, _ := classify.Default()
	if n := len(cat.Groups()); n != 8 {
		t.Errorf("catalogue has %d groups, want 8", n)
	}
	for _, g := range cat.Groups() {
		if !strings.Contains(p.html, html.EscapeString(g.Label)) {
			t.Errorf("HTML part lacks group %q", g.Label)
		}
	}
}

func TestAcknowledgeNoHeaderInjection(t *testing.T) {
	a, _ := newTestAcker(t, nil)
	in := request
	in.Subject = "<script>alert(1)</script>\r\nBcc: victime@example.org\r\n\r\ncorps"
	in.FromName = "Mallory\r\nX-Evil: oui <b>"
	in.References = []string{"<ok@example.org>", "<bad\r\nX-Evil: 1@x>", "pas-un-id"}
	in.MessageID = "<x@y>\r\nX-Evil: 2"
	raw := acknowledge(t, a, &fakeTx{}, ticket("1.7"), in).Raw
	head := raw[:bytes.Index(raw, []byte("\r\n\r\n"))]
	// "<script>" may appear inside an encoded-word, where it is text.
	for _, bad := range []string{"\r\nBcc:", "\r\nX-Evil:", "\r\n\r\ncorps"} {
		if bytes.Contains(head, []byte(bad)) {
			t.Errorf("header contains %q:\n%s", bad, head)
		}
	}
	p := parseAck(t, raw)
	for _, k := range []string{"Bcc", "X-Evil"} {
		if p.h.Has(k) {
			t.Errorf("parsed header has %s", k)
		}
	}
	if p.h.Has("In-Reply-To") {
		t.Errorf("In-Reply-To kept from an invalid Message-ID: %q", p.h.Get("In-Reply-To"))
	}
	subj, _ := p.h.Subject()
	if strings.ContainsAny(subj, "\r\n") || !strings.Contains(subj, "<script>") {
		t.Errorf("Subject = %q: want the hostile text kept on one line", subj)
	}
	if strings.Contains(p.html, "<script>") || !strings.Contains(p.html, "&lt;script&gt;") {
		t.Errorf("HTML part does not escape the subject")
	}
	to, _ := p.h.AddressList("To")
	if len(to) != 1 || strings.ContainsAny(to[0].Name, "\r\n") {
		t.Errorf("To = %v", to)
	}
	// The encoded subject decodes to one line too.
	dec, _ := new(mime.WordDecoder).DecodeHeader(p.h.Get("Subject"))
	if strings.ContainsAny(dec, "\r\n") {
		t.Errorf("decoded Subject has a line break")
	}
}

func TestAcknowledgeRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		in    func(Incoming) Incoming
		count int
	}{
		{"bounce", func(in Incoming) Incoming { in.MailFrom = ""; return in }, 0},
		{"auto-reply", func(in Incoming) Incoming {
			in.Header = map[string][]string{"Auto-Submitted": {"auto-replied"}}
			return in
		}, 0},
		{"hourly limit reached", func(in Incoming) Incoming { return in }, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, _ := newTestAcker(t, nil)
			tx := &fakeTx{count: tc.count}
			reason, err := a.Acknowledge(context.Background(), tx, ticket("1.7"), tc.in(request))
			if err != nil {
				t.Fatal(err)
			}
			if reason == "" || tx.noAck != reason {
				t.Errorf("reason %q, recorded %q", reason, tx.noAck)
			}
			if len(tx.inserted)+len(tx.queued) != 0 {
				t.Errorf("something was queued")
			}
		})
	}
	a, _ := newTestAcker(t, nil)
	tx := &fakeTx{count: 4}
	if reason, _ := a.Acknowledge(context.Background(), tx, ticket("1.7"), request); reason != "" {
		t.Errorf("4 acknowledgments this hour: reason %q, want none (limit 5)", reason)
	}
	boom := errors.New("boom")
	if _, err := a.Acknowledge(context.Background(), &fakeTx{countErr: boom}, ticket("1.7"), request); !errors.Is(err, boom) {
		t.Errorf("Acknowledge error = %v, want it to wrap the store's", err)
	}
}

// TestAcknowledgeStore runs the Acker in real transactions: the ticket and
// its queued acknowledgment commit together, and the hourly limit counts
// what the store holds.
func TestAcknowledgeStore(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			a, _ := newTestAcker(t, func(o *AckerOptions) { o.Clock = time.Now })
			var numbers, reasons []string
			for i := 0; i < 7; i++ {
				err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
					tk, err := testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: "Demande", Requester: request.From, CreatedAt: time.Now()})
					if err != nil {
						return err
					}
					in := request
					in.MessageID = fmt.Sprintf("<boucle%d@example.org>", i)
					reason, err := a.Acknowledge(ctx, tx, tk, in)
					numbers, reasons = append(numbers, tk.Number), append(reasons, reason)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			for i, r := range reasons {
				if (r != "") != (i >= 5) {
					t.Errorf("acknowledgment %d: reason %q; want the first 5 sent, the rest refused", i+1, r)
				}
			}
			ob, err := st.Outbox(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(ob) != 5 {
				t.Fatalf("outbox holds %d messages, want 5", len(ob))
			}
			if srcs, err := st.AckSources(context.Background(), []int64{ob[0].ID}); err != nil || srcs[ob[0].ID].Ticket.Number != ob[0].TicketNumber {
				t.Errorf("outbox row %+v is not its ticket's acknowledgment (%v)", ob[0], err)
			}
			last, err := st.Ticket(context.Background(), numbers[6])
			if err != nil {
				t.Fatal(err)
			}
			if last.NoAckReason != ReasonRateLimited {
				t.Errorf("NoAckReason = %q, want %q", last.NoAckReason, ReasonRateLimited)
			}
			// A failed transaction leaves neither ticket nor acknowledgment.
			boom := errors.New("rollback")
			st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
				tk, err := testdb.CreateTicket(ctx, tx, store.NewTicket{Subject: "X", Requester: "autre@example.org", CreatedAt: time.Now()})
				if err != nil {
					return err
				}
				in := request
				in.From, in.MailFrom, in.MessageID = "autre@example.org", "autre@example.org", "<rb@example.org>"
				if _, err := a.Acknowledge(ctx, tx, tk, in); err != nil {
					return err
				}
				return boom
			})
			if ob2, _ := st.Outbox(context.Background()); len(ob2) != 5 {
				t.Errorf("outbox holds %d messages after a rolled-back transaction, want 5", len(ob2))
			}
		})
	}
}

// TestAcknowledgeAllOneBatch: seven new tickets from one address in one
// batch get five acknowledgments (the hourly limit holds inside a batch),
// and each ticket that got none says why.
func TestAcknowledgeAllOneBatch(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := b.Open(t)
			a, _ := newTestAcker(t, func(o *AckerOptions) { o.Clock = time.Now })
			var reasons []string
			var tks []store.Ticket
			err := st.InTx(context.Background(), func(ctx context.Context, tx store.Tx) error {
				var nts []store.NewTicket
				var ins []Incoming
				for i := 0; i < 7; i++ {
					nts = append(nts, store.NewTicket{Subject: "Demande", Requester: request.From, CreatedAt: time.Now()})
					in := request
					in.MessageID = fmt.Sprintf("<lot%d@example.org>", i)
					ins = append(ins, in)
				}
				var err error
				if tks, err = tx.CreateTickets(ctx, nts); err != nil {
					return err
				}
				reasons, err = a.AcknowledgeAll(ctx, tx, tks, ins)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			for i, r := range reasons {
				if (r != "") != (i >= 5) {
					t.Errorf("ticket %d: reason %q; want the first 5 acknowledged, the rest refused", i+1, r)
				}
			}
			ob, err := st.Outbox(context.Background())
			if err != nil || len(ob) != 5 {
				t.Errorf("outbox holds %d (%v), want 5", len(ob), err)
			}
			// Queued together, each acknowledgment goes to its own ticket.
			for _, o := range ob {
				i := slices.IndexFunc(tks, func(tk store.Ticket) bool { return tk.ID == o.TicketID })
				if i < 0 || o.TicketNumber != tks[i].Number || !strings.Contains(o.Subject, "[Ticket#"+tks[i].Number+"]") {
					t.Errorf("acknowledgment %q (ticket %s) does not answer its own ticket's message", o.Subject, o.TicketNumber)
				}
			}
			ts, _ := st.Tickets(context.Background(), store.TicketFilter{})
			refused := 0
			for _, tk := range ts {
				if tk.NoAckReason == ReasonRateLimited {
					refused++
				}
			}
			if refused != 2 {
				t.Errorf("%d tickets record the hourly limit, want 2", refused)
			}
		})
	}
}
