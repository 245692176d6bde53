package outbound

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
)

// smtpConn is one SMTP session with a relay. It exists for PIPELINING
// (RFC 2920), which go-smtp's client lacks: with it a message costs two
// round trips (MAIL, RCPT and DATA in one write; the body and its dot in
// another) instead of four, and each round trip is a wake-up and a pair of
// system calls on both sides.
type smtpConn struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
	ext  map[string]string // EHLO keywords, upper case, to their parameters

	// timeout bounds each command's reply (the 354 to DATA included);
	// submission bounds the reply to the final dot.
	timeout, submission time.Duration
}

const (
	// maxReplyLines bounds a multi-line reply: a relay must not make us
	// read forever.
	maxReplyLines = 512
	// writeBuffer holds a usual acknowledgment with its dot, so that it
	// leaves in one write.
	writeBuffer = 16 << 10
)

func newSMTPConn(conn net.Conn, timeout time.Duration) *smtpConn {
	return &smtpConn{
		conn:       conn,
		r:          bufio.NewReader(conn),
		w:          bufio.NewWriterSize(conn, writeBuffer),
		timeout:    timeout,
		submission: 2 * timeout,
	}
}

func (c *smtpConn) Close() error { return c.conn.Close() }

// hello reads the greeting and says EHLO (HELO when the relay knows no
// EHLO, RFC 5321 §3.2).
func (c *smtpConn) hello(localName string) error {
	if err := validateLine(localName); err != nil {
		return err
	}
	c.deadline(c.timeout)
	if err := c.readExpect(220, false); err != nil {
		return err
	}
	return c.ehlo(localName)
}

func (c *smtpConn) ehlo(localName string) error {
	c.deadline(c.timeout)
	code, text, err := c.cmd(true, "EHLO ", localName)
	if err != nil {
		return err
	}
	if code == 500 || code == 502 {
		c.ext = nil
		return c.expectCmd(250, "HELO ", localName)
	}
	if code != 250 {
		return replyError(code, text)
	}
	c.ext = parseEHLO(text)
	return nil
}

// parseEHLO maps the keywords of an EHLO reply's text, past its first line
// (the relay's name), to their parameters.
func parseEHLO(text string) map[string]string {
	ext := make(map[string]string)
	_, text, _ = strings.Cut(text, "\n")
	for line := range strings.SplitSeq(text, "\n") {
		kw, param, _ := strings.Cut(line, " ")
		if kw != "" {
			ext[strings.ToUpper(kw)] = param
		}
	}
	return ext
}

func (c *smtpConn) supports(ext string) bool {
	_, ok := c.ext[ext]
	return ok
}

func (c *smtpConn) supportsAuth(mech string) bool {
	for m := range strings.FieldsSeq(c.ext["AUTH"]) {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}

// startTLS upgrades the session (RFC 3207) and says EHLO again, as the
// extensions offered may change.
func (c *smtpConn) startTLS(ctx context.Context, config *tls.Config, localName string) error {
	if !c.supports("STARTTLS") {
		return errors.New("relay does not offer STARTTLS")
	}
	c.deadline(c.timeout)
	if err := c.expectCmd(220, "STARTTLS", ""); err != nil {
		return err
	}
	// Anything the relay sent after its 220 came in clear and would be
	// taken as said under TLS (the STARTTLS command injection).
	if c.r.Buffered() > 0 {
		return errors.New("relay sent data before the TLS handshake")
	}
	tc := tls.Client(c.conn, config)
	if err := tc.HandshakeContext(ctx); err != nil {
		return err
	}
	c.conn = tc
	c.r.Reset(tc)
	c.w.Reset(tc)
	return c.ehlo(localName)
}

// auth authenticates with a (RFC 4954).
func (c *smtpConn) auth(a sasl.Client) error {
	mech, resp, err := a.Start()
	if err != nil {
		return err
	}
	arg := ""
	switch {
	case len(resp) > 0:
		arg = " " + base64.StdEncoding.EncodeToString(resp)
	case resp != nil:
		arg = " =" // an empty initial response (RFC 4954 §4)
	}
	c.deadline(c.timeout)
	code, text, err := c.cmd(true, "AUTH "+mech, arg)
	for err == nil && code == 334 {
		var challenge []byte
		if challenge, err = base64.StdEncoding.DecodeString(text); err == nil {
			resp, err = a.Next(challenge)
		}
		if err != nil {
			c.cmd(false, "*", "") // cancels the exchange (RFC 4954 §4)
			return err
		}
		c.deadline(c.timeout)
		code, text, err = c.cmd(true, base64.StdEncoding.EncodeToString(resp), "")
	}
	if err != nil {
		return err
	}
	if code != 235 {
		return replyError(code, text)
	}
	return nil
}

// reset ends any transaction (RSET), which also checks that the relay is
// still there.
func (c *smtpConn) reset() error {
	c.deadline(c.timeout)
	return c.expectCmd(250, "RSET", "")
}

// quit says goodbye and closes the connection whatever the answer.
func (c *smtpConn) quit() error {
	c.deadline(c.timeout)
	err := c.expectCmd(221, "QUIT", "")
	if cerr := c.conn.Close(); err == nil {
		err = cerr
	}
	return err
}

// send runs one mail transaction. A recipient the relay refuses is skipped
// and reported in refused, as long as another one was accepted; dataSent
// says whether the message may have reached the relay. When the relay
// offers PIPELINING (RFC 2920), MAIL, every RCPT and DATA leave in one
// write and their replies are read afterwards, every one of them and in
// order, so that a refusal leaves the session in step with the relay.
func (c *smtpConn) send(from string, to []string, raw []byte) (refused []string, dataSent bool, err error) {
	pipelining := c.supports("PIPELINING")
	c.deadline(c.timeout)
	c.w.WriteString("MAIL FROM:<")
	c.w.WriteString(from)
	c.w.WriteByte('>')
	// Only what go-smtp's client said before: the message is 8-bit MIME
	// at most, and its addresses are ASCII.
	if c.supports("8BITMIME") {
		c.w.WriteString(" BODY=8BITMIME")
	}
	c.w.WriteString("\r\n")
	if !pipelining {
		if err := c.readExpect(250, true); err != nil {
			return nil, false, err
		}
	}
	var refusal error // the first refusal, of MAIL or of a recipient
	accepted := 0
	for _, rcpt := range to {
		c.w.WriteString("RCPT TO:<")
		c.w.WriteString(rcpt)
		c.w.WriteString(">\r\n")
		if pipelining {
			continue
		}
		c.deadline(c.timeout)
		err := c.readExpect(25, true)
		if err == nil {
			accepted++
			continue
		}
		if !isReply(err) || closing(err) {
			return nil, false, err
		}
		refused = append(refused, rcpt+": "+err.Error())
		refusal = firstErr(refusal, err)
	}
	if !pipelining {
		if accepted == 0 {
			return nil, false, refusal
		}
		c.deadline(c.timeout)
	}
	c.w.WriteString("DATA\r\n")
	if err := c.w.Flush(); err != nil {
		return nil, false, err
	}
	if pipelining {
		// As long for the group as one by one, a timeout per command: a
		// relay may check every recipient before it answers any (it need
		// not reply before it has read all it was sent, RFC 2920 §3.2), and
		// a slow one must not be cut off for having been sent many at once.
		c.deadline(c.timeout * time.Duration(len(to)+2))
		mailErr := c.readExpect(250, false)
		if mailErr != nil && (!isReply(mailErr) || closing(mailErr)) {
			return nil, false, mailErr
		}
		for _, rcpt := range to {
			err := c.readExpect(25, false)
			switch {
			case err == nil:
				if mailErr == nil {
					accepted++
				}
			case !isReply(err) || closing(err):
				return nil, false, err
			case mailErr == nil: // after a refused MAIL they only say so again
				refused = append(refused, rcpt+": "+err.Error())
				refusal = firstErr(refusal, err)
			}
		}
		if mailErr != nil {
			refused, refusal = nil, mailErr
		}
	}
	code, text, err := c.reply(false)
	if err != nil {
		return nil, false, err
	}
	if accepted == 0 {
		if code == 354 {
			// No recipient, yet the relay waits for the message: an empty
			// one ends the exchange (RFC 2920 §3.1) and delivers nothing.
			c.deadline(c.submission)
			c.w.WriteString(".\r\n")
			if err := c.w.Flush(); err != nil {
				return nil, false, err
			}
			if code, text, err = c.reply(false); err != nil {
				return nil, false, err
			}
		}
		if code == 421 {
			return nil, false, replyError(code, text)
		}
		return nil, false, refusal
	}
	if code != 354 {
		return nil, false, replyError(code, text)
	}
	// The body may be long and the link slow: no bound on writing it but
	// the context, as before.
	c.conn.SetDeadline(time.Time{})
	writeDotted(c.w, raw)
	if err := c.w.Flush(); err != nil {
		return nil, true, err
	}
	c.deadline(c.submission)
	if err := c.readExpect(250, true); err != nil {
		return nil, true, err
	}
	return refused, true, nil
}

// firstErr keeps the first refusal.
func firstErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// writeDotted writes raw as the content of DATA (RFC 5321 §4.5.2): a dot
// starting a line is doubled, a bare LF becomes CRLF, and the final
// CRLF.CRLF ends it, as textproto's DotWriter does, with whole lines copied
// at once.
func writeDotted(w *bufio.Writer, raw []byte) {
	if len(raw) == 0 {
		w.WriteString("\r\n")
	}
	for len(raw) > 0 {
		if raw[0] == '.' {
			w.WriteByte('.')
		}
		i := bytes.IndexByte(raw, '\n')
		if i < 0 {
			w.Write(raw)
			if raw[len(raw)-1] != '\r' {
				w.WriteByte('\r')
			}
			w.WriteByte('\n')
			break
		}
		if i > 0 && raw[i-1] == '\r' {
			w.Write(raw[:i+1])
		} else {
			w.Write(raw[:i])
			w.WriteString("\r\n")
		}
		raw = raw[i+1:]
	}
	w.WriteString(".\r\n")
}

func (c *smtpConn) deadline(d time.Duration) {
	c.conn.SetDeadline(time.Now().Add(d))
}

// cmd writes verb+arg and reads the reply.
func (c *smtpConn) cmd(keepText bool, verb, arg string) (int, string, error) {
	c.w.WriteString(verb)
	c.w.WriteString(arg)
	c.w.WriteString("\r\n")
	if err := c.w.Flush(); err != nil {
		return 0, "", err
	}
	return c.reply(keepText)
}

// expectCmd writes verb+arg and reads its reply, which must be want.
func (c *smtpConn) expectCmd(want int, verb, arg string) error {
	code, text, err := c.cmd(false, verb, arg)
	if err != nil {
		return err
	}
	if code != want {
		return replyError(code, text)
	}
	return nil
}

// readExpect flushes what is pending when flush is set and reads a reply
// whose code must be want, or start with want's digits (25: 250-259).
func (c *smtpConn) readExpect(want int, flush bool) error {
	if flush {
		if err := c.w.Flush(); err != nil {
			return err
		}
	}
	code, text, err := c.reply(false)
	if err != nil {
		return err
	}
	if code == want || want < 100 && code/10 == want {
		return nil
	}
	return replyError(code, text)
}

// reply reads one reply. Its text (the lines joined by "\n") is kept when
// keepText is set or for a refusal (4yz, 5yz), whose text goes to the
// outbox: a success is not worth a string.
func (c *smtpConn) reply(keepText bool) (int, string, error) {
	var text strings.Builder
	code := 0
	for n := 0; ; n++ {
		line, err := c.r.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				err = errors.New("relay reply line too long")
			}
			return 0, "", err
		}
		lc, last, msg, err := parseReplyLine(line)
		if err != nil {
			return 0, "", err
		}
		if n == 0 {
			code = lc
			keepText = keepText || code >= 400
		} else if lc != code {
			return 0, "", fmt.Errorf("relay reply: code %d within a %d reply", lc, code)
		}
		if keepText {
			if n > 0 {
				text.WriteByte('\n')
			}
			text.Write(msg)
		}
		if last {
			return code, text.String(), nil
		}
		if n >= maxReplyLines {
			return 0, "", errors.New("relay reply too long")
		}
	}
}

// parseReplyLine splits a reply line: "250-text\r\n" continues the reply,
// "250 text\r\n" or "250\r\n" ends it (RFC 5321 §4.2).
func parseReplyLine(line []byte) (code int, last bool, text []byte, err error) {
	line = bytes.TrimRight(line, "\r\n")
	if len(line) < 3 || len(line) > 3 && line[3] != ' ' && line[3] != '-' {
		return 0, false, nil, fmt.Errorf("relay reply: malformed line %q", line)
	}
	for _, d := range line[:3] {
		if d < '0' || d > '9' {
			return 0, false, nil, fmt.Errorf("relay reply: malformed code %q", line)
		}
		code = code*10 + int(d-'0')
	}
	if code < 200 || code > 599 {
		return 0, false, nil, fmt.Errorf("relay reply: code %d out of range", code)
	}
	if len(line) == 3 {
		return code, true, nil, nil
	}
	return code, line[3] == ' ', line[4:], nil
}

// replyError is the relay's refusal as a *RelayError: 4yz is transient,
// 5yz permanent (RFC 5321 §4.2.1); an RFC 3463 enhanced code starting the
// text is kept apart, and taken off the following lines too (RFC 2034).
func replyError(code int, text string) *RelayError {
	e := &RelayError{Code: code, Text: text, Temporary: code < 500}
	first, rest, ok := strings.Cut(text, " ")
	if ok && enhancedCode(first) && first != "0.0.0" {
		e.Enhanced = first
		e.Text = strings.ReplaceAll(rest, "\n"+first+" ", "\n")
	}
	return e
}

// enhancedCode reports whether s is class.subject.detail in digits.
func enhancedCode(s string) bool {
	parts := 0
	for p := range strings.SplitSeq(s, ".") {
		parts++
		if _, err := strconv.ParseUint(p, 10, 16); err != nil || p == "" {
			return false
		}
	}
	return parts == 3
}

// validateAddrs checks the envelope before any command is written.
func validateAddrs(from string, to []string) error {
	if err := validateLine(from); err != nil {
		return err
	}
	for _, rcpt := range to {
		if err := validateLine(rcpt); err != nil {
			return err
		}
	}
	return nil
}

// validateLine keeps a value from ending a command early: an address with
// CR or LF would let its author add commands of their own.
func validateLine(s string) error {
	if strings.ContainsAny(s, "\r\n") {
		return errors.New("relay: a command line must not contain CR or LF")
	}
	return nil
}
