package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"guichet/config"
	"guichet/ingest/imappoll"
	"guichet/ingest/smtpd"
	"guichet/outbound"
	"guichet/redact"
	"guichet/store"
)

// runServe runs every configured part until ctx ends (SIGINT/SIGTERM), then
// stops accepting, lets in-flight work finish and exits 0.
func runServe(ctx context.Context, args []string, e env) int {
	fs := flags("serve", "[options]", e)
	config.Register(fs)
	if code := parse(fs, args); code >= 0 {
		return code
	}
	c, code := loadConfig(fs, e, "serve")
	if code >= 0 {
		return code
	}
	log := logger(e, c)
	tuneGC(e.getenv)
	st, err := waitForStore(ctx, c, log)
	if err != nil {
		return fail(e, "serve", err)
	}
	defer st.Close()
	// The acknowledgments are leased, from their insert, to this process's
	// sender, which the pipeline hands them to after their commit: no
	// claim, and no reading back what composing them needs. sender is
	// set before anything is delivered.
	var sender *outbound.Sender
	p, err := build(ctx, c, st, log, nil, func() store.Hold { return sender.Hold() })
	if err != nil {
		return fail(e, "serve", err)
	}

	relay, err := outbound.NewRelay(c.RelayURL, c.DataDir)
	if err != nil {
		return fail(e, "serve", fmt.Errorf("relay: %w", err))
	}
	sender = outbound.NewSender(outbound.SenderOptions{
		Store: newCountingOutbox(st, p.metrics.Sent), Relay: relay, Logger: log.With("part", "outbox"),
		RetryMin: c.RetryMin, RetryMaxAge: c.RetryMaxAge,
		Render: func(ctx context.Context, ms []store.Outbound, known map[int64]store.AckSource) []error {
			return p.acker.RenderAll(ctx, st, ms, known)
		},
	})
	p.pipeline.OnCommit(sender.Kick)
	p.pipeline.OnAck(sender.Offer)

	// The transports stop first; the pipeline's committer and the sender
	// stop after them, so that every accepted message is committed.
	var transports, workers sync.WaitGroup
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	// The transports stop on SIGINT/SIGTERM, or when one of them fails: a
	// half-alive gateway is worse than one a supervisor restarts.
	tctx, stopTransports := context.WithCancel(ctx)
	defer stopTransports()
	defer stopWork()
	errs := make(chan error, 8)
	goRun := func(wg *sync.WaitGroup, name string, f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				errs <- fmt.Errorf("%s: %w", name, err)
			}
		}()
	}
	goRun(&workers, "pipeline", func() error { return p.pipeline.Run(workCtx) })
	goRun(&workers, "outbox", func() error { return sender.Run(workCtx) })
	goRun(&workers, "reminders", func() error { return runReminders(workCtx, st, c, p, sender.Kick, wallClock{}, log) })
	host, _ := os.Hostname()
	holder := fmt.Sprintf("%s/%d", host, os.Getpid())
	if c.Retention.On() {
		goRun(&workers, "retention", func() error {
			return runRetention(workCtx, st, c, holder, wallClock{}, log.With("part", "retention"), p.metrics)
		})
	}
	if c.CloseAfter.On() {
		goRun(&workers, "closing", func() error { return newCloser(st, c, p, sender.Kick, log).run(workCtx, wallClock{}) })
	}
	if c.DigestAt.On() {
		d, err := newDigester(st, c, p, sender.Kick, log)
		if err != nil {
			stopWork()
			workers.Wait()
			return fail(e, "serve", err)
		}
		goRun(&workers, "digest", func() error { return d.run(workCtx, c.DigestAt, wallClock{}) })
	}

	ready := []any{"database", backend(c), "data_dir", c.DataDir, "relay", relayName(c)}
	if !off(c.SMTPAddr) {
		srv, ln, err := smtpServer(c, p, log)
		if err != nil {
			stopWork()
			workers.Wait()
			return fail(e, "serve", err)
		}
		goRun(&transports, "smtp", func() error { return srv.Serve(tctx, ln) })
		ready = append(ready, "smtp", ln.Addr().String())
	}
	boxes, err := mailboxes(c)
	if err != nil {
		stopWork()
		workers.Wait()
		return fail(e, "serve", err)
	}
	for _, mb := range boxes {
		poller, err := imappoll.New(imappoll.Options{
			Mailbox: mb, Deliverer: p.pipeline, State: st, Holder: holder,
			Logger: log.With("part", "imap", "mailbox", mb.Name),
		})
		if err != nil {
			stopWork()
			workers.Wait()
			return fail(e, "serve", fmt.Errorf("mailbox %s: %w", mb.Name, err))
		}
		goRun(&transports, "imap "+mb.Name, func() error { return poller.Run(tctx) })
		ready = append(ready, "imap_"+mb.Name, redact.URL(mb.URL))
	}
	var up readiness
	if !off(c.HTTPAddr) {
		srv, ln, err := httpServer(c, st, p, sender.Kick, &up, log)
		if err != nil {
			stopWork()
			workers.Wait()
			return fail(e, "serve", err)
		}
		goRun(&transports, "http", func() error { return serveHTTP(tctx, srv, ln) })
		ready = append(ready, "http", ln.Addr().String())
	}
	if !off(c.MetricsAddr) {
		srv, ln, err := metricsServer(c.MetricsAddr, p.metrics, log.With("part", "metrics"))
		if err != nil {
			stopWork()
			workers.Wait()
			return fail(e, "serve", err)
		}
		goRun(&transports, "metrics", func() error { return serveHTTP(tctx, srv, ln) })
		ready = append(ready, "metrics", ln.Addr().String())
	}
	up.up.Store(true)
	log.Info("guichet ready", ready...)

	code = exitOK
	select {
	case <-ctx.Done():
	case err := <-errs:
		log.Error("stopping", "err", err)
		code = exitFailure
	}
	up.up.Store(false)
	log.Info("shutting down: finishing in-flight messages")
	stopTransports()
	transports.Wait()
	stopWork()
	workers.Wait()
	log.Info("stopped")
	return code
}

func off(addr string) bool { return addr == "" || strings.EqualFold(addr, "off") }

func backend(c *config.Config) string {
	if c.DatabaseURL != "" {
		return "postgresql"
	}
	return "sqlite"
}

func relayName(c *config.Config) string {
	if c.RelayURL == "" {
		return "files in " + c.DataDir + "/outbox"
	}
	return redact.URL(c.RelayURL)
}

func smtpServer(c *config.Config, p *parts, log *slog.Logger) (*smtpd.Server, net.Listener, error) {
	var tlsConf *tls.Config
	if c.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(c.TLSCert, c.TLSKey)
		if err != nil {
			return nil, nil, fmt.Errorf("TLS certificate: %w", err)
		}
		tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	own := append([]string{c.SupportAddress}, c.AlertAddresses...)
	rate := c.SMTPRate
	if rate == 0 {
		// 0 disables the limit (behind a trusted MX).
		rate = smtpd.NoRateLimit
	}
	perIP := c.SMTPMaxConnsPerIP
	if perIP == 0 {
		perIP = smtpd.Unlimited // 0 disables it
	}
	srv, err := smtpd.New(smtpd.Options{
		Addr:          c.SMTPAddr,
		Hostname:      c.Hostname,
		Domains:       c.Domains,
		Addresses:     own,
		MaxBytes:      c.SMTPMaxBytes,
		RatePerMinute: rate,
		MaxConnsPerIP: perIP,
		TrustedRelays: c.TrustedRelays,
		ReleaseMemory: debug.FreeOSMemory,
		SpoolDir:      spoolDir(c),
		SPF:           p.checker,
		TLSConfig:     tlsConf,
		Logger:        log.With("part", "smtp"),
	}, p.pipeline)
	if err != nil {
		return nil, nil, fmt.Errorf("smtp: %w", err)
	}
	ln, err := net.Listen("tcp", c.SMTPAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("smtp: %w", err)
	}
	return srv, ln, nil
}

// spoolDir is where large incoming messages are written while they
// arrive (unlinked files): the data directory when Guichet uses it
// anyway, else the system's temporary directory, so that a gateway on
// PostgreSQL with a relay needs no writable data directory.
func spoolDir(c *config.Config) string {
	if c.DatabaseURL == "" || c.RelayURL == "" {
		return c.DataDir
	}
	return ""
}

func mailboxes(c *config.Config) ([]imappoll.Mailbox, error) {
	var out []imappoll.Mailbox
	if c.IMAPURL != "" {
		mb, err := imappoll.ParseURL(c.IMAPURL)
		if err != nil {
			return nil, fmt.Errorf("GUICHET_IMAP_URL: %w", err)
		}
		if mb.Name == "" {
			mb.Name = "imap"
		}
		out = append(out, mb)
	}
	for _, m := range c.Mailboxes {
		mb, err := imappoll.ParseURL(m.URL)
		if err != nil {
			return nil, fmt.Errorf("mailbox %s: %w", m.Name, err)
		}
		mb.Name = m.Name
		if m.Kind != "" {
			mb.Kind = m.Kind
		}
		if m.After != "" {
			mb.After = m.After
		}
		if m.PasswordFile != "" {
			mb.PasswordFile = m.PasswordFile
		}
		if m.Interval != "" {
			d, err := time.ParseDuration(m.Interval)
			if err != nil {
				return nil, fmt.Errorf("mailbox %s: interval: %w", m.Name, err)
			}
			mb.Interval = d
		}
		out = append(out, mb)
	}
	return out, nil
}

// tuneGC sets the collector for a long-running server, unless GOGC says
// otherwise. The live heap is a few megabytes while each message allocates
// ~100 KB, so the default target collected every few dozen messages: 400
// cut the gateway's CPU per message by 8–15% under load, for a few tens of
// megabytes. With 25 MiB messages the heap may then grow five times what
// is live: past a soft limit of 512 MiB (unless GOMEMLIMIT is set) the
// collector works as hard as needed again. The SMTP receiver's budget for
// messages in flight (128 MiB) keeps what is live below that limit; with
// 1 GiB, forty concurrent 20 MB messages peaked at 0.96 GB resident, with
// 512 MiB at 0.62 GB.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(400)
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(512 << 20)
	}
}
