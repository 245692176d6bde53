package smtpd

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"

	"guichet/sender"
	"guichet/store"
)

// backend creates one session per SMTP connection (and a new one after
// STARTTLS, as RFC 3207 §4.2 requires the state to be reset).
type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	tc := tracked(c.Conn())
	if tc == nil {
		// Only reachable if go-smtp is served another listener than ours.
		return nil, &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Service indisponible"}
	}
	_, isTLS := c.TLSConnectionState()
	tc.isTLS.Store(isTLS)
	client := c.Conn().RemoteAddr().String()
	ip := client
	if host, _, err := net.SplitHostPort(client); err == nil {
		ip = host
	}
	return &session{
		s:      b.s,
		conn:   c,
		tc:     tc,
		client: client,
		ip:     ip,
		tls:    isTLS,
		log:    b.s.log.With("client", client, "helo", c.Hostname(), "tls", isTLS),
	}, nil
}

// session is one SMTP connection's state; go-smtp calls it from the
// connection's goroutine only.
type session struct {
	s      *Server
	conn   *smtp.Conn
	tc     *trackedConn
	client string
	ip     string
	tls    bool
	log    *slog.Logger

	from  string
	rcpts []string
	seen  map[string]bool // recipients already accepted in this transaction
	bad   int             // commands this package rejected on this connection
	size  int64           // the message size declared in MAIL FROM, 0 if none
	// spf is the transaction's SPF check, started at its first recipient;
	// atomic because under BDAT, Data (which takes it) and Reset (which
	// stops it) may run at once.
	spf atomic.Pointer[sender.EarlySPF]
}

// Replies. Texts are generic on purpose: they reach bounces and logs of
// other systems. RFC 3463 gives the enhanced codes.
var (
	errRelayDenied = &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
		Message: "Destinataire inconnu : ce serveur ne relaie pas le courrier"}
	errTooManyRcpts = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 5, 3},
		Message: "Trop de destinataires pour ce message"}
	errRateLimited = &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 7, 1},
		Message: "Trop de messages depuis votre adresse, veuillez renvoyer le message plus tard"}
	errTooManyErrors = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0},
		Message: "Trop d'erreurs, fin de la connexion"}
	errShuttingDown = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 3, 2},
		Message: "Le service s'interrompt, veuillez revenir plus tard"}
	errTooLarge = &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4},
		Message: "Message trop volumineux"}
	errLineTooLong = &smtp.SMTPError{Code: 500, EnhancedCode: smtp.EnhancedCode{5, 5, 6},
		Message: "Ligne trop longue"}
	errTimeout = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2},
		Message: "Client trop lent, fin de la connexion"}
	errSessionTimeout = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2},
		Message: "Duree maximale de session atteinte, fin de la connexion"}
	errDataTimeout = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 4, 2},
		Message: "Duree maximale de transfert atteinte, fin de la connexion"}
	errBusy = &smtp.SMTPError{Code: 452, EnhancedCode: smtp.EnhancedCode{4, 3, 1},
		Message: "Serveur trop charge, veuillez renvoyer le message plus tard"}
	errTooManyConns = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0},
		Message: "Trop de connexions en cours, veuillez revenir plus tard"}
	errTooManyFromAddr = &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCode{4, 7, 0},
		Message: "Trop de connexions depuis votre adresse, veuillez revenir plus tard"}
)

// rawReply writes e as a reply line for the connections this package
// answers without go-smtp (refused at accept, or closed between commands).
func rawReply(e *smtp.SMTPError, hostname string) string {
	c := e.EnhancedCode
	return fmt.Sprintf("%d %d.%d.%d %s %s\r\n", e.Code, c[0], c[1], c[2], hostname, e.Message)
}

// temporaryFailure is the one reply for a message we could not store
// (RFC 5321 §4.2.5: the sender keeps it and retries). The id ties the
// client's bounce or log line to ours.
func temporaryFailure(id string) *smtp.SMTPError {
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "Erreur temporaire : veuillez renvoyer le message plus tard (id " + id + ")"}
}

// newErrorID returns a short random correlation id.
func newErrorID() string {
	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

func (s *session) Reset() {
	s.stopSPF()
	s.from = ""
	s.rcpts = nil
	s.seen = nil
	s.size = 0
	s.tc.endTx()
}

func (s *session) Logout() error {
	s.stopSPF()
	return nil
}

// startSPF starts the transaction's SPF check once, when its first
// recipient is accepted: before that the client may still be walking
// through addresses we refuse, and asking DNS for each would let it make
// us query at its pace.
func (s *session) startSPF() {
	if s.s.opts.SPF == nil || s.spf.Load() != nil {
		return
	}
	ip, err := netip.ParseAddr(s.ip)
	if err != nil {
		return
	}
	s.spf.Store(s.s.opts.SPF.StartSPF(s.s.deliverCtx, ip, s.conn.Hostname(), s.from))
}

func (s *session) stopSPF() { s.spf.Swap(nil).Stop() }

// reject counts a refused command and, past MaxBadCommands, ends the
// connection: a client walking through addresses learns nothing more.
func (s *session) reject(e *smtp.SMTPError) error {
	s.bad++
	if s.bad >= s.s.opts.MaxBadCommands {
		s.log.Warn("smtpd: too many rejected commands, closing", "rejected", s.bad)
		s.tc.hangup.Store(true)
		return errTooManyErrors
	}
	return e
}

func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if s.tc.draining.Load() {
		s.tc.hangup.Store(true)
		return errShuttingDown
	}
	if s.s.rate != nil && !s.s.rate.allow(s.ip) {
		s.log.Warn("smtpd: rate limit reached", "ip", s.ip, "per_minute", s.s.opts.RatePerMinute)
		return s.reject(errRateLimited)
	}
	s.stopSPF()
	s.from = from
	s.size = 0
	if opts != nil {
		s.size = opts.Size
	}
	s.rcpts = s.rcpts[:0]
	s.seen = nil
	s.tc.inTx.Store(true)
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if !s.s.policy.accepts(to) {
		s.log.Info("smtpd: recipient refused", "rcpt", to, "mail_from", s.from)
		return s.reject(errRelayDenied)
	}
	key := normalizeAddress(to)
	if s.seen[key] {
		// A repeated RCPT is the same recipient (RFC 5321 §3.3): one envelope
		// entry, one delivery.
		return nil
	}
	if len(s.rcpts) >= s.s.opts.MaxRecipients {
		s.log.Warn("smtpd: recipient limit reached", "max_recipients", s.s.opts.MaxRecipients, "mail_from", s.from)
		return errTooManyRcpts
	}
	if s.seen == nil {
		s.seen = make(map[string]bool, 2)
	}
	s.seen[key] = true
	s.rcpts = append(s.rcpts, to)
	s.startSPF()
	return nil
}

// Data reads the message, normalises bare LF line endings and hands it to
// the Deliverer. It returns nil (go-smtp's 250) only after Deliver returned
// nil; every other outcome is one of the typed replies above.
//
// The transfer's clock starts here and the connection stays "in DATA"
// until Reset, so that the rest of a refused message, which go-smtp reads
// and discards after Data returns, is still bounded by the per-read
// timeout and the transfer's total limit.
func (s *session) Data(r io.Reader) error {
	s.s.inflight.Add(1)
	defer s.s.inflight.Done()
	s.tc.startData(s.s.opts.DataTimeout)

	// Under BDAT (RFC 3030) go-smtp runs Data in a goroutine of its own and
	// may call Reset while it still runs: Data works on a copy of the
	// transaction, taken before its first read.
	env := store.Envelope{
		Transport:  "smtp",
		MailFrom:   s.from,
		RcptTo:     append([]string(nil), s.rcpts...),
		ClientAddr: s.ip,
		Helo:       s.conn.Hostname(),
		TLS:        s.tls,
	}

	// The SPF check started at RCPT is this message's now: a Reset that
	// follows no longer stops it, the end of Data does.
	early := s.spf.Swap(nil)
	defer early.Stop()
	ctx := sender.WithEarlySPF(s.s.deliverCtx, early)

	start := time.Now()
	buf := &messageBuffer{budget: s.s.budget, max: s.s.opts.MaxBytes, hint: min(s.size, s.s.opts.MaxBytes),
		spoolDir: s.s.opts.SpoolDir, spoolAbove: s.s.opts.SpoolAbove}
	defer buf.free()
	if _, err := buf.readFrom(r); err != nil {
		return s.dataReadError(env.MailFrom, err, buf.read())
	}
	s.tc.inData.Store(false)
	raw, err := buf.message(s.s.deliverCtx)
	if err != nil {
		return s.dataReadError(env.MailFrom, err, buf.read())
	}

	res, err := s.s.deliv.Deliver(ctx, raw, env)
	if err != nil {
		id := newErrorID()
		s.log.Error("smtpd: delivery failed, answered 451", "id", id, "err", err,
			"unavailable", errors.Is(err, store.ErrUnavailable), "mail_from", env.MailFrom,
			"rcpt", env.RcptTo, "size", len(raw))
		return temporaryFailure(id)
	}
	s.log.Info("smtpd: message accepted", "action", string(res.Action), "ticket", res.Ticket,
		"message_id", res.MessageID, "mail_from", env.MailFrom, "rcpt", env.RcptTo, "size", len(raw),
		"duration", time.Since(start))
	return nil
}

// dataReadError maps a failure while reading DATA. go-smtp discards the
// rest of the message after Data returns, without buffering it. A client
// that was too slow is disconnected: the rest of its message, still on
// the wire, would otherwise be read as commands.
func (s *session) dataReadError(from string, err error, read int64) error {
	switch {
	case errors.Is(err, smtp.ErrDataTooLarge):
		s.log.Warn("smtpd: message size limit reached", "max_bytes", s.s.opts.MaxBytes, "mail_from", from)
		return errTooLarge
	case errors.Is(err, smtp.ErrTooLongLine):
		s.log.Warn("smtpd: line length limit reached in DATA", "max_line", maxLineLength, "mail_from", from)
		return errLineTooLong
	case errors.Is(err, errBusy):
		s.log.Warn("smtpd: memory budget for messages in flight exhausted, answered 452",
			"memory_budget", s.s.opts.MemoryBudget, "in_flight", s.s.budget.used.Load(), "read", read, "mail_from", from)
		return errBusy
	case errors.Is(err, errDataTimeout), errors.Is(err, errSessionTimeout):
		// Logged by the connection, which also hangs up.
		return err
	case isTimeout(err):
		s.log.Warn("smtpd: read timeout in DATA", "read", read, "mail_from", from)
		s.tc.hangup.Store(true)
		return errTimeout
	}
	id := newErrorID()
	s.log.Warn("smtpd: DATA interrupted", "id", id, "err", err, "read", read, "mail_from", from)
	return temporaryFailure(id)
}

// normalizeBareLF turns every LF not preceded by CR into CRLF, as Postfix
// 3.9 does by default (smtpd_forbid_bare_newline = normalize). go-smtp's
// DATA reader already ends the message only on <CR><LF>.<CR><LF>, so a bare
// "<LF>.<LF>" or "<LF>.<CR><LF>" stays inside this message instead of
// starting another one (CVE-2023-51764). The common case, no bare LF,
// returns b unchanged without copying.
func normalizeBareLF(b []byte) []byte {
	bare := 0
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			bare++
		}
	}
	if bare == 0 {
		return b
	}
	out := make([]byte, 0, len(b)+bare)
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}
