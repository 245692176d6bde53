package imappoll

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"guichet/ingest"
	"guichet/store"
)

// StateStore is what the poller needs from the store: the UID state of the
// mailbox and the lease that keeps other processes off it. store.Store
// implements it.
type StateStore interface {
	// MailboxState returns (0, 0, store.ErrNotFound) when none is recorded.
	MailboxState(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error)
	SetMailboxState(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error
	AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error
}

var _ StateStore = store.Store(nil)

// Options configure a Poller.
type Options struct {
	Mailbox   Mailbox
	Deliverer ingest.Deliverer
	State     StateStore
	// Holder identifies this process in the lease (e.g. hostname:pid).
	Holder string
	// BatchSize is how many UIDs one FETCH asks for (default 500). The
	// flags of a batch are set, and the last UID recorded, when all its
	// deliveries have returned, once the next FETCH is read.
	BatchSize int
	// Workers is how many messages are delivered at once (default 128,
	// twice the pipeline's default MaxBatch, so that one group is parsed
	// while the one before commits): the pipeline commits concurrent
	// deliveries together, so a backlog drains at the group committer's
	// rate instead of paying one commit per message.
	Workers int
	// InFlightBytes bounds the messages read from the server and not yet
	// delivered (default 32 MiB); the FETCH response waits in the
	// connection meanwhile. With MaxBytes it bounds the poller's memory
	// whatever the backlog.
	InFlightBytes int64
	// MaxBytes bounds what one message may take in memory (default 25 MiB,
	// as the SMTP receiver): a server announcing a huge literal cannot make
	// the gateway allocate it. A larger message is stored truncated, as
	// far as the limit, and logged; the mailbox keeps the original.
	MaxBytes int64
	Logger   *slog.Logger
	Clock    func() time.Time

	// LeaseTTL is how long the lease lasts without renewal (default 60 s);
	// it is renewed every LeaseTTL/3, and another process takes the
	// mailbox over at most LeaseTTL after this one died.
	LeaseTTL time.Duration
	// MinBackoff and MaxBackoff bound the wait before reconnecting after an
	// error (defaults 1 s and 5 min); it doubles at each failure in a row.
	MinBackoff, MaxBackoff time.Duration
	// IdleRefresh is how long one IDLE lasts before it is ended and the
	// mailbox scanned again (default 25 min: RFC 2177 section 3 says
	// servers may log out a client idle for 30 minutes).
	IdleRefresh time.Duration
	// TLSConfig for STARTTLS and imaps (nil: system roots, ServerName from
	// the URL).
	TLSConfig *tls.Config
}

// Poller moves mail from one IMAP mailbox into the Deliverer.
type Poller struct {
	o     Options
	mb    Mailbox
	ep    endpoint
	log   *slog.Logger
	now   func() time.Time
	lease string
}

// errLeaseLost ends a session whose lease could not be renewed.
var errLeaseLost = errors.New("imappoll: lease lost")

// New checks the options; it does no I/O (the password file is read at
// each connection, so that a rotated password is picked up).
func New(o Options) (*Poller, error) {
	if o.Deliverer == nil || o.State == nil {
		return nil, errors.New("imappoll: Deliverer and State are required")
	}
	if o.Holder == "" {
		return nil, errors.New("imappoll: Holder is required")
	}
	ep, _, err := parseEndpoint(o.Mailbox.URL)
	if err != nil {
		return nil, err
	}
	mb := o.Mailbox
	if err := mb.fill(ep); err != nil {
		return nil, err
	}
	if ep.password == "" && mb.PasswordFile == "" {
		return nil, fmt.Errorf("%w: no password in the URL and no password file", ErrBadURL)
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.Workers <= 0 {
		o.Workers = 128
	}
	if o.InFlightBytes <= 0 {
		o.InFlightBytes = 32 << 20
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 25 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.LeaseTTL <= 0 {
		o.LeaseTTL = 60 * time.Second
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(5*time.Minute, o.MinBackoff)
	}
	if o.IdleRefresh <= 0 {
		o.IdleRefresh = 25 * time.Minute
	}
	return &Poller{
		o: o, mb: mb, ep: ep, now: o.Clock, lease: "imap:" + mb.Name,
		log: o.Logger.With("mailbox", mb.Name),
	}, nil
}

// Mailbox is the mailbox with its defaults filled in.
func (p *Poller) Mailbox() Mailbox { return p.mb }

// Run polls until ctx ends, then releases the lease and returns nil. It
// returns an error only for a configuration the server can never accept
// (none so far: every failure is retried, since a server or the store can
// come back).
func (p *Poller) Run(ctx context.Context) error {
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := p.o.State.ReleaseLease(rctx, p.lease, p.o.Holder); err != nil {
			p.log.Warn("imap lease release failed", "err", err)
		}
	}()
	backoff := p.o.MinBackoff
	for ctx.Err() == nil {
		ok, err := p.o.State.AcquireLease(ctx, p.lease, p.o.Holder, p.now(), p.o.LeaseTTL)
		if err != nil || !ok {
			if err != nil && ctx.Err() == nil {
				p.log.Warn("imap lease unavailable", "err", err)
			}
			// Another process polls this mailbox (or the store is down):
			// try again well within one lease period.
			sleep(ctx, jitter(p.o.LeaseTTL/3))
			continue
		}
		sctx, cancel := context.WithCancelCause(ctx)
		var wg sync.WaitGroup
		wg.Go(func() { p.renew(sctx, cancel) })
		healthy, err := p.session(sctx)
		cancel(nil)
		wg.Wait()
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(context.Cause(sctx), errLeaseLost) {
			p.log.Warn("imap lease lost, another process may poll this mailbox")
			continue
		}
		if healthy {
			backoff = p.o.MinBackoff
		}
		p.log.Warn("imap session ended, reconnecting", "err", err, "retry_in", backoff)
		sleep(ctx, jitter(backoff))
		backoff = min(2*backoff, p.o.MaxBackoff)
	}
	return nil
}

// renew keeps the lease while the session runs, and cancels the session
// when the lease could not be renewed before it expires.
func (p *Poller) renew(ctx context.Context, cancel context.CancelCauseFunc) {
	lastOK := p.now()
	t := time.NewTicker(p.o.LeaseTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ok, err := p.o.State.AcquireLease(ctx, p.lease, p.o.Holder, p.now(), p.o.LeaseTTL)
		switch {
		case err == nil && ok:
			lastOK = p.now()
		case err == nil && !ok:
			cancel(errLeaseLost)
			return
		case ctx.Err() != nil:
			return
		default:
			p.log.Warn("imap lease renewal failed", "err", err)
			// Stop before the lease can expire under us.
			if p.now().Sub(lastOK) > p.o.LeaseTTL*2/3 {
				cancel(errLeaseLost)
				return
			}
		}
	}
}

// jitter returns a duration in [d/2, d]: pollers that failed together do
// not reconnect together.
func jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// session connects, drains the mailbox and waits for new mail until ctx
// ends or something fails. healthy reports that it got as far as a full
// drain, which resets the back-off.
func (p *Poller) session(ctx context.Context) (healthy bool, err error) {
	newMail := make(chan struct{}, 1)
	c, err := p.connect(ctx, newMail)
	if err != nil {
		return false, err
	}
	defer c.Close()

	sel, err := c.Select(p.ep.folder, nil).Wait()
	if err != nil {
		return false, fmt.Errorf("select %s: %w", p.ep.folder, err)
	}
	validity, last, err := p.o.State.MailboxState(ctx, p.mb.Name)
	switch {
	case errors.Is(err, store.ErrNotFound):
		validity, last = sel.UIDValidity, 0
	case err != nil:
		return false, fmt.Errorf("mailbox state: %w", err)
	case validity != sel.UIDValidity:
		// RFC 9051 section 2.3.1.1: the old UIDs mean nothing any more.
		// Scan again from 1; Deliver's idempotency turns every message
		// stored before into a Duplicate.
		p.log.Warn("imap UIDVALIDITY changed, scanning the mailbox again",
			"old", validity, "new", sel.UIDValidity, "last_uid", last)
		validity, last = sel.UIDValidity, 0
	}
	if strings.HasPrefix(p.mb.After, afterMove) {
		if err := p.createFolder(c, p.mb.moveTarget()); err != nil {
			return false, err
		}
	}
	st := &scan{c: c, validity: validity, last: imap.UID(last)}

	idle := c.Caps().Has(imap.CapIdle) || c.Caps().Has(imap.CapIMAP4rev2)
	for {
		if err := p.drain(ctx, st); err != nil {
			return healthy, err
		}
		healthy = true
		if ctx.Err() != nil {
			c.Logout().Wait()
			return healthy, nil
		}
		if idle {
			err = p.idle(ctx, c, newMail)
		} else {
			sleep(ctx, p.mb.Interval)
		}
		if err != nil {
			return healthy, err
		}
		if ctx.Err() != nil {
			c.Logout().Wait()
			return healthy, nil
		}
	}
}

func (p *Poller) connect(ctx context.Context, newMail chan struct{}) (*imapclient.Client, error) {
	password := p.ep.password
	if p.mb.PasswordFile != "" {
		b, err := os.ReadFile(p.mb.PasswordFile)
		if err != nil {
			return nil, fmt.Errorf("password file: %w", err)
		}
		password = strings.TrimRight(string(b), "\r\n")
	}
	opts := &imapclient.Options{
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				// An EXISTS response: new mail (RFC 9051 section 7.4.1).
				// The handler must not block the reader.
				if d.NumMessages != nil {
					select {
					case newMail <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	tlsConf := p.o.TLSConfig.Clone()
	if tlsConf == nil {
		tlsConf = &tls.Config{}
	}
	if tlsConf.ServerName == "" {
		tlsConf.ServerName = p.ep.host
	}
	opts.TLSConfig = tlsConf

	d := net.Dialer{Timeout: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", p.ep.addr)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	var c *imapclient.Client
	switch p.ep.tls {
	case tlsImplicit:
		tc := tls.Client(conn, tlsConf)
		if err := tc.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, fmt.Errorf("tls: %w", err)
		}
		c = imapclient.New(tc, opts)
	case tlsStartTLS:
		// NewStartTLS fails when the server does not offer STARTTLS: the
		// password is never sent in clear (RFC 8314 section 3.3 gives
		// way to plain text only where it cannot be intercepted).
		c, err = imapclient.NewStartTLS(conn, opts)
		if err != nil {
			return nil, fmt.Errorf("starttls: %w", err)
		}
	default:
		c = imapclient.New(conn, opts)
	}
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, fmt.Errorf("greeting: %w", err)
	}
	if err := c.Login(p.ep.user, password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("login: %w", err)
	}
	return c, nil
}

func (p *Poller) createFolder(c *imapclient.Client, name string) error {
	err := c.Create(name, nil).Wait()
	var ie *imap.Error
	if err != nil && !(errors.As(err, &ie) && ie.Code == imap.ResponseCodeAlreadyExists) {
		return fmt.Errorf("create %s: %w", name, err)
	}
	return nil
}

// idle waits for new mail with IDLE (RFC 2177) until an EXISTS arrives, ctx
// ends, or IdleRefresh passes (then a scan runs and IDLE starts again, so
// that no server timeout ever closes the connection).
func (p *Poller) idle(ctx context.Context, c *imapclient.Client, newMail chan struct{}) error {
	cmd, err := c.Idle()
	if err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	t := time.NewTimer(p.o.IdleRefresh)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-newMail:
	case <-t.C:
	case <-c.Closed():
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("idle: %w", err)
	}
	return nil
}

// scan is a session's position in the mailbox.
type scan struct {
	c        *imapclient.Client
	validity uint32
	last     imap.UID // every UID up to last is stored and flagged
}

// drain delivers every message after st.last, BatchSize at a time, until
// none is left.
func (p *Poller) drain(ctx context.Context, st *scan) error {
	fl := &flow{slots: make(chan struct{}, p.o.Workers), inFlight: newBudget(p.o.InFlightBytes)}
	for ctx.Err() == nil {
		// RFC 9051 section 6.4.9: "last+1:*" always includes the highest
		// UID, even when it is below last+1; such UIDs are filtered out.
		res, err := st.c.UIDSearch(&imap.SearchCriteria{
			UID: []imap.UIDSet{{{Start: st.last + 1, Stop: 0}}},
		}, nil).Wait()
		if err != nil {
			return fmt.Errorf("uid search: %w", err)
		}
		uids := slices.DeleteFunc(res.AllUIDs(), func(u imap.UID) bool { return u <= st.last })
		if len(uids) == 0 {
			return nil
		}
		slices.Sort(uids)
		if err := p.deliverAll(ctx, st, fl, uids); err != nil {
			return err
		}
	}
	return nil
}

// flow is what the batches of a drain share: the workers, the bytes in
// flight, and whether a delivery failed, which stops delivering in every
// batch.
type flow struct {
	slots    chan struct{}
	inFlight *budget
	stopped  atomic.Bool
}

// fetched is one FETCH whose messages were handed to the workers.
type fetched struct {
	uids     []imap.UID // ascending
	after    imap.UID   // the UID before uids[0]: the batch advances the last UID only from there
	returned map[imap.UID]bool
	skipped  bool  // a message was read but not delivered
	fetchErr error // reading the response
	out      outcomes
	wg       sync.WaitGroup
}

// err is what went wrong in the batch itself: a delivery, or the FETCH.
func (b *fetched) err() error {
	if b.out.err != nil {
		return b.out.err
	}
	if b.fetchErr != nil {
		return fmt.Errorf("fetch: %w", b.fetchErr)
	}
	return nil
}

// deliverAll fetches uids (ascending) BatchSize at a time. The next FETCH
// is read while the last deliveries of the one before finish, and only
// then is that one settled: the committer is fed across a batch's end
// instead of waiting for its flags and the next FETCH. After a Deliver
// error nothing more is delivered (the deliveries already started finish),
// what was committed is still settled, and the error is returned.
func (p *Poller) deliverAll(ctx context.Context, st *scan, fl *flow, uids []imap.UID) error {
	var (
		pending *fetched
		failed  error // the first batch error
	)
	finish := func(b *fetched) error {
		if err := p.finish(ctx, st, b); err != nil {
			return err
		}
		if failed == nil {
			failed = b.err()
		}
		return nil
	}
	after := st.last
	for len(uids) > 0 && ctx.Err() == nil && !fl.stopped.Load() {
		n := min(len(uids), p.o.BatchSize)
		b := p.fetch(ctx, st.c, fl, after, uids[:n])
		after, uids = uids[n-1], uids[n:]
		if pending != nil {
			if err := finish(pending); err != nil {
				b.wg.Wait()
				return err
			}
		}
		pending = b
		if b.fetchErr != nil {
			break
		}
	}
	if pending != nil {
		if err := finish(pending); err != nil {
			return err
		}
	}
	return failed
}

// fetch sends one UID FETCH for uids and hands the messages to the
// workers as they are read, each waiting for a free worker and for room
// within InFlightBytes; it returns once the response is read, without
// waiting for the deliveries.
func (p *Poller) fetch(ctx context.Context, c *imapclient.Client, fl *flow, after imap.UID, uids []imap.UID) *fetched {
	b := &fetched{uids: uids, after: after, returned: make(map[imap.UID]bool, len(uids))}
	body := &imap.FetchItemBodySection{Peek: true} // BODY.PEEK[]: no implicit \Seen
	cmd := c.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
		UID: true, BodySection: []*imap.FetchItemBodySection{body},
	})
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		if b.fetchErr != nil || fl.stopped.Load() || ctx.Err() != nil {
			b.skipped = true
			continue // drain the rest of the response without delivering
		}
		uid, raw, truncated, err := readMessage(msg, p.o.MaxBytes)
		if truncated {
			p.log.Warn("imap message over the size limit, stored truncated; the mailbox keeps the original",
				"uid", uid, "max_bytes", p.o.MaxBytes)
		}
		if err != nil {
			b.fetchErr = err
			continue
		}
		if uid == 0 || raw == nil {
			continue // a server that omitted what was asked: not a message we can use
		}
		b.returned[uid] = true
		fl.slots <- struct{}{}
		n := fl.inFlight.take(int64(len(raw)))
		b.wg.Go(func() {
			defer func() { fl.inFlight.give(n); <-fl.slots }()
			if !p.deliver(ctx, &b.out, uid, raw, truncated) {
				fl.stopped.Store(true)
			}
		})
	}
	if err := cmd.Close(); b.fetchErr == nil {
		b.fetchErr = err
	}
	return b
}

// finish waits for b's deliveries, flags, moves or deletes the committed
// messages, and records the new last UID. It returns what went wrong with
// the server or the store; b's own failure is b.err.
func (p *Poller) finish(ctx context.Context, st *scan, b *fetched) error {
	b.wg.Wait()
	done, kept := b.out.done, b.out.kept
	if len(done) > 0 {
		if err := p.settle(st.c, done); err != nil {
			// Committed but not flagged: fetched again later, and Deliver
			// answers Duplicate then.
			return err
		}
	}
	if len(kept) > 0 {
		if err := st.c.Store(kept, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
			return fmt.Errorf("store flags: %w", err)
		}
		for _, r := range kept {
			done = append(done, r)
		}
	}
	if st.last != b.after {
		// A message of an earlier batch is not settled: nothing after it
		// may be taken as done.
		return nil
	}
	// Advance over the prefix of uids that is settled, or that the server
	// did not return although the FETCH completed (expunged meanwhile):
	// never past a message that is not committed, whatever order the
	// concurrent deliveries finished in.
	complete := b.fetchErr == nil && !b.skipped && b.out.err == nil && ctx.Err() == nil
	last := st.last
	for _, u := range b.uids {
		if done.Contains(u) || (complete && !b.returned[u]) {
			last = u
			continue
		}
		break
	}
	if last != st.last {
		if err := p.o.State.SetMailboxState(ctx, p.mb.Name, st.validity, uint32(last)); err != nil {
			return fmt.Errorf("save mailbox state: %w", err)
		}
		st.last = last
	}
	return nil
}

// deliver hands one message to the Deliverer and records the outcome; it
// reports whether the message was committed.
func (p *Poller) deliver(ctx context.Context, out *outcomes, uid imap.UID, raw []byte, truncated bool) bool {
	env := store.Envelope{Transport: "imap", Mailbox: p.mb.Name}
	if p.mb.Address != "" {
		env.RcptTo = []string{p.mb.Address}
	}
	res, err := p.o.Deliverer.Deliver(ctx, raw, env)
	if err != nil {
		p.log.Warn("imap delivery failed, message left as is", "uid", uid, "err", err)
		out.fail(fmt.Errorf("deliver uid %d: %w", uid, err))
		return false
	}
	p.log.Debug("imap message delivered", "uid", uid, "message_id", res.MessageID,
		"action", res.Action, "ticket", res.Ticket)
	// Stored truncated in a mailbox that deletes: never delete the original.
	out.committed(uid, truncated && p.mb.After == AfterDelete)
	return true
}

// outcomes gathers what a batch's concurrent deliveries returned.
type outcomes struct {
	mu   sync.Mutex
	done imap.UIDSet // committed
	kept imap.UIDSet // committed truncated, kept in a mailbox that deletes
	err  error       // the first Deliver error
}

func (o *outcomes) committed(uid imap.UID, keep bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if keep {
		o.kept.AddNum(uid)
	} else {
		o.done.AddNum(uid)
	}
}

func (o *outcomes) fail(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.err == nil {
		o.err = err
	}
}

// budget bounds the bytes held by messages waiting for or in delivery.
type budget struct {
	mu   sync.Mutex
	cond sync.Cond
	max  int64
	free int64
}

func newBudget(max int64) *budget {
	b := &budget{max: max, free: max}
	b.cond.L = &b.mu
	return b
}

// take waits until n bytes are free and takes them; a message larger than
// the whole budget waits until it is all free and takes all of it. It
// returns what was taken, for give.
func (b *budget) take(n int64) int64 {
	n = min(n, b.max)
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.free < n {
		b.cond.Wait()
	}
	b.free -= n
	return n
}

func (b *budget) give(n int64) {
	b.mu.Lock()
	b.free += n
	b.mu.Unlock()
	b.cond.Broadcast()
}

// readMessage reads one FETCH response: its UID and the message, at most
// limit bytes of it (the rest is read and dropped, to keep the connection in
// step).
func readMessage(msg *imapclient.FetchMessageData, limit int64) (uid imap.UID, raw []byte, truncated bool, err error) {
	for item := msg.Next(); item != nil; item = msg.Next() {
		switch item := item.(type) {
		case imapclient.FetchItemDataUID:
			uid = item.UID
		case imapclient.FetchItemDataBodySection:
			if item.Literal == nil {
				continue
			}
			// The literal announces its size: one allocation of the right
			// size instead of ReadAll's doublings and copies.
			b := make([]byte, min(max(item.Literal.Size(), 0), limit))
			if _, err := io.ReadFull(item.Literal, b); err != nil {
				return 0, nil, false, err
			}
			n, err := io.Copy(io.Discard, item.Literal)
			if err != nil {
				return 0, nil, false, err
			}
			raw, truncated = b, n > 0
		}
	}
	return uid, raw, truncated, nil
}

// settle does what Mailbox.After says to the committed messages.
func (p *Poller) settle(c *imapclient.Client, uids imap.UIDSet) error {
	flags := []imap.Flag{imap.FlagSeen}
	if p.mb.After == AfterDelete {
		flags = append(flags, imap.FlagDeleted)
	}
	if err := c.Store(uids, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: flags}, nil).Close(); err != nil {
		return fmt.Errorf("store flags: %w", err)
	}
	switch {
	case p.mb.After == AfterDelete:
		return p.expunge(c, uids)
	case strings.HasPrefix(p.mb.After, afterMove):
		target := p.mb.moveTarget()
		if c.Caps().Has(imap.CapMove) || c.Caps().Has(imap.CapIMAP4rev2) {
			if _, err := c.Move(uids, target).Wait(); err != nil {
				return fmt.Errorf("move to %s: %w", target, err)
			}
			return nil
		}
		// RFC 6851 section 3.3: without MOVE, COPY then \Deleted then
		// expunge exactly those UIDs.
		if _, err := c.Copy(uids, target).Wait(); err != nil {
			return fmt.Errorf("copy to %s: %w", target, err)
		}
		if err := c.Store(uids, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
			return fmt.Errorf("store \\Deleted: %w", err)
		}
		return p.expunge(c, uids)
	}
	return nil
}

// expunge removes exactly uids with UID EXPUNGE (RFC 4315 section 2.1).
// Without UIDPLUS the messages keep \Deleted: a plain EXPUNGE would also
// remove whatever other clients had marked \Deleted.
func (p *Poller) expunge(c *imapclient.Client, uids imap.UIDSet) error {
	if !c.Caps().Has(imap.CapUIDPlus) && !c.Caps().Has(imap.CapIMAP4rev2) {
		p.log.Info("imap server lacks UIDPLUS: messages left marked \\Deleted")
		return nil
	}
	if err := c.UIDExpunge(uids).Close(); err != nil {
		return fmt.Errorf("uid expunge: %w", err)
	}
	return nil
}
