package ingest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"guichet/classify"
	"guichet/ingest/mailparse"
	"guichet/sender"
	"guichet/store"
	"guichet/ticketref"
)

// signals are the ways a message can refer to an existing ticket, in the
// order of precedence of docs/threading.md.
type signals struct {
	tagNumber  string
	references []string
	addrNumber string
}

func (p *Pipeline) signals(d *delivery) signals {
	m := d.m
	var s signals
	if n, ok := ticketref.Find(m.Subject); ok {
		s.tagNumber = n
	}
	if m.InReplyTo != "" {
		s.references = append(s.references, m.InReplyTo)
	}
	for _, r := range m.References {
		if r != m.InReplyTo {
			s.references = append(s.references, r)
		}
	}
	if p.addrs != nil {
		for _, r := range d.recipients() {
			if n, _, ok := p.addrs.Parse(r); ok {
				s.addrNumber = n
				break
			}
		}
	}
	return s
}

// threads are the rules of docs/threading.md, "Threading" for requesters' and
// participants' mail: which ticket a message refers to, whether its sender
// may join it, and the join or the new ticket.
type threads struct {
	own         map[string]bool
	addrs       AddressParser
	reopenAfter time.Duration
	notify      *notifier
	wf          *workflow
}

// numberReader looks tickets up by number; the batch answers from what its
// first round trip read.
type numberReader interface {
	TicketByNumber(ctx context.Context, tx store.Tx, number string) (store.Ticket, error)
}

// referred finds the ticket a message refers to, in the spec's order; a
// zero Ticket when none.
func (th *threads) referred(ctx context.Context, tx store.Tx, b numberReader, sig signals) (store.Ticket, error) {
	if sig.tagNumber != "" {
		t, err := b.TicketByNumber(ctx, tx, sig.tagNumber)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.Ticket{}, fmt.Errorf("ticket by tag: %w", err)
		}
	}
	if len(sig.references) > 0 {
		t, err := tx.TicketByMessageIDs(ctx, sig.references)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.Ticket{}, fmt.Errorf("ticket by references: %w", err)
		}
	}
	if sig.addrNumber != "" {
		t, err := b.TicketByNumber(ctx, tx, sig.addrNumber)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.Ticket{}, fmt.Errorf("ticket by reply address: %w", err)
		}
	}
	return store.Ticket{}, nil
}

// place joins the message to t (zero: none referred) when its sender may,
// or opens a new ticket, linked to t when t was referred.
func (th *threads) place(ctx context.Context, tx store.Tx, b *batch[*opening], a *attempt, t store.Ticket) error {
	if t.ID != 0 {
		// t was read in this transaction with its participants.
		switch {
		case !t.HasParticipant(a.m.From.Addr):
			// docs/threading.md, "Threading": a stranger never joins, whatever signal it
			// carries; the new ticket records the link and nothing of the old
			// one is shown to them.
			a.res.LinkedTo, a.res.Reason = t.Number, "sender is not a participant of the referred ticket"
		case a.sender.Verdict == sender.Failed && !a.trustedFor(t):
			// docs/threading.md, "Trust": a From its domain disowns (DMARC fail) is a
			// stranger's, whoever it names.
			a.res.LinkedTo, a.res.Reason = t.Number, "sender failed DMARC: handled as a stranger"
		case t.Status == store.StatusClosed && a.now.Sub(t.UpdatedAt) > th.reopenAfter:
			a.res.LinkedTo, a.res.Reason = t.Number, "referred ticket is closed"
		default:
			b.Changed(t.ID)
			return th.join(ctx, tx, a, t)
		}
	}
	th.open(b, a)
	return nil
}

// join adds a requester's or participant's message to its ticket. Only a
// verified message adds the addresses it names, and reopens a resolved or
// closed ticket (docs/threading.md, "Trust"): a forged From could otherwise copy anyone
// on the agents' answers, or revive any ticket.
func (th *threads) join(ctx context.Context, tx store.Tx, a *attempt, t store.Ticket) error {
	m := a.m
	a.res.Action, a.res.Ticket = Joined, t.Number
	if err := tx.AttachMessage(ctx, a.rowID, t.ID, store.KindReply); err != nil {
		return fmt.Errorf("attach message: %w", err)
	}
	a.msg.Kind = store.KindReply
	trusted := a.trustedFor(t)
	if trusted {
		if err := tx.AddParticipants(ctx, t.ID, th.others(m), store.OriginVerified); err != nil {
			return fmt.Errorf("add participants: %w", err)
		}
	} else if len(th.others(m)) > 0 {
		a.res.Reason = joinReason(a.res.Reason, "unverified sender: no participant added")
	}
	closed := t.Status == store.StatusResolved || t.Status == store.StatusClosed
	if closed && !trusted {
		a.res.Reason = joinReason(a.res.Reason, "unverified sender: ticket not reopened")
	}
	// A requester's reply puts the ticket back in the agents' hands; on a
	// resolved (or recently closed) ticket it reopens it (docs/threading.md).
	if t.Status != store.StatusOpen && (trusted || !closed) {
		reason := "reply from " + m.From.Addr
		if t.Status == store.StatusResolved || t.Status == store.StatusClosed {
			reason = "reopened by a reply from " + m.From.Addr
		}
		if _, err := th.wf.setStatus(ctx, tx, &t, store.StatusOpen, reason, a.now); err != nil {
			return err
		}
	}
	if err := tx.Touch(ctx, t.ID, a.now); err != nil {
		return fmt.Errorf("touch ticket: %w", err)
	}
	return th.notify.agents(ctx, tx, a, t)
}

// open leaves the message's new ticket to the end of its batch, where the
// opener numbers and acknowledges it.
func (th *threads) open(b *batch[*opening], a *attempt) {
	m := a.m
	b.Open(&opening{a: a, notify: true, ticket: store.NewTicket{
		Subject:        TicketSubject(m.Subject, a.cat),
		Category:       a.cat.Code,
		CategorySource: a.cat.Source,
		Confidence:     a.cat.Confidence,
		Requester:      m.From.Addr,
		LinkedTo:       a.res.LinkedTo,
		CreatedAt:      a.now,
		Participants:   th.others(m),
		ID:             a.msg.TicketID,
		MessageRowID:   a.rowID,
		MessageKind:    a.msg.Kind,
		// A requester's own headers (X-Priority, Importance) say nothing
		// here (docs/threading.md, "Tickets"): only the category does.
		Workflow: th.wf.start(a.cat.Code, priorityOfCategory(a.cat.Code), a.now),
	}}, a.keys()...)
}

// others are the message's To and Cc addresses that are not ours: they
// become participants (docs/threading.md, "Threading": an address in the ticket's To/Cc
// history may reply).
func (th *threads) others(m *mailparse.Message) []string {
	var out []string
	for _, a := range append(addrs(m.To), addrs(m.Cc)...) {
		if a == "" || th.own[a] || th.isOurSubaddress(a) {
			continue
		}
		out = append(out, a)
	}
	return out
}

func (th *threads) isOurSubaddress(a string) bool {
	if th.addrs != nil {
		if _, _, ok := th.addrs.Parse(a); ok {
			return true
		}
	}
	local, domain, ok := strings.Cut(a, "@")
	if !ok {
		return false
	}
	base, _, plus := strings.Cut(local, "+")
	return plus && th.own[base+"@"+domain]
}

// TicketSubject is the subject a new ticket shows: without reply prefixes,
// our tag or the category tag that chose its category.
func TicketSubject(subject string, cat classify.Result) string {
	s := ticketref.Clean(subject)
	if cat.Source == "tag" {
		s = classify.StripTag(s, cat.Code)
	}
	if s == "" {
		s = "(sans objet)"
	}
	return s
}
