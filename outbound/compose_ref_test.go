package outbound

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"strings"

	gomail "github.com/emersion/go-message/mail"

	"guichet/store"
	"guichet/templates"
)

// composeGoMessage is Compose as it was written with go-message's writers
// alone: the reference the one-pass Compose must match byte for byte.
func composeGoMessage(m Mail) ([]byte, error) {
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
		h.SetAddressList("Reply-To", refAddresses([]mail.Address{*m.ReplyTo}))
	}
	if len(m.Cc) > 0 {
		h.SetAddressList("Cc", refAddresses(m.Cc))
	}
	h.SetAddressList("To", refAddresses(m.To))
	h.SetAddressList("From", refAddresses([]mail.Address{m.From}))

	text := strings.ReplaceAll(m.Text, "\n", "\r\n")
	if !strings.HasSuffix(text, "\r\n") {
		text += "\r\n"
	}
	var buf bytes.Buffer
	var err error
	switch {
	case m.HTML == "" && len(m.Attachments) == 0:
		refTextHeader(&h)
		err = refWriteSingle(&buf, h, text)
	case len(m.Attachments) == 0:
		err = refWriteAlternative(&buf, h, text, m.HTML)
	default:
		err = refWriteMixed(&buf, h, text, m.HTML, m.Attachments)
	}
	if err != nil {
		return nil, fmt.Errorf("outbound: compose: %w", err)
	}
	return buf.Bytes(), nil
}

func refWriteSingle(buf *bytes.Buffer, h gomail.Header, text string) error {
	w, err := gomail.CreateSingleInlineWriter(buf, h)
	if err != nil {
		return err
	}
	return refWriteClose(w, text)
}

func refWriteAlternative(buf *bytes.Buffer, h gomail.Header, text, html string) error {
	w, err := gomail.CreateInlineWriter(buf, h)
	if err != nil {
		return err
	}
	if err := refWriteParts(w, text, html); err != nil {
		return err
	}
	return w.Close()
}

func refWriteMixed(buf *bytes.Buffer, h gomail.Header, text, html string, atts []store.Attachment) error {
	w, err := gomail.CreateWriter(buf, h)
	if err != nil {
		return err
	}
	if html == "" {
		var th gomail.InlineHeader
		refTextHeader(&th)
		tw, err := w.CreateSingleInline(th)
		if err != nil {
			return err
		}
		if err := refWriteClose(tw, text); err != nil {
			return err
		}
	} else {
		iw, err := w.CreateInline()
		if err != nil {
			return err
		}
		if err := refWriteParts(iw, text, html); err != nil {
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

// refWriteParts writes the text part and its HTML alternative.
func refWriteParts(w *gomail.InlineWriter, text, html string) error {
	for _, p := range []struct{ typ, body string }{{"text/plain", text}, {"text/html", strings.ReplaceAll(html, "\n", "\r\n")}} {
		var ph gomail.InlineHeader
		ph.SetContentType(p.typ, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := w.CreatePart(ph)
		if err != nil {
			return err
		}
		if err := refWriteClose(pw, p.body); err != nil {
			return err
		}
	}
	return nil
}

// contentHeader is what refTextHeader sets: go-message's header types share it.
type refContentHeader interface {
	SetContentType(string, map[string]string)
	Set(string, string)
}

func refTextHeader(h refContentHeader) {
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	h.Set("Content-Transfer-Encoding", "quoted-printable")
}

func refWriteClose(w io.WriteCloser, s string) error {
	if _, err := io.WriteString(w, s); err != nil {
		return err
	}
	return w.Close()
}

func refAddresses(l []mail.Address) []*mail.Address {
	out := make([]*mail.Address, len(l))
	for i, a := range l {
		out[i] = &mail.Address{Name: headerLine(a.Name), Address: a.Address}
	}
	return out
}
