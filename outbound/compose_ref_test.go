package outbound

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"

	gomail "github.com/emersion/go-message/mail"
)

// composeGoMessage is Compose as it was written with go-message's writers
// alone: the reference the one-pass Compose must match byte for byte.
// Mail with attachments is still written by writeMixed, unchanged.
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
		textHeader(&h)
		err = refWriteSingle(&buf, h, text)
	case len(m.Attachments) == 0:
		err = refWriteAlternative(&buf, h, text, m.HTML)
	default:
		err = writeMixed(&buf, h, text, m.HTML, m.Attachments)
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
	return writeClose(w, text)
}

func refWriteAlternative(buf *bytes.Buffer, h gomail.Header, text, html string) error {
	w, err := gomail.CreateInlineWriter(buf, h)
	if err != nil {
		return err
	}
	if err := writeParts(w, text, html); err != nil {
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
