package store

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Personal data: finding everything stored about one person (the right of
// access, GDPR art. 15) by their normalised address, MailboxKey.

// PersonalData is everything stored about one person.
type PersonalData struct {
	// Key is the normalised address searched (MailboxKey).
	Key string
	// Tickets they opened or took part in, or whose messages name them, with
	// their whole history (Raw not loaded), oldest first.
	Tickets []TicketDetail
	// Unticketed are stored messages attached to no ticket that name them.
	Unticketed []Message
	// Outbound is the mail queued or sent to them (Raw not loaded).
	Outbound []Outbound
	// RateSlots are the rate-limit rows keyed by their address.
	RateSlots []RateSlot
}

// RateSlot is one rate-limit row (TakeRateSlot).
type RateSlot struct {
	Key           string
	At, ExpiresAt time.Time
}

// likeKey is a LIKE pattern every stored form of key's addresses matches
// (any letter case once lowered, any +detail): the candidates, which Go
// then checks exactly with MailboxKey. LIKE's wildcards in the local part
// only widen the candidates.
func likeKey(key string) string {
	at := strings.LastIndexByte(key, '@')
	if at < 0 {
		return "%" + key + "%"
	}
	return "%" + key[:at] + "%@" + key[at+1:] + "%"
}

// anyOf reports whether one of addrs is key's.
func anyOf(key string, addrs ...string) bool {
	return slices.ContainsFunc(addrs, func(a string) bool { return MailboxKey(a) == key })
}

var (
	personalByRequester   = portable(`SELECT id, number, requester FROM tickets WHERE lower(requester) LIKE $1`)
	personalByParticipant = portable(`
SELECT t.id, t.number, p.address FROM participants p JOIN tickets t ON t.id = p.ticket_id
WHERE p.address LIKE $1`)
	// personalMessages: messages naming the person (sender, To or Cc).
	personalMessages = stmt{
		pg: `
SELECT m.id, coalesce(m.ticket_id, 0), coalesce(t.number, ''), m.from_addr, m.from_name, m.to_addrs, m.cc_addrs
FROM messages m LEFT JOIN tickets t ON t.id = m.ticket_id
WHERE lower(m.from_addr) LIKE $1 OR lower(array_to_string(m.to_addrs, ' ')) LIKE $1
   OR lower(array_to_string(m.cc_addrs, ' ')) LIKE $1`,
		sqlite: `
SELECT m.id, coalesce(m.ticket_id, 0), coalesce(t.number, ''), m.from_addr, m.from_name, m.to_addrs, m.cc_addrs
FROM messages m LEFT JOIN tickets t ON t.id = m.ticket_id
WHERE lower(m.from_addr) LIKE ?1 OR lower(m.to_addrs) LIKE ?1 OR lower(m.cc_addrs) LIKE ?1`,
	}
	personalOutbound = stmt{
		pg: `
SELECT o.id, coalesce(o.ticket_id, 0), coalesce(t.number, ''), coalesce(o.message_row_id, 0), o.mail_from, o.rcpt,
    o.subject, o.message_id, o.state, o.attempts, o.last_error, o.next_attempt_at, o.created_at, o.sent_at, o.kind
FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket_id
WHERE lower(array_to_string(o.rcpt, ' ')) LIKE $1 ORDER BY o.id`,
		sqlite: `
SELECT o.id, coalesce(o.ticket_id, 0), coalesce(t.number, ''), coalesce(o.message_row_id, 0), o.mail_from, o.rcpt,
    o.subject, o.message_id, o.state, o.attempts, o.last_error, o.next_attempt_at, o.created_at, o.sent_at, o.kind
FROM outbox o LEFT JOIN tickets t ON t.id = o.ticket_id
WHERE lower(o.rcpt) LIKE ?1 ORDER BY o.id`,
	}
	personalRateSlots = portable(`SELECT key, at, expires_at FROM rate_slots WHERE lower(key) LIKE $1 ORDER BY key`)
)

// personRef is one place a candidate address was found.
type personRef struct {
	ticketID  int64
	number    string
	messageID int64 // 0 for a ticket's requester or participant
	name      string
	addrs     []string
}

// personRefs lists the tickets and messages where key's addresses appear
// as requester, participant, sender or recipient.
func personRefs(ctx context.Context, c conn, key string) ([]personRef, error) {
	like := likeKey(key)
	var refs []personRef
	for _, q := range []stmt{personalByRequester, personalByParticipant} {
		rs, err := c.query(ctx, q, like)
		if err != nil {
			return nil, wrap("store: personal data", err)
		}
		got, err := collect(rs, func(r scanner) (personRef, error) {
			var p personRef
			var a string
			err := r.Scan(&p.ticketID, &p.number, &a)
			p.addrs = []string{a}
			return p, err
		})
		if err != nil {
			return nil, wrap("store: personal data", err)
		}
		refs = append(refs, got...)
	}
	rs, err := c.query(ctx, personalMessages, like)
	if err != nil {
		return nil, wrap("store: personal data", err)
	}
	got, err := collect(rs, func(r scanner) (personRef, error) {
		var p personRef
		var from string
		var to, cc []string
		err := r.Scan(&p.messageID, &p.ticketID, &p.number, &from, &p.name, &to, &cc)
		if MailboxKey(from) != key {
			p.name = ""
		}
		p.addrs = append(append([]string{from}, to...), cc...)
		return p, err
	})
	if err != nil {
		return nil, wrap("store: personal data", err)
	}
	refs = append(refs, got...)
	return slices.DeleteFunc(refs, func(p personRef) bool { return !anyOf(key, p.addrs...) }), nil
}

// ticketsOf returns the ticket ids and numbers of refs, by ascending id:
// the order erasures lock them in.
func ticketsOf(refs []personRef) (ids []int64, numbers map[int64]string) {
	numbers = map[int64]string{}
	for _, r := range refs {
		if r.ticketID != 0 {
			numbers[r.ticketID] = r.number
		}
	}
	for id := range numbers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, numbers
}

// PersonalData returns everything stored about the person whose address
// is addr, in any letter case and with any +detail.
func (s *core) PersonalData(ctx context.Context, addr string) (PersonalData, error) {
	key := MailboxKey(addr)
	pd := PersonalData{Key: key, Tickets: []TicketDetail{}, Unticketed: []Message{}, Outbound: []Outbound{}, RateSlots: []RateSlot{}}
	refs, err := personRefs(ctx, s.read, key)
	if err != nil {
		return pd, err
	}
	ids, numbers := ticketsOf(refs)
	for _, id := range ids {
		d, err := s.Ticket(ctx, numbers[id])
		if err != nil {
			return pd, err
		}
		pd.Tickets = append(pd.Tickets, d)
	}
	loose, err := s.Unticketed(ctx)
	if err != nil {
		return pd, err
	}
	for _, m := range loose {
		if anyOf(key, append(append([]string{m.From}, m.To...), m.Cc...)...) {
			pd.Unticketed = append(pd.Unticketed, m)
		}
	}
	if pd.Outbound, err = outboundTo(ctx, s.read, key); err != nil {
		return pd, err
	}
	rs, err := s.read.query(ctx, personalRateSlots, likeKey(key))
	if err != nil {
		return pd, wrap("store: personal rate slots", err)
	}
	slots, err := collect(rs, func(r scanner) (RateSlot, error) {
		var sl RateSlot
		err := r.Scan(&sl.Key, &sl.At, &sl.ExpiresAt)
		return sl, err
	})
	if err != nil {
		return pd, wrap("store: personal rate slots", err)
	}
	for _, sl := range slots {
		if slotOf(sl.Key) == key {
			pd.RateSlots = append(pd.RateSlots, sl)
		}
	}
	return pd, nil
}

// slotOf is the mailbox key a rate slot's key names: what follows its
// action's prefix ("mes-demandes:awa@example.org").
func slotOf(k string) string {
	_, addr, _ := strings.Cut(k, ":")
	return MailboxKey(addr)
}

// outboundTo lists the outbox rows with one of key's addresses among their
// recipients, without their bytes.
func outboundTo(ctx context.Context, c conn, key string) ([]Outbound, error) {
	rs, err := c.query(ctx, personalOutbound, likeKey(key))
	if err != nil {
		return nil, wrap("store: personal outbox", err)
	}
	all, err := collect(rs, func(r scanner) (Outbound, error) {
		var (
			o           Outbound
			state, kind string
			sent        *time.Time
		)
		err := r.Scan(&o.ID, &o.TicketID, &o.TicketNumber, &o.MessageRowID, &o.MailFrom, &o.To,
			&o.Subject, &o.MessageID, &state, &o.Attempts, &o.LastError, &o.NextAttemptAt, &o.CreatedAt, &sent, &kind)
		o.State, o.Kind = OutState(state), Kind(kind)
		if sent != nil {
			o.SentAt = sent.UTC()
		}
		return o, err
	})
	if err != nil {
		return nil, wrap("store: personal outbox", err)
	}
	return slices.DeleteFunc(all, func(o Outbound) bool { return !anyOf(key, o.To...) }), nil
}
