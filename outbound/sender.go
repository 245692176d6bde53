package outbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"guichet/store"
)

// Outbox is the part of the store the Sender uses; store.Store satisfies it.
type Outbox interface {
	ClaimOutbound(ctx context.Context, now time.Time, n int, lease time.Duration) ([]store.Outbound, error)
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
	Batch       int           // messages claimed at once (32)
	Parallel    int           // deliveries in flight (4)
	Poll        time.Duration // how often to look for due messages without a Kick (5 s)
	// Lease is how long a claimed message is reserved for this sender (5
	// min); it must exceed a delivery's worst case (the relay timeout).
	Lease time.Duration
	Clock func() time.Time
	// Render composes the claimed mail that was queued without its bytes
	// (acknowledgments, Acker.RenderAll), in place, before it is sent;
	// errs[i] is ms[i]'s. nil sends every message as queued.
	Render func(ctx context.Context, ms []store.Outbound) (errs []error)
}

// Sender delivers the outbox: it claims due messages, hands them to the
// relay, and records each result.
type Sender struct {
	o    SenderOptions
	log  *slog.Logger
	kick chan struct{}
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
		o.Batch = 32
	}
	if o.Parallel <= 0 {
		o.Parallel = 4
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{o: o, log: log, kick: make(chan struct{}, 1)}
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
		renderErr error
	}
	jobs := make(chan job)
	sent := make(chan store.Sent, s.o.Batch)
	recorded := make(chan struct{})
	go func() {
		defer close(recorded)
		s.recordSent(bg, sent)
	}()
	var wg sync.WaitGroup
	for range s.o.Parallel {
		wg.Go(func() {
			for j := range jobs {
				s.deliver(bg, j.m, j.renderErr, sent)
			}
		})
	}
	defer func() {
		close(jobs)
		wg.Wait()
		close(sent)
		<-recorded
	}()

	storeDelay := time.Second
	for {
		if ctx.Err() != nil {
			return nil
		}
		// The claim runs to completion even if ctx ends meanwhile: a claim
		// committed but abandoned would hide its messages until their
		// lease expires.
		claimed, err := s.o.Store.ClaimOutbound(bg, s.o.Clock(), s.o.Batch, s.o.Lease)
		if err != nil {
			s.log.Warn("outbox: claim failed", "err", err)
			if !s.wait(ctx, storeDelay) {
				return nil
			}
			storeDelay = min(2*storeDelay, time.Minute)
			continue
		}
		storeDelay = time.Second
		var renderErrs []error
		if s.o.Render != nil {
			renderErrs = s.o.Render(bg, claimed)
		}
		for i, m := range claimed {
			// Claimed messages are leased to us: hand each over even when
			// ctx ends meanwhile, so none waits for its lease to expire.
			j := job{m: m}
			if i < len(renderErrs) {
				j.renderErr = renderErrs[i]
			}
			jobs <- j
		}
		if len(claimed) == s.o.Batch {
			continue // more may be due
		}
		if !s.wait(ctx, s.o.Poll) {
			return nil
		}
	}
}

// wait sleeps for d or until a Kick; false when ctx ended.
func (s *Sender) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-s.kick:
	case <-t.C:
	}
	return true
}

// recordSent records deliveries as they come, together when several
// finished during the previous write: one statement and one commit for
// them instead of one each. It returns when sent is closed and drained.
func (s *Sender) recordSent(ctx context.Context, sent <-chan store.Sent) {
	const most = 256
	for first := range sent {
		group := []store.Sent{first}
	more:
		for len(group) < most {
			select {
			case x, ok := <-sent:
				if !ok {
					break more
				}
				group = append(group, x)
			default:
				break more
			}
		}
		err := s.record(ctx, s.log, func() error { return s.o.Store.MarkSent(ctx, group...) })
		if err != nil && !errors.Is(err, store.ErrNotFound) && !errors.Is(err, store.ErrUnavailable) && len(group) > 1 {
			// ErrNotFound recorded the others, and an outage fails each
			// alone too; any other failure recorded none: try each alone,
			// so that one bad row does not have the whole group sent again
			// when its lease ends.
			for _, x := range group {
				s.record(ctx, s.log.With("outbox", x.ID), func() error { return s.o.Store.MarkSent(ctx, x) })
			}
		}
	}
}

// deliver sends m, unless composing it failed (renderErr): then nothing was
// sent, and m fails when composing can never succeed, or waits for its next
// attempt like a relay's temporary failure.
func (s *Sender) deliver(ctx context.Context, m store.Outbound, renderErr error, sent chan<- store.Sent) {
	log := s.log.With("outbox", m.ID, "ticket", m.TicketNumber, "message_id", m.MessageID)
	err := renderErr
	if err == nil && len(m.Raw) == 0 {
		// An acknowledgment this sender cannot compose (no Render):
		// an empty message must never reach the relay.
		err = fmt.Errorf("%w: outbox %d has no bytes and no composer", ErrCannotCompose, m.ID)
	}
	if errors.Is(err, ErrCannotCompose) {
		log.Error("outbox: the message cannot be composed", "err", err)
		s.record(ctx, log, func() error { return s.o.Store.MarkFailed(ctx, m.ID, "composition impossible : "+err.Error()) })
		return
	}
	if err == nil {
		sendCtx, cancel := context.WithTimeout(ctx, s.o.Lease*4/5)
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
		sent <- store.Sent{ID: m.ID, At: now, Note: note}
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

// record runs f, insisting while the store is unavailable, up to half the
// lease; it logs and returns the last error.
func (s *Sender) record(ctx context.Context, log *slog.Logger, f func() error) error {
	deadline := s.o.Clock().Add(s.o.Lease / 2)
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
