package outbound

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/publicsuffix"

	"guichet/classify"
	"guichet/replyaddr"
	"guichet/store"
	"guichet/templates"
	"guichet/ticketref"
)

// AckerOptions configure an Acker.
type AckerOptions struct {
	CentreName     string // display name of From; default "Centre d'assistance"
	SupportAddress string // From, envelope sender, base of the reply addresses
	// OwnAddresses are our other addresses (alert addresses, aliases):
	// mail from them is never acknowledged.
	OwnAddresses []string
	Signer       *replyaddr.Signer
	Catalogue    *classify.Catalogue
	// PublicURL is the base of the tracking page ("https://aide.example.org");
	// "" leaves the link out. TrackToken, when set, gives the link's token.
	PublicURL  string
	TrackToken func(number, requester string) string
	PerHour    int // acknowledgments per mailbox per hour (GUICHET_ACK_PER_HOUR, 5)
	// PerDomainPerHour bounds the acknowledgments to one recipient domain
	// in an hour (GUICHET_ACK_PER_DOMAIN_PER_HOUR); 0 means
	// DefaultAckPerDomainPerHour, negative no limit. The organisations of
	// Domains (the served domains, GUICHET_DOMAINS) and of the support
	// address are exempt: see exemptDomain.
	PerDomainPerHour int
	Domains          []string
	Clock            func() time.Time
	// Location is the zone of the Date header (GUICHET_TIMEZONE); nil
	// keeps the clock's.
	Location *time.Location
	// Hostname is the right-hand side of our Message-IDs; default the
	// support address's domain.
	Hostname string
	// Queued, when set, is given each acknowledgment FinishAcks queues,
	// inside the ticket's transaction (which may still roll back), whose
	// ID is set once it commits: see Pending.
	Queued func(o *store.Outbound)
	// Hold, when set, names the sender the acknowledgments are leased to
	// from their insert (store.Hold), asked at each FinishAcks: the
	// process hands them to that sender after the commit (AckPlan.Acks,
	// Sender.Offer), which sends them with no claim. nil leaves them to
	// any sender's claim.
	Hold func() store.Hold
}

// DefaultAckPerDomainPerHour is the acknowledgments one recipient domain
// gets in an hour. PerHour bounds what one mailbox gets, but a forged From
// can name a new mailbox of the same domain for every message
// (a1@victim.example, a2@…): without a second limit the centre would mail a
// third party's domain as fast as the attacker writes. 100 an hour is more
// new requests than one outside organisation plausibly opens at a help
// desk, and leaves room for the public webmail domains many citizens share
// (each of their people still gets PerHour), while the centre's own
// organisation, the one whose many people do write every hour, is exempt
// (the organisations of the served domains), so the limit never cuts them. A
// ticket past the limit is still created and notified: only the
// acknowledgment is left out, its reason recorded.
const DefaultAckPerDomainPerHour = 100

// ReasonDomainRateLimited is the no-acknowledgment reason past
// PerDomainPerHour.
const ReasonDomainRateLimited = "limite d'accusés de réception par heure atteinte pour ce domaine"

// Acker composes and queues the acknowledgment of new tickets.
type Acker struct {
	o       AckerOptions
	from    mail.Address
	ours    []string
	exempt  []string // domains the per-domain limit leaves alone
	groups  []templates.Group
	example templates.Category
}

// NewAcker checks o and prepares what every acknowledgment shares.
func NewAcker(o AckerOptions) (*Acker, error) {
	var err error
	if o.CentreName, o.SupportAddress, err = sender(o.CentreName, o.SupportAddress); err != nil {
		return nil, err
	}
	if o.Signer == nil || o.Catalogue == nil {
		return nil, errors.New("outbound: acker needs a reply-address signer and the catalogue")
	}
	if o.PerHour <= 0 {
		o.PerHour = 5
	}
	switch {
	case o.PerDomainPerHour == 0:
		o.PerDomainPerHour = DefaultAckPerDomainPerHour
	case o.PerDomainPerHour < 0:
		o.PerDomainPerHour = math.MaxInt
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Hostname == "" {
		o.Hostname = o.SupportAddress[strings.LastIndexByte(o.SupportAddress, '@')+1:]
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	a := &Acker{o: o, from: mail.Address{Name: o.CentreName, Address: o.SupportAddress}}
	a.ours = append([]string{o.SupportAddress}, o.OwnAddresses...)
	for _, d := range append([]string{store.MailDomain(o.SupportAddress)}, o.Domains...) {
		d = strings.Trim(strings.ToLower(strings.TrimSpace(d)), ".")
		if org, err := publicsuffix.EffectiveTLDPlusOne(d); err == nil {
			d = org
		}
		if d != "" && !slices.Contains(a.exempt, d) {
			a.exempt = append(a.exempt, d)
		}
	}
	for _, g := range o.Catalogue.Groups() {
		tg := templates.Group{Number: fmt.Sprint(g.Number), Label: g.Label}
		for _, c := range g.Categories {
			tg.Categories = append(tg.Categories, templates.Category{Code: c.Code, Label: c.Label})
			if a.example.Code == "" || c.Code == "1.7" {
				a.example = templates.Category{Code: c.Code, Label: c.Label}
			}
		}
		a.groups = append(a.groups, tg)
	}
	if len(a.groups) == 0 {
		return nil, errors.New("outbound: the catalogue has no group")
	}
	return a, nil
}

// Acknowledge runs inside the pipeline's transaction for a new ticket. When
// LoopReason or the hourly limit forbids an answer it records why on the
// ticket and returns that reason; otherwise it queues the acknowledgment in
// the same transaction (docs/threading.md), so the ticket and
// its acknowledgment commit or roll back together, and returns "".
func (a *Acker) Acknowledge(ctx context.Context, tx store.Tx, t store.Ticket, in Incoming) (string, error) {
	reasons, err := a.AcknowledgeAll(ctx, tx, []store.Ticket{t}, []Incoming{in})
	if err != nil {
		return "", err
	}
	return reasons[0], nil
}

// AcknowledgeAll is Acknowledge for the new tickets of a batch, in a fixed
// number of statements whatever their number: one count of what each
// requester's mailbox and domain were sent in the last hour, one insert of
// all the acknowledgments (and one update per ticket that gets none,
// rarely). reasons[i] says why ts[i] got no acknowledgment, "" when one is
// queued. It is PlanAcks, the count the plan asks for, and FinishAcks.
//
// Each acknowledgment is queued with its recipient, subject and Message-ID
// fixed but without its bytes: RenderAll composes it after the commit.
// Composing (templates, MIME) then stays off the pipeline's single
// committer, which every message waits for.
func (a *Acker) AcknowledgeAll(ctx context.Context, tx store.Tx, ts []store.Ticket, ins []Incoming) ([]string, error) {
	p, err := a.PlanAcks(ts, ins)
	if err != nil {
		return nil, err
	}
	var sent store.AckCounts
	if q := p.Count; !q.Empty() {
		if sent, err = tx.CountAcks(ctx, q.Mailboxes, q.Domains, q.Since, q.AtMost); err != nil {
			return nil, fmt.Errorf("outbound: count acknowledgments: %w", err)
		}
	}
	return a.FinishAcks(ctx, tx, p, sent)
}

// AckPlan is what AcknowledgeAll decides before the store counts, so that
// a caller can run that count with others (store.Tx.CountRecent, or with
// the creation of the tickets: store.Tx.CreateTicketsCounting).
type AckPlan struct {
	// Reasons[i] is why ts[i] gets no acknowledgment whatever the counts
	// (a loop, no address); "" leaves it to the hourly limits.
	Reasons []string
	// Count is what the hourly limits need counted: empty when no ticket
	// is left to them.
	Count store.AckCountQuery

	// Acks[i] is ts[i]'s acknowledgment as FinishAcks queued it, with
	// what composing it reads, nil when none was queued: what the caller
	// hands to the sender once the transaction commits, never before (it
	// may roll back).
	Acks []*QueuedAck

	ts              []store.Ticket
	ins             []Incoming
	now             time.Time
	tos, keys, doms []string // for each ticket: recipient, mailbox key, limited domain
}

// Numbered gives p the tickets as created: PlanAcks may plan from the
// tickets before they exist (their ids and requesters are what it needs),
// while FinishAcks writes their numbers.
func (p *AckPlan) Numbered(ts []store.Ticket) error {
	if len(ts) != len(p.Reasons) {
		return fmt.Errorf("outbound: %d tickets created for %d planned", len(ts), len(p.Reasons))
	}
	for i, t := range p.ts {
		if t.ID != 0 && t.ID != ts[i].ID {
			return fmt.Errorf("outbound: ticket %d created for ticket %d planned", ts[i].ID, t.ID)
		}
	}
	p.ts = ts
	return nil
}

// QueuedAck is an acknowledgment queued without its bytes, and what
// composing it reads: its ticket and the request it answers, as the
// store would give them back (store.AckSource).
type QueuedAck struct {
	Outbound *store.Outbound // its ID set once the transaction commits
	Source   store.AckSource
	// Hold is the lease its row was inserted with (AckerOptions.Hold):
	// the sender it names may send it without a claim until Hold.Until.
	Hold store.Hold
}

// Ack is Acks[i], nil when FinishAcks queued none for ts[i] (or has not
// run).
func (p *AckPlan) Ack(i int) *QueuedAck {
	if i < 0 || i >= len(p.Acks) {
		return nil
	}
	return p.Acks[i]
}

// Ours are the addresses LoopReason takes as the Acker's own (PlanAcks).
func (a *Acker) Ours() []string { return a.ours }

// PlanAcks is AcknowledgeAll's first step, without the store: who may be
// acknowledged, and what to count for the limits. It reads only the
// tickets' ids and requesters, so ts may be the tickets about to be
// created (AckPlan.Numbered then gives the plan the created ones).
func (a *Acker) PlanAcks(ts []store.Ticket, ins []Incoming) (*AckPlan, error) {
	if len(ts) != len(ins) {
		return nil, fmt.Errorf("outbound: %d tickets for %d messages", len(ts), len(ins))
	}
	p := &AckPlan{
		Reasons: make([]string, len(ts)), ts: ts, ins: ins, now: a.o.Clock(),
		tos: make([]string, len(ts)), keys: make([]string, len(ts)), doms: make([]string, len(ts)),
	}
	var counted, domains []string
	for i, t := range ts {
		to := strings.ToLower(strings.TrimSpace(t.Requester))
		if to == "" {
			to = strings.ToLower(strings.TrimSpace(ins[i].From))
		}
		p.tos[i] = to
		if ins[i].Loop != nil {
			p.Reasons[i] = *ins[i].Loop
		} else {
			p.Reasons[i] = LoopReason(ins[i], a.ours)
		}
		if p.Reasons[i] == "" && to == "" {
			p.Reasons[i] = "aucune adresse à laquelle répondre"
		}
		if p.Reasons[i] != "" {
			continue
		}
		p.keys[i] = store.MailboxKey(to)
		counted = append(counted, p.keys[i])
		if d := store.MailDomain(p.keys[i]); a.o.PerDomainPerHour != math.MaxInt && !a.exemptDomain(d) {
			p.doms[i] = d
			if !slices.Contains(domains, d) {
				domains = append(domains, d)
			}
		}
	}
	// An auto-responder that ignores every header still gets at most
	// PerHour acknowledgments an hour (no ping-pong), and so does a mailbox
	// however many +details name it (RFC 5233): flood+1@x and flood+2@x
	// share flood@x's. Counted in the store, then along the batch
	// (FinishAcks), so that one batch cannot exceed either limit.
	if len(counted) > 0 {
		atMost := a.o.PerHour
		if len(domains) > 0 {
			atMost = max(atMost, a.o.PerDomainPerHour)
		}
		p.Count = store.AckCountQuery{Mailboxes: counted, Domains: domains, Since: p.now.Add(-time.Hour), AtMost: atMost}
	}
	return p, nil
}

// FinishAcks is AcknowledgeAll's last step: sent are the store's counts of
// p.Count (ignored when it is empty), to which it applies the limits; it
// records the reasons of the tickets refused and queues the others'
// acknowledgments. It returns p.Reasons, completed; a plan is finished once.
func (a *Acker) FinishAcks(ctx context.Context, tx store.Tx, p *AckPlan, sent store.AckCounts) ([]string, error) {
	reasons, ts := p.Reasons, p.ts
	if sent.Mailbox == nil {
		// Nothing was counted: no ticket is left to the limits.
		sent = store.AckCounts{Mailbox: map[string]int{}, Domain: map[string]int{}}
	}
	var acked []int
	var refusedIDs []int64
	var refused []string
	for i, t := range ts {
		if reasons[i] == "" {
			switch {
			case sent.Mailbox[p.keys[i]] >= a.o.PerHour:
				reasons[i] = ReasonRateLimited
			case p.doms[i] != "" && sent.Domain[p.doms[i]] >= a.o.PerDomainPerHour:
				reasons[i] = ReasonDomainRateLimited
			default:
				sent.Mailbox[p.keys[i]]++
				if p.doms[i] != "" {
					sent.Domain[p.doms[i]]++
				}
				acked = append(acked, i)
			}
		}
		if reasons[i] != "" {
			refusedIDs, refused = append(refusedIDs, t.ID), append(refused, reasons[i])
		}
	}
	if err := tx.SetNoAckReasons(ctx, refusedIDs, refused); err != nil {
		return nil, fmt.Errorf("outbound: record no-ack reasons: %w", err)
	}
	os := make([]*store.Outbound, len(acked))
	for k, i := range acked {
		os[k] = &store.Outbound{
			TicketID: ts[i].ID, TicketNumber: ts[i].Number, MailFrom: a.o.SupportAddress, To: []string{p.tos[i]},
			Subject: ackSubject(ts[i].Number, quotedSubject(p.ins[i])), MessageID: newMessageID("", a.o.Hostname, p.now), CreatedAt: p.now,
		}
	}
	var hold store.Hold
	if a.o.Hold != nil && len(os) > 0 {
		hold = a.o.Hold()
	}
	// Sent with the COMMIT where the store can: nothing after reads them.
	if err := tx.QueueAcksAtCommit(ctx, os, hold); err != nil {
		return nil, fmt.Errorf("outbound: queue acknowledgments: %w", err)
	}
	p.Acks = make([]*QueuedAck, len(ts))
	for k, i := range acked {
		in := p.ins[i]
		os[k].Kind = store.KindAck
		p.Acks[i] = &QueuedAck{Outbound: os[k], Hold: hold, Source: store.AckSource{Ticket: ts[i], First: store.Message{
			TicketID: ts[i].ID, Direction: store.DirIn, From: strings.ToLower(in.From), FromName: in.FromName,
			Subject: in.Subject, MessageID: in.MessageID, References: in.References,
		}}}
	}
	if a.o.Queued != nil {
		for _, o := range os {
			a.o.Queued(o)
		}
	}
	return reasons, nil
}

// exemptDomain reports a domain the per-domain limit leaves alone: one of
// the organisation that runs the centre, that is a served domain's
// registrable domain (its public suffix plus one label, so co.uk is never
// one) or any domain under it. A centre at assistance.univ.example serves
// the people of univ.example and of etu.univ.example, who may write by the
// thousand.
func (a *Acker) exemptDomain(d string) bool {
	for _, e := range a.exempt {
		if d == e || strings.HasSuffix(d, "."+e) {
			return true
		}
	}
	return false
}

// ackMessage is the messages row that records acknowledgment c of t in the
// ticket's history.
func (a *Acker) ackMessage(t store.Ticket, to string, c Composed, now time.Time) *store.Message {
	sum := sha256.Sum256(c.Raw)
	return &store.Message{
		TicketID: t.ID, Direction: store.DirOut, Kind: store.KindAck,
		From: a.o.SupportAddress, FromName: a.o.CentreName, To: []string{to},
		Subject: c.Subject, MessageID: c.MessageID, InReplyTo: c.InReplyTo, References: c.References,
		Date: now, Text: c.Text, Raw: c.Raw, RawSHA256: hex.EncodeToString(sum[:]),
		Envelope:  store.Envelope{Transport: "relay", MailFrom: a.o.SupportAddress, RcptTo: []string{to}},
		DedupeKey: c.MessageID, CreatedAt: now,
	}
}

// Composed is an acknowledgment ready to store and send.
type Composed struct {
	Subject    string   // decoded
	MessageID  string   // "<…@domain>"
	InReplyTo  string   // the original's Message-ID, "" when it had none
	References []string // with angle brackets
	Text       string   // the text/plain part
	Raw        []byte   // the whole message, CRLF line endings
}

// quotedSubject is the original subject as the acknowledgment quotes it,
// capped as every subject we write.
func quotedSubject(in Incoming) string {
	return capSubject(ticketref.Clean(templates.OneLine(in.Subject)))
}

// ackSubject is the acknowledgment's subject (docs/threading.md), with a plain
// space before the colon.
func ackSubject(number, subject string) string {
	if subject == "" {
		subject = "(sans objet)"
	}
	return capSubject(ticketref.Format(number) + " Accusé de réception : " + subject)
}

func (a *Acker) compose(t store.Ticket, in Incoming, to string, now time.Time, messageID string) (Composed, error) {
	subject := quotedSubject(in)
	data := templates.Ack{
		CentreName: a.o.CentreName, Number: t.Number, Subject: subject,
		Name: displayName(in.FromName, to),
	}
	if cat, ok := a.o.Catalogue.Lookup(t.Category); ok && t.Category != "" {
		data.Category = &templates.Category{Code: cat.Code, Label: cat.Label}
	} else {
		data.Groups, data.Example = a.groups, a.example
	}
	if a.o.PublicURL != "" {
		link := a.o.PublicURL + "/suivi/" + url.PathEscape(t.Number)
		if a.o.TrackToken != nil {
			link += "?jeton=" + url.QueryEscape(a.o.TrackToken(t.Number, to))
		}
		data.TrackURL = link
	}
	body, err := templates.RenderAck(data)
	if err != nil {
		return Composed{}, fmt.Errorf("outbound: %w", err)
	}
	c := Composed{
		Subject:   ackSubject(t.Number, subject),
		MessageID: messageID,
		Text:      body.Text,
	}
	// RFC 5322 §3.6.4: In-Reply-To names the parent, References the
	// parent's References followed by the parent.
	var refs []string
	for _, r := range in.References {
		if validMsgID(r) {
			refs = append(refs, r)
		}
	}
	if validMsgID(in.MessageID) {
		c.InReplyTo = in.MessageID
		refs = append(refs, in.MessageID)
	}
	c.References = refs

	m := Mail{
		From: a.from, To: []mail.Address{{Name: templates.OneLine(in.FromName), Address: to}},
		// RFC 3834 §3.1.3 / docs/threading.md, "Threading": replies go to the ticket's
		// signed address, which routes them to this ticket whatever the
		// subject says.
		ReplyTo: &mail.Address{Name: a.o.CentreName, Address: a.o.Signer.Address(t.Number, replyaddr.RoleRequester)},
		Subject: c.Subject, MessageID: c.MessageID, InReplyTo: c.InReplyTo,
		AutoSubmitted: "auto-replied", Date: inZone(now, a.o.Location), Text: body.Text, HTML: body.HTML,
	}
	if c.InReplyTo != "" {
		// Written with In-Reply-To only: without the parent's Message-ID
		// the list would not name the message answered.
		m.References = refs
	}
	if c.Raw, err = Compose(m); err != nil {
		return Composed{}, err
	}
	return c, nil
}

// displayName is the name to greet: the sender's display name when it looks
// like one (not an address, not empty).
func displayName(name, addr string) string {
	n := strings.Trim(templates.OneLine(name), `"' `)
	if n == "" || strings.Contains(n, "@") || strings.EqualFold(n, addr) {
		return ""
	}
	return n
}

// validMsgID accepts "<left@right>" without white space or further brackets,
// so nothing a sender wrote can break out of our In-Reply-To or References.
func validMsgID(id string) bool {
	if len(id) < 5 || id[0] != '<' || id[len(id)-1] != '>' || !strings.Contains(id, "@") {
		return false
	}
	for _, r := range id[1 : len(id)-1] {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' || r > 0x7e {
			return false
		}
	}
	return true
}

// sender checks and normalises what every outgoing message is sent as: the
// centre's display name (default « Centre d'assistance », one line) and the
// support address (lowercased).
func sender(centreName, supportAddress string) (string, string, error) {
	if centreName == "" {
		centreName = "Centre d'assistance"
	}
	sa, err := mail.ParseAddress(supportAddress)
	if err != nil {
		return "", "", fmt.Errorf("outbound: support address %q: %w", supportAddress, err)
	}
	return templates.OneLine(centreName), strings.ToLower(sa.Address), nil
}
