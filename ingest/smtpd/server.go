package smtpd

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"

	"guichet/ingest"
	"guichet/sender"
)

// Defaults for the zero values of Options.
const (
	DefaultMaxBytes        = 25 << 20 // GUICHET_SMTP_MAX_BYTES (docs/configuration.md)
	DefaultMaxRecipients   = 50
	DefaultMaxConns        = 200
	DefaultRatePerMinute   = 120             // GUICHET_SMTP_RATE
	DefaultReadTimeout     = 5 * time.Minute // RFC 5321 §4.5.3.2.7: server timeout 5 minutes
	DefaultWriteTimeout    = 1 * time.Minute
	DefaultMaxBadCommands  = 20
	DefaultShutdownTimeout = 30 * time.Second
	// DefaultMaxConnsPerIP (GUICHET_SMTP_MAX_CONNS_PER_IP) lets an MTA open
	// several parallel connections (Postfix opens up to 20 per destination,
	// most MTAs far fewer) while one address holds at most 1/20 of
	// DefaultMaxConns.
	DefaultMaxConnsPerIP = 10
	// DefaultDataTimeout bounds one DATA transfer in total: 25 MiB in 5
	// minutes needs about 700 kbit/s, which any link an MTA sends from
	// exceeds; a client slower than that is trickling, and a legitimate one
	// gets a temporary 421 and retries.
	DefaultDataTimeout = 5 * time.Minute
	// DefaultSessionTimeout bounds a whole session: two full-size
	// transfers at the slowest accepted rate; an MTA with more to send
	// reconnects, as it does after any 421.
	DefaultSessionTimeout = 10 * time.Minute
	// DefaultMemoryBudget bounds the message bytes held across all
	// connections: about five messages of the largest size at once, while
	// the usual small messages are never refused. The pipeline holds
	// several times a message's size while it parses and stores it, so a
	// larger budget would take the process past the soft memory limit
	// guichet serve sets (1 GiB).
	DefaultMemoryBudget = 128 << 20
	DefaultHostname     = "localhost"

	// maxLineLength bounds one command line and one line of DATA. RFC 5321
	// §4.5.3.1.6 says 1000 octets, but real mail (unwrapped HTML, long
	// headers) exceeds it and Postfix accepts such lines; 64 KiB keeps the
	// per-connection command buffer small while accepting that mail.
	maxLineLength = 64 << 10
)

// Options configure a Server. Zero values take the defaults above.
type Options struct {
	Addr     string // for ListenAndServe, e.g. "127.0.0.1:2525"
	Hostname string // banner and EHLO name

	// Domains whose recipients may be accepted. Empty: the domains of Addresses.
	Domains []string
	// Addresses declared for those domains (support address, alert addresses,
	// ...); each also accepts its local+detail@ sub-addresses.
	Addresses []string

	MaxBytes      int64 // largest message; 552 5.3.4 beyond
	MaxRecipients int   // per message; 452 4.5.3 beyond
	MaxConns      int   // concurrent connections; 421 4.7.0 beyond
	// RatePerMinute is the number of messages (MAIL commands) one client IP
	// may start per minute; 451 4.7.1 beyond. Zero means the default; a
	// negative value (or NoRateLimit) disables the limit.
	RatePerMinute int

	// MaxConnsPerIP caps the simultaneous connections of one client
	// address (421 4.7.0 beyond), so that one client cannot take the
	// MaxConns slots others need. Zero means the default; a negative value
	// (Unlimited) disables the limit.
	MaxConnsPerIP int
	// TrustedRelays are the centre's own MTAs, exempt from MaxConnsPerIP:
	// they carry everyone's mail.
	TrustedRelays []netip.Prefix

	// ReadTimeout bounds each read; SessionTimeout and DataTimeout bound a
	// whole session and a whole DATA transfer, which commands, NOOPs and
	// trickled bytes do not extend (421 4.4.2 beyond; a transfer cut short
	// stores nothing).
	ReadTimeout, WriteTimeout   time.Duration
	SessionTimeout, DataTimeout time.Duration
	// MemoryBudget bounds the message bytes held in memory across all
	// connections; a message that does not fit gets 452 4.3.1. It is at
	// least twice MaxBytes, so that a message of the largest size fits
	// while its buffer grows.
	MemoryBudget int64
	// SpoolAbove is the size past which a message goes to a private
	// temporary file in SpoolDir (os.TempDir when empty) while it arrives,
	// instead of memory; it is read back once, whole, at the end of DATA.
	// Zero means DefaultSpoolAbove; Unlimited keeps every message in memory.
	SpoolAbove int64
	SpoolDir   string
	// ReleaseMemory, when set, is called once nothing is in flight after a
	// quarter of MemoryBudget was in use, to give the memory of a burst of
	// large messages back to the system (debug.FreeOSMemory).
	ReleaseMemory func()
	// MaxBadCommands is the number of commands this package rejects (unknown
	// recipients, refused MAIL) before it closes the connection with 421.
	MaxBadCommands int
	// ShutdownTimeout is how long in-flight transactions may take once Serve's
	// context is cancelled.
	ShutdownTimeout time.Duration

	// SPF, when set, starts each transaction's SPF check as soon as its
	// first recipient is accepted, so that its DNS questions overlap the
	// transfer of DATA; the check travels to the Deliverer in the context
	// (sender.WithEarlySPF), where the same Checker's Check takes its
	// result. RSET, a new MAIL or the end of the session stops it.
	SPF *sender.Checker

	TLSConfig *tls.Config // STARTTLS is offered when set
	Logger    *slog.Logger
	Clock     func() time.Time // for the rate limiter; time.Now when nil
}

// Unlimited disables a limit whose zero value means its default.
const Unlimited = -1

// NoRateLimit disables the per-client rate limit (GUICHET_SMTP_RATE=0).
const NoRateLimit = Unlimited

// Server is an SMTP receiver. Serve it once.
type Server struct {
	opts   Options
	log    *slog.Logger
	deliv  ingest.Deliverer
	policy *recipientPolicy
	rate   *rateLimiter // nil when disabled
	budget *memoryBudget
	smtp   *smtp.Server

	mu       sync.Mutex
	ln       net.Listener
	conns    map[*trackedConn]struct{}
	draining bool

	// deliverCtx outlives Serve's context so that deliveries in progress can
	// commit during the drain; cancelDeliver ends them at the drain deadline.
	deliverCtx    context.Context
	cancelDeliver context.CancelFunc
	inflight      sync.WaitGroup
}

// New checks the options and builds a Server that hands each accepted
// message to d.
func New(o Options, d ingest.Deliverer) (*Server, error) {
	if d == nil {
		return nil, errors.New("smtpd: nil Deliverer")
	}
	if o.Hostname == "" {
		o.Hostname = DefaultHostname
	}
	positive(&o.MaxBytes, DefaultMaxBytes)
	positive(&o.MaxRecipients, DefaultMaxRecipients)
	positive(&o.MaxConns, DefaultMaxConns)
	if o.RatePerMinute == 0 {
		o.RatePerMinute = DefaultRatePerMinute
	}
	if o.MaxConnsPerIP == 0 {
		o.MaxConnsPerIP = DefaultMaxConnsPerIP
	}
	positive(&o.ReadTimeout, DefaultReadTimeout)
	positive(&o.WriteTimeout, DefaultWriteTimeout)
	positive(&o.SessionTimeout, DefaultSessionTimeout)
	positive(&o.DataTimeout, DefaultDataTimeout)
	positive(&o.MemoryBudget, DefaultMemoryBudget)
	o.MemoryBudget = max(o.MemoryBudget, 2*o.MaxBytes)
	if o.SpoolAbove == 0 {
		o.SpoolAbove = DefaultSpoolAbove
	}
	if o.SpoolDir != "" {
		if err := os.MkdirAll(o.SpoolDir, 0o700); err != nil {
			return nil, fmt.Errorf("smtpd: spool directory: %w", err)
		}
	}
	positive(&o.MaxBadCommands, DefaultMaxBadCommands)
	positive(&o.ShutdownTimeout, DefaultShutdownTimeout)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	pol, err := newRecipientPolicy(o.Domains, o.Addresses)
	if err != nil {
		return nil, err
	}
	for _, a := range pol.unreachable {
		o.Logger.Warn("smtpd: declared address outside the accepted domains, SMTP will refuse it", "address", a)
	}

	s := &Server{
		opts:   o,
		log:    o.Logger,
		deliv:  d,
		policy: pol,
		conns:  make(map[*trackedConn]struct{}),
		budget: &memoryBudget{limit: o.MemoryBudget, onIdle: o.ReleaseMemory},
	}
	if o.RatePerMinute > 0 {
		s.rate = newRateLimiter(o.RatePerMinute, o.Clock)
	}
	s.deliverCtx, s.cancelDeliver = context.WithCancel(context.Background())

	srv := smtp.NewServer(backend{s})
	srv.Domain = o.Hostname
	srv.MaxMessageBytes = o.MaxBytes // advertised as SIZE (RFC 1870) and enforced by go-smtp's DATA reader
	srv.MaxRecipients = 0            // enforced in Session.Rcpt so that it is logged
	srv.MaxLineLength = maxLineLength
	srv.ReadTimeout = o.ReadTimeout
	srv.WriteTimeout = o.WriteTimeout
	srv.EnableSMTPUTF8 = true // RFC 6531: addresses and headers are stored as received
	srv.TLSConfig = o.TLSConfig
	srv.ErrorLog = slogPrinter{o.Logger}
	s.smtp = srv
	return s, nil
}

// positive gives an option its default when it is zero or negative.
func positive[T int | int64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// ListenAndServe listens on Options.Addr and serves until ctx is cancelled.
func (s *Server) ListenAndServe(ctx context.Context) error {
	addr := s.opts.Addr
	if addr == "" {
		addr = "127.0.0.1:2525"
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("smtpd: listen %s: %w", addr, err)
	}
	return s.Serve(ctx, ln)
}

// Addr is the address being served, nil before Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Serve accepts connections on ln until ctx is cancelled, then stops
// accepting, lets transactions in progress finish (up to
// Options.ShutdownTimeout), closes everything and returns nil. It returns an
// error only when the listener fails.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.ln != nil {
		s.mu.Unlock()
		return errors.New("smtpd: Serve called twice")
	}
	wl := &limitListener{Listener: ln, srv: s, slots: make(chan struct{}, s.opts.MaxConns),
		perIP: newPerIPLimiter(s.opts.MaxConnsPerIP, s.opts.TrustedRelays)}
	s.ln = wl
	s.mu.Unlock()

	s.log.Info("smtpd: listening", "addr", ln.Addr().String(), "hostname", s.opts.Hostname,
		"starttls", s.opts.TLSConfig != nil, "max_bytes", s.opts.MaxBytes,
		"max_conns", s.opts.MaxConns, "max_conns_per_ip", s.opts.MaxConnsPerIP, "memory_budget", s.opts.MemoryBudget)

	errc := make(chan error, 1)
	go func() { errc <- s.smtp.Serve(wl) }()

	select {
	case err := <-errc:
		s.cancelDeliver()
		if err != nil {
			return fmt.Errorf("smtpd: serve: %w", err)
		}
		return nil
	case <-ctx.Done():
	}

	s.startDrain()
	sctx, cancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	defer cancel()
	if err := s.smtp.Shutdown(sctx); err != nil {
		s.log.Warn("smtpd: drain deadline reached, closing remaining sessions", "err", err)
		s.smtp.Close()
		s.cancelDeliver()
	}
	<-errc
	s.inflight.Wait()
	s.cancelDeliver()
	s.log.Info("smtpd: stopped")
	return nil
}

// startDrain marks every connection as draining: idle ones are closed at
// once with 421, the others after their transaction.
func (s *Server) startDrain() {
	s.mu.Lock()
	s.draining = true
	conns := make([]*trackedConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.drain()
	}
}

func (s *Server) track(c *trackedConn) (draining bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns[c] = struct{}{}
	return s.draining
}

func (s *Server) untrack(c *trackedConn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
}

// slogPrinter routes go-smtp's internal error log (accept errors, panics)
// to slog.
type slogPrinter struct{ l *slog.Logger }

func (p slogPrinter) Printf(format string, v ...any) {
	p.l.Warn("smtpd: go-smtp", "msg", strings.TrimSpace(fmt.Sprintf(format, v...)))
}

func (p slogPrinter) Println(v ...any) {
	p.l.Warn("smtpd: go-smtp", "msg", strings.TrimSpace(fmt.Sprintln(v...)))
}
