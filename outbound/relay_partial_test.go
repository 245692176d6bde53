package outbound

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/emersion/go-smtp"
)

// rejSess accepts every recipient but gone@… and records what it got.
type rejSess struct {
	got  *[]string
	data *int
}

func (s *rejSess) Mail(string, *smtp.MailOptions) error { return nil }
func (s *rejSess) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasPrefix(to, "gone@") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such user"}
	}
	*s.got = append(*s.got, to)
	return nil
}
func (s *rejSess) Data(r io.Reader) error { io.Copy(io.Discard, r); *s.data++; return nil }
func (s *rejSess) Reset()                 {}
func (s *rejSess) Logout() error          { return nil }

// TestRelayOneRefusedRecipient: a stale Cc address refused by the relay does
// not keep the message from the others; only when every recipient is
// refused does the message fail.
func TestRelayOneRefusedRecipient(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	var got []string
	var data int
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &rejSess{got: &got, data: &data}, nil }))
	srv.Domain = "relay.test"
	srv.AllowInsecureAuth = true
	go srv.Serve(ln)
	defer srv.Close()
	r, err := NewSMTPRelay(SMTPRelayOptions{Addr: ln.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Send(context.Background(), "support@centre.example",
		[]string{"awa@example.org", "gone@example.org"}, []byte("Subject: x\r\n\r\nanswer\r\n"))
	var partial *PartialError
	if !errors.As(err, &partial) || len(partial.Refused) != 1 || !strings.HasPrefix(partial.Refused[0], "gone@example.org") {
		t.Errorf("Send = %v, want a PartialError naming gone@example.org", err)
	}
	if Permanent(err) || data != 1 || len(got) != 1 || got[0] != "awa@example.org" {
		t.Errorf("delivered %d times to %v (permanent %v), want once to awa@example.org", data, got, Permanent(err))
	}
	err = r.Send(context.Background(), "support@centre.example", []string{"gone@example.org"}, []byte("Subject: x\r\n\r\nanswer\r\n"))
	if !Permanent(err) || data != 1 {
		t.Errorf("every recipient refused: Send = %v (permanent %v), %d deliveries; want a permanent failure and none", err, Permanent(err), data)
	}
}
