package ingest

import (
	"bytes"
	"context"
	"fmt"
	"mime"
	"strings"
	"time"

	"guichet/ingest/mailparse"
	"guichet/replyaddr"
	"guichet/store"
	"guichet/ticketref"
)

// AgentPost is an agent's answer or note posted through the agents' API.
type AgentPost struct {
	Ticket string // the ticket's number
	// Agent is the declared agent's address; the API's token proves it.
	Agent string
	// Note: an internal note for colleagues, not an answer to the requester.
	Note bool
	// Text is what the agent wrote; it may start with command lines.
	Text string
	// MessageID is the message's Message-ID (RFC 5322 §3.6.4), made by
	// the caller, which reports it.
	MessageID string
}

// PostAgent records an agent's API message in its ticket by the rules of
// an emailed one (commands, answer to the requester, notes, status): the
// pipeline receives it as the message the agent would have sent from
// their client — from the agent, to the ticket's signed agent address, in
// reply to the ticket's last message, "#note" first for a note — with the
// API as proof of identity. An unknown ticket is an error wrapping
// store.ErrNotFound.
func (p *Pipeline) PostAgent(ctx context.Context, post AgentPost) (Result, error) {
	start := p.now()
	t, err := p.st.Ticket(ctx, post.Ticket)
	if err != nil {
		return Result{}, fmt.Errorf("post to ticket %s: %w", post.Ticket, err)
	}
	from := strings.ToLower(strings.TrimSpace(post.Agent))
	body := strings.ReplaceAll(strings.TrimRight(post.Text, "\n"), "\r\n", "\n")
	if post.Note {
		body = "#note\n" + body
	}
	m := &mailparse.Message{
		From:        mailparse.Address{Addr: from},
		Subject:     ticketref.Format(t.Number) + " " + strings.Join(strings.Fields(t.Subject), " "),
		MessageID:   post.MessageID,
		Date:        start.Truncate(time.Second),
		ContentType: "text/plain",
	}
	m.FullText, m.Text = mailparse.PlainBody(body)
	m.InReplyTo, m.References = thread(t.Messages)
	env := store.Envelope{Transport: "api", MailFrom: from}
	if s, ok := p.addrs.(interface {
		Address(number string, role replyaddr.Role) string
	}); ok {
		to := s.Address(t.Number, replyaddr.RoleAgent)
		m.To, env.RcptTo = []mailparse.Address{{Addr: to}}, []string{to}
	}
	return p.deliver(ctx, start, m, record(m, body), env)
}

// thread is how an answer to a ticket refers to it: In-Reply-To its last
// message, References the first and the last few (RFC 5322 §3.6.4; a
// short list threads as well as the whole).
func thread(ms []store.Message) (inReplyTo string, refs []string) {
	for _, m := range ms {
		if m.MessageID != "" {
			inReplyTo = m.MessageID
			refs = append(refs, m.MessageID)
		}
	}
	if len(refs) > 10 {
		refs = append(refs[:1], refs[len(refs)-9:]...)
	}
	return inReplyTo, refs
}

// record is the message as stored raw: the header fields the pipeline
// read and the text as written (8bit UTF-8). Nothing parses it back.
func record(m *mailparse.Message, body string) []byte {
	var b bytes.Buffer
	field := func(name, value string) {
		if value != "" {
			b.WriteString(name + ": " + value + "\r\n")
		}
	}
	field("From", m.From.Addr)
	if len(m.To) > 0 {
		field("To", m.To[0].Addr)
	}
	field("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	field("Date", m.Date.Format(time.RFC1123Z))
	field("Message-ID", m.MessageID)
	field("In-Reply-To", m.InReplyTo)
	field("References", strings.Join(m.References, " "))
	field("MIME-Version", "1.0")
	field("Content-Type", "text/plain; charset=utf-8")
	field("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n" + strings.ReplaceAll(body, "\n", "\r\n") + "\r\n")
	return b.Bytes()
}
