package outbound

import (
	"context"
	"fmt"
	"net/mail"

	"guichet/replyaddr"
	"guichet/store"
	"guichet/templates"
	"guichet/ticketref"
)

// Closed queues the notice that ticket t, resolved, was closed for want
// of news: to the requester, found by its subject tag, with the signed
// requester address as Reply-To so that a reply reopens it.
// It returns false when no recipient is left (the requester is one of our
// addresses).
func (m *Mailer) Closed(ctx context.Context, tx store.Tx, t store.Ticket) (bool, error) {
	to := m.recipients([]string{t.Requester}, nil)
	if len(to) == 0 {
		return false, nil
	}
	body, err := templates.RenderClosing(templates.Closing{
		CentreName: m.o.CentreName, Number: t.Number, Subject: capSubject(t.Subject),
		After: m.o.CloseAfter, ReopenDays: m.o.ReopenDays,
	})
	if err != nil {
		return false, fmt.Errorf("outbound: %w", err)
	}
	return m.queue(ctx, tx, t, store.KindNotification, "", Mail{
		To:      bare(to),
		Subject: ticketref.Format(t.Number) + " Demande close : " + t.Subject, Text: body,
		ReplyTo:       &mail.Address{Name: m.o.CentreName, Address: m.o.Signer.Address(t.Number, replyaddr.RoleRequester)},
		AutoSubmitted: "auto-generated",
	})
}
