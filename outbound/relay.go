package outbound

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"

	"guichet/redact"
)

// Relay delivers one message. Errors are classified: a *RelayError says
// whether the failure is temporary; any other error is temporary (the
// network, a timeout, a full disk may all pass).
type Relay interface {
	Send(ctx context.Context, from string, to []string, raw []byte) error
}

// RelayError is a relay's refusal, with its reply kept for the outbox.
type RelayError struct {
	Code      int    // SMTP reply code, 0 when there was none
	Enhanced  string // RFC 3463 enhanced status code, "" when none
	Text      string // the relay's text
	Temporary bool
}

func (e *RelayError) Error() string {
	var b strings.Builder
	if e.Code != 0 {
		b.WriteString(strconv.Itoa(e.Code))
		b.WriteByte(' ')
	}
	if e.Enhanced != "" {
		b.WriteString(e.Enhanced)
		b.WriteByte(' ')
	}
	b.WriteString(e.Text)
	return b.String()
}

// Permanent reports whether err means the message can never be delivered as
// it is: a relay's 5xx reply (RFC 5321 §4.2.1).
func Permanent(err error) bool {
	var re *RelayError
	return errors.As(err, &re) && !re.Temporary
}

// NewRelay returns the relay that rawURL names (docs/configuration.md,
// GUICHET_RELAY_URL): "" writes .eml files under dataDir/outbox; smtp://
// plain SMTP; smtp+starttls:// SMTP upgraded with STARTTLS (required);
// smtps:// implicit TLS. user:pass in the URL authenticates (AUTH PLAIN, or
// LOGIN when PLAIN is not offered), which is refused without TLS unless the
// relay is on a loopback address.
func NewRelay(rawURL, dataDir string) (Relay, error) {
	if rawURL == "" {
		return NewDirRelay(filepath.Join(dataDir, "outbox"))
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		// url.Error quotes the whole URL, password included.
		return nil, fmt.Errorf("outbound: relay URL: %w", redact.Error(err, rawURL))
	}
	o := SMTPRelayOptions{Addr: u.Host}
	switch u.Scheme {
	case "smtp":
		o.Security, o.port = SecurityNone, "25"
	case "smtp+starttls":
		o.Security, o.port = SecuritySTARTTLS, "587"
	case "smtps":
		o.Security, o.port = SecurityTLS, "465"
	default:
		return nil, fmt.Errorf("outbound: relay URL scheme %q: want smtp, smtp+starttls or smtps", u.Scheme)
	}
	if u.User != nil {
		o.Username = u.User.Username()
		o.Password, _ = u.User.Password()
	}
	return NewSMTPRelay(o)
}

// Security is how the connection to an SMTP relay is protected.
type Security int

const (
	SecurityNone     Security = iota // plain SMTP
	SecuritySTARTTLS                 // STARTTLS required (RFC 3207)
	SecurityTLS                      // implicit TLS (RFC 8314)
)

// SMTPRelayOptions configure an SMTPRelay.
type SMTPRelayOptions struct {
	Addr               string // host:port
	Security           Security
	Username, Password string
	TLSConfig          *tls.Config // nil: system roots, ServerName from Addr
	LocalName          string      // EHLO name; default "localhost"
	Timeout            time.Duration
	// MaxIdle is how many connections are kept open between messages
	// (default 4); reusing them spares a TCP and TLS handshake and a
	// greeting per message.
	MaxIdle int

	port string // default port for the scheme
}

// SMTPRelay delivers through an SMTP relay, pipelining each message's
// commands when the relay offers it (smtpclient.go).
type SMTPRelay struct {
	o    SMTPRelayOptions
	host string
	mu   sync.Mutex
	idle []idleClient
}

// idleClient is a kept connection and when its last transaction ended.
type idleClient struct {
	c     *smtpConn
	since time.Time
}

// probeAfter: a connection kept longer than this is probed with RSET
// before it is used again. One used a moment ago needs no probe: a
// completed transaction leaves the session clean (RFC 5321 §4.1.4), and
// a relay that closed it meanwhile fails the MAIL command, which Send
// then retries once on a fresh connection. Under load that is one round
// trip fewer per message for both sides.
const probeAfter = 5 * time.Second

var (
	_ Relay = (*SMTPRelay)(nil)
	_ Relay = (*DirRelay)(nil)
)

// NewSMTPRelay checks o and returns the relay; it does not connect.
func NewSMTPRelay(o SMTPRelayOptions) (*SMTPRelay, error) {
	host, port, err := net.SplitHostPort(o.Addr)
	if err != nil {
		if o.port == "" {
			return nil, fmt.Errorf("outbound: relay address %q: %w", o.Addr, err)
		}
		host, port = o.Addr, o.port
	}
	if host == "" {
		return nil, fmt.Errorf("outbound: relay address %q has no host", o.Addr)
	}
	o.Addr = net.JoinHostPort(host, port)
	// RFC 4954 §4: the password must not cross the network in clear.
	if o.Username != "" && o.Security == SecurityNone && !isLoopback(host) {
		return nil, fmt.Errorf("outbound: relay %s: refusing AUTH without TLS to a non-loopback host (use smtp+starttls:// or smtps://)", host)
	}
	if o.Timeout == 0 {
		o.Timeout = time.Minute
	}
	if o.LocalName == "" {
		o.LocalName = "localhost"
	}
	if o.MaxIdle == 0 {
		o.MaxIdle = 4
	}
	if o.TLSConfig == nil {
		o.TLSConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	return &SMTPRelay{o: o, host: host}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers raw to the relay for the recipients to, with from as the
// envelope sender.
func (r *SMTPRelay) Send(ctx context.Context, from string, to []string, raw []byte) error {
	if len(to) == 0 {
		// Nothing to deliver, ever: said so rather than counted as sent.
		return &RelayError{Text: "no recipient", Temporary: false}
	}
	if err := validateAddrs(from, to); err != nil {
		return err
	}
	c, reused, err := r.client(ctx)
	if err != nil {
		return err
	}
	refused, dataSent, err := transact(ctx, c, from, to, raw)
	if err != nil && reused && !dataSent && (!isReply(err) || closing(err)) {
		// A kept connection may have been closed by the relay meanwhile
		// (or be closing: 421): one fresh attempt before calling it a
		// failure. Only before DATA: after it the relay may have taken the
		// message, and sending it again would deliver it twice.
		c.Close()
		if c, err = r.dial(ctx); err != nil {
			return err
		}
		refused, _, err = transact(ctx, c, from, to, raw)
	}
	if err != nil {
		// A refusal leaves the session in step with the relay (every
		// reply was read): once RSET has ended the transaction, the
		// connection serves the next message.
		if isReply(err) && !closing(err) && ctx.Err() == nil && c.reset() == nil {
			r.release(c)
		} else {
			c.Close()
		}
		return err
	}
	r.release(c)
	if len(refused) > 0 {
		return &PartialError{Refused: refused}
	}
	return nil
}

// PartialError reports a message delivered to some recipients while the
// relay refused others (a stale Cc address must not keep an agent's answer
// from the requester). The message counts as sent.
type PartialError struct {
	Refused []string // "address: relay reply"
}

func (e *PartialError) Error() string {
	return "destinataires refusés par le relais\u00a0: " + strings.Join(e.Refused, "; ")
}

// isReply reports whether err is the relay's reply, not a broken
// connection.
func isReply(err error) bool {
	var re *RelayError
	return errors.As(err, &re) && re.Code != 0
}

// closing reports the relay's 421: it is closing the connection (RFC 5321
// §3.8), as servers say of one idle too long.
func closing(err error) bool {
	var re *RelayError
	return errors.As(err, &re) && re.Code == 421
}

// transact sends one message; a context ending closes the connection,
// which ends whatever exchange was under way.
func transact(ctx context.Context, c *smtpConn, from string, to []string, raw []byte) (refused []string, dataSent bool, err error) {
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	// Once the relay has answered the end of DATA with 2xx, the message is
	// its responsibility: a context ending now changes nothing.
	return c.send(from, to, raw)
}

func (r *SMTPRelay) client(ctx context.Context) (*smtpConn, bool, error) {
	r.mu.Lock()
	if n := len(r.idle); n > 0 {
		k := r.idle[n-1]
		r.idle = r.idle[:n-1]
		r.mu.Unlock()
		if time.Since(k.since) < probeAfter {
			return k.c, true, nil
		}
		if err := k.c.reset(); err == nil {
			return k.c, true, nil
		}
		k.c.Close()
	} else {
		r.mu.Unlock()
	}
	c, err := r.dial(ctx)
	return c, false, err
}

func (r *SMTPRelay) release(c *smtpConn) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.idle) < r.o.MaxIdle {
		r.idle = append(r.idle, idleClient{c, time.Now()})
		return
	}
	go c.quit()
}

// Close closes the kept connections.
func (r *SMTPRelay) Close() error {
	r.mu.Lock()
	idle := r.idle
	r.idle = nil
	r.mu.Unlock()
	for _, k := range idle {
		k.c.quit()
	}
	return nil
}

func (r *SMTPRelay) dial(ctx context.Context) (*smtpConn, error) {
	d := net.Dialer{Timeout: r.o.Timeout}
	var conn net.Conn
	var err error
	if r.o.Security == SecurityTLS {
		td := tls.Dialer{NetDialer: &d, Config: r.o.TLSConfig}
		conn, err = td.DialContext(ctx, "tcp", r.o.Addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", r.o.Addr)
	}
	if err != nil {
		return nil, fmt.Errorf("outbound: relay %s: %w", r.o.Addr, err)
	}
	c := newSMTPConn(conn, r.o.Timeout)
	// The connection as dialled: STARTTLS replaces c.conn on this
	// goroutine, and closing the one beneath ends the session as well.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	// A refusal before MAIL FROM (greeting, EHLO, STARTTLS, AUTH) says
	// the relay or our configuration is wrong, not the message: it stays
	// temporary, so the queue drains once the relay or the password is
	// fixed instead of failing every message meanwhile.
	fail := func(step string, err error) (*smtpConn, error) {
		c.Close()
		return nil, fmt.Errorf("outbound: relay %s: %s%w", r.o.Addr, step, temporary(err))
	}
	if err := c.hello(r.o.LocalName); err != nil {
		return fail("", err)
	}
	if r.o.Security == SecuritySTARTTLS {
		// Without STARTTLS offered we never fall back to clear text: that
		// refusal is the point of smtp+starttls.
		cfg := r.o.TLSConfig
		if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
			cfg = cfg.Clone()
			cfg.ServerName = r.host
		}
		if err := c.startTLS(ctx, cfg, r.o.LocalName); err != nil {
			return fail("STARTTLS: ", err)
		}
	}
	if r.o.Username != "" {
		var a sasl.Client
		switch {
		case c.supportsAuth("PLAIN"):
			a = sasl.NewPlainClient("", r.o.Username, r.o.Password)
		case c.supportsAuth("LOGIN"):
			a = sasl.NewLoginClient(r.o.Username, r.o.Password)
		default:
			return fail("", &RelayError{Text: "relay offers neither AUTH PLAIN nor AUTH LOGIN", Temporary: true})
		}
		if err := c.auth(a); err != nil {
			return fail("", err)
		}
	}
	return c, nil
}

// temporary marks a relay's refusal as temporary.
func temporary(err error) error {
	var re *RelayError
	if errors.As(err, &re) {
		re.Temporary = true
	}
	return err
}

// DirRelay writes each message as a numbered .eml file in a directory: the
// default when no relay is configured, so a first run shows its mail.
type DirRelay struct {
	dir string
	mu  sync.Mutex
	seq int
}

// NewDirRelay creates dir if needed and continues its numbering.
func NewDirRelay(dir string) (*DirRelay, error) {
	// Outgoing mail holds tracking links and signed reply addresses: only
	// the service's user reads it. CreateTemp makes each file 0600.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("outbound: outbox directory: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("outbound: outbox directory: %w", err)
	}
	seq := 0
	for _, e := range entries {
		if n, err := strconv.Atoi(strings.TrimSuffix(e.Name(), ".eml")); err == nil && strings.HasSuffix(e.Name(), ".eml") && n > seq {
			seq = n
		}
	}
	return &DirRelay{dir: dir, seq: seq}, nil
}

// Send writes raw to the next NNNNNN.eml atomically: a temporary file is
// written and fsynced, then linked to its final name, which fails rather
// than overwrite a file another process wrote meanwhile; the directory is
// fsynced so the name survives a crash.
func (d *DirRelay) Send(ctx context.Context, from string, to []string, raw []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(d.dir, ".tmp-*.eml")
	if err != nil {
		return fmt.Errorf("outbound: outbox file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return fmt.Errorf("outbound: outbox file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("outbound: outbox file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("outbound: outbox file: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for {
		d.seq++
		name := filepath.Join(d.dir, fmt.Sprintf("%06d.eml", d.seq))
		err := os.Link(tmp.Name(), name)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("outbound: outbox file: %w", err)
		}
		break
	}
	if dir, err := os.Open(d.dir); err == nil {
		dir.Sync()
		dir.Close()
	}
	return nil
}
