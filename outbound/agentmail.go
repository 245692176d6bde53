package outbound

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/emersion/go-message/mail"

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
	// Hostname is the right-hand side of our Message-IDs; default the
	// support address's domain.
	Hostname string
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
		Subject: ticketref.Clean(templates.OneLine(n.Subject)), Requester: t.Requester,
		Author: person(n.FromName, n.From), Text: n.Text,
	}
	if data.Subject == "" {
		data.Subject = t.Subject
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
	// SPEC "Acknowledgments and loops" writes subjects with a plain space
	// before the colon; the issue fixes "[Ticket#N] Nouvelle demande : …".
	subject := ticketref.Format(t.Number) + " " + what + " : " + data.Subject
	refs := threadOf(n.References, n.MessageID)
	return m.queue(ctx, tx, t, outgoing{
		kind: store.KindNotification, to: to, subject: subject, text: body,
		messageID: "<" + notificationIDPrefix + randomID() + "@" + m.o.Hostname + ">",
		inReplyTo: lastOf(refs), references: refs,
		// Agents answer the requester by replying: the signed agent address
		// routes the reply to this ticket and proves it came from someone
		// who received this notification.
		replyTo:       mail.Address{Name: m.o.CentreName + " – " + t.Number, Address: m.o.Signer.Address(t.Number, replyRole(n.Event))},
		autoSubmitted: "auto-generated",
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
	return m.queue(ctx, tx, t, outgoing{
		kind: store.KindAgent, from: &from, to: to, cc: cc,
		subject: ticketref.Format(t.Number) + " " + t.Subject, text: templates.Body(a.Text),
		attachments: a.Attachments, inReplyTo: lastOf(refs), references: refs,
		replyTo: mail.Address{Name: m.o.CentreName, Address: m.o.Signer.Address(t.Number, replyaddr.RoleRequester)},
	})
}

// Resolved queues the resolution notice to the requester.
func (m *Mailer) Resolved(ctx context.Context, tx store.Tx, t store.Ticket, r Resolution) (bool, error) {
	to := m.recipients([]string{r.To}, nil)
	if len(to) == 0 {
		return false, nil
	}
	body, err := templates.RenderResolution(templates.Resolution{
		CentreName: m.o.CentreName, Name: displayName(r.Name, r.To), Number: t.Number, Subject: t.Subject,
	})
	if err != nil {
		return false, fmt.Errorf("outbound: %w", err)
	}
	refs := publicThread(r.References)
	return m.queue(ctx, tx, t, outgoing{
		kind: store.KindNotification, to: to,
		subject: ticketref.Format(t.Number) + " Demande résolue : " + t.Subject, text: body,
		inReplyTo: lastOf(refs), references: refs,
		// The notice says "reply to this message to reopen": the signed
		// requester address makes that reply join the ticket.
		replyTo:       mail.Address{Name: m.o.CentreName, Address: m.o.Signer.Address(t.Number, replyaddr.RoleRequester)},
		autoSubmitted: "auto-generated",
	})
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
	return m.queue(ctx, tx, t, outgoing{
		kind: store.KindNotification, to: to,
		subject: ticketref.Format(t.Number) + " Commande non exécutée : " + t.Subject, text: body,
		messageID: "<" + notificationIDPrefix + randomID() + "@" + m.o.Hostname + ">",
		inReplyTo: lastOf(refs), references: refs,
		replyTo: mail.Address{Name: m.o.CentreName + " – " + t.Number, Address: m.o.Signer.Address(t.Number, replyaddr.RoleAgent)},
		// RFC 3834 §5: an automatic answer to the agent's message.
		autoSubmitted: "auto-replied",
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

// outgoing is one message to compose, store and queue.
type outgoing struct {
	kind          store.Kind
	from          *mail.Address
	to, cc        []string
	replyTo       mail.Address
	subject       string
	messageID     string
	inReplyTo     string
	references    []string
	autoSubmitted string
	text          string
	attachments   []store.Attachment
}

func (m *Mailer) queue(ctx context.Context, tx store.Tx, t store.Ticket, o outgoing) (bool, error) {
	now := m.o.Clock()
	if o.messageID == "" {
		o.messageID = "<" + randomID() + "@" + m.o.Hostname + ">"
	}
	if o.from == nil {
		o.from = &m.from
	}
	raw, err := compose(o, now)
	if err != nil {
		return false, err
	}
	rcpts := append(append([]string{}, o.to...), o.cc...)
	sum := sha256.Sum256(raw)
	msg := &store.Message{
		TicketID: t.ID, Direction: store.DirOut, Kind: o.kind,
		From: m.o.SupportAddress, FromName: o.from.Name, To: o.to, Cc: o.cc,
		Subject: o.subject, MessageID: o.messageID, InReplyTo: o.inReplyTo, References: o.references,
		Date: now, Text: o.text, Raw: raw, RawSHA256: hex.EncodeToString(sum[:]),
		Envelope:  store.Envelope{Transport: "relay", MailFrom: m.o.SupportAddress, RcptTo: rcpts},
		DedupeKey: o.messageID, CreatedAt: now,
	}
	for _, a := range o.attachments {
		a.Inline = false
		msg.Attachments = append(msg.Attachments, a)
	}
	if _, err := tx.InsertOutbound(ctx, msg, &store.Outbound{
		TicketID: t.ID, TicketNumber: t.Number,
		MailFrom: m.o.SupportAddress, To: rcpts, Subject: o.subject, MessageID: o.messageID,
		Raw: raw, State: store.OutQueued, NextAttemptAt: now, CreatedAt: now,
	}); err != nil {
		return false, fmt.Errorf("outbound: store and queue %s: %w", o.kind, err)
	}
	return true, nil
}

// compose writes o as an RFC 5322 message: a text/plain part, and the
// attachments after it in a multipart/mixed when there are any.
func compose(o outgoing, now time.Time) ([]byte, error) {
	// go-message writes fields in the reverse order of insertion (see
	// Acker.Compose): set from the last to the first.
	var h gomail.Header
	h.Set("MIME-Version", "1.0")
	h.Set("Content-Language", "fr")
	if o.autoSubmitted != "" {
		// RFC 3834 §5: responders keep quiet; Exchange honours the
		// Microsoft field.
		h.Set("X-Auto-Response-Suppress", "All")
		h.Set("Auto-Submitted", o.autoSubmitted)
	}
	if len(o.references) > 0 {
		h.Set("References", strings.Join(o.references, " "))
	}
	if o.inReplyTo != "" {
		h.Set("In-Reply-To", o.inReplyTo)
	}
	h.Set("Message-ID", o.messageID)
	h.SetDate(now)
	h.SetSubject(o.subject)
	if o.replyTo.Address != "" {
		h.SetAddressList("Reply-To", []*mail.Address{&o.replyTo})
	}
	if len(o.cc) > 0 {
		h.SetAddressList("Cc", addrList(o.cc))
	}
	h.SetAddressList("To", addrList(o.to))
	h.SetAddressList("From", []*mail.Address{o.from})

	text := strings.ReplaceAll(o.text, "\n", "\r\n")
	if !strings.HasSuffix(text, "\r\n") {
		text += "\r\n"
	}
	var buf bytes.Buffer
	if len(o.attachments) == 0 {
		h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		w, err := gomail.CreateSingleInlineWriter(&buf, h)
		if err != nil {
			return nil, fmt.Errorf("outbound: compose: %w", err)
		}
		if _, err := w.Write([]byte(text)); err != nil {
			return nil, fmt.Errorf("outbound: compose: %w", err)
		}
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("outbound: compose: %w", err)
		}
		return buf.Bytes(), nil
	}
	w, err := gomail.CreateWriter(&buf, h)
	if err != nil {
		return nil, fmt.Errorf("outbound: compose: %w", err)
	}
	var th gomail.InlineHeader
	th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	th.Set("Content-Transfer-Encoding", "quoted-printable")
	tw, err := w.CreateSingleInline(th)
	if err != nil {
		return nil, fmt.Errorf("outbound: compose: %w", err)
	}
	if _, err := tw.Write([]byte(text)); err != nil {
		return nil, fmt.Errorf("outbound: compose: %w", err)
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("outbound: compose: %w", err)
	}
	for _, a := range o.attachments {
		var ah gomail.AttachmentHeader
		ct := a.ContentType
		if _, _, err := mime.ParseMediaType(ct); err != nil || ct == "" {
			ct = "application/octet-stream"
		}
		ah.SetContentType(ct, nil)
		ah.SetFilename(templates.OneLine(a.Filename))
		ah.Set("Content-Transfer-Encoding", "base64")
		aw, err := w.CreateAttachment(ah)
		if err != nil {
			return nil, fmt.Errorf("outbound: compose: %w", err)
		}
		if _, err := aw.Write(a.Data); err != nil {
			return nil, fmt.Errorf("outbound: compose: %w", err)
		}
		if err := aw.Close(); err != nil {
			return nil, fmt.Errorf("outbound: compose: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("outbound: compose: %w", err)
	}
	return buf.Bytes(), nil
}

func addrList(l []string) []*mail.Address {
	out := make([]*mail.Address, len(l))
	for i, a := range l {
		out[i] = &mail.Address{Address: a}
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
