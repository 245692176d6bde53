package outbound

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// scriptedRelay is a tiny SMTP server on loopback whose replies a test
// chooses. Offering PIPELINING, it answers nothing of a MAIL … DATA group
// until DATA has arrived, as a relay reading a whole segment may: a client
// waiting for each reply never gets one and times out. Without it, it
// notes any command sent before the previous one's reply.
type scriptedRelay struct {
	addr       string
	pipelining bool
	// answer returns the reply to cmd on the conn-th connection (from 1);
	// "" keeps the usual one. After DATA's 354 and the message, cmd is
	// "." for the reply to the final dot. A 421 closes the connection.
	// For "EHLO" it returns an extension to offer besides 8BITMIME.
	answer func(conn int, cmd string) string

	mu     sync.Mutex
	conns  int
	bodies [][]byte // each message as received, dot-stuffing undone
	early  []string // commands that came before the previous reply
}

func startScriptedRelay(t *testing.T, pipelining bool, answer func(conn int, cmd string) string) *scriptedRelay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &scriptedRelay{addr: ln.Addr().String(), pipelining: pipelining, answer: answer}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns++
			n := s.conns
			s.mu.Unlock()
			wg.Go(func() { s.serve(c, n) })
		}
	})
	return s
}

func (s *scriptedRelay) reply(conn int, cmd, usual string) string {
	if s.answer != nil {
		if a := s.answer(conn, cmd); a != "" {
			return a
		}
	}
	return usual
}

func (s *scriptedRelay) serve(c net.Conn, conn int) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	rd := bufio.NewReader(c)
	ext := "250 8BITMIME\r\n"
	if s.pipelining {
		ext = "250-PIPELINING\r\n" + ext
	}
	io.WriteString(c, "220 relay.test ESMTP\r\n")
	var held []string // replies of the group under way
	inTx := false     // a MAIL was accepted, the transaction is not over
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.TrimRight(line, "\r\n")
		if !s.pipelining && rd.Buffered() > 0 {
			s.mu.Lock()
			s.early = append(s.early, cmd)
			s.mu.Unlock()
		}
		verb, _, _ := strings.Cut(strings.ToUpper(cmd), " ")
		var r string
		switch verb {
		case "EHLO":
			r = "250-relay.test\r\n" + ext
			if x := s.reply(conn, "EHLO", ""); x != "" {
				r = "250-relay.test\r\n250-" + x + "\r\n" + ext
			}
		case "STARTTLS":
			r = s.reply(conn, cmd, "454 4.7.0 TLS not available") + "\r\n"
		case "MAIL":
			if inTx { // RFC 5321 §4.1.4: RSET must end it first
				r = "503 5.5.1 nested MAIL command\r\n"
				break
			}
			r = s.reply(conn, cmd, "250 2.0.0 ok") + "\r\n"
			inTx = strings.HasPrefix(r, "2")
		case "RSET":
			inTx = false
			r = "250 2.0.0 ok\r\n"
		case "RCPT", "NOOP":
			r = s.reply(conn, cmd, "250 2.0.0 ok") + "\r\n"
		case "DATA":
			r = s.reply(conn, cmd, "354 go ahead") + "\r\n"
		case "QUIT":
			io.WriteString(c, "221 2.0.0 bye\r\n")
			return
		default:
			r = "502 5.5.2 unknown command\r\n"
		}
		if s.pipelining && (verb == "MAIL" || verb == "RCPT") {
			held = append(held, r)
			continue
		}
		for _, h := range append(held, r) {
			io.WriteString(c, h)
			if strings.HasPrefix(h, "421") {
				return
			}
		}
		held = held[:0]
		if verb != "DATA" || !strings.HasPrefix(r, "354") {
			continue
		}
		var body bytes.Buffer
		for {
			l, err := rd.ReadString('\n')
			if err != nil {
				return
			}
			if l == ".\r\n" {
				break
			}
			body.WriteString(strings.TrimPrefix(l, "."))
		}
		s.mu.Lock()
		s.bodies = append(s.bodies, body.Bytes())
		s.mu.Unlock()
		inTx = false
		r = s.reply(conn, ".", "250 2.0.0 queued")
		io.WriteString(c, r+"\r\n")
		if strings.HasPrefix(r, "421") {
			return
		}
	}
}

// newTestRelay is a relay client for addr that gives up on a silent relay
// after 2 s, not a minute.
func newTestRelay(t *testing.T, addr string) *SMTPRelay {
	t.Helper()
	rel, err := NewSMTPRelay(SMTPRelayOptions{Addr: addr, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rel.Close() })
	return rel
}

func (s *scriptedRelay) state() (conns int, bodies [][]byte, early []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns, append([][]byte(nil), s.bodies...), append([]string(nil), s.early...)
}

// TestRelayPipelining: with PIPELINING offered, MAIL, the RCPTs and DATA
// leave together and every reply is read in order, so that whatever the
// relay refuses, the connection stays in step and carries the next
// message.
func TestRelayPipelining(t *testing.T) {
	const from, good, gone = "support@aide.example.org", "awa@example.org", "gone@example.org"
	refuse := func(cmd, answer string) func(int, string) string {
		return func(_ int, c string) string {
			if c == cmd {
				return answer
			}
			return ""
		}
	}
	for _, tc := range []struct {
		name      string
		to        []string
		answer    func(int, string) string
		code      int    // the RelayError's, 0: none
		permanent bool   //
		refused   string // the PartialError's single refused address
		bodies    int    // messages the relay got
		empty     bool   // the one it got was the lone dot
	}{
		{name: "accepted", to: []string{good, "omar@example.org"}, bodies: 1},
		{name: "one recipient refused", to: []string{good, gone}, bodies: 1, refused: gone,
			answer: refuse("RCPT TO:<"+gone+">", "550 5.1.1 no such user")},
		{name: "every recipient refused", to: []string{gone}, code: 550, permanent: true,
			answer: func(_ int, c string) string {
				switch c {
				case "RCPT TO:<" + gone + ">":
					return "550 5.1.1 no such user"
				case "DATA":
					return "554 5.5.1 no valid recipients"
				}
				return ""
			}},
		{name: "every recipient refused, DATA accepted", to: []string{gone}, code: 550, permanent: true, bodies: 1, empty: true,
			answer: refuse("RCPT TO:<"+gone+">", "550 5.1.1 no such user")},
		{name: "MAIL refused", to: []string{good, gone}, code: 553, permanent: true,
			answer: func(_ int, c string) string {
				switch {
				case strings.HasPrefix(c, "MAIL"):
					return "553 5.7.1 sender not allowed"
				case strings.HasPrefix(c, "RCPT"):
					return "503 5.5.1 MAIL first"
				case c == "DATA":
					return "503 5.5.1 RCPT first"
				}
				return ""
			}},
		{name: "DATA refused", to: []string{good}, code: 451, answer: refuse("DATA", "451 4.3.0 try later")},
		{name: "message refused", to: []string{good}, code: 550, permanent: true, bodies: 1,
			answer: refuse(".", "550 5.7.1 spam")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mails atomic.Int32 // the answers are for the first message only
			s := startScriptedRelay(t, true, func(conn int, cmd string) string {
				if strings.HasPrefix(cmd, "MAIL") {
					mails.Add(1)
				}
				if tc.answer == nil || mails.Load() != 1 {
					return ""
				}
				return tc.answer(conn, cmd)
			})
			rel := newTestRelay(t, s.addr)
			err := rel.Send(context.Background(), from, tc.to, testMsg)
			var re *RelayError
			var partial *PartialError
			switch {
			case tc.code != 0:
				if !errors.As(err, &re) || re.Code != tc.code || Permanent(err) != tc.permanent {
					t.Fatalf("Send = %v, want a RelayError %d (permanent %v)", err, tc.code, tc.permanent)
				}
			case tc.refused != "":
				if !errors.As(err, &partial) || len(partial.Refused) != 1 || !strings.HasPrefix(partial.Refused[0], tc.refused+": 550 5.1.1") {
					t.Fatalf("Send = %v, want a PartialError naming %s", err, tc.refused)
				}
			case err != nil:
				t.Fatalf("Send = %v", err)
			}
			if _, bodies, _ := s.state(); len(bodies) != tc.bodies {
				t.Fatalf("relay got %d messages, want %d", len(bodies), tc.bodies)
			} else if tc.empty && len(bodies[0]) != 0 {
				t.Fatalf("no recipient, yet the relay got %q", bodies[0])
			}
			// The next message goes out on the same connection.
			if err := rel.Send(context.Background(), from, []string{good}, testMsg); err != nil {
				t.Fatalf("next Send: %v", err)
			}
			conns, bodies, _ := s.state()
			if conns != 1 || !bytes.Equal(bodies[len(bodies)-1], testMsg) {
				t.Errorf("next message on connection %d: %q; want the first, %q", conns, bodies[len(bodies)-1], testMsg)
			}
		})
	}
}

// TestRelayWithoutPipelining: a relay that does not offer PIPELINING gets
// each command after the previous reply, and a refusal still leaves the
// connection usable.
func TestRelayWithoutPipelining(t *testing.T) {
	s := startScriptedRelay(t, false, func(_ int, cmd string) string {
		if cmd == "RCPT TO:<gone@example.org>" {
			return "550 5.1.1 no such user"
		}
		return ""
	})
	rel := newTestRelay(t, s.addr)
	var partial *PartialError
	if err := rel.Send(context.Background(), "a@b.example", []string{"gone@example.org", "awa@example.org"}, testMsg); !errors.As(err, &partial) {
		t.Fatalf("Send = %v, want a PartialError", err)
	}
	if err := rel.Send(context.Background(), "a@b.example", []string{"gone@example.org"}, testMsg); !Permanent(err) {
		t.Fatalf("Send = %v, want a permanent refusal", err)
	}
	if err := rel.Send(context.Background(), "a@b.example", []string{"awa@example.org"}, testMsg); err != nil {
		t.Fatal(err)
	}
	if err := rel.Send(context.Background(), "a@b.example", nil, testMsg); !Permanent(err) {
		t.Fatalf("Send to nobody = %v, want a permanent failure", err)
	}
	if err := rel.Send(context.Background(), "a@b.example", []string{"awa@example.org"}, testMsg); err != nil {
		t.Fatal(err)
	}
	conns, bodies, early := s.state()
	if conns != 1 || len(bodies) != 3 || len(early) != 0 {
		t.Errorf("%d connections, %d messages, commands sent before their turn %q; want 1, 3, none", conns, len(bodies), early)
	}
}

// TestRelayRefusedSenderGoSMTP: go-smtp's server pipelines too; after it
// refuses MAIL (and so the RCPTs and DATA) the connection carries the
// next message.
func TestRelayRefusedSenderGoSMTP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns atomic.Int32
	var got []string
	var data int
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		conns.Add(1)
		return &blockSess{rejSess{got: &got, data: &data}}, nil
	}))
	srv.Domain = "relay.test"
	srv.ErrorLog = discardLog{}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	rel := newTestRelay(t, ln.Addr().String())
	err = rel.Send(context.Background(), "blocked@example.org", []string{"awa@example.org"}, testMsg)
	var re *RelayError
	if !errors.As(err, &re) || re.Code != 553 || re.Enhanced != "5.7.1" || !Permanent(err) {
		t.Fatalf("Send = %v, want the permanent 553 5.7.1", err)
	}
	if err := rel.Send(context.Background(), "support@aide.example.org", []string{"awa@example.org", "gone@example.org"}, testMsg); !errors.As(err, new(*PartialError)) {
		t.Fatalf("Send = %v, want a PartialError", err)
	}
	if n := conns.Load(); n != 1 || data != 1 || len(got) != 1 {
		t.Errorf("%d connections, %d messages to %v; want 1 connection, 1 message to awa@example.org", n, data, got)
	}
}

type blockSess struct{ rejSess }

func (s *blockSess) Mail(from string, _ *smtp.MailOptions) error {
	if strings.HasPrefix(from, "blocked@") {
		return &smtp.SMTPError{Code: 553, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "sender not allowed"}
	}
	return nil
}

func TestReadReply(t *testing.T) {
	for _, tc := range []struct {
		in       string
		code     int
		text     string // kept for refusals only
		enhanced string
		errText  string // replyError's Text
		bad      bool
	}{
		{in: "250 2.1.0 ok\r\n", code: 250},
		{in: "250\r\n", code: 250},
		{in: "354 go ahead\n", code: 354},
		{in: "550 5.1.1 no such user\r\n", code: 550, text: "5.1.1 no such user", enhanced: "5.1.1", errText: "no such user"},
		{in: "451-4.3.0 first\r\n451-4.3.0 second\r\n451 4.3.0 third\r\n", code: 451,
			text: "4.3.0 first\n4.3.0 second\n4.3.0 third", enhanced: "4.3.0", errText: "first\nsecond\nthird"},
		{in: "554 no enhanced code here\r\n", code: 554, text: "no enhanced code here", errText: "no enhanced code here"},
		{in: "550 5.1 not quite\r\n", code: 550, text: "5.1 not quite", errText: "5.1 not quite"},
		{in: "421 \r\n", code: 421, errText: ""},
		{in: "25 short\r\n", bad: true},
		{in: "abc text\r\n", bad: true},
		{in: "250_text\r\n", bad: true},
		{in: "650 out of range\r\n", bad: true},
		{in: "250-first\r\n251 other code\r\n", bad: true},
		{in: "250-cut short\r\n", bad: true},
		{in: "250 " + strings.Repeat("x", 5000) + "\r\n", bad: true},
		{in: strings.Repeat("250-x\r\n", maxReplyLines+2) + "250 x\r\n", bad: true},
	} {
		c := &smtpConn{r: bufio.NewReader(strings.NewReader(tc.in))}
		code, text, err := c.reply(false)
		if tc.bad {
			if err == nil {
				t.Errorf("reply(%.40q) = %d %q, want an error", tc.in, code, text)
			}
			continue
		}
		if err != nil || code != tc.code || text != tc.text {
			t.Errorf("reply(%q) = %d %q %v, want %d %q", tc.in, code, text, err, tc.code, tc.text)
			continue
		}
		if code >= 400 {
			re := replyError(code, text)
			if re.Enhanced != tc.enhanced || re.Text != tc.errText || re.Temporary != (code < 500) {
				t.Errorf("replyError(%d, %q) = %+v, want enhanced %q text %q", code, text, re, tc.enhanced, tc.errText)
			}
		}
	}
	// EHLO keeps its text for the extensions.
	c := &smtpConn{r: bufio.NewReader(strings.NewReader("250-relay.test greets you\r\n250-pipelining\r\n250-SIZE 1000\r\n250 AUTH PLAIN LOGIN\r\n"))}
	_, text, err := c.reply(true)
	if err != nil {
		t.Fatal(err)
	}
	ext := parseEHLO(text)
	if _, ok := ext["PIPELINING"]; !ok || ext["SIZE"] != "1000" || ext["AUTH"] != "PLAIN LOGIN" || len(ext) != 3 {
		t.Errorf("parseEHLO(%q) = %v", text, ext)
	}
}

// FuzzReply: no input makes the reply reader panic, and a reply it
// accepts has a code in range.
func FuzzReply(f *testing.F) {
	for _, s := range []string{"250 ok\r\n", "250-a\r\n250 b\r\n", "550 5.1.1 x\r\n", "250\r\n", "2", "\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c := &smtpConn{r: bufio.NewReader(strings.NewReader(in))}
		for {
			code, text, err := c.reply(false)
			if err != nil {
				return
			}
			if code < 200 || code > 599 {
				t.Fatalf("code %d from %q", code, in)
			}
			replyError(code, text)
		}
	})
}

// FuzzWriteDotted: the DATA content is what textproto's DotWriter (which
// go-smtp's client used) writes, but for a CR before CR LF, which it
// doubles.
func FuzzWriteDotted(f *testing.F) {
	for _, s := range []string{"", "a", ".", "a\r\n", "a\n.b\r\n..c\r", "\r\n.\r\n", "x\r", testMsg2} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		if strings.Contains(in, "\r\r") {
			t.Skip()
		}
		var got, want bytes.Buffer
		bw := bufio.NewWriter(&got)
		writeDotted(bw, []byte(in))
		bw.Flush()
		tw := bufio.NewWriter(&want)
		dw := textproto.NewWriter(tw).DotWriter()
		io.WriteString(dw, in)
		dw.Close()
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Fatalf("writeDotted(%q) = %q, want %q", in, got.Bytes(), want.Bytes())
		}
	})
}

const testMsg2 = "Subject: x\r\n\r\n.hidden\r\nbare\nend"

// TestRelaySTARTTLS: smtp+starttls never falls back to clear text, when
// the relay does not offer STARTTLS or when something was sent after its
// 220 (in clear, it would be taken as said under TLS and answer our first
// commands). The failure is temporary: the relay's configuration, not the
// message.
func TestRelaySTARTTLS(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer map[string]string
		want   string
	}{
		{"not offered", nil, "does not offer STARTTLS"},
		{"data after 220", map[string]string{"EHLO": "STARTTLS", "STARTTLS": "220 2.0.0 go ahead\r\n250 2.0.0 injected"}, "before the TLS handshake"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startScriptedRelay(t, true, func(_ int, cmd string) string {
				if strings.HasPrefix(cmd, "MAIL") {
					t.Errorf("MAIL in clear: %q", cmd)
				}
				return tc.answer[cmd]
			})
			rel, err := NewSMTPRelay(SMTPRelayOptions{Addr: s.addr, Security: SecuritySTARTTLS, Timeout: 2 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { rel.Close() })
			err = rel.Send(context.Background(), "a@b.example", []string{"awa@example.org"}, testMsg)
			if err == nil || Permanent(err) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Send = %v, want a temporary failure: %s", err, tc.want)
			}
		})
	}
}

// A pipelined group has as long as its commands one by one: a relay that
// takes 600 ms to check each of five recipients, under a 2 s timeout per
// command, takes the message (one command's timeout for the whole group
// cut it off, on every retry). The scripted relay answers a group only
// once it has read all of it, as a relay may.
func TestRelaySlowRecipients(t *testing.T) {
	for _, pl := range []bool{false, true} {
		t.Run(fmt.Sprintf("pipelining %v", pl), func(t *testing.T) {
			s := startScriptedRelay(t, pl, func(conn int, cmd string) string {
				if strings.HasPrefix(cmd, "RCPT") {
					time.Sleep(600 * time.Millisecond)
				}
				return ""
			})
			rel := newTestRelay(t, s.addr)
			to := []string{"a@x.test", "b@x.test", "c@x.test", "d@x.test", "e@x.test"}
			if err := rel.Send(context.Background(), "from@x.test", to, []byte("Subject: x\r\n\r\nhi\r\n")); err != nil {
				t.Fatalf("Send: %v", err)
			}
			if _, bodies, _ := s.state(); len(bodies) != 1 {
				t.Errorf("%d messages delivered, want 1", len(bodies))
			}
		})
	}
}
