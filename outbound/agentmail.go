package outbound

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"guichet/classify"
	"guichet/replyaddr"
	"guichet/store"
	"guichet/templates"
	"guichet/ticketref"
)

// MailerOptions configure a Mailer.
type MailerOptions struct {
	CentreName     string // display name of From; default "Centre d'assistance"
	SupportAddress string // From and envelope sender of everything sent
	// OwnAddresses are our other addresses: never a recipient.
	OwnAddresses []string
	Signer       *replyaddr.Signer
	Catalogue    *classify.Catalogue
	Clock        func() time.Time
	// Location is the zone of the Date header (GUICHET_TIMEZONE); nil
	// keeps the clock's.
	Location *time.Location
	// Hostname is the right-hand side of our Message-IDs; default the
	// support address's domain.
	Hostname string
	// CloseAfter says in words how long without news closes a resolved
	// ticket (« 7 jours », GUICHET_CLOSE_AFTER); "" when tickets are not
	// closed automatically. ReopenDays is GUICHET_REOPEN_DAYS. The
	// resolution and closing notices tell the requester both.
	CloseAfter string
	ReopenDays int
}

// Mailer composes and queues what agents' work by mail sends: notifications
// to agents, public answers, resolution notices and command reports. Every
// method runs inside the pipeline's transaction: the message is stored in
// the ticket's history (direction out) and queued in that transaction, so
// it goes out if and only if the incoming message is committed.
type Mailer struct {
	o    MailerOptions
	from mail.Address
	ours map[string]bool
}

// NewMailer checks o.
func NewMailer(o MailerOptions) (*Mailer, error) {
	var err error
	if o.CentreName, o.SupportAddress, err = sender(o.CentreName, o.SupportAddress); err != nil {
		return nil, err
	}
	if o.Signer == nil || o.Catalogue == nil {
		return nil, errors.New("outbound: mailer needs a reply-address signer and the catalogue")
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Hostname == "" {
		o.Hostname = o.SupportAddress[strings.LastIndexByte(o.SupportAddress, '@')+1:]
	}
	m := &Mailer{o: o, from: mail.Address{Name: o.CentreName, Address: o.SupportAddress}, ours: map[string]bool{}}
	for _, a := range append([]string{o.SupportAddress}, o.OwnAddresses...) {
		if a = addrSpec(a); a != "" {
			m.ours[a] = true
		}
	}
	return m, nil
}

// Notification tells agents about a ticket's new message.
type Notification struct {
	Event string   // templates.EventNew, EventReply, EventIncident, EventNote
	To    []string // agents' addresses
	// The message notified about.
	From, FromName string
	Subject        string
	MessageID      string
	References     []string
	Text           string
	Attachments    []store.Attachment // Data is not needed: only listed
}

// Burst tells agents that one sender opened many tickets in a short time.
type Burst struct {
	To        []string // agents' addresses
	Sender    string   // the sender's address
	Count     int      // tickets from Sender within Window, these included
	Threshold int      // tickets notified one by one before a burst
	Window    time.Duration
}

// Answer is an agent's public answer, sent to the requester and the
// ticket's other participants.
type Answer struct {
	To, Cc []string
	// AgentName signs the answer in From ("Awa Diop (Centre d'assistance)");
	// "" leaves the centre's name alone.
	AgentName   string
	Text        string
	Attachments []store.Attachment // with Data
	// References is the conversation the answer follows (RFC 5322 §3.6.4),
	// oldest first; our notifications' ids are left out of it.
	References []string
	// Resolved: the answer resolves the ticket (#résolu with a text); the
	// resolution notice's lines follow the text, so that the requester
	// gets one message instead of an answer and a separate notice.
	Resolved bool
}

// Resolution is the notice of a resolved ticket.
type Resolution struct {
	To         string
	Name       string
	References []string
}

// Report tells an agent which of their commands failed.
type Report struct {
	To         string
	Problems   []templates.CommandProblem
	InReplyTo  string // the agent's message
	References []string
}

// Notify queues a notification to agents. It returns false when no
// recipient is left (our own addresses are never one).
func (m *Mailer) Notify(ctx context.Context, tx store.Tx, t store.Ticket, n Notification) (bool, error) {
	to := m.recipients(n.To, nil)
	if len(to) == 0 {
		return false, nil
	}
	data := templates.Notification{
		CentreName: m.o.CentreName, Event: n.Event, Number: t.Number,
		Subject: capSubject(ticketref.Clean(templates.OneLine(n.Subject))), Requester: t.Requester,
		Author: person(n.FromName, n.From), Text: n.Text,
	}
	if data.Subject == "" {
		data.Subject = capSubject(t.Subject)
	}
	if cat, ok := m.o.Catalogue.Lookup(t.Category); ok && t.Category != "" {
		data.Category = &templates.Category{Code: cat.Code, Label: cat.Label}
	}
	for _, a := range n.Attachments {
		data.Attachments = append(data.Attachments, templates.AttachmentInfo{Filename: a.Filename, ContentType: a.ContentType, Size: templates.Size(a.Size)})
	}
	body, err := templates.RenderNotification(data)
	if err != nil {
		return false, fmt.Errorf("outbound: %w", err)
	}
	what := map[string]string{
		templates.EventNew: "Nouvelle demande", templates.EventReply: "Nouvelle réponse",
		templates.EventIncident: "Nouvel incident", templates.EventNote: "Note interne",
	}[n.Event]
	// "[Ticket#N] Nouvelle demande : …", with a plain space before the
	// colon as in every subject we write (docs/threading.md).
	subject := ticketref.Format(t.Number) + " " + what + " : " + data.Subject
	refs := threadOf(n.References, n.MessageID)
	return m.queue(ctx, tx, t, store.KindNotification, notificationIDPrefix, Mail{
		To: bare(to), Subject: subject, Text: body,
		InReplyTo: lastOf(refs), References: refs,
		// Agents answer the requester by replying: the signed agent address
		// routes the reply to this ticket and proves it came from someone
		// who received this notification.
		ReplyTo:       &mail.Address{Name: m.o.CentreName + " – " + t.Number, Address: m.o.Signer.Address(t.Number, replyRole(n.Event))},
		AutoSubmitted: "auto-generated",
	})
}

// NotifyBurst queues one notification listing ts, new tickets of one
// sender, to agents. It is recorded in the first ticket's history, and a
// reply to it is a note there: pressing Reply must not answer a sender who
// may be forged. It returns false when no recipient is left or ts is
// empty.
func (m *Mailer) NotifyBurst(ctx context.Context, tx store.Tx, ts []store.Ticket, b Burst) (bool, error) {
	to := m.recipients(b.To, nil)
	if len(to) == 0 || len(ts) == 0 {
		return false, nil
	}
	data := templates.Burst{
		CentreName: m.o.CentreName, Sender: b.Sender, Count: b.Count, Threshold: b.Threshold,
		Minutes: int(b.Window / time.Minute),
	}
	for _, t := range ts {
		data.Tickets = append(data.Tickets, templates.BurstTicket{Number: t.Number, Subject: capSubject(t.Subject)})
	}
	body, err := templates.RenderBurst(data)
	if err != nil {
		return false, fmt.Errorf("outbound: %w", err)
	}
	first := ts[0]
	return m.queue(ctx, tx, first, store.KindNotification, notificationIDPrefix, Mail{
		To: bare(to), Text: body,
		Subject:       fmt.Sprintf("%s Série de demandes : %d demandes de %s", ticketref.Format(first.Number), b.Count, templates.OneLine(b.Sender)),
		ReplyTo:       &mail.Address{Name: m.o.CentreName + " – " + first.Number, Address: m.o.Signer.Address(first.Number, replyaddr.RoleNote)},
		AutoSubmitted: "auto-generated",
	})
}

// Answer queues an agent's public answer. It returns false when no
// recipient is left.
func (m *Mailer) Answer(ctx context.Context, tx store.Tx, t store.Ticket, a Answer) (bool, error) {
	to := m.recipients(a.To, nil)
	cc := m.recipients(a.Cc, to)
	if len(to) == 0 {
		to, cc = cc, nil
	}
	if len(to) == 0 {
		return false, nil
	}
	refs := publicThread(a.References)
	from := m.from
	if n := templates.OneLine(a.AgentName); n != "" && !strings.Contains(n, "@") {
		from.Name = n + " (" + m.o.CentreName + ")"
	}
	atts := make([]store.Attachment, len(a.Attachments))
	for i, at := range a.Attachments {
		at.Inline = false
		atts[i] = at
	}
	subject, text := ticketref.Format(t.Number)+" "+t.Subject, templates.Body(a.Text)
	if a.Resolved {
		lines, err := templates.RenderResolutionLines(m.resolution(t, ""))
		if err != nil {
			return false, fmt.Errorf("outbound: %w", err)
		}
		subject = ticketref.Format(t.Number) + " Demande résolue : " + t.Subject
		text += "\n\n" + resolutionRule + "\n" + lines
	}
	return m.queue(ctx, tx, t, store.KindAgent, "", Mail{
		From: from, To: bare(to), Cc: bare(cc),
		Subject: subject, Text: text,
		Attachments: atts, InReplyTo: lastOf(refs), References: refs,
		ReplyTo: &mail.Address{Name: m.o.CentreName, Address: m.o.Signer.Address(t.Number, replyaddr.RoleRequester)},
	})
}

// Resolved queues the resolution notice to the requester.
func (m *Mailer) Resolved(ctx context.Context, tx store.Tx, t store.Ticket, r Resolution) (bool, error) {
	to := m.recipients([]string{r.To}, nil)
	if len(to) == 0 {
		return false, nil
	}
	body, err := templates.RenderResolution(m.resolution(t, displayName(r.Name, r.To)))
	if err != nil {
		return false, fmt.Errorf("outbound: %w", err)
	}
	refs := publicThread(r.References)
	return m.queue(ctx, tx, t, store.KindNotification, "", Mail{
		To:      bare(to),
		Subject: ticketref.Format(t.Number) + " Demande résolue : " + t.Subject, Text: body,
		InReplyTo: lastOf(refs), References: refs,
		// The notice says "reply to this message to reopen": the signed
		// requester address makes that reply join the ticket.
		ReplyTo:       &mail.Address{Name: m.o.CentreName, Address: m.o.Signer.Address(t.Number, replyaddr.RoleRequester)},
		AutoSubmitted: "auto-generated",
	})
}

// resolutionRule separates an answer's text from the resolution notice's
// lines that follow it. Not "-- ": mail clients hide what follows that
// signature delimiter.
const resolutionRule = "――――――――――"

// resolution is the resolution notice's data for ticket t.
func (m *Mailer) resolution(t store.Ticket, name string) templates.Resolution {
	return templates.Resolution{
		CentreName: m.o.CentreName, Name: name, Number: t.Number, Subject: capSubject(t.Subject),
		CloseAfter: m.o.CloseAfter, ReopenDays: m.o.ReopenDays,
	}
}

// Report queues the report of failed commands to the agent who sent them.
func (m *Mailer) Report(ctx context.Context, tx store.Tx, t store.Ticket, r Report) (bool, error) {
	to := m.recipients([]string{r.To}, nil)
	if len(to) == 0 || len(r.Problems) == 0 {
		return false, nil
	}
	body, err := templates.RenderCommandReport(templates.CommandReport{
		CentreName: m.o.CentreName, Number: t.Number, Problems: r.Problems,
	})
	if err != nil {
		return false, fmt.Errorf("outbound: %w", err)
	}
	refs := threadOf(r.References, r.InReplyTo)
	return m.queue(ctx, tx, t, store.KindNotification, notificationIDPrefix, Mail{
		To:      bare(to),
		Subject: ticketref.Format(t.Number) + " Commande non exécutée : " + t.Subject, Text: body,
		InReplyTo: lastOf(refs), References: refs,
		ReplyTo: &mail.Address{Name: m.o.CentreName + " – " + t.Number, Address: m.o.Signer.Address(t.Number, replyaddr.RoleAgent)},
		// RFC 3834 §5: an automatic answer to the agent's message.
		AutoSubmitted: "auto-replied",
	})
}

// notificationIDPrefix starts the Message-IDs of what only agents receive,
// so that answers to the requester can leave them out of References: the
// requester never saw them, and they are nobody else's business.
const notificationIDPrefix = "agents."

// publicThread keeps the valid ids of refs that are not our agents-only
// messages, without repeats, in order.
func publicThread(refs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range refs {
		if validMsgID(r) && !strings.HasPrefix(r, "<"+notificationIDPrefix) && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

// threadOf is RFC 5322 §3.6.4's References of a reply: the parent's
// References followed by the parent's Message-ID.
func threadOf(refs []string, parent string) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range append(append([]string{}, refs...), parent) {
		if validMsgID(r) && !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return out
}

func lastOf(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[len(l)-1]
}

// recipients cleans list: bare lower-case addresses, without our own
// addresses and their sub-addresses (never write to ourselves: the shortest
// loop there is), without repeats or those already in skip.
func (m *Mailer) recipients(list, skip []string) []string {
	seen := map[string]bool{}
	for _, s := range skip {
		seen[s] = true
	}
	var out []string
	for _, a := range list {
		a = addrSpec(a)
		if a == "" || !strings.Contains(a, "@") || seen[a] || m.ours[a] || m.ours[baseAddress(a)] {
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out
}

func person(name, addr string) string {
	if n := displayName(name, addr); n != "" {
		return n + " <" + addr + ">"
	}
	return addr
}

// queue composes ml (From defaults to the centre; its Message-ID is a new
// one starting with idPrefix, written at the Date header's time), stores it
// in t's history as kind and queues it.
func (m *Mailer) queue(ctx context.Context, tx store.Tx, t store.Ticket, kind store.Kind, idPrefix string, ml Mail) (bool, error) {
	now := m.o.Clock()
	ml.MessageID = newMessageID(idPrefix, m.o.Hostname, now)
	if ml.From.Address == "" {
		ml.From = m.from
	}
	ml.Date = inZone(now, m.o.Location)
	// Capped here as well as in Compose, so that the history and the
	// outbox record the subject that was sent.
	ml.Subject = capSubject(ml.Subject)
	raw, err := Compose(ml)
	if err != nil {
		return false, err
	}
	to, cc := addrSpecs(ml.To), addrSpecs(ml.Cc)
	rcpts := append(append([]string{}, to...), cc...)
	sum := sha256.Sum256(raw)
	msg := &store.Message{
		TicketID: t.ID, Direction: store.DirOut, Kind: kind,
		From: m.o.SupportAddress, FromName: ml.From.Name, To: to, Cc: cc,
		Subject: ml.Subject, MessageID: ml.MessageID, InReplyTo: ml.InReplyTo, References: ml.References,
		Date: now, Text: ml.Text, Raw: raw, RawSHA256: hex.EncodeToString(sum[:]),
		Envelope:  store.Envelope{Transport: "relay", MailFrom: m.o.SupportAddress, RcptTo: rcpts},
		DedupeKey: ml.MessageID, CreatedAt: now,
		Attachments: ml.Attachments,
	}
	if _, err := tx.InsertOutbound(ctx, msg, &store.Outbound{
		TicketID: t.ID, TicketNumber: t.Number,
		MailFrom: m.o.SupportAddress, To: rcpts, Subject: ml.Subject, MessageID: ml.MessageID,
		Raw: raw, State: store.OutQueued, NextAttemptAt: now, CreatedAt: now,
	}); err != nil {
		return false, fmt.Errorf("outbound: store and queue %s: %w", kind, err)
	}
	return true, nil
}

// bare is l as addresses without display names.
func bare(l []string) []mail.Address {
	out := make([]mail.Address, len(l))
	for i, a := range l {
		out[i] = mail.Address{Address: a}
	}
	return out
}

// addrSpecs is the addresses of l.
func addrSpecs(l []mail.Address) []string {
	var out []string
	for _, a := range l {
		out = append(out, a.Address)
	}
	return out
}

// replyRole is the signed address a notification's Reply-To carries: a
// reply to an internal note is itself a note (pressing Reply on a
// colleague's note must never mail the requester); other notifications
// invite an answer.
func replyRole(e string) replyaddr.Role {
	if e == templates.EventNote {
		return replyaddr.RoleNote
	}
	return replyaddr.RoleAgent
}
