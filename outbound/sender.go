package outbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"guichet/store"
)

// Outbox is the part of the store the Sender uses; store.Store satisfies it.
type Outbox interface {
	ClaimOutboundFor(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]store.Outbound, error)
	RenewOutbound(ctx context.Context, owner string, ids []int64, now time.Time, lease time.Duration) ([]int64, error)
	MarkSent(ctx context.Context, sent ...store.Sent) error
	MarkRetry(ctx context.Context, id int64, lastErr string, next time.Time) error
	MarkFailed(ctx context.Context, id int64, lastErr string) error
}

var _ Outbox = store.Store(nil)

// SenderOptions configure a Sender. Zero values take the defaults shown.
type SenderOptions struct {
	Store  Outbox
	Relay  Relay
	Logger *slog.Logger
	// RetryMin is the first retry delay (GUICHET_RETRY_MIN, 1 min); each
	// further one doubles, up to RetryCap (1 h), with jitter.
	RetryMin time.Duration
	RetryCap time.Duration
	// RetryMaxAge: a message still undelivered this long after it was
	// queued fails (GUICHET_RETRY_MAX_AGE, 48 h).
	RetryMaxAge time.Duration
	Batch       int           // messages claimed at once (64)
	Parallel    int           // deliveries in flight (4)
	Poll        time.Duration // how often to look for due messages without a Kick (5 s)
	// Gather is how long a Kick waits before the claim, or an Offer before
	// its mail is composed, so that the mail of the commits that follow
	// within it is claimed, composed and recorded together (100 ms;
	// negative: none). Under load the pipeline
	// commits every few milliseconds, and each claim, each composition's
	// transaction and each record costs statements and a commit.
	Gather time.Duration
	// Lease is how long a claim reserves a message for this sender
	// without news from it (20 s). The sender renews the lease of the
	// messages it still works on every Renew, however long the relay
	// takes; a sender that died renews nothing, and its messages are
	// claimed again by another sender, or this one restarted, once the
	// lease ends: within Lease + Poll.
	Lease time.Duration
	// Renew is how often the lease of the messages in hand is extended
	// (Lease/3: two renewals may fail or be late before it ends).
	Renew time.Duration
	// SendTimeout bounds one delivery, the relay's own timeouts aside (4
	// min).
	SendTimeout time.Duration
	// Owner names this sender's claims; it must be unique to the process
	// (default: host name, process id and random bytes).
	Owner string
	Clock func() time.Time
	// Render composes the claimed mail that was queued without its bytes
	// (acknowledgments, Acker.RenderAll), in place, before it is sent;
	// errs[i] is ms[i]'s. known are the sources of the acknowledgments
	// handed over by Offer, by outbox id. nil sends every message as
	// queued.
	Render func(ctx context.Context, ms []store.Outbound, known map[int64]store.AckSource) (errs []error)
}

// Sender delivers the outbox: it claims due messages, hands them to the
// relay, and records each result.
//
// Each message goes out once in normal operation: the claim leases it to
// this sender, which renews the lease while the message waits for a
// worker, is being sent, or has its result recorded, so no other sender
// claims it meanwhile, whatever the relay's delay. After a crash (kill
// -9, power loss) a message the relay accepted but that was not yet
// recorded as sent goes out a second time once its lease ends; no
// protocol avoids that window between the relay's 250 and our commit.
// The copy has the same Message-ID, by which the recipient's software
// can recognise it (RFC 5322 §3.6.4).
type Sender struct {
	o    SenderOptions
	log  *slog.Logger
	kick chan struct{}
	// offer wakes Run for offered, the acknowledgments handed over by
	// Offer (under mu).
	offer   chan struct{}
	offered []QueuedAck

	linger time.Duration // recordLinger; tests lengthen it

	mu   sync.Mutex
	held map[int64]hold // messages in hand
	gen  uint64         // claims made, numbering held's entries
	// again are messages a claim took while they were still in hand,
	// given back to Run once their hand is released (release).
	again []store.Outbound
}

// hold is a message in hand: the claim that took it (a later claim of the
// same message is another hold), and the end of its lease as last set.
// again is a later claim of the same message, made while this one was in
// hand (take): the store leased it to this sender again, so nobody else
// will send it before that lease ends.
type hold struct {
	gen   uint64
	until time.Time
	again *store.Outbound
}

// NewSender returns a Sender; Run starts it.
func NewSender(o SenderOptions) *Sender {
	if o.RetryMin <= 0 {
		o.RetryMin = time.Minute
	}
	if o.RetryCap <= 0 {
		o.RetryCap = time.Hour
	}
	if o.RetryMaxAge <= 0 {
		o.RetryMaxAge = 48 * time.Hour
	}
	if o.Batch <= 0 {
		o.Batch = 64
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	if o.Gather == 0 {
		o.Gather = 100 * time.Millisecond
	}
	if o.Lease <= 0 {
		o.Lease = 20 * time.Second
	}
	if o.Renew <= 0 {
		o.Renew = o.Lease / 3
	}
	if o.SendTimeout <= 0 {
		o.SendTimeout = 4 * time.Minute
	}
	if o.Owner == "" {
		o.Owner = processOwner()
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{o: o, log: log, kick: make(chan struct{}, 1), offer: make(chan struct{}, 1), held: map[int64]hold{},
		linger: recordLinger}
}

// Hold is the lease that acknowledgments queued for this sender take at
// their insert (AckerOptions.Hold): the sender's claim, made in the
// transaction that queues them, so that Offer hands them over after the
// commit without a claim, nor a read of what composing them needs.
func (s *Sender) Hold() store.Hold {
	return store.Hold{Owner: s.o.Owner, Until: s.o.Clock().Add(s.o.Lease)}
}

// maxOffered bounds what Offer keeps for Run: past it (the relay
// stalled, the sender stopped), an offer is dropped, and the message,
// leased to this sender, is claimed once its lease ends, by this sender
// or another, as after a crash.
const maxOffered = 4096

// Offer hands over q, queued leased to this sender (Hold) by a
// transaction that committed: Run composes and sends it with no claim.
// It never blocks.
func (s *Sender) Offer(q QueuedAck) {
	if q.Hold.Owner != s.o.Owner {
		// Not leased to this sender: only a claim may take it.
		s.Kick()
		return
	}
	s.mu.Lock()
	kept := len(s.offered) < maxOffered
	if kept {
		s.offered = append(s.offered, q)
	}
	s.mu.Unlock()
	if !kept {
		s.log.Warn("outbox: too much mail handed over, left for a claim when its lease ends", "outbox", q.Outbound.ID)
		return
	}
	s.wake()
}

// takeOffered returns what was offered since the last call, with the
// sources of those acknowledgments and the end of their leases, by
// outbox id.
func (s *Sender) takeOffered() ([]store.Outbound, map[int64]store.AckSource, map[int64]time.Time) {
	s.mu.Lock()
	qs := s.offered
	s.offered = nil
	s.mu.Unlock()
	if len(qs) == 0 {
		return nil, nil, nil
	}
	ms := make([]store.Outbound, len(qs))
	known := make(map[int64]store.AckSource, len(qs))
	until := make(map[int64]time.Time, len(qs))
	for i, q := range qs {
		ms[i] = *q.Outbound
		known[q.Outbound.ID] = q.Source
		until[q.Outbound.ID] = q.Hold.Until
	}
	return ms, known, until
}

// processOwner names one sender: the host and process id say which node
// held a row, the random part keeps a restarted process, which may get
// the same pid, from renewing its predecessor's claims.
func processOwner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%08x", host, os.Getpid(), rand.Uint32())
}

// Kick wakes the sender now; the pipeline calls it after a commit that
// queued mail. It never blocks.
func (s *Sender) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, then finishes the deliveries in flight
// (their results are recorded with a context that outlives ctx) and returns
// nil. Store errors are logged and retried; they do not stop the loop.
func (s *Sender) Run(ctx context.Context) error {
	// Work done after ctx ends must still reach the store: a delivery the
	// relay accepted has to be marked sent, or it would be sent again.
	bg := context.WithoutCancel(ctx)
	type job struct {
		m         store.Outbound
		gen       uint64 // the claim that took it (take)
		renderErr error
	}
	jobs := make(chan job)
	sent := make(chan delivery, s.o.Batch)
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		s.recordSent(bg, sent)
	}()
	var wg sync.WaitGroup
	for range s.o.Parallel {
		wg.Go(func() {
			for j := range jobs {
				s.deliver(bg, j.m, j.gen, j.renderErr, sent)
			}
		})
	}
	// The renewals go on until every result is recorded: a message stays
	// in hand until then.
	stopRenew := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		s.renewLoop(bg, stopRenew)
	}()
	defer func() {
		close(jobs)
		wg.Wait()
		close(sent)
		<-recorded
		close(stopRenew)
		<-renewed
	}()

	// dispatch composes ms, leased to us, and hands each to a worker, even
	// when ctx ends meanwhile, so that none waits for its lease to expire.
	dispatch := func(ms []store.Outbound, gen uint64, known map[int64]store.AckSource) {
		var renderErrs []error
		if s.o.Render != nil && len(ms) > 0 {
			renderErrs = s.o.Render(bg, ms, known)
		}
		for i, m := range ms {
			j := job{m: m, gen: gen}
			if i < len(renderErrs) {
				j.renderErr = renderErrs[i]
			}
			jobs <- j
		}
	}
	storeDelay := time.Second
	// A claim runs at the start, after a Kick, while claims come back
	// full, and at least every Poll however often mail is handed over:
	// retries come due, and rows queued elsewhere wait for one.
	claim := true
	var nextClaim time.Time
	for {
		if ctx.Err() != nil {
			// What was handed over before the stop goes out now, rather
			// than after its lease ends and a restart claims it.
			offered, known, until := s.takeOffered()
			offered, until = s.takeAgain(offered, until)
			ms, gen := s.take(offered, s.o.Clock(), until)
			dispatch(ms, gen, known)
			return nil
		}
		now := s.o.Clock()
		offered, known, until := s.takeOffered()
		offered, until = s.takeAgain(offered, until)
		var claimed []store.Outbound
		claim = claim || !time.Now().Before(nextClaim)
		if claim {
			nextClaim = time.Now().Add(s.o.Poll)
			// The claim runs to completion even if ctx ends meanwhile: a
			// claim committed but abandoned would hide its messages until
			// their lease expires.
			var err error
			claimed, err = s.o.Store.ClaimOutboundFor(bg, s.o.Owner, now, s.o.Batch, s.o.Lease)
			if err != nil {
				s.log.Warn("outbox: claim failed", "err", err)
				ms, gen := s.take(offered, now, until)
				dispatch(ms, gen, known)
				if _, ok := s.wait(ctx, storeDelay); !ok {
					continue // to the stop, above
				}
				storeDelay = min(2*storeDelay, time.Minute)
				continue
			}
			storeDelay = time.Second
		}
		full := len(claimed) == s.o.Batch
		ms, gen := s.take(append(offered, claimed...), now, until)
		dispatch(ms, gen, known)
		if full {
			continue // more may be due
		}
		claim, _ = s.wait(ctx, time.Until(nextClaim)) // when ctx ended, the stop above
	}
}

// take puts the claimed messages in hand and returns them, less those
// already in hand: a message whose lease ran out while its renewals failed
// (an outage of the store) can be claimed again by this very sender, and
// must not be sent a second time while its first delivery goes on. A
// claimed lease ends at now+Lease; a message handed over keeps the end
// of the lease it was inserted with (until), however long it waited to
// be taken, so that confirm renews it, or finds it lost, before sending.
// gen numbers this claim: confirm and release act on its holds only.
func (s *Sender) take(claimed []store.Outbound, now time.Time, until map[int64]time.Time) (taken []store.Outbound, gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	out := claimed[:0]
	for _, m := range claimed {
		if h, ok := s.held[m.ID]; ok {
			if h.gen != s.gen {
				// Claimed again while in hand: its result was recorded
				// (a retry now due) but its hand not yet released, or its
				// lease ran out while the store was unreachable. Left
				// alone, it would wait for this claim's lease to end.
				h.again = &m
				s.held[m.ID] = h
			}
			continue
		}
		end, handed := until[m.ID]
		if !handed {
			end = now.Add(s.o.Lease)
		}
		s.held[m.ID] = hold{gen: s.gen, until: end}
		out = append(out, m)
	}
	return out, s.gen
}

// confirm tells whether id is still this sender's to send, just before
// it is. When the renewals have not kept up (the store slow or down, the
// process paused), less than a third of the lease may be left, or none,
// and another sender may have claimed the message since: the lease is
// renewed first, and the message is sent only if that succeeds. An error
// is the store's; nothing was sent. A hold of another claim (gen) is not
// this delivery's: its own was dropped when its lease was lost, and the
// message claimed again since, a delivery of its own under way.
func (s *Sender) confirm(ctx context.Context, id int64, gen uint64) (bool, error) {
	s.mu.Lock()
	h, ok := s.held[id]
	s.mu.Unlock()
	ok = ok && h.gen == gen
	now := s.o.Clock()
	if !ok || h.until.Sub(now) > s.o.Lease/3 {
		return ok, nil
	}
	got, err := s.o.Store.RenewOutbound(ctx, s.o.Owner, []int64{id}, now, s.o.Lease)
	if err != nil {
		return false, err
	}
	s.renewed(map[int64]uint64{id: h.gen}, got, now)
	// The store renews by owner, not by claim: while the renewal was on its
	// way, this claim's hold may have been lost and the message claimed
	// again by this sender, whose lease the store then renewed.
	s.mu.Lock()
	h, ok = s.held[id]
	s.mu.Unlock()
	return len(got) == 1 && ok && h.gen == gen, nil
}

// renewed records a renewal at now of the holds in asked (id → claim):
// those in got run until now+Lease, the others are no longer ours.
func (s *Sender) renewed(asked map[int64]uint64, got []int64, now time.Time) {
	s.mu.Lock()
	again := false
	defer func() {
		s.mu.Unlock()
		if again {
			s.wake()
		}
	}()
	for _, id := range got {
		if h, ok := s.held[id]; ok && h.gen == asked[id] {
			h.until = now.Add(s.o.Lease)
			s.held[id] = h
		}
		delete(asked, id)
	}
	for id, g := range asked {
		// Only the claim that was asked about: the same message may have
		// been recorded, then claimed again since.
		if s.held[id].gen != g {
			continue
		}
		// A claim made again while in hand was not renewed because the
		// first attempt's result was recorded (a retry clears the lease)
		// before that claim: it is ours to send.
		if s.dropHold(id) {
			again = true
			continue
		}
		s.log.Warn("outbox: lease lost, another sender may have the message", "outbox", id)
	}
}

// recordLinger is how long recordSent waits for the results of the
// deliveries still in hand before it records the ones it has: one
// statement and one commit for a group instead of several for a few.
// Under load the results come a few at a time (groups of 2 to 10), each
// group a commit that SQLite's single writer, which the intake waits for,
// holds for about a millisecond, and on PostgreSQL mostly below the size
// from which one set statement records them. A result waits at most this
// long to be recorded, far within its lease.
const recordLinger = 10 * time.Millisecond

// inHand is the number of messages in hand: claimed, their result not yet
// recorded.
func (s *Sender) inHand() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}

// release ends the sender's work on id under the claim gen: its result is
// recorded. A message claimed again meanwhile goes back to Run
// (takeAgain). A hold of another claim stays: this one's was dropped when
// its lease was lost, and the message claimed anew since is that claim's.
func (s *Sender) release(id int64, gen uint64) {
	s.mu.Lock()
	again := false
	if h, ok := s.held[id]; ok && h.gen == gen {
		again = s.dropHold(id)
	}
	s.mu.Unlock()
	if again {
		s.wake()
	}
}

// dropHold ends the hold on id, under s.mu, and gives back to Run
// (takeAgain) the claim made again while it was in hand, if any; it
// reports whether it did, for the caller to wake Run once s.mu is free.
func (s *Sender) dropHold(id int64) bool {
	m := s.held[id].again
	delete(s.held, id)
	if m == nil {
		return false
	}
	s.again = append(s.again, *m)
	return true
}

// wake has Run take what was handed over or given back. It never blocks.
func (s *Sender) wake() {
	select {
	case s.offer <- struct{}{}:
	default:
	}
}

// takeAgain adds to ms the messages claimed again while they were in hand
// (take), now released, with a lease whose end is unknown (zero) in until:
// confirm then renews it before sending, which fails when the earlier
// hand's result made the claim stale (sent, failed, or a retry that
// cleared the lease), so that nothing goes out twice.
func (s *Sender) takeAgain(ms []store.Outbound, until map[int64]time.Time) ([]store.Outbound, map[int64]time.Time) {
	s.mu.Lock()
	again := s.again
	s.again = nil
	s.mu.Unlock()
	if len(again) == 0 {
		return ms, until
	}
	if until == nil {
		until = make(map[int64]time.Time, len(again))
	}
	for _, m := range again {
		until[m.ID] = time.Time{}
	}
	return append(ms, again...), until
}

// renewLoop extends the lease of the messages in hand every Renew, in one
// statement, until stop is closed.
func (s *Sender) renewLoop(ctx context.Context, stop <-chan struct{}) {
	t := time.NewTicker(s.o.Renew)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			s.renew(ctx)
		}
	}
}

// renew extends the lease of the messages in hand. Those the store no
// longer counts as ours (recorded meanwhile, or claimed by another sender
// after our lease ran out during an outage) leave our hands: a delivery
// not yet started is skipped. A failed renewal keeps them: the next one
// may succeed before the lease ends.
func (s *Sender) renew(ctx context.Context) {
	s.mu.Lock()
	asked := make(map[int64]uint64, len(s.held))
	ids := make([]int64, 0, len(s.held))
	for id, h := range s.held {
		asked[id] = h.gen
		ids = append(ids, id)
	}
	s.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	now := s.o.Clock()
	got, err := s.o.Store.RenewOutbound(ctx, s.o.Owner, ids, now, s.o.Lease)
	if err != nil {
		s.log.Warn("outbox: renewing the lease failed", "err", err, "messages", len(ids))
		return
	}
	s.renewed(asked, got, now)
}

// wait sleeps for d, until a Kick or until an Offer; claim says whether
// to claim from the outbox (not for an Offer alone: what it handed over
// is in hand), ok is false when ctx ended.
func (s *Sender) wait(ctx context.Context, d time.Duration) (claim, ok bool) {
	t := time.NewTimer(d)
	defer t.Stop()
	gather := func() bool {
		if s.o.Gather <= 0 {
			return true
		}
		g := time.NewTimer(s.o.Gather)
		defer g.Stop()
		select {
		case <-ctx.Done():
			return false
		case <-g.C:
			return true
		}
	}
	select {
	case <-ctx.Done():
		return false, false
	case <-s.offer:
		// Gathered as a Kick is: composing stores a group in one
		// transaction.
		return false, gather()
	case <-s.kick:
		return true, gather()
	case <-t.C:
		return true, true
	}
}

// delivery is a message the relay accepted, with the claim under which it
// was sent (take), for release.
type delivery struct {
	store.Sent
	gen uint64
}

// recordSent records deliveries as they come, together when several
// finished during the previous write: one statement and one commit for
// them instead of one each. It returns when sent is closed and drained.
func (s *Sender) recordSent(ctx context.Context, sent <-chan delivery) {
	const most = 256
	for first := range sent {
		group := []delivery{first}
		var linger <-chan time.Time
	more:
		for len(group) < most {
			select {
			case x, ok := <-sent:
				if !ok {
					break more
				}
				group = append(group, x)
				continue
			default:
			}
			// Nothing more yet: wait a little for the deliveries still
			// in hand, unless none is. (In hand also counts messages that
			// will send no result here, those being recorded as failed or
			// retried, and claimed ones not yet started: the group then
			// waits its whole linger, no longer.)
			if s.inHand() <= len(group) {
				break more
			}
			if linger == nil {
				linger = time.After(s.linger)
			}
			select {
			case x, ok := <-sent:
				if !ok {
					break more
				}
				group = append(group, x)
			case <-linger:
				break more
			}
		}
		marks := make([]store.Sent, len(group))
		for i, d := range group {
			marks[i] = d.Sent
		}
		err := s.record(ctx, s.log, func() error { return s.o.Store.MarkSent(ctx, marks...) })
		if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrUnavailable) && len(group) > 1 {
			// ErrNotFound recorded the others, and an outage fails each
			// alone too; any other failure recorded none: try each alone,
			// so that one bad row does not have the whole group sent again
			// when its lease ends.
			for _, x := range marks {
				s.record(ctx, s.log.With("outbox", x.ID), func() error { return s.o.Store.MarkSent(ctx, x) })
			}
		}
		for _, d := range group {
			s.release(d.ID, d.gen)
		}
	}
}

// deliver sends m, taken under the claim gen, unless composing it failed
// (renderErr): then nothing was sent, and m fails when composing can never
// succeed, or waits for its next attempt like a relay's temporary failure.
func (s *Sender) deliver(ctx context.Context, m store.Outbound, gen uint64, renderErr error, sent chan<- delivery) {
	log := s.log.With("outbox", m.ID, "ticket", m.TicketNumber, "message_id", m.MessageID)
	err := renderErr
	if err == nil && len(m.Raw) == 0 {
		// An acknowledgment this sender cannot compose (no Render):
		// an empty message must never reach the relay.
		err = fmt.Errorf("%w: outbox %d has no bytes and no composer", ErrCannotCompose, m.ID)
	}
	if err == nil {
		ok, cerr := s.confirm(ctx, m.ID, gen)
		if cerr != nil {
			// Not sent: a temporary failure, recorded as such when the
			// store answers again.
			err = fmt.Errorf("lease not confirmed: %w", cerr)
		} else if !ok {
			// Another sender claimed it after our lease ran out; it is
			// that sender's to send and record. Or, claimed again while
			// in hand (takeAgain), its earlier attempt's result was
			// recorded since: a later claim takes it if it is due.
			log.Warn("outbox: not sent, the lease was lost")
			return
		}
	}
	// Every other outcome ends with a result recorded, under our lease
	// until then; a delivery (sent) is released by recordSent.
	delivered := false
	defer func() {
		if !delivered {
			s.release(m.ID, gen)
		}
	}()
	if errors.Is(err, ErrCannotCompose) {
		log.Error("outbox: the message cannot be composed", "err", err)
		s.record(ctx, log, func() error { return s.o.Store.MarkFailed(ctx, m.ID, "composition impossible : "+err.Error()) })
		return
	}
	if err == nil {
		sendCtx, cancel := context.WithTimeout(ctx, s.o.SendTimeout)
		err = s.o.Relay.Send(sendCtx, m.MailFrom, m.To, m.Raw)
		cancel()
	}
	now := s.o.Clock()
	note := ""
	var partial *PartialError
	if errors.As(err, &partial) {
		// Delivered to the others: sent. The refusals are kept in the
		// outbox (guichet outbox shows them) for the agents to correct.
		log.Warn("outbox: sent, but the relay refused some recipients", "refused", partial.Refused)
		note, err = partial.Error(), nil
	}
	if err == nil {
		// Delivered exactly once: record it right away (recordSent
		// insists while the lease holds, since a lost MarkSent means a
		// second delivery once the lease expires).
		delivered = true
		sent <- delivery{store.Sent{ID: m.ID, At: now, Note: note, Kind: m.Kind}, gen}
		log.Debug("outbox: sent")
		return
	}
	msg := err.Error()
	if Permanent(err) {
		// RFC 5321 §4.2.1: a 5yz reply will not change on retry.
		log.Warn("outbox: relay refused the message", "err", err)
		s.record(ctx, log, func() error { return s.o.Store.MarkFailed(ctx, m.ID, msg) })
		return
	}
	next, ok := s.NextAttempt(m, now)
	if !ok {
		log.Warn("outbox: giving up after retry period", "err", err, "attempts", m.Attempts+1)
		s.record(ctx, log, func() error { return s.o.Store.MarkFailed(ctx, m.ID, "délai de nouvelle tentative dépassé : "+msg) })
		return
	}
	log.Info("outbox: temporary failure", "err", err, "next", next)
	s.record(ctx, log, func() error { return s.o.Store.MarkRetry(ctx, m.ID, msg, next) })
}

// recordPatience is how long record insists while the store is
// unavailable: a delivery whose result is lost is sent again once its lease
// ends, and the renewals keep the lease meanwhile if the store answers
// them.
const recordPatience = 2 * time.Minute

// record runs f, insisting while the store is unavailable, up to
// recordPatience; it logs and returns the last error.
func (s *Sender) record(ctx context.Context, log *slog.Logger, f func() error) error {
	deadline := time.Now().Add(recordPatience)
	delay := 100 * time.Millisecond
	for {
		err := f()
		if err == nil {
			return nil
		}
		if !errors.Is(err, store.ErrUnavailable) || time.Now().After(deadline) {
			log.Error("outbox: recording the delivery result failed", "err", err)
			return err
		}
		time.Sleep(delay)
		delay = min(2*delay, 5*time.Second)
	}
}

// NextAttempt returns when to try m again after a temporary failure at now,
// and false when its retry period (RetryMaxAge from creation) is over. The
// delay is RetryMin doubled per attempt already made, capped at RetryCap,
// with "equal jitter" (half fixed, half random) so that messages that
// failed together do not return together. The last attempt is placed at
// the end of the period rather than beyond it.
func (s *Sender) NextAttempt(m store.Outbound, now time.Time) (time.Time, bool) {
	end := m.CreatedAt.Add(s.o.RetryMaxAge)
	if !now.Before(end) {
		return time.Time{}, false
	}
	d := s.o.RetryMin
	for i := 0; i < m.Attempts && d < s.o.RetryCap; i++ {
		d *= 2
	}
	d = min(d, s.o.RetryCap)
	d = d/2 + rand.N(d/2+1)
	next := now.Add(d)
	if next.After(end) {
		next = end
	}
	return next, true
}
