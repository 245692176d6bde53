package outbound

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
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
//
// Every acknowledgment and notification goes through here, so the common
// shapes (text; text and HTML) are written in one pass into one buffer
// sized beforehand; mail with attachments, rarer and dominated by their
// base64, is left to go-message. Both write the same bytes as go-message
// would (TestComposeMatchesGoMessage).
func Compose(m Mail) ([]byte, error) {
	var fs [16]field
	fields := headerFields(fs[:0], m)
	if len(m.Attachments) > 0 {
		var h gomail.Header
		for i := len(fields) - 1; i >= 0; i-- {
			h.Add(fields[i].k, fields[i].v)
		}
		var buf bytes.Buffer
		if err := writeMixed(&buf, h, crlfText(m.Text), m.HTML, m.Attachments); err != nil {
			return nil, fmt.Errorf("outbound: compose: %w", err)
		}
		return buf.Bytes(), nil
	}
	b := make([]byte, 0, sizeBound(fields, m))
	var err error
	if m.HTML == "" {
		b = append(b, "Content-Transfer-Encoding: quoted-printable\r\n"+textPlainType+"\r\n"...)
		if b, err = appendFields(b, fields); err != nil {
			return nil, fmt.Errorf("outbound: compose: %w", err)
		}
		return appendQP(append(b, "\r\n"...), m.Text, true), nil
	}
	var boundary [60]byte
	randomBoundary(&boundary)
	b = append(b, "Content-Type: multipart/alternative;\r\n boundary="...)
	b = append(b, boundary[:]...)
	b = append(b, "\r\n"...)
	if b, err = appendFields(b, fields); err != nil {
		return nil, fmt.Errorf("outbound: compose: %w", err)
	}
	b = append(append(append(b, "\r\n--"...), boundary[:]...), "\r\n"+inlinePart+textPlainType+"\r\n\r\n"...)
	b = appendQP(b, m.Text, true)
	b = append(append(append(b, "\r\n--"...), boundary[:]...), "\r\n"+inlinePart+textHTMLType+"\r\n\r\n"...)
	b = appendQP(b, m.HTML, false)
	return append(append(append(b, "\r\n--"...), boundary[:]...), "--\r\n"...), nil
}

// sizeBound is at least the length of the message Compose writes with
// fields and m without attachments: it is written in one allocation.
func sizeBound(fields []field, m Mail) int {
	// The multipart header field, boundaries and part headers take
	// about 550 bytes; a header field its name, value, ": ", CRLF and up
	// to 3 bytes per fold: two lines in a row hold more than 48 bytes of
	// it, or they would have been one.
	n := 640 + qpBound(m.Text) + qpBound(m.HTML)
	for _, f := range fields {
		n += len(f.k) + len(f.v) + 4 + 3*(len(f.v)/24+1)
	}
	return n
}

// The header fields of an inline text part, as go-message writes them.
const (
	inlinePart    = "Content-Disposition: inline\r\nContent-Transfer-Encoding: quoted-printable\r\n"
	textPlainType = "Content-Type: text/plain; charset=utf-8"
	textHTMLType  = "Content-Type: text/html; charset=utf-8"
)

// field is a header field ready to write: canonical name, formatted value.
type field struct{ k, v string }

// headerFields appends m's header fields to fs in the order they are
// written: From, To, Cc, Reply-To, Subject, Date, Message-ID, … like a
// client's.
func headerFields(fs []field, m Mail) []field {
	fs = append(fs, field{"From", addressList([]mail.Address{m.From})})
	if len(m.To) > 0 {
		fs = append(fs, field{"To", addressList(m.To)})
	}
	if len(m.Cc) > 0 {
		fs = append(fs, field{"Cc", addressList(m.Cc)})
	}
	if m.ReplyTo != nil {
		fs = append(fs, field{"Reply-To", addressList([]mail.Address{*m.ReplyTo})})
	}
	fs = append(fs, field{"Subject", mime.QEncoding.Encode("utf-8", capSubject(headerLine(m.Subject)))})
	if !m.Date.IsZero() {
		fs = append(fs, field{"Date", m.Date.Format(dateLayout)})
	}
	fs = append(fs, field{"Message-Id", m.MessageID})
	if m.InReplyTo != "" {
		fs = append(fs, field{"In-Reply-To", m.InReplyTo})
	}
	if len(m.References) > 0 {
		fs = append(fs, field{"References", strings.Join(m.References, " ")})
	}
	if m.AutoSubmitted != "" {
		// RFC 3834 §5: mark the message as automatic so that other
		// responders keep quiet. X-Auto-Response-Suppress asks
		// Exchange/Outlook not to answer with out-of-office or receipts.
		// No "Precedence: bulk": RFC 3834 §5 advises against relying on
		// it and filters may file us as a mailing.
		fs = append(fs, field{"Auto-Submitted", m.AutoSubmitted}, field{"X-Auto-Response-Suppress", "All"})
	}
	return append(fs, field{"Content-Language", "fr"}, field{"Mime-Version", "1.0"})
}

// dateLayout is RFC 5322 §3.3's date-time, as go-message writes it.
const dateLayout = "Mon, 02 Jan 2006 15:04:05 -0700"

// addressList is an address list field's value: each address as net/mail
// writes it (encoded-words for non-ASCII names), display names made one
// line.
func addressList(l []mail.Address) string {
	if len(l) == 1 {
		a := mail.Address{Name: headerLine(l[0].Name), Address: l[0].Address}
		return a.String()
	}
	s := make([]string, len(l))
	for i, a := range l {
		a.Name = headerLine(a.Name)
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// appendFields writes fs folded as go-message does, CR and LF refused in
// values (they would start a field of their own).
func appendFields(b []byte, fs []field) ([]byte, error) {
	for i, f := range fs {
		if p := strings.IndexAny(f.v, "\r\n"); p >= 0 {
			return b, fmt.Errorf("header field #%d (%q): value contains \\r\\n (at %d)", i+1, f.k, p)
		}
		b = appendField(b, f.k, f.v)
	}
	return b, nil
}

// appendField is go-message's formatHeaderField: lines within 76
// characters, folded at the last white space before the limit; a word too
// long to fold there is folded before 998 instead, never split.
func appendField(b []byte, k, v string) []byte {
	b = append(append(b, k...), ": "...)
	if v == "" {
		return append(b, "\r\n"...)
	}
	keylen := len(k) + 2
	for len(v) > 0 {
		at, folding, ok := foldLine(v, 76-keylen)
		if !ok {
			at, folding, _ = foldLine(v, 998-keylen)
		}
		b = append(append(b, v[:at]...), folding...)
		v = v[at:]
		keylen = 0
	}
	return b
}

// foldLine is go-message's foldLine for a value without CR or LF: where to
// cut v before maxlen, and what to insert there.
func foldLine(v string, maxlen int) (at int, folding string, ok bool) {
	foldBefore := maxlen + 1
	if foldBefore > len(v) {
		return len(v), "\r\n", true
	}
	at = strings.LastIndexAny(v[:foldBefore], " \t")
	switch {
	case at == 0: // the folding white space of the previous line
		at = foldBefore - 1
	case at < 0:
		at = foldBefore - 2
	}
	if v[at] == ' ' || v[at] == '\t' {
		return at, "\r\n", true
	}
	return at, "\r\n ", false
}

// randomBoundary fills b as go-message's multipart writer does: 30 random
// bytes in lowercase hexadecimal.
func randomBoundary(b *[60]byte) {
	var r [30]byte
	rand.Read(r[:])
	hex.Encode(b[:], r[:])
}

// crlfText is the text part with CRLF line endings and a final line break.
func crlfText(s string) string {
	s = strings.ReplaceAll(s, "\n", "\r\n")
	if !strings.HasSuffix(s, "\r\n") {
		s += "\r\n"
	}
	return s
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

// NewMessageID returns a new Message-ID written at now, "<TIME.RANDOM@host>"
// (RFC 5322 §3.6.4; see newMessageID).
func NewMessageID(host string, now time.Time) string { return newMessageID("", host, now) }

// newMessageID is NewMessageID with a prefix on the left-hand side.
//
// The left-hand side starts with now in milliseconds, fixed-width and in an
// alphabet that sorts as it counts, so that later ids sort after earlier
// ones. The Message-ID is the dedupe key of every message we store, and
// that key is uniquely indexed: a random key lands on a random leaf page of
// the index and dirties a page per message, where time-ordered keys are
// appended at its right edge, consecutive messages sharing a page. The
// time the id reveals is the Date header's already. The random part, 80
// bits, keeps ids written in the same millisecond, here or on another
// host, apart.
func newMessageID(prefix, host string, now time.Time) string {
	return "<" + prefix + timeID(now) + "." + randomID() + "@" + host + ">"
}

// b32hex is base32hex (RFC 4648 §7) in lower case: its digits are in ASCII
// order, so fixed-width numbers written with it sort as they count.
const b32hex = "0123456789abcdefghijklmnopqrstuv"

var b32 = base32.NewEncoding(b32hex).WithPadding(base32.NoPadding)

// timeIDLen is the width of timeID: 10 base-32 digits hold 50 bits, the 48
// bits of milliseconds (until the year 10889) with room to spare.
const timeIDLen = 10

// timeID writes t's Unix time in milliseconds as timeIDLen base-32 digits,
// most significant first. A time before 1970 is written as 1970, one past
// 48 bits as the largest: fixed width is what keeps the order.
func timeID(t time.Time) string {
	ms := min(max(t.UnixMilli(), 0), 1<<48-1)
	var b [timeIDLen]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = b32hex[ms&31]
		ms >>= 5
	}
	return string(b[:])
}

// randomID is 80 random bits, 16 characters.
func randomID() string {
	var b [10]byte
	rand.Read(b[:])
	return b32.EncodeToString(b[:])
}
