package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"guichet/alerts"
	"guichet/classify"
	"guichet/ingest/mailparse"
	"guichet/outbound"
	"guichet/replyaddr"
	"guichet/store"
	"guichet/ticketref"
)

// Store is the part of the store the pipeline needs.
type Store interface {
	InTx(ctx context.Context, fn store.TxFunc) error
	InTxBatchFinish(ctx context.Context, fns []store.TxFunc, finish store.BatchFinish) ([]error, error)
}

// Classifier chooses a category from a subject and a body.
type Classifier interface {
	Classify(subject, body string) classify.Result
}

// AddressParser recognises the ticket's signed reply addresses.
type AddressParser interface {
	Parse(addr string) (number string, role replyaddr.Role, ok bool)
}

// Acknowledger queues a new ticket's acknowledgment inside the pipeline's
// transaction, or says why none may go out.
type Acknowledger interface {
	// AcknowledgeAll acknowledges several new tickets in a fixed number of
	// statements; reasons[i] says why ts[i] got none, "" when one is queued.
	AcknowledgeAll(ctx context.Context, tx store.Tx, ts []store.Ticket, ins []outbound.Incoming) (reasons []string, err error)
}

// Options configure a Pipeline.
type Options struct {
	// SupportAddress is the help centre's address.
	SupportAddress string
	// OwnAddresses are our addresses besides SupportAddress (alert
	// addresses, declared aliases): never participants, never acknowledged.
	OwnAddresses []string
	// AlertAddresses are recipients whose mail is monitoring mail.
	AlertAddresses []string
	// AlertMailboxes are IMAP mailbox names of kind "alert".
	AlertMailboxes []string
	// Agents are the declared agents' addresses.
	Agents []string
	// ReopenAfterClose: a requester's reply to a ticket closed longer ago
	// than this opens a new linked ticket instead of reopening it.
	ReopenAfterClose time.Duration
	Limits           mailparse.Limits
	// MaxBatch bounds how many deliveries share one commit (default 64).
	MaxBatch int
	Logger   *slog.Logger
	Clock    func() time.Time
	// Observe, when set, is called after each committed delivery (metrics).
	Observe func(env store.Envelope, kind store.Kind, r Result, took time.Duration)

	// Monitoring mail (issue 7; see alert.go). AlertRules mark senders'
	// mail as alerts and read formats no built-in parser knows.
	AlertRules []alerts.Rule
	// AlertRenotify: agents hear of an incident at most once per period
	// (GUICHET_ALERT_RENOTIFY, default 1h).
	AlertRenotify time.Duration
	// AlertReopen: a problem within this time of its incident's recovery
	// reopens it, later it opens a new one (GUICHET_ALERT_REOPEN, default 1h).
	AlertReopen time.Duration

	// Agents' work by mail (issue 6; see agent.go).
	// Teams route categories to agents: a category whose group a team
	// covers notifies that team; other categories notify every agent.
	Teams []Team
	// Mailer sends notifications, answers, notices and command reports;
	// nil sends none (an agent's message is still recorded).
	Mailer AgentMailer
	// TrustedAuthServ are the authserv-ids (RFC 8601) whose
	// Authentication-Results fields prove an agent's identity
	// (GUICHET_TRUSTED_AUTHSERV). The MTA named must remove such fields
	// that arrive from outside (RFC 8601 §5).
	TrustedAuthServ []string
	// LookupTXT resolves DKIM keys; nil uses the system resolver. Tests
	// inject one so that DKIM is checked offline.
	LookupTXT func(domain string) ([]string, error)
}

// Pipeline turns raw messages into stored tickets. It is the one entry
// point shared by SMTP, IMAP and the pipe; it is safe for concurrent use.
type Pipeline struct {
	o       Options
	st      Store
	cl      Classifier
	addrs   AddressParser
	ack     Acknowledger
	log     *slog.Logger
	now     func() time.Time
	own     map[string]bool
	alerts  map[string]bool
	agents  map[string]bool
	boxes   map[string]bool
	queue   chan *work
	batched atomic.Bool
	// sending counts callers between their check of batched and the end of
	// their send to queue: Run drains until it is zero, so that no work is
	// left in the queue after Run returns.
	sending atomic.Int64
	onQueue func()
}

// New builds a pipeline. addrs and ack may be nil (no signed addresses, no
// acknowledgments).
func New(o Options, st Store, cl Classifier, addrs AddressParser, ack Acknowledger) *Pipeline {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 64
	}
	if o.ReopenAfterClose <= 0 {
		o.ReopenAfterClose = 30 * 24 * time.Hour
	}
	p := &Pipeline{
		o: o, st: st, cl: cl, addrs: addrs, ack: ack,
		log: o.Logger, now: o.Clock,
		own:    set(append([]string{o.SupportAddress}, append(o.OwnAddresses, o.AlertAddresses...)...)),
		alerts: set(o.AlertAddresses),
		agents: set(o.Agents),
		boxes:  set(o.AlertMailboxes),
		queue:  make(chan *work, 4*o.MaxBatch),
	}
	return p
}

// OnCommit sets a function called after each commit that queued outbound
// mail (the outbox sender's Kick).
func (p *Pipeline) OnCommit(f func()) { p.onQueue = f }

// ownList is our own addresses, for the loop policy.
func (p *Pipeline) ownList() []string {
	out := make([]string, 0, len(p.own))
	for a := range p.own {
		out = append(out, a)
	}
	return out
}

func set(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, a := range list {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			m[a] = true
		}
	}
	return m
}

// work is one delivery waiting for a group commit.
type work struct {
	d    *delivery
	fn   store.TxFunc
	done chan error
}

// errAfterBatch marks a delivery that refers to a ticket another delivery
// of the same batch is about to create (its reply, or a second copy of
// it): it runs alone right after the batch commits, when that ticket
// exists.
var errAfterBatch = fmt.Errorf("ingest: refers to a ticket created in the same batch: %w", store.ErrSkip)

// batchState is what the deliveries of one batch attempt know of each
// other: the dedupe keys and Message-IDs of those whose ticket is pending.
type batchState struct {
	pending map[string]*delivery // dedupe key or Message-ID → who opens the ticket
}

// forget removes what d noted in the batch (a re-run starts afresh).
func (b *batchState) forget(d *delivery) {
	for k, owner := range b.pending {
		if owner == d {
			delete(b.pending, k)
		}
	}
}

// Run commits concurrent deliveries together until ctx ends: while one
// transaction commits, the next deliveries queue up and then share a single
// commit, so the fsync is paid once per batch. Each Deliver still returns
// only after its own commit. Without Run, each Deliver commits alone.
func (p *Pipeline) Run(ctx context.Context) error {
	p.batched.Store(true)
	for {
		var first *work
		select {
		case <-ctx.Done():
			p.batched.Store(false)
			p.drain()
			return nil
		case first = <-p.queue:
		}
		batch := []*work{first}
	fill:
		for len(batch) < p.o.MaxBatch {
			select {
			case w := <-p.queue:
				batch = append(batch, w)
			default:
				break fill
			}
		}
		p.commit(context.WithoutCancel(ctx), batch)
	}
}

// drain commits what was queued before Run stopped, and what callers that
// saw Run still running are about to queue, so no caller waits forever;
// callers arriving later commit on their own.
func (p *Pipeline) drain() {
	for {
		select {
		case w := <-p.queue:
			p.commit(context.Background(), []*work{w})
		default:
			if p.sending.Load() == 0 && len(p.queue) == 0 {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// commit runs a batch in two phases within one transaction. Each delivery
// first does its own work (dedupe, threading, joins); the new tickets are
// then created together, acknowledged together, and committed. Numbering
// holds the year's counter row until the commit, so doing it last and in a
// few statements keeps that lock short.
func (p *Pipeline) commit(ctx context.Context, batch []*work) {
	state := &batchState{pending: map[string]*delivery{}}
	fns := make([]store.TxFunc, len(batch))
	for i, w := range batch {
		w.d.batch = state
		fns[i] = w.fn
	}
	finish := func(ctx context.Context, tx store.Tx, live []int) error {
		var opens []*delivery
		for _, i := range live {
			if d := batch[i].d; d.pending != nil {
				opens = append(opens, d)
			}
		}
		return p.openAll(ctx, tx, opens)
	}
	start := time.Now()
	errs, err := p.st.InTxBatchFinish(ctx, fns, finish)
	p.log.Debug("batch committed", "size", len(batch), "ms", float64(time.Since(start).Microseconds())/1000, "err", err)
	for i, w := range batch {
		w.d.batch = nil
		var e error
		switch {
		case err != nil:
			// The batch as a whole failed (its last step, or the commit):
			// each delivery tries again alone, so that one bad message
			// cannot refuse the others, and an ambiguous commit is settled
			// by dedupe.
			e = p.st.InTx(ctx, w.fn)
		case i < len(errs):
			e = errs[i]
		}
		if errors.Is(e, errAfterBatch) {
			e = p.st.InTx(ctx, w.fn)
		}
		w.done <- e
	}
}

func (p *Pipeline) run(ctx context.Context, d *delivery, fn store.TxFunc) error {
	// Counted before batched is read: drain, which runs after batched is
	// cleared, then sees this caller and waits for its work.
	p.sending.Add(1)
	if !p.batched.Load() {
		p.sending.Add(-1)
		return p.st.InTx(ctx, fn)
	}
	w := &work{d: d, fn: fn, done: make(chan error, 1)}
	select {
	case p.queue <- w:
		p.sending.Add(-1)
	case <-ctx.Done():
		p.sending.Add(-1)
		return ctx.Err()
	}
	// Once queued, the work will be committed or fail; wait for the verdict
	// even if ctx ends, so that a caller never reports failure for a
	// message that was in fact stored.
	return <-w.done
}

// Deliver parses, classifies, threads and stores one message, and queues
// its acknowledgment, all in one transaction. It returns only after commit.
func (p *Pipeline) Deliver(ctx context.Context, raw []byte, env store.Envelope) (Result, error) {
	start := p.now()
	m := mailparse.Parse(raw, p.o.Limits)
	// Addresses compare case-insensitively everywhere (participants,
	// agents, rate limits): people do not type their address the same way
	// twice, and no mail system here gives case a meaning.
	m.From.Addr = strings.ToLower(m.From.Addr)
	sum := sha256.Sum256(raw)
	rawHash := hex.EncodeToString(sum[:])

	msg := &store.Message{
		Direction:  store.DirIn,
		Kind:       store.KindRequest,
		From:       m.From.Addr,
		FromName:   m.From.Name,
		To:         addrs(m.To),
		Cc:         addrs(m.Cc),
		Subject:    m.Subject,
		MessageID:  m.MessageID,
		InReplyTo:  m.InReplyTo,
		References: m.References,
		Date:       m.Date,
		Text:       m.Text,
		Raw:        raw,
		RawSHA256:  rawHash,
		ParseError: strings.Join(m.Problems, "; "),
		Envelope:   env,
		DedupeKey:  m.MessageID,
		CreatedAt:  start,
	}
	if msg.DedupeKey == "" {
		msg.DedupeKey = "sha256:" + rawHash
	}
	if msg.Date.IsZero() {
		msg.Date = start
	}
	for _, a := range m.Attachments {
		as := sha256.Sum256(a.Data)
		msg.Attachments = append(msg.Attachments, store.Attachment{
			Filename: a.Filename, ContentType: a.ContentType, ContentID: a.ContentID,
			Inline: a.Inline, Size: int64(len(a.Data)), SHA256: hex.EncodeToString(as[:]), Data: a.Data,
		})
	}
	d := &delivery{m: m, msg: msg, env: env, raw: raw, alert: p.isAlert(m, env)}
	if d.alert {
		msg.Kind = store.KindAlert
		d.alertInfo = p.ReadAlert(m.From.Addr, m.Subject, m.FullText, m.Date)
		d.alertKey = d.alertInfo.Key()
	}

	// Work that needs no database happens before the transaction.
	if p.cl != nil {
		d.cat = p.cl.Classify(m.Subject, m.Text)
	}
	d.sig = p.signals(m, env)
	d.agentProof = p.agentProofOutsideTx(ctx, d)

	initialKind := msg.Kind
	err := p.run(ctx, d, func(ctx context.Context, tx store.Tx) error {
		// A batch may run this function again after a failed commit, so it
		// starts from a clean state every time.
		d.queued, d.now, d.rowID, d.notified, d.pending = false, p.now(), 0, false, nil
		d.notifyOnOpen, d.resolveOnOpen = false, false
		d.msg.Kind = initialKind
		if d.batch != nil {
			d.batch.forget(d)
		}
		var err error
		d.result, err = p.store(ctx, tx, d)
		// A delivery that opens a ticket at the batch's end, or that waits for
		// one, is noted: what refers to it must wait for that ticket too.
		if d.batch != nil && (err == nil && d.pending != nil || errors.Is(err, errAfterBatch)) {
			d.batch.pending[d.msg.DedupeKey] = d
			if d.m.MessageID != "" {
				d.batch.pending[d.m.MessageID] = d
			}
			if d.alert {
				d.batch.pending[incidentPendingKey(d.alertKey)] = d
			}
		}
		return err
	})
	if err != nil {
		return Result{}, fmt.Errorf("deliver %s: %w", msg.DedupeKey, err)
	}
	res, queued := d.result, d.queued
	if queued && p.onQueue != nil {
		p.onQueue()
	}
	if p.o.Observe != nil {
		p.o.Observe(env, msg.Kind, res, p.now().Sub(start))
	}
	p.log.Info("message stored", "action", res.Action, "ticket", res.Ticket, "message_id", m.MessageID,
		"transport", env.Transport, "linked_to", res.LinkedTo, "reason", res.Reason,
		"ms", float64(p.now().Sub(start).Microseconds())/1000)
	return res, nil
}

// signals are the ways a message can refer to an existing ticket (SPEC
// "Threading"), in the spec's order of precedence.
type signals struct {
	tagNumber  string
	references []string
	addrNumber string
}

func (p *Pipeline) signals(m *mailparse.Message, env store.Envelope) signals {
	var s signals
	if n, ok := ticketref.Find(m.Subject); ok {
		s.tagNumber = n
	}
	if m.InReplyTo != "" {
		s.references = append(s.references, m.InReplyTo)
	}
	for _, r := range m.References {
		if r != m.InReplyTo {
			s.references = append(s.references, r)
		}
	}
	if p.addrs != nil {
		rcpts := append(append(append([]string{}, env.RcptTo...), addrs(m.To)...), addrs(m.Cc)...)
		for _, r := range rcpts {
			if n, _, ok := p.addrs.Parse(r); ok {
				s.addrNumber = n
				break
			}
		}
	}
	return s
}

func (p *Pipeline) isAlert(m *mailparse.Message, env store.Envelope) bool {
	if env.Mailbox != "" && p.boxes[strings.ToLower(env.Mailbox)] {
		return true
	}
	for _, r := range env.RcptTo {
		if p.alerts[strings.ToLower(r)] {
			return true
		}
	}
	if len(env.RcptTo) == 0 {
		for _, r := range append(addrs(m.To), addrs(m.Cc)...) {
			if p.alerts[r] {
				return true
			}
		}
	}
	_, ruled := alerts.MatchSender(p.o.AlertRules, m.From.Addr)
	return ruled
}

// delivery is one message on its way through the pipeline.
type delivery struct {
	m     *mailparse.Message
	msg   *store.Message
	env   store.Envelope
	raw   []byte
	cat   classify.Result
	sig   signals
	alert bool

	// Set inside the transaction.
	now    time.Time
	rowID  int64
	queued bool // outbound mail was queued: wake the sender after commit
	result Result

	// batch is the batch this delivery is committed with, nil when it
	// commits alone; pending is the ticket it opens at the batch's end.
	batch   *batchState
	pending *store.NewTicket
	// For monitoring mail: the alert read once, before the transaction,
	// and whether agents may hear of the incident it opens.
	alertInfo     alerts.Alert
	alertKey      string
	notifyOnOpen  bool
	resolveOnOpen bool // a recovery for no open incident: recorded resolved

	// agentProof says how a declared agent's identity was proved before
	// the transaction (DKIM, trusted Authentication-Results, the API), ""
	// when it was not; notified: agents were notified of this message.
	agentProof string
	notified   bool
}

// store is the transactional part of Deliver.
func (p *Pipeline) store(ctx context.Context, tx store.Tx, d *delivery) (Result, error) {
	m, msg := d.m, d.msg
	res := Result{MessageID: m.MessageID, ParseError: msg.ParseError}

	// A copy of, or a reply to, a message whose ticket this batch opens at
	// its end waits for that ticket: checked before anything is written, so
	// the batch goes on without it (store.ErrSkip).
	if d.batch != nil {
		if d.batch.pending[msg.DedupeKey] != nil {
			return res, errAfterBatch
		}
		for _, r := range d.sig.references {
			if d.batch.pending[r] != nil {
				return res, errAfterBatch
			}
		}
		if d.alert && d.batch.pending[incidentPendingKey(d.alertKey)] != nil {
			return res, errAfterBatch // the incident it belongs to opens at the batch's end
		}
	}

	// Insert first: the dedupe key's unique constraint decides, even between
	// processes, which delivery of a message is the first.
	rowID, err := tx.InsertMessage(ctx, msg)
	if errors.Is(err, store.ErrDuplicate) {
		prev, err := tx.MessageByDedupeKey(ctx, msg.DedupeKey)
		if err != nil {
			return res, fmt.Errorf("look up duplicate: %w", err)
		}
		res.Action, res.Ticket, res.Reason = Duplicate, prev.TicketNumber, "already stored"
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("insert message: %w", err)
	}
	d.rowID = rowID

	if reason := p.unusable(d); reason != "" {
		res.Action, res.Reason = Unticketed, reason
		return res, nil
	}
	if d.alert {
		return p.storeAlert(ctx, tx, d)
	}

	target, err := p.referred(ctx, tx, d.sig)
	if err != nil {
		return res, err
	}
	if target.ID != 0 {
		agent, err := p.isAgent(ctx, tx, d, target)
		if err != nil {
			return res, err
		}
		if agent {
			return p.agentMessage(ctx, tx, d, target)
		}
		ok, err := p.participant(ctx, tx, target, m.From.Addr)
		if err != nil {
			return res, err
		}
		switch {
		case !ok:
			// SPEC "Threading": a stranger never joins, whatever signal it
			// carries; the new ticket records the link and nothing of the old
			// one is shown to them.
			res.LinkedTo, res.Reason = target.Number, "sender is not a participant of the referred ticket"
		case target.Status == store.StatusClosed && d.now.Sub(target.UpdatedAt) > p.o.ReopenAfterClose:
			res.LinkedTo, res.Reason = target.Number, "referred ticket is closed"
		default:
			return p.join(ctx, tx, d, target)
		}
	}
	return p.open(ctx, tx, d, res)
}

// ReasonNoSender is why a message without a usable From address opens no
// ticket: the one case `guichet ingest` reports as unusable input (65).
const ReasonNoSender = "no usable From address"

// unusable says why a message opens no ticket, "" when it may.
func (p *Pipeline) unusable(d *delivery) string {
	m := d.m
	if m.From.Addr == "" {
		// The centre requires a valid address to submit a ticket.
		return ReasonNoSender
	}
	if m.ContentType == "multipart/report" && m.ReportType == "disposition-notification" {
		return "read receipt"
	}
	if p.own[m.From.Addr] {
		return "sent from our own address"
	}
	if p.agents[m.From.Addr] && d.agentProof == "" && d.sig.addrNumber == "" {
		// An agent's out-of-office answering one of our notifications at
		// the support address: no ticket, no notification, no loop. (An
		// agent's automatic mail to a signed address or with proof of
		// identity is kept as a note of its ticket instead.)
		if reason := outbound.LoopReason(p.incoming(d), nil); reason != "" {
			return "automatic message from an agent: " + reason
		}
	}
	return ""
}

// referred finds the ticket a message refers to, in the spec's order.
func (p *Pipeline) referred(ctx context.Context, tx store.Tx, sig signals) (store.Ticket, error) {
	if sig.tagNumber != "" {
		t, err := tx.TicketByNumber(ctx, sig.tagNumber)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.Ticket{}, fmt.Errorf("ticket by tag: %w", err)
		}
	}
	if len(sig.references) > 0 {
		t, err := tx.TicketByMessageIDs(ctx, sig.references)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.Ticket{}, fmt.Errorf("ticket by references: %w", err)
		}
	}
	if sig.addrNumber != "" {
		t, err := tx.TicketByNumber(ctx, sig.addrNumber)
		if err == nil {
			return t, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return store.Ticket{}, fmt.Errorf("ticket by reply address: %w", err)
		}
	}
	return store.Ticket{}, nil
}

func (p *Pipeline) participant(ctx context.Context, tx store.Tx, t store.Ticket, from string) (bool, error) {
	ok, err := tx.IsParticipant(ctx, t.ID, from)
	if err != nil {
		return false, fmt.Errorf("participant check: %w", err)
	}
	return ok, nil
}

// others are the message's To and Cc addresses that are not ours: they
// become participants (SPEC "Threading": an address in the ticket's To/Cc
// history may reply).
func (p *Pipeline) others(m *mailparse.Message) []string {
	var out []string
	for _, a := range append(addrs(m.To), addrs(m.Cc)...) {
		if a == "" || p.own[a] || p.isOurSubaddress(a) {
			continue
		}
		out = append(out, a)
	}
	return out
}

func (p *Pipeline) isOurSubaddress(a string) bool {
	if p.addrs != nil {
		if _, _, ok := p.addrs.Parse(a); ok {
			return true
		}
	}
	local, domain, ok := strings.Cut(a, "@")
	if !ok {
		return false
	}
	base, _, plus := strings.Cut(local, "+")
	return plus && p.own[base+"@"+domain]
}

// join adds a requester's or participant's message to its ticket.
func (p *Pipeline) join(ctx context.Context, tx store.Tx, d *delivery, t store.Ticket) (Result, error) {
	m := d.m
	res := Result{Action: Joined, Ticket: t.Number, MessageID: m.MessageID, ParseError: d.msg.ParseError}
	if err := tx.AttachMessage(ctx, d.rowID, t.ID, store.KindReply); err != nil {
		return res, fmt.Errorf("attach message: %w", err)
	}
	d.msg.Kind = store.KindReply
	if err := tx.AddParticipants(ctx, t.ID, p.others(m)); err != nil {
		return res, fmt.Errorf("add participants: %w", err)
	}
	// A requester's reply puts the ticket back in the agents' hands; on a
	// resolved (or recently closed) ticket it reopens it (SPEC "Tickets").
	if t.Status != store.StatusOpen {
		reason := "reply from " + m.From.Addr
		if t.Status == store.StatusResolved || t.Status == store.StatusClosed {
			reason = "reopened by a reply from " + m.From.Addr
		}
		if err := tx.SetStatus(ctx, t.ID, store.StatusOpen, reason, d.now); err != nil {
			return res, fmt.Errorf("set status: %w", err)
		}
		t.Status = store.StatusOpen
	}
	if err := tx.Touch(ctx, t.ID, d.now); err != nil {
		return res, fmt.Errorf("touch ticket: %w", err)
	}
	if err := p.notifyAgents(ctx, tx, d, t); err != nil {
		return res, err
	}
	return res, nil
}

// open creates a ticket for the message and acknowledges it: at the end of
// its batch (openAll) when it is committed with others, at once otherwise.
func (p *Pipeline) open(ctx context.Context, tx store.Tx, d *delivery, res Result) (Result, error) {
	m := d.m
	d.pending = &store.NewTicket{
		Subject:        TicketSubject(m.Subject, d.cat),
		Category:       d.cat.Code,
		CategorySource: d.cat.Source,
		Confidence:     d.cat.Confidence,
		Requester:      m.From.Addr,
		LinkedTo:       res.LinkedTo,
		CreatedAt:      d.now,
		Participants:   p.others(m),
		MessageRowID:   d.rowID,
		MessageKind:    d.msg.Kind,
	}
	d.result = res
	if d.batch != nil {
		return res, nil // completed by openAll before the commit
	}
	if err := p.openAll(ctx, tx, []*delivery{d}); err != nil {
		return res, err
	}
	return d.result, nil
}

// openAll creates the pending tickets of ds in their order, then their
// acknowledgments and the agents' notifications, and completes each
// delivery's result.
func (p *Pipeline) openAll(ctx context.Context, tx store.Tx, ds []*delivery) error {
	if len(ds) == 0 {
		return nil
	}
	nts := make([]store.NewTicket, len(ds))
	for i, d := range ds {
		nts[i] = *d.pending
	}
	ts, err := tx.CreateTickets(ctx, nts)
	if err != nil {
		return fmt.Errorf("create tickets: %w", err)
	}
	for i, d := range ds {
		d.result.Action, d.result.Ticket = Created, ts[i].Number
		if d.resolveOnOpen {
			if err := tx.SetStatus(ctx, ts[i].ID, store.StatusResolved, "alert: recovery from "+d.alertInfo.Source, d.now); err != nil {
				return fmt.Errorf("resolve incident: %w", err)
			}
		}
	}
	if p.ack != nil {
		ins := make([]outbound.Incoming, len(ds))
		for i, d := range ds {
			ins[i] = p.incoming(d)
		}
		reasons, err := p.ack.AcknowledgeAll(ctx, tx, ts, ins)
		if err != nil {
			return fmt.Errorf("acknowledge: %w", err)
		}
		for i, d := range ds {
			if reasons[i] != "" {
				d.result.Reason = joinReason(d.result.Reason, "no acknowledgment: "+reasons[i])
			} else {
				d.queued = true
			}
		}
	}
	for i, d := range ds {
		if d.alert {
			// A new incident: agents hear of it at most once per renotify
			// period (its slot), and only when the decision said so.
			if !d.notifyOnOpen {
				continue
			}
			ok, err := p.claimIncidentNotice(ctx, tx, ts[i].ID, d.now)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
		}
		if err := p.notifyAgents(ctx, tx, d, ts[i]); err != nil {
			return err
		}
	}
	return nil
}

// incidentPendingKey names, in a batch, the incident a delivery opens.
func incidentPendingKey(key string) string { return "incident:" + key }

// incoming is what the outbound side needs to know of the message it answers.
func (p *Pipeline) incoming(d *delivery) outbound.Incoming {
	m := d.m
	in := outbound.Incoming{
		From: m.From.Addr, FromName: m.From.Name, Subject: m.Subject, MessageID: m.MessageID,
		References: m.References, MailFrom: d.env.MailFrom, Header: m.Header,
		ContentType: m.ContentType, ReportType: m.ReportType, Monitoring: d.alert,
	}
	if d.env.Transport != "smtp" && d.env.MailFrom == "" {
		// Only SMTP tells us the envelope sender for sure; elsewhere an
		// empty one means unknown, not the null sender.
		in.MailFrom = m.From.Addr
	}
	return in
}

func joinReason(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// TicketSubject is the subject a new ticket shows: without reply prefixes,
// our tag or the category tag that chose its category.
func TicketSubject(subject string, cat classify.Result) string {
	s := ticketref.Clean(subject)
	if cat.Source == "tag" {
		s = stripCategoryTag(s, cat.Code)
	}
	if s == "" {
		s = "(sans objet)"
	}
	return s
}

// stripCategoryTag removes the first tag naming code, in the forms SPEC
// "Categories" lists: [N.M], [N-M], (N.M) with optional inner spaces, or a
// leading "N.M :" / "N.M -".
func stripCategoryTag(s, code string) string {
	major, minor, _ := strings.Cut(code, ".")
	num := regexp.QuoteMeta(major) + `[.-]` + regexp.QuoteMeta(minor)
	bracket := regexp.MustCompile(`[\[(]\s*` + num + `\s*[\])]\s*`)
	if loc := bracket.FindStringIndex(s); loc != nil {
		return strings.TrimSpace(s[:loc[0]] + s[loc[1]:])
	}
	lead := regexp.MustCompile(`^\s*` + num + `\s*[:-]\s*`)
	return strings.TrimSpace(lead.ReplaceAllString(s, ""))
}

func addrs(list []mailparse.Address) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		if a.Addr != "" {
			out = append(out, strings.ToLower(a.Addr))
		}
	}
	return out
}
