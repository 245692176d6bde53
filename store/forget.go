package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Erasure of personal data (GDPR art. 17, and the retention period): the
// person's messages lose their bytes, text and attachments, their address
// becomes a stable pseudonym everywhere (pseudonym) and their
// address and name are rewritten inside what others' messages keep. Each
// ticket is erased in its own transaction, its rows locked in one order
// (the ticket, its messages by id, its outbox rows by id), so that a
// running gateway only waits for one ticket at a time.

// Erasure says how to erase.
type Erasure struct {
	// Secret keys the pseudonyms; nil uses the installation's (Secret).
	Secret []byte
	// By names who asked, for the audit row (never whose data it was).
	By string
	// DryRun counts what would be erased and changes nothing: the same
	// work, rolled back.
	DryRun bool
}

// ErasureReport counts what an erasure changed (or would change).
type ErasureReport struct {
	Tickets      int `json:"tickets"`      // tickets with anything erased or rewritten
	Messages     int `json:"messages"`     // messages whose bytes and text were erased
	Rewritten    int `json:"rewritten"`    // others' messages where the person was replaced
	Attachments  int `json:"attachments"`  // attachments taken off erased messages
	Blobs        int `json:"blobs"`        // attachment contents no message used any more
	Participants int `json:"participants"` // participant rows pseudonymised
	Outbox       int `json:"outbox"`       // outbox rows deleted or rewritten
	RateSlots    int `json:"rate_slots"`   // rate-limit rows deleted
	Unticketed   int `json:"unticketed"`   // messages without a ticket deleted
}

func (r *ErasureReport) add(o ErasureReport) {
	r.Tickets += o.Tickets
	r.Messages += o.Messages
	r.Rewritten += o.Rewritten
	r.Attachments += o.Attachments
	r.Blobs += o.Blobs
	r.Participants += o.Participants
	r.Outbox += o.Outbox
	r.RateSlots += o.RateSlots
	r.Unticketed += o.Unticketed
}

// Zero reports whether nothing was erased.
func (r ErasureReport) Zero() bool { return r == ErasureReport{} }

// erasePlan decides, for one ticket, what is erased and how addresses change.
type erasePlan struct {
	// erase reports whether message m loses its bytes, text and attachments.
	erase func(m erasable) bool
	// addr is the stored form that replaces address a (a itself when it stays).
	addr func(a string) string
	// scrub rewrites the person inside texts kept; nil rewrites nothing.
	scrub *scrubber
	// whole: the ticket's personal data is erased as a whole (retention),
	// recorded in tickets.erased_at; outbox rows are deleted once sent.
	whole bool
	// dropOutbox reports whether an outbox row with these recipients goes.
	dropOutbox func(rcpt []string) bool
}

// erasable is what erasing reads of a message.
type erasable struct {
	id                  int64
	dir                 Direction
	from, name          string
	to, cc              []string
	subject, body       string
	raw                 []byte
	env, parseErr, evid string
}

var (
	lockTicket = stmt{
		pg:     `SELECT requester, subject, erased_at IS NOT NULL FROM tickets WHERE id = $1 FOR UPDATE`,
		sqlite: `SELECT requester, subject, erased_at IS NOT NULL FROM tickets WHERE id = ?1`,
	}
	eraseMessages = stmt{
		pg: `
SELECT id, direction, from_addr, from_name, to_addrs, cc_addrs, subject, body, raw, envelope::text, parse_error, sender_evidence
FROM messages WHERE ticket_id = $1 ORDER BY id FOR UPDATE`,
		sqlite: `
SELECT id, direction, from_addr, from_name, to_addrs, cc_addrs, subject, body, raw, envelope, parse_error, sender_evidence
FROM messages WHERE ticket_id = ?1 ORDER BY id`,
	}
	updateErased = stmt{
		pg: `
UPDATE messages SET from_addr = $2, from_name = $3, to_addrs = $4, cc_addrs = $5, subject = $6, body = $7,
    raw = $8, raw_sha256 = $9, envelope = $10::jsonb, parse_error = $11, sender_evidence = $12
WHERE id = $1`,
		sqlite: `
UPDATE messages SET from_addr = ?2, from_name = ?3, to_addrs = ?4, cc_addrs = ?5, subject = ?6, body = ?7,
    raw = ?8, raw_sha256 = ?9, envelope = ?10, parse_error = ?11, sender_evidence = ?12
WHERE id = ?1`,
	}
	attachmentsOfMessage   = portable(`SELECT sha256 FROM message_attachments WHERE message_id = $1`)
	dropMessageAttachments = portable(`DELETE FROM message_attachments WHERE message_id = $1`)
	dropBlob               = portable(`
DELETE FROM attachments WHERE sha256 = $1
AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE sha256 = $1)`)
	participantsOfTicket = portable(`SELECT id, address FROM participants WHERE ticket_id = $1 ORDER BY id`)
	renameParticipant    = portable(`UPDATE participants SET address = $2 WHERE id = $1`)
	dropParticipant      = portable(`DELETE FROM participants WHERE id = $1`)
	historyOfTicket      = portable(`SELECT id, reason FROM status_history WHERE ticket_id = $1 ORDER BY id`)
	setHistoryReason     = portable(`UPDATE status_history SET reason = $2 WHERE id = $1`)
	updateErasedTicket   = portable(`
UPDATE tickets SET requester = $2, requester_key = $3, subject = $4,
    erased_at = CASE WHEN $5 THEN $6 ELSE erased_at END
WHERE id = $1`)
	outboxOfTicket = stmt{
		pg:     `SELECT id, rcpt, raw, state FROM outbox WHERE ticket_id = $1 ORDER BY id FOR UPDATE`,
		sqlite: `SELECT id, rcpt, raw, state FROM outbox WHERE ticket_id = ?1 ORDER BY id`,
	}
	dropOutboxRow    = portable(`DELETE FROM outbox WHERE id = $1`)
	rewriteOutboxRow = portable(`UPDATE outbox SET rcpt = $2, raw = $3, rcpt_key = $4 WHERE id = $1`)
	dropMessage      = portable(`DELETE FROM messages WHERE id = $1`)
	dropRateSlot     = portable(`DELETE FROM rate_slots WHERE key = $1`)
	insertErasure    = portable(`INSERT INTO erasures (at, by, reason, counts) VALUES ($1, $2, $3, $4)`)
	closedUnerased   = portable(`
SELECT id FROM tickets WHERE status = 'closed' AND erased_at IS NULL AND updated_at < $1 ORDER BY id`)
)

var emptySHA256 = sha256Hex(nil)

// eraseTicket applies p to ticket id inside c's transaction.
func eraseTicket(ctx context.Context, c conn, id int64, p erasePlan, now time.Time) (ErasureReport, error) {
	var r ErasureReport
	var requester, subject string
	var done bool
	if err := c.queryRow(ctx, lockTicket, id).Scan(&requester, &subject, &done); err != nil {
		return r, wrap("store: erase ticket", err)
	}
	if done && p.whole {
		return r, nil
	}
	rs, err := c.query(ctx, eraseMessages, id)
	if err != nil {
		return r, wrap("store: erase messages", err)
	}
	msgs, err := collect(rs, func(s scanner) (erasable, error) {
		var m erasable
		var dir string
		err := s.Scan(&m.id, &dir, &m.from, &m.name, &m.to, &m.cc, &m.subject, &m.body, &m.raw, &m.env, &m.parseErr, &m.evid)
		m.dir = Direction(dir)
		return m, err
	})
	if err != nil {
		return r, wrap("store: erase messages", err)
	}
	var blobs []string
	for _, m := range msgs {
		n := m
		n.from, n.to, n.cc = p.addr(m.from), mapAddrs(m.to, p.addr), mapAddrs(m.cc, p.addr)
		erase := p.erase(m)
		if erase {
			n.name, n.subject, n.body, n.raw, n.env, n.parseErr, n.evid = "", "", "", []byte{}, "{}", "", ""
		} else {
			n.name, _ = p.scrub.String(m.name)
			n.subject, _ = p.scrub.String(m.subject)
			n.body, _ = p.scrub.String(m.body)
			n.raw, _ = p.scrub.Bytes(m.raw)
			n.env, _ = p.scrub.String(m.env)
			n.evid, _ = p.scrub.String(m.evid)
		}
		if erase {
			shas, err := attachmentsOfRow(ctx, c, m.id)
			if err != nil {
				return r, err
			}
			if len(shas) > 0 {
				if _, err := c.exec(ctx, dropMessageAttachments, m.id); err != nil {
					return r, wrap("store: erase attachments", err)
				}
				r.Attachments += len(shas)
				blobs = append(blobs, shas...)
			}
		}
		if sameErasable(m, n) {
			continue
		}
		if erase && len(m.raw) > 0 {
			r.Messages++
		} else if !erase {
			r.Rewritten++
		}
		if _, err := c.exec(ctx, updateErased, m.id, n.from, n.name, cleanAll(n.to), cleanAll(n.cc), n.subject, n.body,
			n.raw, sha256Hex(n.raw), n.env, n.parseErr, n.evid); err != nil {
			return r, wrap("store: erase message", err)
		}
	}
	slices.Sort(blobs)
	for _, h := range slices.Compact(blobs) {
		n, err := c.exec(ctx, dropBlob, h)
		if err != nil {
			return r, wrap("store: erase attachment content", err)
		}
		r.Blobs += int(n)
	}
	if r.Participants, err = eraseParticipants(ctx, c, id, p); err != nil {
		return r, err
	}
	if p.scrub != nil {
		if err := scrubHistory(ctx, c, id, p.scrub); err != nil {
			return r, err
		}
	}
	if r.Outbox, err = eraseOutbox(ctx, c, id, p); err != nil {
		return r, err
	}
	newReq := p.addr(requester)
	newSubject, _ := p.scrub.String(subject)
	if p.whole || newReq != requester {
		// The subject is the requester's own words.
		newSubject = ""
	}
	changed := r != ErasureReport{} || newReq != requester || newSubject != subject
	if changed || p.whole {
		if _, err := c.exec(ctx, updateErasedTicket, id, newReq, MailboxKey(newReq), newSubject, p.whole, ts(now)); err != nil {
			return r, wrap("store: erase ticket", err)
		}
	}
	if changed {
		r.Tickets = 1
	}
	return r, nil
}

func sameErasable(a, b erasable) bool {
	return a.from == b.from && a.name == b.name && slices.Equal(a.to, b.to) && slices.Equal(a.cc, b.cc) &&
		a.subject == b.subject && a.body == b.body && bytes.Equal(a.raw, b.raw) && a.env == b.env &&
		a.parseErr == b.parseErr && a.evid == b.evid
}

func mapAddrs(as []string, f func(string) string) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		if m := f(a); !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func attachmentsOfRow(ctx context.Context, c conn, messageID int64) ([]string, error) {
	rs, err := c.query(ctx, attachmentsOfMessage, messageID)
	if err != nil {
		return nil, wrap("store: erase attachments", err)
	}
	shas, err := collect(rs, func(s scanner) (string, error) {
		var h string
		return h, s.Scan(&h)
	})
	return shas, wrap("store: erase attachments", err)
}

type idText struct {
	id   int64
	text string
}

func idTexts(ctx context.Context, c conn, q stmt, ticketID int64) ([]idText, error) {
	rs, err := c.query(ctx, q, ticketID)
	if err != nil {
		return nil, err
	}
	return collect(rs, func(s scanner) (idText, error) {
		var v idText
		return v, s.Scan(&v.id, &v.text)
	})
}

// eraseParticipants replaces participants' addresses; two addresses of one
// person (with and without +detail) become one pseudonym, one row.
func eraseParticipants(ctx context.Context, c conn, ticketID int64, p erasePlan) (int, error) {
	ps, err := idTexts(ctx, c, participantsOfTicket, ticketID)
	if err != nil {
		return 0, wrap("store: erase participants", err)
	}
	n := 0
	seen := map[string]bool{}
	for _, pt := range ps {
		to := p.addr(pt.text)
		switch {
		case seen[to]:
			if _, err := c.exec(ctx, dropParticipant, pt.id); err != nil {
				return n, wrap("store: erase participant", err)
			}
			n++
		case to != pt.text:
			if _, err := c.exec(ctx, renameParticipant, pt.id, to); err != nil {
				return n, wrap("store: erase participant", err)
			}
			n++
		}
		seen[to] = true
	}
	return n, nil
}

func scrubHistory(ctx context.Context, c conn, ticketID int64, s *scrubber) error {
	hs, err := idTexts(ctx, c, historyOfTicket, ticketID)
	if err != nil {
		return wrap("store: erase history", err)
	}
	for _, h := range hs {
		if v, ok := s.String(h.text); ok {
			if _, err := c.exec(ctx, setHistoryReason, h.id, v); err != nil {
				return wrap("store: erase history", err)
			}
		}
	}
	return nil
}

// eraseOutbox deletes the ticket's outbox rows p drops (mail to the
// person, which must not go out any more) and rewrites the others.
func eraseOutbox(ctx context.Context, c conn, ticketID int64, p erasePlan) (int, error) {
	rs, err := c.query(ctx, outboxOfTicket, ticketID)
	if err != nil {
		return 0, wrap("store: erase outbox", err)
	}
	type row struct {
		id    int64
		rcpt  []string
		raw   []byte
		state string
	}
	os, err := collect(rs, func(s scanner) (row, error) {
		var o row
		return o, s.Scan(&o.id, &o.rcpt, &o.raw, &o.state)
	})
	if err != nil {
		return 0, wrap("store: erase outbox", err)
	}
	n := 0
	for _, o := range os {
		if p.dropOutbox(o.rcpt) {
			if _, err := c.exec(ctx, dropOutboxRow, o.id); err != nil {
				return n, wrap("store: erase outbox", err)
			}
			n++
			continue
		}
		rcpt := mapAddrs(o.rcpt, p.addr)
		raw, _ := p.scrub.Bytes(o.raw)
		if slices.Equal(rcpt, o.rcpt) && bytes.Equal(raw, o.raw) {
			continue
		}
		if _, err := c.exec(ctx, rewriteOutboxRow, o.id, cleanAll(rcpt), raw, rcptKey(rcpt)); err != nil {
			return n, wrap("store: erase outbox", err)
		}
		n++
	}
	return n, nil
}

// eraseEach runs eraseTicket for each id in its own transaction, rolled
// back on a dry run.
func (s *core) eraseEach(ctx context.Context, ids []int64, p erasePlan, dry bool) (ErasureReport, error) {
	var total ErasureReport
	for _, id := range ids {
		r, err := s.inEraseTx(ctx, dry, func(c conn) (ErasureReport, error) {
			return eraseTicket(ctx, c, id, p, s.now())
		})
		if err != nil {
			return total, err
		}
		total.add(r)
	}
	return total, nil
}

// inEraseTx runs fn in a write transaction, committed unless dry.
func (s *core) inEraseTx(ctx context.Context, dry bool, fn func(c conn) (ErasureReport, error)) (ErasureReport, error) {
	t, err := s.begin(ctx)
	if err != nil {
		return ErasureReport{}, err
	}
	defer t.rollback()
	r, err := fn(t.c)
	if err != nil || dry {
		return r, err
	}
	return r, t.commitDurably()
}

func (s *core) secret(ctx context.Context, e Erasure) ([]byte, error) {
	if len(e.Secret) > 0 {
		return e.Secret, nil
	}
	return s.Secret(ctx)
}

// forget erases the person whose address is addr (see Forget).
func (s *core) forget(ctx context.Context, addr string, e Erasure) (ErasureReport, error) {
	key := MailboxKey(addr)
	var total ErasureReport
	if isPseudonym(key) {
		return total, nil
	}
	secret, err := s.secret(ctx, e)
	if err != nil {
		return total, err
	}
	ps := pseudonym(secret, key)
	refs, err := personRefs(ctx, s.read, key)
	if err != nil {
		return total, err
	}
	var names []string
	for _, r := range refs {
		if r.name != "" {
			names = append(names, r.name)
		}
	}
	mine := func(a string) bool { return MailboxKey(a) == key }
	p := erasePlan{
		erase: func(m erasable) bool {
			return mine(m.from) || (m.dir == DirOut && slices.ContainsFunc(append(slices.Clone(m.to), m.cc...), mine))
		},
		addr: func(a string) string {
			if mine(a) {
				return ps
			}
			return a
		},
		scrub:      newScrubber(key, names, ps),
		dropOutbox: func(rcpt []string) bool { return slices.ContainsFunc(rcpt, mine) },
	}
	ids, _ := ticketsOf(refs)
	if total, err = s.eraseEach(ctx, ids, p, e.DryRun); err != nil {
		return total, err
	}
	r, err := s.inEraseTx(ctx, e.DryRun, func(c conn) (ErasureReport, error) {
		return eraseLoose(ctx, c, key, refs)
	})
	if err != nil {
		return total, err
	}
	total.add(r)
	return total, s.audit(ctx, e, "request", total)
}

// eraseLoose deletes what names the person outside tickets: messages
// attached to no ticket, outbox rows without a ticket, rate slots.
func eraseLoose(ctx context.Context, c conn, key string, refs []personRef) (ErasureReport, error) {
	var r ErasureReport
	var blobs []string
	for _, ref := range refs {
		if ref.ticketID != 0 || ref.messageID == 0 {
			continue
		}
		shas, err := attachmentsOfRow(ctx, c, ref.messageID)
		if err != nil {
			return r, err
		}
		blobs = append(blobs, shas...)
		r.Attachments += len(shas)
		if _, err := c.exec(ctx, dropMessageAttachments, ref.messageID); err != nil {
			return r, wrap("store: erase attachments", err)
		}
		if _, err := c.exec(ctx, dropMessage, ref.messageID); err != nil {
			return r, wrap("store: erase message", err)
		}
		r.Unticketed++
	}
	for _, h := range blobs {
		n, err := c.exec(ctx, dropBlob, h)
		if err != nil {
			return r, wrap("store: erase attachment content", err)
		}
		r.Blobs += int(n)
	}
	os, err := outboundTo(ctx, c, key)
	if err != nil {
		return r, err
	}
	for _, o := range os {
		if o.TicketID != 0 {
			continue
		}
		if _, err := c.exec(ctx, dropOutboxRow, o.ID); err != nil {
			return r, wrap("store: erase outbox", err)
		}
		r.Outbox++
	}
	rs, err := c.query(ctx, personalRateSlots, likeKey(key))
	if err != nil {
		return r, wrap("store: erase rate slots", err)
	}
	slots, err := collect(rs, func(s scanner) (string, error) {
		var k string
		var at, exp time.Time
		return k, s.Scan(&k, &at, &exp)
	})
	if err != nil {
		return r, wrap("store: erase rate slots", err)
	}
	for _, k := range slots {
		if slotOf(k) != key {
			continue
		}
		if _, err := c.exec(ctx, dropRateSlot, k); err != nil {
			return r, wrap("store: erase rate slots", err)
		}
		r.RateSlots++
	}
	return r, nil
}

// purgeClosed erases the tickets closed and untouched since before (see
// PurgeClosed).
func (s *core) purgeClosed(ctx context.Context, before time.Time, e Erasure) (ErasureReport, error) {
	var total ErasureReport
	secret, err := s.secret(ctx, e)
	if err != nil {
		return total, err
	}
	rs, err := s.read.query(ctx, closedUnerased, ts(before))
	if err != nil {
		return total, wrap("store: closed tickets", err)
	}
	ids, err := collect(rs, func(s scanner) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	})
	if err != nil {
		return total, wrap("store: closed tickets", err)
	}
	pseudo := func(a string) string {
		if a == "" || isPseudonym(a) {
			return a
		}
		return pseudonym(secret, MailboxKey(a))
	}
	p := erasePlan{
		erase: func(erasable) bool { return true },
		addr:  pseudo,
		whole: true,
		// A ticket closed that long ago has nothing left to deliver: its
		// outbox rows are the copies of what went out.
		dropOutbox: func([]string) bool { return true },
	}
	if total, err = s.eraseEach(ctx, ids, p, e.DryRun); err != nil {
		return total, err
	}
	return total, s.audit(ctx, e, "retention", total)
}

// audit records a real erasure that changed something.
func (s *core) audit(ctx context.Context, e Erasure, reason string, r ErasureReport) error {
	if e.DryRun || r.Zero() {
		return nil
	}
	counts, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("store: erasure audit: %w", err)
	}
	_, err = s.write.exec(ctx, insertErasure, ts(s.now()), e.By, reason, string(counts))
	return wrap("store: erasure audit", err)
}
