package outbound

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"guichet/classify"
	"guichet/replyaddr"
	"guichet/store"
	"guichet/templates"
)

func newTestMailer(t *testing.T) (*Mailer, *replyaddr.Signer) {
	t.Helper()
	cat, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := replyaddr.New([]byte("0123456789abcdef0123456789abcdef"), support)
	if err != nil {
		t.Fatal(err)
	}
	m, err := NewMailer(MailerOptions{SupportAddress: support, Signer: signer, Catalogue: cat,
		OwnAddresses: []string{"alertes@aide.example.org"}, Clock: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	return m, signer
}

// readBack parses a composed message as a mail client would: its header,
// its text and its attachments' names and contents.
func readBack(t *testing.T, raw []byte) (gomail.Header, string, map[string]string) {
	t.Helper()
	if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
		t.Errorf("raw message has bare LF line endings")
	}
	mr, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var text string
	atts := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		b, _ := io.ReadAll(p.Body)
		switch h := p.Header.(type) {
		case *gomail.InlineHeader:
			text += string(b)
		case *gomail.AttachmentHeader:
			name, _ := h.Filename()
			atts[name] = string(b)
		}
	}
	return mr.Header, strings.ReplaceAll(text, "\r\n", "\n"), atts
}

func TestMailerNotify(t *testing.T) {
	m, signer := newTestMailer(t)
	tx := &fakeTx{}
	q, err := m.Notify(context.Background(), tx, ticket("2.2"), Notification{
		Event: templates.EventNew, To: []string{"Agent@Centre.example", support, "support+note@aide.example.org", "alertes@aide.example.org"},
		From: "awa.diop@example.org", FromName: "Awa Diop", Subject: "RE: [Ticket#2026-000042] Imprimante",
		MessageID: "<abc@example.org>", References: []string{"<older@example.org>"}, Text: "Bonjour,\nelle bourre.",
		Attachments: []store.Attachment{{Filename: "photo.jpg", ContentType: "image/jpeg", Size: 2048}},
	})
	if err != nil || !q {
		t.Fatalf("Notify = %v, %v", q, err)
	}
	if len(tx.queued) != 1 || !slices.Equal(tx.queued[0].To, []string{"agent@centre.example"}) {
		t.Fatalf("queued to %v, want only the agent (never our own addresses)", tx.queued[0].To)
	}
	if tx.inserted[0].Kind != store.KindNotification || tx.inserted[0].Direction != store.DirOut || tx.queued[0].MessageRowID != 101 {
		t.Errorf("stored as %s %s, row %d", tx.inserted[0].Direction, tx.inserted[0].Kind, tx.queued[0].MessageRowID)
	}
	h, text, _ := readBack(t, tx.queued[0].Raw)
	subject, _ := h.Subject()
	if subject != "[Ticket#2026-000042] Nouvelle demande : Imprimante" {
		t.Errorf("subject = %q", subject)
	}
	if h.Get("Auto-Submitted") != "auto-generated" || h.Get("In-Reply-To") != "<abc@example.org>" ||
		h.Get("References") != "<older@example.org> <abc@example.org>" {
		t.Errorf("header: Auto-Submitted %q In-Reply-To %q References %q", h.Get("Auto-Submitted"), h.Get("In-Reply-To"), h.Get("References"))
	}
	if rt, _ := h.AddressList("Reply-To"); len(rt) != 1 || rt[0].Address != signer.Address("2026-000042", replyaddr.RoleAgent) {
		t.Errorf("Reply-To = %v", rt)
	}
	for _, w := range []string{"2.2 – Problème d'impression", "Bonjour,\nelle bourre.", "photo.jpg (image/jpeg, 2,0\u00a0Ko)", "Awa Diop <awa.diop@example.org>"} {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q:\n%s", w, text)
		}
	}

	// Nobody left: nothing queued.
	tx = &fakeTx{}
	if q, err := m.Notify(context.Background(), tx, ticket(""), Notification{Event: templates.EventNew, To: []string{support}}); q || err != nil || len(tx.queued) != 0 {
		t.Errorf("Notify to ourselves only = %v, %v, %d queued", q, err, len(tx.queued))
	}
}

func TestMailerAnswer(t *testing.T) {
	m, signer := newTestMailer(t)
	tx := &fakeTx{}
	tk := ticket("2.2")
	tk.Subject = "Imprimante en panne"
	q, err := m.Answer(context.Background(), tx, tk, Answer{
		To: []string{"awa.diop@example.org"}, Cc: []string{"moussa@example.org", "awa.diop@example.org", "support+2026-000042.x@aide.example.org"},
		AgentName: "Agent Un", Text: "Le toner est changé.\r\n",
		Attachments: []store.Attachment{{Filename: "procédure.pdf", ContentType: "application/pdf", Data: []byte("%PDF"), Size: 4, Inline: true}},
		References:  []string{"<abc@example.org>", "<" + notificationIDPrefix + "x@aide.example.org>", "<bad id>"},
	})
	if err != nil || !q {
		t.Fatalf("Answer = %v, %v", q, err)
	}
	o := tx.queued[0]
	if !slices.Equal(o.To, []string{"awa.diop@example.org", "moussa@example.org"}) {
		t.Errorf("envelope recipients %v", o.To)
	}
	h, text, atts := readBack(t, o.Raw)
	subject, _ := h.Subject()
	from, _ := h.AddressList("From")
	if subject != "[Ticket#2026-000042] Imprimante en panne" || len(from) != 1 || from[0].Address != support || from[0].Name != "Agent Un (Centre d'assistance)" {
		t.Errorf("subject %q from %v", subject, from)
	}
	if h.Get("In-Reply-To") != "<abc@example.org>" || h.Get("References") != "<abc@example.org>" || h.Get("Auto-Submitted") != "" {
		t.Errorf("In-Reply-To %q References %q Auto-Submitted %q", h.Get("In-Reply-To"), h.Get("References"), h.Get("Auto-Submitted"))
	}
	if rt, _ := h.AddressList("Reply-To"); len(rt) != 1 || rt[0].Address != signer.Address("2026-000042", replyaddr.RoleRequester) {
		t.Errorf("Reply-To = %v", rt)
	}
	if text != "Le toner est changé.\n" || atts["procédure.pdf"] != "%PDF" {
		t.Errorf("text %q attachments %v", text, atts)
	}
	if tx.inserted[0].Kind != store.KindAgent || len(tx.inserted[0].Attachments) != 1 {
		t.Errorf("stored as %s with %d attachments", tx.inserted[0].Kind, len(tx.inserted[0].Attachments))
	}
}

func TestMailerResolvedAndReport(t *testing.T) {
	m, signer := newTestMailer(t)
	tk := ticket("2.2")
	tk.Subject = "Imprimante"
	tx := &fakeTx{}
	if q, err := m.Resolved(context.Background(), tx, tk, Resolution{To: "awa.diop@example.org", Name: "Awa Diop", References: []string{"<abc@example.org>"}}); !q || err != nil {
		t.Fatalf("Resolved = %v, %v", q, err)
	}
	h, text, _ := readBack(t, tx.queued[0].Raw)
	subject, _ := h.Subject()
	if subject != "[Ticket#2026-000042] Demande résolue : Imprimante" || h.Get("Auto-Submitted") != "auto-generated" || !strings.Contains(text, "Bonjour Awa Diop,") {
		t.Errorf("notice %q:\n%s", subject, text)
	}
	if rt, _ := h.AddressList("Reply-To"); len(rt) != 1 || rt[0].Address != signer.Address("2026-000042", replyaddr.RoleRequester) {
		t.Errorf("notice Reply-To = %v", rt)
	}

	tx = &fakeTx{}
	if q, err := m.Report(context.Background(), tx, tk, Report{To: "agent@centre.example", InReplyTo: "<g@centre.example>",
		Problems: []templates.CommandProblem{{Line: "#fermer", Reason: templates.ProblemUnknown}}}); !q || err != nil {
		t.Fatalf("Report = %v, %v", q, err)
	}
	h, text, _ = readBack(t, tx.queued[0].Raw)
	if h.Get("Auto-Submitted") != "auto-replied" || h.Get("In-Reply-To") != "<g@centre.example>" || !strings.Contains(text, "«\u00a0#fermer\u00a0»\u00a0: commande inconnue") {
		t.Errorf("report Auto-Submitted %q In-Reply-To %q:\n%s", h.Get("Auto-Submitted"), h.Get("In-Reply-To"), text)
	}
}

func TestNewMailerRefusesIncompleteOptions(t *testing.T) {
	if _, err := NewMailer(MailerOptions{SupportAddress: "pas une adresse"}); err == nil {
		t.Error("NewMailer with a bad support address: no error")
	}
	if _, err := NewMailer(MailerOptions{SupportAddress: support}); err == nil {
		t.Error("NewMailer without signer and catalogue: no error")
	}
}
