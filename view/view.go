package view

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"guichet/store"
	"guichet/templates"
)

// Labeler gives a category's label from its code.
type Labeler interface {
	Label(code string) string
}

// Attachment as shown in JSON.
type Attachment struct {
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// Message as shown in JSON.
type Message struct {
	Direction   string       `json:"direction"`
	Kind        string       `json:"kind"`
	From        string       `json:"from"`
	To          []string     `json:"to"`
	Cc          []string     `json:"cc"`
	Subject     string       `json:"subject"`
	MessageID   string       `json:"message_id"`
	Date        string       `json:"date"`
	Text        string       `json:"text"`
	Attachments []Attachment `json:"attachments"`
	ParseError  string       `json:"parse_error,omitempty"`
	// Sender is the trust verdict of an incoming message (docs/threading.md, "Trust"):
	// verified, unverified or failed; absent on outbound mail.
	Sender         string `json:"sender,omitempty"`
	SenderEvidence string `json:"sender_evidence,omitempty"`
}

// Change is one status change.
type Change struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Reason string `json:"reason"`
	At     string `json:"at"`
}

// Ticket as shown in JSON.
type Ticket struct {
	Number         string   `json:"number"`
	Subject        string   `json:"subject"`
	Status         string   `json:"status"`
	Category       string   `json:"category"`
	CategoryLabel  string   `json:"category_label"`
	CategorySource string   `json:"category_source"`
	Confidence     float64  `json:"category_confidence"`
	Requester      string   `json:"requester"`
	Participants   []string `json:"participants"`
	CreatedAt      string   `json:"created_at"`
	UpdatedAt      string   `json:"updated_at"`
	LinkedTo       string   `json:"linked_to"`
	NoAckReason    string   `json:"no_ack_reason"`
	IncidentKey    string   `json:"incident_key"`
	Repeats        int      `json:"repeats"`
	// The workflow (docs/threading.md, "Workflow"): null when none.
	Priority         string     `json:"priority"`
	Assignee         *string    `json:"assignee"`
	Team             *string    `json:"team"`
	FirstResponseDue *string    `json:"first_response_due"`
	ResolutionDue    *string    `json:"resolution_due"`
	SLABreached      bool       `json:"sla_breached"`
	Messages         *[]Message `json:"messages,omitempty"`
	History          *[]Change  `json:"history,omitempty"`
}

// Outbound as shown in JSON (docs/json.md, outbox).
type Outbound struct {
	ID        int64    `json:"id"`
	Ticket    string   `json:"ticket"`
	To        []string `json:"to"`
	Subject   string   `json:"subject"`
	MessageID string   `json:"message_id"`
	State     string   `json:"state"`
	Attempts  int      `json:"attempts"`
	LastError string   `json:"last_error"`
	NextTry   string   `json:"next_attempt_at"`
	CreatedAt string   `json:"created_at"`
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// orNull is s, or null when empty.
func orNull(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// FromTicket converts a ticket without its messages; sla_breached is
// told at the present time.
func FromTicket(t store.Ticket, l Labeler) Ticket { return FromTicketAt(t, l, time.Now()) }

// FromTicketAt is FromTicket with sla_breached told at now.
func FromTicketAt(t store.Ticket, l Labeler, now time.Time) Ticket {
	label := ""
	if t.Category != "" && l != nil {
		label = l.Label(t.Category)
	}
	return Ticket{
		Number: t.Number, Subject: t.Subject, Status: string(t.Status),
		Category: t.Category, CategoryLabel: label, CategorySource: t.CategorySource,
		Confidence: t.Confidence, Requester: t.Requester, Participants: nonNil(t.Participants),
		CreatedAt: ts(t.CreatedAt), UpdatedAt: ts(t.UpdatedAt), LinkedTo: t.LinkedTo,
		NoAckReason: t.NoAckReason, IncidentKey: t.IncidentKey, Repeats: t.Repeats,
		Priority: t.Priority, Assignee: orNull(t.Assignee), Team: orNull(t.Team),
		FirstResponseDue: orNull(ts(t.FirstResponseDue)), ResolutionDue: orNull(ts(t.ResolutionDue)),
		SLABreached: t.Breached(now),
	}
}

// FromDetail converts a ticket with its messages and history.
func FromDetail(d store.TicketDetail, l Labeler) Ticket { return FromDetailAt(d, l, time.Now()) }

// FromDetailAt is FromDetail with sla_breached told at now.
func FromDetailAt(d store.TicketDetail, l Labeler, now time.Time) Ticket {
	v := FromTicketAt(d.Ticket, l, now)
	msgs := make([]Message, 0, len(d.Messages))
	for _, m := range d.Messages {
		msgs = append(msgs, FromMessage(m))
	}
	hist := make([]Change, 0, len(d.History))
	for _, h := range d.History {
		hist = append(hist, Change{From: string(h.From), To: string(h.To), Reason: h.Reason, At: ts(h.At)})
	}
	v.Messages, v.History = &msgs, &hist
	return v
}

// FromMessage converts one message.
func FromMessage(m store.Message) Message {
	atts := make([]Attachment, 0, len(m.Attachments))
	for _, a := range m.Attachments {
		atts = append(atts, Attachment{Filename: a.Filename, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256})
	}
	return Message{
		Direction: string(m.Direction), Kind: string(m.Kind), From: m.From,
		To: nonNil(m.To), Cc: nonNil(m.Cc), Subject: m.Subject, MessageID: m.MessageID,
		Date: ts(m.Date), Text: m.Text, Attachments: atts, ParseError: m.ParseError,
		Sender: m.Sender, SenderEvidence: m.SenderEvidence,
	}
}

// FromOutbound converts one outbox entry.
func FromOutbound(o store.Outbound) Outbound {
	return Outbound{
		ID: o.ID, Ticket: o.TicketNumber, To: nonNil(o.To), Subject: o.Subject, MessageID: o.MessageID,
		State: string(o.State), Attempts: o.Attempts, LastError: o.LastError,
		NextTry: ts(o.NextAttemptAt), CreatedAt: ts(o.CreatedAt),
	}
}

// JSON writes v indented, with HTML characters left alone (the output is
// read by scripts and people, not embedded in pages).
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// TicketList writes one line per ticket, dates in loc the French way
// (26/11/2026 10:14); the column's heading names the zone once.
func TicketList(w io.Writer, ts []store.Ticket, loc *time.Location) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "NUMÉRO\tSTATUT\tPRIORITÉ\tCATÉGORIE\tASSIGNÉE À\tÉCHÉANCE\tDEMANDEUR\tCRÉÉE LE (%s)\tOBJET\n",
		strings.ToUpper(templates.Zone(loc)))
	now := time.Now()
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Number, fr(statusFR, string(t.Status)), fr(priorityFR, t.Priority),
			dash(t.Category), dash(t.Assignee), dash(nextDue(t, loc, now)), t.Requester,
			templates.ShortDate(t.CreatedAt, loc), oneLine(t.Subject, 60))
	}
	return tw.Flush()
}

// statusFR and kindFR are the words a French-speaking agent reads in a
// terminal.
var (
	statusFR   = map[string]string{"open": "ouverte", "answered": "réponse envoyée", "resolved": "résolue", "closed": "close"}
	priorityFR = map[string]string{"low": "basse", "normal": "normale", "high": "haute", "urgent": "urgente"}
	stateFR    = map[string]string{"queued": "en attente", "sent": "envoyé", "retrying": "nouvel essai prévu", "failed": "échec"}
	kindFR     = map[string]string{"request": "Demande", "reply": "Réponse du demandeur", "agent": "Réponse d’un agent",
		"note": "Note interne", "alert": "Alerte", "ack": "Accusé de réception", "notification": "Notification aux agents"}
)

func fr(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

// TicketText writes one ticket with its history for a terminal, in French
// (no-break spaces before the colons), dates in loc as prose; the zone is
// written once, after the ticket's own dates.
func TicketText(w io.Writer, d store.TicketDetail, l Labeler, loc *time.Location) error {
	v := FromDetail(d, l)
	var b strings.Builder
	fmt.Fprintf(&b, "Demande %s — %s\n", v.Number, v.Subject)
	fmt.Fprintf(&b, "Statut\u00a0: %s\n", fr(statusFR, v.Status))
	if v.Category != "" {
		fmt.Fprintf(&b, "Catégorie\u00a0: %s %s (%s)\n", v.Category, v.CategoryLabel, v.CategorySource)
	} else {
		b.WriteString("Catégorie\u00a0: (aucune)\n")
	}
	fmt.Fprintf(&b, "Priorité\u00a0: %s\n", fr(priorityFR, v.Priority))
	if d.Assignee != "" {
		fmt.Fprintf(&b, "Assignée à\u00a0: %s\n", d.Assignee)
	} else {
		b.WriteString("Assignée à\u00a0: personne\n")
	}
	if d.Team != "" {
		fmt.Fprintf(&b, "Équipe\u00a0: %s\n", d.Team)
	}
	if !d.FirstResponseDue.IsZero() {
		state := ""
		if !d.FirstResponseAt.IsZero() {
			state = " (réponse envoyée le " + templates.LongDate(d.FirstResponseAt, loc) + ")"
		}
		fmt.Fprintf(&b, "Échéance de première réponse\u00a0: %s%s\n", templates.LongDate(d.FirstResponseDue, loc), state)
	}
	if !d.ResolutionDue.IsZero() {
		state := ""
		if !d.Running() {
			state = " (décompte suspendu)"
		}
		fmt.Fprintf(&b, "Échéance de résolution\u00a0: %s%s\n", templates.LongDate(d.ResolutionDue, loc), state)
	}
	if v.SLABreached {
		b.WriteString("Délai dépassé\u00a0: oui\n")
	}
	fmt.Fprintf(&b, "Demandeur\u00a0: %s\n", v.Requester)
	fmt.Fprintf(&b, "Participants\u00a0: %s\n", strings.Join(v.Participants, ", "))
	if v.LinkedTo != "" {
		fmt.Fprintf(&b, "Liée à la demande\u00a0: %s\n", v.LinkedTo)
	}
	if v.IncidentKey != "" {
		fmt.Fprintf(&b, "Incident\u00a0: %s (%d répétitions)\n", v.IncidentKey, v.Repeats)
	}
	if v.NoAckReason != "" {
		fmt.Fprintf(&b, "Sans accusé de réception\u00a0: %s\n", v.NoAckReason)
	}
	fmt.Fprintf(&b, "Créée le %s, mise à jour le %s (%s)\n", templates.LongDate(d.CreatedAt, loc),
		templates.LongDate(d.UpdatedAt, loc), templates.Zone(loc))
	for i, m := range *v.Messages {
		who := "de " + m.From
		if m.Direction == "out" {
			who = "à " + strings.Join(m.To, ", ")
		}
		fmt.Fprintf(&b, "\n--- %s %s, le %s\n", fr(kindFR, m.Kind), who, templates.LongDate(d.Messages[i].Date, loc))
		fmt.Fprintf(&b, "Objet\u00a0: %s\n", m.Subject)
		for _, a := range m.Attachments {
			fmt.Fprintf(&b, "Pièce jointe\u00a0: %s (%s, %d octets)\n", a.Filename, a.ContentType, a.Size)
		}
		if m.Sender == "unverified" || m.Sender == "failed" {
			fmt.Fprintf(&b, "Attention\u00a0: expéditeur non vérifié (%s)\n", m.SenderEvidence)
		}
		if m.ParseError != "" {
			fmt.Fprintf(&b, "Problème d’analyse (message conservé tel quel)\u00a0: %s\n", m.ParseError)
		}
		b.WriteString("\n" + strings.TrimRight(m.Text, "\n") + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// OutboxList writes one line per outbound message.
func OutboxList(w io.Writer, os []store.Outbound) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTICKET\tÉTAT\tESSAIS\tDESTINATAIRES\tOBJET\tDERNIÈRE ERREUR")
	for _, o := range os {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\t%s\n", o.ID, o.TicketNumber, fr(stateFR, string(o.State)), o.Attempts,
			strings.Join(o.To, ","), oneLine(o.Subject, 50), oneLine(o.LastError, 60))
	}
	return tw.Flush()
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// nextDue is the deadline a listing shows: the first response's until it
// is met, then the resolution's while the clock runs; « ! » after it
// once missed.
func nextDue(t store.Ticket, loc *time.Location, now time.Time) string {
	due := t.ResolutionDue
	switch {
	case !t.FirstResponseDue.IsZero() && t.FirstResponseAt.IsZero():
		due = t.FirstResponseDue
	case !t.Running():
		due = time.Time{}
	}
	out := templates.ShortDate(due, loc)
	if t.Breached(now) {
		out += " !"
	}
	return out
}
