package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"guichet/store"
)

// committer runs units of work in transactions, several at once when
// callers are concurrent (group commit): while one transaction commits,
// the next callers queue up, then share one transaction and one commit, so
// the fsync is paid once per batch. Do returns only once its caller's own
// work is committed, or has failed.
//
// Work may leave something to the end of its batch (Open): the finish
// step receives what every committed work left, in the batch's order, and
// completes it in the same transaction just before the commit. The
// pipeline numbers its new tickets there, together, so the year's counter
// row is locked only from then to the commit.
//
// Retry policy, the only one: a work runs in its batch; it runs once more,
// alone and at once after the batch, when it asked to (Defer: it refers to
// something another work of the batch creates at the end), or when the
// batch as a whole could not commit (its finish step or the commit failed:
// one bad message must not refuse the others, and an ambiguous commit is
// settled by the work itself, e.g. by dedupe). A work's own error is final:
// the store ran the rest of the batch again without it. Work therefore
// keeps no state across runs: each run starts from its function's locals.
type committer[O any] struct {
	st     Store
	finish func(ctx context.Context, tx store.Tx, opens []O) error
	max    int
	log    *slog.Logger
	queue  chan *job[O]
	// running is set while Run serves the queue; without it Do commits alone.
	running atomic.Bool
	// sending counts callers between their check of running and the end of
	// their send to queue: Run drains until it is zero, so that no work is
	// left in the queue after Run returns.
	sending atomic.Int64
	// gather is how long after its first work a batch may wait for more
	// (gatherFor); gap follows the time between works queued, last is
	// when the latest was: Run's alone.
	gather time.Duration
	gap    time.Duration
	last   time.Time
}

const (
	// gatherFor bounds how long a batch waits for more work once its first
	// was queued, when works come faster than that. A batch costs about as
	// much for one message as for several: its transaction, its commit and
	// the pages every commit writes again (the last pages of the tables and
	// indexes). Taken as soon as one work was there, batches under the
	// load generator's 16 connections held 2.8 messages on average, and
	// more than half of them one. Waiting up to 2 ms made them 6.7 on
	// SQLite, cut the gateway's CPU per message by a tenth and raised the
	// rate by 9 % (3 % on PostgreSQL), with the median latency unchanged:
	// the verdict waits for the sync of the log anyway (walsync.go). 1 ms
	// gathered too little, 3 ms raised the median latency.
	gatherFor = 2 * time.Millisecond
	// gapCap bounds one gap's weight in the mean: after a pause, the next
	// work is not kept waiting, and a few quick ones bring the mean down.
	gapCap = 100 * time.Millisecond
)

// work is a caller's unit of work: it runs in tx, and acts on its batch
// through b.
type work[O any] func(ctx context.Context, tx store.Tx, b *batch[O]) error

// job is one caller's work waiting for its commit.
type job[O any] struct {
	fn     work[O]
	queued time.Time
	ahead  *Ahead
	opens  []O // what its last run left to the batch's end
	done   chan error
}

// Ahead is a work's first statement when it is the insert of a message
// whose row depends on nothing else in the transaction: the committer
// sends those of a batch together, in one round trip, before the works
// run, and each work takes its own result (batch.InsertMessage) instead of
// waiting for a round trip of its own. Under load a round trip costs the
// committer, which every message waits for, more than the statement: one
// per message was most of its time.
//
// Names are what the message creates or refers to (its dedupe key,
// Message-ID, references): a message that shares one with another work of
// its batch is inserted by its work, in turn, so the batch's rules
// (Pending, Defer, dedupe) see what they saw before.
type Ahead struct {
	Msg   *store.Message // nil: only Names, for a work that inserts later
	Names []string
	// Numbers are the ticket numbers the work will look up (batch.
	// TicketByNumber): read in the same round trip as the inserts.
	Numbers []string

	// Each attempt of a batch sets these anew.
	sent, used bool
	m          store.Message // Msg as inserted (ids set)
	id         int64
	dup        error
}

// errAlone: a work did not take the row inserted ahead for it (it waits
// for the batch, or changed its message): the batch runs again without it,
// and it runs alone after, inserting its message itself.
var errAlone = errors.New("ingest: the message inserted ahead was not the work's")

// errDeferred marks a work that waits for the end of its batch. It wraps
// store.ErrSkip: the store leaves the work out without a rollback, which
// is why Defer must come before the work writes anything.
var errDeferred = fmt.Errorf("ingest: waits for its batch to commit: %w", store.ErrSkip)

// batch is what a work knows of the others it is committed with.
type batch[O any] struct {
	// pending names what the batch's works create at its end (or wait
	// for), and who; nil when the work commits alone.
	pending map[string]*job[O]
	cur     *job[O]
	// read holds the tickets the attempt's first round trip read by number
	// (nil: not found), nil when it read none; changed, the tickets a work
	// of the attempt wrote since (all of them when changedAll).
	read       map[string]*store.Ticket
	changed    map[int64]bool
	changedAll bool
}

// TicketByNumber is tx.TicketByNumber, answered from what the attempt read
// with its inserts when no work of the attempt has written that ticket
// since: the works before this one are the only writers of the
// transaction, and another transaction's change could as well have come
// just after a look-up of the work's own.
func (b *batch[O]) TicketByNumber(ctx context.Context, tx store.Tx, number string) (store.Ticket, error) {
	if t, ok := b.read[number]; ok && !b.changedAll {
		if t == nil {
			return store.Ticket{}, fmt.Errorf("ticket %s: %w", number, store.ErrNotFound)
		}
		if !b.changed[t.ID] {
			return *t, nil
		}
	}
	return tx.TicketByNumber(ctx, number)
}

// Changed tells the batch that the current work writes ticket id (0: it
// may write any), so that later works look it up again.
func (b *batch[O]) Changed(id int64) {
	if id == 0 {
		b.changedAll = true
		return
	}
	if b.changed == nil {
		b.changed = map[int64]bool{}
	}
	b.changed[id] = true
}

// Pending reports whether one of keys names something another work of the
// batch creates at its end.
func (b *batch[O]) Pending(keys ...string) bool {
	for _, k := range keys {
		if b.pending[k] != nil {
			return true
		}
	}
	return false
}

// Defer returns the error that makes the work run again alone right after
// the batch commits. keys name what it would create: works that refer to
// them wait as well.
func (b *batch[O]) Defer(keys ...string) error {
	b.note(keys)
	return errDeferred
}

// Open leaves o to the finish step, which runs after every work of the
// batch; keys name what o creates, so that works referring to it wait.
func (b *batch[O]) Open(o O, keys ...string) {
	b.cur.opens = append(b.cur.opens, o)
	b.note(keys)
}

// InsertMessage stores m as tx.InsertMessage does, or, when the committer
// inserted the work's message ahead, returns that insert's result.
func (b *batch[O]) InsertMessage(ctx context.Context, tx store.Tx, m *store.Message) (int64, error) {
	ah := b.cur.ahead
	if ah == nil || !ah.sent {
		return tx.InsertMessage(ctx, m)
	}
	if ah.used || m.DedupeKey != ah.Msg.DedupeKey || m.OpensTicket != ah.Msg.OpensTicket {
		return 0, errAlone
	}
	ah.used = true
	*m = ah.m
	return ah.id, ah.dup
}

func (b *batch[O]) note(keys []string) {
	if b.pending == nil {
		return
	}
	for _, k := range keys {
		if k != "" {
			b.pending[k] = b.cur
		}
	}
}

// start prepares a new run of j: what an earlier run noted is forgotten.
func (b *batch[O]) start(j *job[O]) {
	for k, owner := range b.pending {
		if owner == j {
			delete(b.pending, k)
		}
	}
	j.opens = nil
	b.cur = j
}

func newCommitter[O any](st Store, maxBatch int, log *slog.Logger, finish func(context.Context, store.Tx, []O) error) *committer[O] {
	return &committer[O]{st: st, finish: finish, max: maxBatch, log: log, queue: make(chan *job[O], 4*maxBatch),
		gather: gatherFor, gap: gapCap}
}

// Do runs fn and returns once its work is committed (nil) or has failed.
// ahead, when not nil, is fn's first insert, which the committer may send
// with its batch's others (see Ahead).
func (c *committer[O]) Do(ctx context.Context, ahead *Ahead, fn work[O]) error {
	// Counted before running is read: drain, which runs after running is
	// cleared, then sees this caller and waits for its work.
	c.sending.Add(1)
	if !c.running.Load() {
		c.sending.Add(-1)
		return c.alone(ctx, fn)
	}
	j := &job[O]{fn: fn, queued: time.Now(), ahead: ahead, done: make(chan error, 1)}
	select {
	case c.queue <- j:
		c.sending.Add(-1)
	case <-ctx.Done():
		c.sending.Add(-1)
		return ctx.Err()
	}
	// Once queued, the work will be committed or fail; wait for the verdict
	// even if ctx ends, so that a caller never reports failure for work
	// that was in fact committed.
	return <-j.done
}

// Run commits queued work in batches of at most max until ctx ends, then
// drains the queue. A batch's callers hear their verdict once its commit
// is durable (settle): on SQLite the sync of the log takes place after the
// writer's connection is free, so the next batch runs meanwhile and
// batches committed during one sync share the next.
func (c *committer[O]) Run(ctx context.Context) {
	settling := make(chan *settlement[O], 4)
	settled := make(chan struct{})
	go func() {
		defer close(settled)
		for s := range settling {
			s.settle()
		}
	}()
	defer func() {
		close(settling)
		<-settled
	}()
	c.running.Store(true)
	for {
		var first *job[O]
		select {
		case <-ctx.Done():
			c.running.Store(false)
			c.drain(settling)
			return
		case first = <-c.queue:
		}
		jobs := []*job[O]{first}
	fill:
		for len(jobs) < c.max {
			select {
			case j := <-c.queue:
				jobs = append(jobs, j)
			default:
				break fill
			}
		}
		jobs = c.gatherMore(ctx, jobs)
		if s := c.commit(context.WithoutCancel(ctx), jobs); s != nil {
			settling <- s
		}
	}
}

// gatherMore lets a batch wait for more work, until it is c.gather old
// (counted from when its first work was queued) or full, when works come
// faster than that; otherwise it returns jobs as they are.
func (c *committer[O]) gatherMore(ctx context.Context, jobs []*job[O]) []*job[O] {
	for _, j := range jobs {
		c.arrived(j.queued)
	}
	if c.gather <= 0 || c.gap >= c.gather || len(jobs) >= c.max {
		return jobs
	}
	wait := c.gather - time.Since(jobs[0].queued)
	if wait <= 0 {
		return jobs
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for len(jobs) < c.max {
		select {
		case j := <-c.queue:
			c.arrived(j.queued)
			jobs = append(jobs, j)
		case <-t.C:
			return jobs
		case <-ctx.Done():
			return jobs
		}
	}
	return jobs
}

// arrived takes a work queued at into the mean gap between works (an
// exponential mean, each new gap weighing an eighth).
func (c *committer[O]) arrived(at time.Time) {
	if !c.last.IsZero() {
		g := min(max(at.Sub(c.last), 0), gapCap)
		c.gap += (g - c.gap) / 8
	}
	c.last = at
}

// drain commits what was queued before Run stopped, and what callers that
// saw Run still running are about to queue, so no caller waits forever;
// callers arriving later commit on their own.
func (c *committer[O]) drain(settling chan<- *settlement[O]) {
	for {
		select {
		case j := <-c.queue:
			if s := c.commit(context.Background(), []*job[O]{j}); s != nil {
				settling <- s
			}
		default:
			if c.sending.Load() == 0 && len(c.queue) == 0 {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// settlement is a committed batch's verdicts, to be given once the commit
// is durable.
type settlement[O any] struct {
	jobs    []*job[O]
	errs    []error
	durable func() error
}

// settle waits for the commit to be durable and gives each caller its
// verdict. When it cannot be, no caller of the batch may acknowledge: a
// work's own failure stands, any other verdict (committed, or skipped
// because what it found was committed) becomes the sync's failure.
func (s *settlement[O]) settle() {
	var err error
	if s.durable != nil {
		err = s.durable()
	}
	for i, j := range s.jobs {
		e := s.errs[i]
		if err != nil && (e == nil || errors.Is(e, store.ErrSkip)) {
			e = err
		}
		j.done <- e
	}
}

// commit runs jobs in one transaction, then the finish step over what the
// committed ones left, and applies the retry policy. The works that ran
// again alone have their verdict; those of the batch are returned to be
// settled once the commit is durable (nil when none is left, or when the
// commit was durable on return).
func (c *committer[O]) commit(ctx context.Context, jobs []*job[O]) *settlement[O] {
	b := &batch[O]{pending: map[string]*job[O]{}}
	fns := make([]store.TxFunc, len(jobs))
	for i, j := range jobs {
		fns[i] = func(ctx context.Context, tx store.Tx) error {
			b.start(j)
			err := j.fn(ctx, tx, b)
			if ah := j.ahead; ah != nil && ah.sent && !ah.used && (err == nil || errors.Is(err, store.ErrSkip)) {
				// Its row is in the transaction, though the work did not
				// write it: it must not be left out without a rollback.
				return errAlone
			}
			return err
		}
	}
	finish := func(ctx context.Context, tx store.Tx, live []int) error {
		var opens []O
		for _, i := range live {
			opens = append(opens, jobs[i].opens...)
		}
		return c.finishAll(ctx, tx, opens)
	}
	start := time.Now()
	errs, durable, err := c.st.InTxBatchCommit(ctx, fns, insertAhead(jobs, b), finish)
	c.log.Debug("batch committed", "size", len(jobs), "ms", float64(time.Since(start).Microseconds())/1000, "err", err)
	s := &settlement[O]{durable: durable}
	for i, j := range jobs {
		var e error
		if i < len(errs) {
			e = errs[i]
		}
		if err != nil || errors.Is(e, errDeferred) || errors.Is(e, errAlone) {
			// Alone, the work commits durably before its verdict; the
			// sync it waits for also covers this batch's commit.
			j.done <- c.alone(ctx, j.fn)
			continue
		}
		s.jobs = append(s.jobs, j)
		s.errs = append(s.errs, e)
	}
	if len(s.jobs) == 0 {
		return nil
	}
	if durable == nil {
		s.settle()
		return nil
	}
	return s
}

// insertAhead returns the prelude that inserts, at the start of each
// attempt, the messages of the batch's works that may be (see Ahead), nil
// when there are none.
func insertAhead[O any](jobs []*job[O], b *batch[O]) store.BatchPrelude {
	seen := map[string]int{}
	for _, j := range jobs {
		if j.ahead == nil {
			continue
		}
		for _, n := range slices.Compact(slices.Sorted(slices.Values(j.ahead.Names))) {
			seen[n]++
		}
	}
	eligible := make([]bool, len(jobs))
	some := false
	size := 0
	for i, j := range jobs {
		if j.ahead == nil || j.ahead.Msg == nil {
			continue
		}
		// The inserts go to the server as one message, which the driver
		// builds in memory whole: a group of large messages is inserted
		// one by one, as before, not all at once.
		if size += messageSize(j.ahead.Msg); size > aheadBytes {
			continue
		}
		eligible[i] = !slices.ContainsFunc(j.ahead.Names, func(n string) bool { return seen[n] > 1 })
		some = some || eligible[i]
	}
	if !some {
		return nil
	}
	return func(ctx context.Context, tx store.Tx, live []int) (int, error) {
		b.read, b.changed, b.changedAll = nil, nil, false
		var ms []*store.Message
		var at []int // index in live of each of ms
		var numbers []string
		for k, i := range live {
			ah := jobs[i].ahead
			if ah == nil {
				continue
			}
			ah.sent, ah.used, ah.id, ah.dup = false, false, 0, nil
			if !eligible[i] {
				continue
			}
			ah.m = *ah.Msg
			ms, at = append(ms, &ah.m), append(at, k)
			for _, n := range ah.Numbers {
				if !slices.Contains(numbers, n) {
					numbers = append(numbers, n)
				}
			}
		}
		if len(ms) == 0 {
			return -1, nil
		}
		// In the batch's order, which is the order of arrival: a ticket's
		// history lists its messages in the order of their rows. (Only a
		// message inserted by its own work, because it shares a name with
		// another, may now come after one of its batch that arrived later.)
		ids, dups, read, err := tx.InsertMessagesReading(ctx, ms, numbers)
		if err != nil {
			var ie *store.InsertError
			if errors.As(err, &ie) && ie.Index >= 0 && ie.Index < len(at) {
				return at[ie.Index], fmt.Errorf("insert message: %w", ie.Err)
			}
			return -1, err
		}
		for n, k := range at {
			ah := jobs[live[k]].ahead
			ah.sent, ah.id, ah.dup = true, ids[n], dups[n]
		}
		b.read = read
		return -1, nil
	}
}

// aheadBytes bounds the raw bytes and attachments a group inserts ahead.
const aheadBytes = 4 << 20

// messageSize is what m weighs in a statement: its raw bytes and its
// attachments' content.
func messageSize(m *store.Message) int {
	n := len(m.Raw)
	for _, a := range m.Attachments {
		n += len(a.Data)
	}
	return n
}

// alone runs fn and its finish step in a transaction of its own.
func (c *committer[O]) alone(ctx context.Context, fn work[O]) error {
	return c.st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		b := &batch[O]{cur: &job[O]{}}
		if err := fn(ctx, tx, b); err != nil {
			return err
		}
		return c.finishAll(ctx, tx, b.cur.opens)
	})
}

func (c *committer[O]) finishAll(ctx context.Context, tx store.Tx, opens []O) error {
	if len(opens) == 0 {
		return nil
	}
	return c.finish(ctx, tx, opens)
}
