package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// clean makes s storable as text on both backends: valid UTF-8 (PostgreSQL
// refuses anything else) and without NUL (PostgreSQL text cannot hold it).
// Callers are expected to pass clean text already; this is the cheap guard
// that repairs instead of losing a message.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// cleanAll cleans each string of a list; never nil, so arrays are empty
// rather than NULL.
func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return out
}

// normAddrs lowercases, trims and de-duplicates addresses, keeping the first
// occurrence's order (participants are listed in first-seen order).
func normAddrs(addrs []string) []string {
	seen := make(map[string]bool, len(addrs))
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		a = strings.ToLower(strings.TrimSpace(clean(a)))
		if a == "" || seen[a] {
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out
}

// ts is the stored form of a time: UTC, microsecond precision (what
// PostgreSQL keeps), so both backends return the same value.
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// ticketNumber formats YYYY-NNNNNN (SPEC "Tickets": at least six digits,
// more when needed). The PostgreSQL backend formats the same way in SQL.
func ticketNumber(year int, n int64) string { return fmt.Sprintf("%d-%06d", year, n) }

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// prepareMessage fills what the caller may leave out and cleans the text.
func prepareMessage(m *Message, now time.Time) {
	if m.RawSHA256 == "" {
		m.RawSHA256 = sha256Hex(m.Raw)
	}
	if m.Raw == nil {
		m.Raw = []byte{}
	}
	if m.DedupeKey == "" {
		m.DedupeKey = "sha256:" + m.RawSHA256
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now
	}
	m.CreatedAt = ts(m.CreatedAt)
	if !m.Date.IsZero() {
		m.Date = ts(m.Date)
	}
	m.From = clean(m.From)
	m.FromName = clean(m.FromName)
	m.To = cleanAll(m.To)
	m.Cc = cleanAll(m.Cc)
	m.Subject = clean(m.Subject)
	m.MessageID = clean(m.MessageID)
	m.InReplyTo = clean(m.InReplyTo)
	m.References = cleanAll(m.References)
	m.Text = clean(m.Text)
	m.ParseError = clean(m.ParseError)
	m.DedupeKey = clean(m.DedupeKey)
	e := &m.Envelope
	e.Transport, e.MailFrom, e.ClientAddr = clean(e.Transport), clean(e.MailFrom), clean(e.ClientAddr)
	e.Helo, e.Mailbox = clean(e.Helo), clean(e.Mailbox)
	e.RcptTo = cleanAll(e.RcptTo)
	for i := range m.Attachments {
		a := &m.Attachments[i]
		if a.SHA256 == "" {
			a.SHA256 = sha256Hex(a.Data)
		}
		if a.Size == 0 {
			a.Size = int64(len(a.Data))
		}
		if a.Data == nil {
			a.Data = []byte{}
		}
		a.Filename, a.ContentType, a.ContentID = clean(a.Filename), clean(a.ContentType), clean(a.ContentID)
	}
}

// distinctContent returns one attachment per hash: content is stored once.
func distinctContent(as []Attachment) []Attachment {
	out := make([]Attachment, 0, len(as))
	seen := make(map[string]bool, len(as))
	for _, a := range as {
		if seen[a.SHA256] {
			continue
		}
		seen[a.SHA256] = true
		out = append(out, a)
	}
	return out
}

func prepareTicket(t *NewTicket, now time.Time) {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = now
	}
	t.Subject = clean(t.Subject)
	t.Category = clean(t.Category)
	t.CategorySource = clean(t.CategorySource)
	t.Requester = clean(t.Requester)
	t.LinkedTo = clean(t.LinkedTo)
	t.NoAckReason = clean(t.NoAckReason)
	t.IncidentKey = clean(t.IncidentKey)
}

// prefixScanner scans one leading column into id before the columns a
// scan function written for another query expects.
type prefixScanner struct {
	scanner
	id *int64
}

func (r prefixScanner) Scan(dest ...any) error {
	return r.scanner.Scan(append([]any{r.id}, dest...)...)
}

// rowIter is what both backends' result sets offer (pgx.Rows, *sql.Rows):
// the scan loops they share are written once against it.
type rowIter interface {
	scanner
	Next() bool
	Err() error
}

// addAttachments reads attachment metadata rows (message id, then the
// Attachment fields, in position order) into msgs; byID maps a message id
// to its index in msgs.
func addAttachments(rows rowIter, msgs []Message, byID map[int64]int) error {
	for rows.Next() {
		var mid int64
		var a Attachment
		if err := rows.Scan(&mid, &a.Filename, &a.ContentType, &a.ContentID, &a.Inline, &a.Size, &a.SHA256); err != nil {
			return wrap("store: attachments", err)
		}
		i := byID[mid]
		msgs[i].Attachments = append(msgs[i].Attachments, a)
	}
	return wrap("store: attachments", rows.Err())
}

// statsQuery counts, in one read, the outbox by state, the tickets by
// category and the sent mail by kind; both backends run it as is.
const statsQuery = `
SELECT 'o', state, count(*) FROM outbox GROUP BY state
UNION ALL SELECT 't', category, count(*) FROM tickets GROUP BY category
UNION ALL SELECT 'k', m.kind, count(*) FROM outbox o JOIN messages m ON m.id = o.message_row_id
    WHERE o.state = 'sent' GROUP BY m.kind`

func scanStats(rows rowIter) (Stats, error) {
	st := Stats{Outbox: map[OutState]int{}, TicketsByCategory: map[string]int{}, SentByKind: map[Kind]int{}}
	for rows.Next() {
		var what, key string
		var n int
		if err := rows.Scan(&what, &key, &n); err != nil {
			return Stats{}, wrap("store: stats", err)
		}
		switch what {
		case "o":
			st.Outbox[OutState(key)] = n
		case "t":
			st.TicketsByCategory[key] = n
		case "k":
			st.SentByKind[Kind(key)] = n
		}
	}
	return st, wrap("store: stats", rows.Err())
}

// ackTickets reads AckSources' first query, rows of an outbox id then a
// ticket's columns: the sources by outbox id, and the outbox ids by ticket.
func ackTickets(rows rowIter, scan func(scanner) (Ticket, error)) (map[int64]AckSource, map[int64][]int64, error) {
	out := map[int64]AckSource{}
	byTicket := map[int64][]int64{}
	for rows.Next() {
		var id int64
		tk, err := scan(prefixScanner{rows, &id})
		if err != nil {
			return nil, nil, wrap("store: acknowledgment sources", err)
		}
		out[id] = AckSource{Ticket: tk}
		byTicket[tk.ID] = append(byTicket[tk.ID], id)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, wrap("store: acknowledgment sources", err)
	}
	return out, byTicket, nil
}

// addFirsts gives each acknowledgment source its ticket's first incoming
// message; byTicket maps ticket ids to outbox ids.
func addFirsts(out map[int64]AckSource, byTicket map[int64][]int64, firsts []Message) {
	for _, m := range firsts {
		for _, id := range byTicket[m.TicketID] {
			src := out[id]
			src.First = m
			out[id] = src
		}
	}
}

// sentColumns turns MarkSent's arguments into columns, one entry per id.
func sentColumns(sent []Sent) (ids []int64, at []time.Time, notes []string) {
	seen := make(map[int64]bool, len(sent))
	for _, x := range sent {
		if seen[x.ID] {
			continue
		}
		seen[x.ID] = true
		ids, at, notes = append(ids, x.ID), append(at, ts(x.At)), append(notes, clean(x.Note))
	}
	return ids, at, notes
}

func sentAll(affected int64, ids []int64) error {
	if affected < int64(len(ids)) {
		return fmt.Errorf("store: mark sent: %d of %d: %w", affected, len(ids), ErrNotFound)
	}
	return nil
}

func prepareOutbound(o *Outbound, now time.Time) {
	if o.CreatedAt.IsZero() {
		o.CreatedAt = now
	}
	o.CreatedAt = ts(o.CreatedAt)
	if o.NextAttemptAt.IsZero() {
		o.NextAttemptAt = o.CreatedAt
	}
	o.NextAttemptAt = ts(o.NextAttemptAt)
	if o.Raw == nil {
		o.Raw = []byte{}
	}
	o.State = OutQueued
	o.MailFrom = clean(o.MailFrom)
	o.To = cleanAll(o.To)
	o.Subject = clean(o.Subject)
	o.MessageID = clean(o.MessageID)
}

// rcptKey is the outbox's rate-limit key: the first recipient, lowercased
// (acknowledgments have exactly one recipient).
func rcptKey(to []string) string {
	if len(to) == 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(clean(to[0])))
}
