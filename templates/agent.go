package templates

import (
	"fmt"
	"strings"
)

// Events a Notification reports.
const (
	EventNew      = "new"      // a new ticket
	EventReply    = "reply"    // a requester's or participant's reply
	EventIncident = "incident" // a new monitoring incident
	EventNote     = "note"     // an agent's internal note, for the other agents
)

// AttachmentInfo describes an attachment in a notification.
type AttachmentInfo struct {
	Filename    string
	ContentType string
	Size        string // already formatted, see Size
}

// Notification is what agents are told of a ticket's new message.
type Notification struct {
	CentreName string
	Event      string // EventNew, EventReply, EventIncident or EventNote
	Number     string
	Subject    string
	Category   *Category // nil when the ticket has none
	Requester  string    // "Awa Diop <awa@example.org>" or the bare address
	Author     string    // who wrote this message, same form
	// Text is the message's new text; it keeps its lines (it is the body
	// of the notification, never a header), only CR and other control
	// characters but LF and TAB are removed.
	Text        string
	Attachments []AttachmentInfo
}

// Resolution is the notice a requester gets when an agent resolves a ticket.
type Resolution struct {
	CentreName string
	Name       string // requester's display name, "" when unknown
	Number     string
	Subject    string
	// CloseAfter, when not "", says in words how long without news closes
	// the resolved ticket (« 7 jours »); ReopenDays how long after that a
	// reply still reopens it.
	CloseAfter string
	ReopenDays int
}

// Command problem reasons.
const (
	ProblemUnknown  = "unknown"  // no such command
	ProblemCategory = "category" // #catégorie names no category of the catalogue
	ProblemMissing  = "missing"  // #catégorie without a code
	ProblemArgument = "argument" // a command that takes no argument was given one
	ProblemAgent    = "agent"    // #assigner names no declared agent (Arg), or none
	ProblemPriority = "priority" // #priorité without a known level
)

// CommandProblem is one command line Guichet could not carry out.
type CommandProblem struct {
	Line   string // the line as the agent wrote it
	Reason string // ProblemUnknown, ProblemCategory, ProblemMissing, ProblemArgument
	Arg    string // the argument concerned, for ProblemCategory and ProblemAgent and ProblemAgent
}

// CommandReport tells an agent which of their commands failed.
type CommandReport struct {
	CentreName string
	Number     string
	// Problems are the failed lines. The template says that nothing of
	// the message was carried out: a mistyped #note must not let an
	// internal text reach the requester.
	Problems []CommandProblem
}

// RenderNotification renders a notification to agents (text/plain).
func RenderNotification(n Notification) (string, error) {
	if n.Number == "" || n.CentreName == "" {
		return "", fmt.Errorf("templates: notification needs a ticket number and a centre name")
	}
	switch n.Event {
	case EventNew, EventReply, EventIncident, EventNote:
	default:
		return "", fmt.Errorf("templates: unknown notification event %q", n.Event)
	}
	n.CentreName, n.Number, n.Subject = OneLine(n.CentreName), OneLine(n.Number), OneLine(n.Subject)
	n.Requester, n.Author = OneLine(n.Requester), OneLine(n.Author)
	if n.Subject == "" {
		n.Subject = "(sans objet)"
	}
	if n.Category != nil {
		c := Category{Code: OneLine(n.Category.Code), Label: OneLine(n.Category.Label)}
		n.Category = &c
	}
	n.Text = Body(n.Text)
	if n.Text == "" {
		n.Text = "(message sans texte)"
	}
	atts := make([]AttachmentInfo, len(n.Attachments))
	for i, a := range n.Attachments {
		atts[i] = AttachmentInfo{Filename: OneLine(a.Filename), ContentType: OneLine(a.ContentType), Size: OneLine(a.Size)}
	}
	n.Attachments = atts
	return renderText("notify.txt.tmpl", n)
}

// Burst tells agents that one sender opened many requests in a short
// time: one notification lists them instead of one each.
type Burst struct {
	CentreName string
	Sender     string // the sender's address
	Count      int    // requests from Sender within Minutes, Tickets included
	Threshold  int    // requests notified one by one before a burst
	Minutes    int    // the window
	Tickets    []BurstTicket
}

// BurstTicket is one request of a burst.
type BurstTicket struct {
	Number, Subject string
}

// RenderBurst renders the notification of a burst (text/plain).
func RenderBurst(b Burst) (string, error) {
	if b.CentreName == "" || len(b.Tickets) == 0 {
		return "", fmt.Errorf("templates: burst notification needs a centre name and tickets")
	}
	b.CentreName, b.Sender = OneLine(b.CentreName), OneLine(b.Sender)
	ts := make([]BurstTicket, len(b.Tickets))
	for i, t := range b.Tickets {
		ts[i] = BurstTicket{Number: OneLine(t.Number), Subject: OneLine(t.Subject)}
		if ts[i].Subject == "" {
			ts[i].Subject = "(sans objet)"
		}
	}
	b.Tickets = ts
	return renderText("burst.txt.tmpl", struct {
		Burst
		First string
	}{b, ts[0].Number})
}

// RenderResolution renders the resolution notice (text/plain).
func RenderResolution(r Resolution) (string, error) {
	if r.Number == "" || r.CentreName == "" {
		return "", fmt.Errorf("templates: resolution notice needs a ticket number and a centre name")
	}
	r.CentreName, r.Name, r.Number, r.Subject = OneLine(r.CentreName), OneLine(r.Name), OneLine(r.Number), OneLine(r.Subject)
	r.CloseAfter = OneLine(r.CloseAfter)
	return renderText("resolved.txt.tmpl", r)
}

// RenderResolutionLines renders the notice's own paragraphs, without
// greeting nor signature: what follows an agent's answer that resolves
// the ticket, so that the requester gets one message.
func RenderResolutionLines(r Resolution) (string, error) {
	if r.Number == "" {
		return "", fmt.Errorf("templates: resolution notice needs a ticket number")
	}
	r.CentreName, r.Name, r.Number, r.Subject = OneLine(r.CentreName), OneLine(r.Name), OneLine(r.Number), OneLine(r.Subject)
	r.CloseAfter = OneLine(r.CloseAfter)
	return renderText("resolution-lines", r)
}

// RenderCommandReport renders the report of failed commands (text/plain).
func RenderCommandReport(c CommandReport) (string, error) {
	if c.Number == "" || c.CentreName == "" || len(c.Problems) == 0 {
		return "", fmt.Errorf("templates: command report needs a ticket number, a centre name and problems")
	}
	c.CentreName, c.Number = OneLine(c.CentreName), OneLine(c.Number)
	ps := make([]CommandProblem, len(c.Problems))
	for i, p := range c.Problems {
		ps[i] = CommandProblem{Line: OneLine(p.Line), Reason: p.Reason, Arg: OneLine(p.Arg)}
	}
	c.Problems = ps
	return renderText("commands.txt.tmpl", c)
}

func renderText(name string, data any) (string, error) {
	parseOnce.Do(parse)
	if parseErr != nil {
		return "", parseErr
	}
	b := getBuffer()
	defer putBuffer(b)
	if err := executeText(b, name, data); err != nil {
		return "", fmt.Errorf("templates: render %s: %w", name, err)
	}
	return tidy(b.Bytes()), nil
}

// Body cleans a multi-line text for a text/plain body: line endings become
// LF, control characters other than LF and TAB are removed, trailing spaces
// and surrounding blank lines go.
func Body(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	for _, r := range s {
		if r == '\n' || r == '\t' || !(r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029') {
			b.WriteRune(r)
		}
	}
	lines := strings.Split(b.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// Size formats a byte count the French way: "512 octets", "48,2 Ko",
// "3,1 Mo" (1 Ko = 1024 octets, as mail clients show it).
func Size(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d\u00a0octets", n)
	case n < 1024*1024:
		return strings.Replace(fmt.Sprintf("%.1f\u00a0Ko", float64(n)/1024), ".", ",", 1)
	default:
		return strings.Replace(fmt.Sprintf("%.1f\u00a0Mo", float64(n)/(1024*1024)), ".", ",", 1)
	}
}
