package outbound

import (
	"context"
	"strings"
	"testing"

	"guichet/replyaddr"
)

// TestMailerAnswerResolved: an answer that resolves the ticket is one
// message, the agent's text then the resolution notice's lines, neither
// greeting twice nor marked automatic (a person wrote it).
func TestMailerAnswerResolved(t *testing.T) {
	m, _ := newTestMailer(t)
	m.o.CloseAfter, m.o.ReopenDays = "7\u00a0jours", 30
	tk := ticket("2.2")
	tk.Subject = "Imprimante"
	tx := &fakeTx{}
	if q, err := m.Answer(context.Background(), tx, tk, Answer{To: []string{"awa.diop@example.org"}, AgentName: "Moussa Fall",
		Text: "Bonjour,\n\nLe bac était mal engagé.\n\nMoussa", Resolved: true}); !q || err != nil {
		t.Fatalf("Answer = %v, %v", q, err)
	}
	if len(tx.queued) != 1 {
		t.Fatalf("queued %d messages, want 1", len(tx.queued))
	}
	h, text, _ := readBack(t, tx.queued[0].Raw)
	subject, _ := h.Subject()
	if subject != "[Ticket#2026-000042] Demande résolue : Imprimante" || h.Get("Auto-Submitted") != "" {
		t.Errorf("subject %q, Auto-Submitted %q", subject, h.Get("Auto-Submitted"))
	}
	answer, notice := strings.Index(text, "Le bac était mal engagé."), strings.Index(text, "est maintenant considérée comme résolue")
	if answer < 0 || notice < answer || strings.Count(text, "Bonjour") != 1 ||
		!strings.Contains(text, "close dans 7\u00a0jours") || !strings.Contains(text, "pendant 30 jours") {
		t.Errorf("text is not the answer followed by the notice:\n%s", text)
	}
}

// TestMailerClosed: the closing notice goes to the requester with the
// signed requester address, so that a reply reopens the ticket.
func TestMailerClosed(t *testing.T) {
	m, signer := newTestMailer(t)
	m.o.CloseAfter, m.o.ReopenDays = "7\u00a0jours", 30
	tk := ticket("2.2")
	tk.Subject, tk.Requester = "Imprimante", "awa.diop@example.org"
	tx := &fakeTx{}
	if q, err := m.Closed(context.Background(), tx, tk); !q || err != nil {
		t.Fatalf("Closed = %v, %v", q, err)
	}
	h, text, _ := readBack(t, tx.queued[0].Raw)
	subject, _ := h.Subject()
	if subject != "[Ticket#2026-000042] Demande close : Imprimante" || h.Get("Auto-Submitted") != "auto-generated" ||
		!strings.Contains(text, "dans les 30 jours\u00a0: votre demande sera rouverte") {
		t.Errorf("notice %q:\n%s", subject, text)
	}
	if rt, _ := h.AddressList("Reply-To"); len(rt) != 1 || rt[0].Address != signer.Address("2026-000042", replyaddr.RoleRequester) {
		t.Errorf("notice Reply-To = %v", rt)
	}
	tk.Requester = support
	if q, err := m.Closed(context.Background(), &fakeTx{}, tk); q || err != nil {
		t.Errorf("Closed to our own address = %v, %v; want nothing queued", q, err)
	}
}
