package outbound

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	gomail "github.com/emersion/go-message/mail"

	"guichet/store"
	"guichet/templates"
)

// Mail is one message to compose: everything Guichet sends (acknowledgments,
// notifications, answers, resolution notices, command reports, « mes
// demandes » links) is written by Compose from one of these.
type Mail struct {
	From    mail.Address
	To, Cc  []mail.Address
	ReplyTo *mail.Address // nil: no Reply-To
	Subject string        // decoded; encoded-words are Compose's business
	// MessageID, InReplyTo and References are "<left@right>" ids (RFC 5322
	// §3.6.4). References is written only when not empty.
	MessageID  string
	InReplyTo  string
	References []string
	// AutoSubmitted is RFC 3834 §5's value ("auto-replied",
	// "auto-generated"); "" for mail a person wrote.
	AutoSubmitted string
	Date          time.Time // written in its own zone: see inZone
	// Text is the text/plain body, lines separated by "\n". HTML, when not
	// empty, is its text/html alternative (multipart/alternative).
	Text, HTML string
	// Attachments follow the body in a multipart/mixed; their Data is sent.
	Attachments []store.Attachment
}

// inZone gives t in loc for a Date header: RFC 5322 §3.3 writes the
// sender's local time and offset (« +0100 » in Paris in winter), so a
// reader's client shows the hour the centre's people see. A nil loc keeps
// t's own zone.
func inZone(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		return t
	}
	return t.In(loc)
}

// Compose writes m as an RFC 5322 message with CRLF line endings: UTF-8
// bodies in quoted-printable (RFC 2045 §6.7 keeps every line within 76
// characters), attachments in base64, non-ASCII header text in RFC 2047
// encoded-words. Control characters (CR, LF, …) in the subject and the
// display names become spaces: nothing a requester wrote can start a header
// field of its own.
func Compose(m Mail) ([]byte, error) {
	// go-message writes header fields in the reverse order of insertion:
	// they are set from the last to the first, so that the message reads
	// From, To, Cc, Reply-To, Subject, Date, Message-ID, … like a client's.
	var h gomail.Header
	h.Set("MIME-Version", "1.0")
	h.Set("Content-Language", "fr")
	if m.AutoSubmitted != "" {
		// RFC 3834 §5: mark the message as automatic so that other
		// responders keep quiet. X-Auto-Response-Suppress asks
		// Exchange/Outlook not to answer with out-of-office or receipts.
		// No "Precedence: bulk": RFC 3834 §5 advises against relying on
		// it and filters may file us as a mailing.
		h.Set("X-Auto-Response-Suppress", "All")
		h.Set("Auto-Submitted", m.AutoSubmitted)
	}
	if len(m.References) > 0 {
		h.Set("References", strings.Join(m.References, " "))
	}
	if m.InReplyTo != "" {
		h.Set("In-Reply-To", m.InReplyTo)
	}
	h.Set("Message-ID", m.MessageID)
	h.SetDate(m.Date)
	h.SetSubject(capSubject(headerLine(m.Subject)))
	if m.ReplyTo != nil {
		h.SetAddressList("Reply-To", addresses([]mail.Address{*m.ReplyTo}))
	}
	if len(m.Cc) > 0 {
		h.SetAddressList("Cc", addresses(m.Cc))
	}
	h.SetAddressList("To", addresses(m.To))
	h.SetAddressList("From", addresses([]mail.Address{m.From}))

	text := strings.ReplaceAll(m.Text, "\n", "\r\n")
	if !strings.HasSuffix(text, "\r\n") {
		text += "\r\n"
	}
	var buf bytes.Buffer
	var err error
	switch {
	case m.HTML == "" && len(m.Attachments) == 0:
		textHeader(&h)
		err = writeSingle(&buf, h, text)
	case len(m.Attachments) == 0:
		err = writeAlternative(&buf, h, text, m.HTML)
	default:
		err = writeMixed(&buf, h, text, m.HTML, m.Attachments)
	}
	if err != nil {
		return nil, fmt.Errorf("outbound: compose: %w", err)
	}
	return buf.Bytes(), nil
}

func writeSingle(buf *bytes.Buffer, h gomail.Header, text string) error {
	w, err := gomail.CreateSingleInlineWriter(buf, h)
	if err != nil {
		return err
	}
	return writeClose(w, text)
}

func writeAlternative(buf *bytes.Buffer, h gomail.Header, text, html string) error {
	w, err := gomail.CreateInlineWriter(buf, h)
	if err != nil {
		return err
	}
	if err := writeParts(w, text, html); err != nil {
		return err
	}
	return w.Close()
}

func writeMixed(buf *bytes.Buffer, h gomail.Header, text, html string, atts []store.Attachment) error {
	w, err := gomail.CreateWriter(buf, h)
	if err != nil {
		return err
	}
	if html == "" {
		var th gomail.InlineHeader
		textHeader(&th)
		tw, err := w.CreateSingleInline(th)
		if err != nil {
			return err
		}
		if err := writeClose(tw, text); err != nil {
			return err
		}
	} else {
		iw, err := w.CreateInline()
		if err != nil {
			return err
		}
		if err := writeParts(iw, text, html); err != nil {
			return err
		}
		if err := iw.Close(); err != nil {
			return err
		}
	}
	for _, a := range atts {
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
			return err
		}
		if _, err := aw.Write(a.Data); err != nil {
			return err
		}
		if err := aw.Close(); err != nil {
			return err
		}
	}
	return w.Close()
}

// writeParts writes the text part and its HTML alternative.
func writeParts(w *gomail.InlineWriter, text, html string) error {
	for _, p := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", strings.ReplaceAll(html, "\n", "\r\n")}} {
		var ph gomail.InlineHeader
		ph.SetContentType(p.typ, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := w.CreatePart(ph)
		if err != nil {
			return err
		}
		if err := writeClose(pw, p.body); err != nil {
			return err
		}
	}
	return nil
}

// contentHeader is what textHeader sets: go-message's header types share it.
type contentHeader interface {
	SetContentType(string, map[string]string)
	Set(string, string)
}

func textHeader(h contentHeader) {
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	h.Set("Content-Transfer-Encoding", "quoted-printable")
}

func writeClose(w io.WriteCloser, s string) error {
	if _, err := io.WriteString(w, s); err != nil {
		return err
	}
	return w.Close()
}

func addresses(l []mail.Address) []*mail.Address {
	out := make([]*mail.Address, len(l))
	for i, a := range l {
		out[i] = &mail.Address{Name: headerLine(a.Name), Address: a.Address}
	}
	return out
}

// maxSubject is the most runes of a subject Guichet writes. Subjects quote
// what senders wrote, and a sender may write a megabyte: every
// acknowledgment and notification would repeat it. 200 runes show any real
// subject whole and keep the Subject field, once encoded (RFC 2047), within
// a few lines.
const maxSubject = 200

// capSubject cuts s beyond maxSubject runes, at the last space when one lies
// within the last 20 runes kept (a word is not cut in two), and marks the
// cut with « … ». Applying it twice changes nothing.
func capSubject(s string) string {
	if len(s) <= maxSubject { // bytes ≥ runes: nothing to count
		return s
	}
	n, cut := 0, -1
	for i := range s {
		if n == maxSubject {
			cut = i
			break
		}
		n++
	}
	if cut < 0 {
		return s
	}
	head := s[:cut]
	if sp := strings.LastIndexByte(head, ' '); sp > 0 && utf8.RuneCountInString(head[sp:]) <= 20 {
		head = head[:sp]
	}
	return strings.TrimRight(head, " ") + "…"
}

// headerLine keeps s on one header line: a string with a control character
// is made one line (templates.OneLine); others are left as they are.
func headerLine(s string) string {
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }) {
		return templates.OneLine(s)
	}
	return s
}

// NewMessageID returns a new "<random@host>" Message-ID (RFC 5322 §3.6.4).
func NewMessageID(host string) string { return newMessageID("", host) }

// newMessageID is NewMessageID with a prefix on the left-hand side.
func newMessageID(prefix, host string) string {
	return "<" + prefix + randomID() + "@" + host + ">"
}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func randomID() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToLower(b32.EncodeToString(b[:]))
}
