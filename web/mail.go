package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"net/url"
	"strings"
	texttemplate "text/template"
	"time"

	gomail "github.com/emersion/go-message/mail"
)

type mailTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

func parseMail() (mailTemplates, error) {
	t, err := texttemplate.New("").Option("missingkey=error").ParseFS(assets, "mail/*.txt.tmpl")
	if err != nil {
		return mailTemplates{}, fmt.Errorf("web: parse mail text: %w", err)
	}
	h, err := htmltemplate.New("").Option("missingkey=error").ParseFS(assets, "mail/*.html.tmpl")
	if err != nil {
		return mailTemplates{}, fmt.Errorf("web: parse mail html: %w", err)
	}
	return mailTemplates{text: t, html: h}, nil
}

type linkMail struct {
	subject, messageID string
	raw                []byte
}

// composeLink builds the « mes demandes » mail to addr: a link to its
// tickets, signed and valid for LinkTTL from now.
func (s *Server) composeLink(addr string, now time.Time) (linkMail, error) {
	exp := now.Add(s.o.LinkTTL)
	data := struct{ Centre, Address, URL, Expires string }{
		Centre: s.o.CentreName, Address: addr, Expires: s.frenchDate(exp),
		URL: s.o.PublicURL + "/mes-demandes/" + url.PathEscape(s.o.Tokens.AddressToken(addr, exp)),
	}
	var tb, hb bytes.Buffer
	if err := s.mailT.text.ExecuteTemplate(&tb, "mes-demandes.txt.tmpl", data); err != nil {
		return linkMail{}, fmt.Errorf("web: render link mail: %w", err)
	}
	if err := s.mailT.html.ExecuteTemplate(&hb, "mes-demandes.html.tmpl", data); err != nil {
		return linkMail{}, fmt.Errorf("web: render link mail: %w", err)
	}
	c := linkMail{
		subject:   "Vos demandes auprès du " + oneLine(s.o.CentreName),
		messageID: "<" + randomID() + "@" + s.o.Hostname + ">",
	}
	if !strings.HasPrefix(strings.ToLower(s.o.CentreName), "centre") {
		c.subject = "Vos demandes : " + oneLine(s.o.CentreName)
	}
	// go-message writes fields in reverse order of insertion.
	var h gomail.Header
	h.Set("MIME-Version", "1.0")
	h.Set("Content-Language", "fr")
	// RFC 3834 §5: a machine sends it; responders should keep quiet.
	h.Set("X-Auto-Response-Suppress", "All")
	h.Set("Auto-Submitted", "auto-generated")
	h.Set("Message-ID", c.messageID)
	h.SetDate(now)
	h.SetSubject(c.subject)
	h.SetAddressList("To", []*mail.Address{{Address: addr}})
	h.SetAddressList("From", []*mail.Address{{Name: oneLine(s.o.CentreName), Address: s.o.SupportAddress}})
	var buf bytes.Buffer
	w, err := gomail.CreateInlineWriter(&buf, h)
	if err != nil {
		return linkMail{}, fmt.Errorf("web: compose link mail: %w", err)
	}
	for _, p := range []struct{ typ, body string }{{"text/plain", tb.String()}, {"text/html", hb.String()}} {
		var ph gomail.InlineHeader
		ph.SetContentType(p.typ, map[string]string{"charset": "utf-8"})
		ph.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := w.CreatePart(ph)
		if err != nil {
			return linkMail{}, fmt.Errorf("web: compose link mail: %w", err)
		}
		if _, err := pw.Write([]byte(strings.ReplaceAll(p.body, "\n", "\r\n"))); err != nil {
			return linkMail{}, fmt.Errorf("web: compose link mail: %w", err)
		}
		if err := pw.Close(); err != nil {
			return linkMail{}, fmt.Errorf("web: compose link mail: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return linkMail{}, fmt.Errorf("web: compose link mail: %w", err)
	}
	c.raw = buf.Bytes()
	return c, nil
}

// oneLine keeps a configured name from breaking a header line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func randomID() string {
	var b [16]byte
	rand.Read(b[:])
	return strings.ToLower(b32.EncodeToString(b[:]))
}
