package web

import (
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"guichet/outbound"
	"guichet/templates"
)

type linkMail struct {
	subject, messageID string
	raw                []byte
}

// composeLink builds the « mes demandes » mail to addr: a link to its
// tickets, signed and valid for LinkTTL from now.
func (s *Server) composeLink(addr string, now time.Time) (linkMail, error) {
	exp := now.Add(s.o.LinkTTL)
	body, err := templates.RenderLink(templates.Link{
		CentreName: s.o.CentreName, Address: addr, Expires: s.frenchDate(exp),
		URL: s.o.PublicURL + "/mes-demandes/" + url.PathEscape(s.o.Tokens.AddressToken(addr, exp)),
	})
	if err != nil {
		return linkMail{}, fmt.Errorf("web: render link mail: %w", err)
	}
	c := linkMail{
		subject:   "Vos demandes auprès du " + templates.OneLine(s.o.CentreName),
		messageID: outbound.NewMessageID(s.o.Hostname, now),
	}
	if !strings.HasPrefix(strings.ToLower(s.o.CentreName), "centre") {
		c.subject = "Vos demandes : " + templates.OneLine(s.o.CentreName)
	}
	c.raw, err = outbound.Compose(outbound.Mail{
		From: mail.Address{Name: templates.OneLine(s.o.CentreName), Address: s.o.SupportAddress},
		To:   []mail.Address{{Address: addr}}, Subject: c.subject, MessageID: c.messageID,
		// RFC 3834 §5: a machine sends it; responders should keep quiet.
		AutoSubmitted: "auto-generated", Date: now.In(s.o.Location), Text: body.Text, HTML: body.HTML,
	})
	if err != nil {
		return linkMail{}, fmt.Errorf("web: %w", err)
	}
	return c, nil
}
