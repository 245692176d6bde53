package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"guichet/alerts"
	"guichet/ingest/mailparse"
	"guichet/outbound"
	"guichet/store"
)

// Pipeline turns raw messages into stored tickets. It is the one entry
// point shared by SMTP, IMAP, the pipe and the agents' API; it is safe for
// concurrent use.
type Pipeline struct {
	o       Options
	st      Store
	cl      Classifier
	addrs   AddressParser
	log     *slog.Logger
	now     func() time.Time
	own     map[string]bool
	alerts  map[string]bool
	agents  map[string]bool
	boxes   map[string]bool
	c       *committer[*opening]
	threads *threads
	desk    *agentDesk
	prover  *prover
	inc     *incidents
	opener  *opener
	checker SenderChecker
	onQueue func()
	onAck   func(outbound.QueuedAck)
	wf      *workflow
	content *storedContent
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
		o: o, st: st, cl: cl, addrs: addrs,
		log: o.Logger, now: o.Clock,
		own:     set(append([]string{o.SupportAddress}, append(o.OwnAddresses, o.AlertAddresses...)...)),
		alerts:  set(o.AlertAddresses),
		agents:  set(o.Agents),
		boxes:   set(o.AlertMailboxes),
		content: newStoredContent(4096),
	}
	p.checker = o.Sender
	if p.checker == nil {
		p.checker = defaultSender(o)
	}
	n := newNotifier(o, p.own, cl)
	wf := &workflow{clock: o.BusinessClock, targets: o.SLA, notify: n}
	if wf.clock == nil {
		wf.clock = roundTheClock{}
	}
	p.wf = wf
	p.threads = &threads{own: p.own, addrs: addrs, reopenAfter: o.ReopenAfterClose, notify: n, wf: wf}
	p.desk = &agentDesk{agents: p.agents, own: p.own, addrs: addrs, mailer: o.Mailer, notify: n, log: o.Logger,
		wf: wf, names: agentNames(o.AgentNames)}
	p.prover = &prover{agents: p.agents}
	p.inc = &incidents{rules: o.AlertRules, renotify: orDefault(o.AlertRenotify), reopen: orDefault(o.AlertReopen), notify: n, log: o.Logger, wf: wf}
	p.opener = &opener{ack: ack, notify: n, inc: p.inc, wf: wf}
	p.c = newCommitter(st, o.MaxBatch, o.Logger, p.opener.openAll)
	return p
}

// OnCommit sets a function called after each commit that queued outbound
// mail (the outbox sender's Kick).
func (p *Pipeline) OnCommit(f func()) { p.onQueue = f }

// OnAck sets a function given, after its commit, each acknowledgment the
// pipeline queued (the outbox sender's Offer, to which the Acker's Hold
// leases them); without it, OnCommit's function is called instead.
func (p *Pipeline) OnAck(f func(outbound.QueuedAck)) { p.onAck = f }

// Run commits concurrent deliveries together until ctx ends (see
// committer). Without Run, each Deliver commits alone.
func (p *Pipeline) Run(ctx context.Context) error {
	p.c.Run(ctx)
	return nil
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
	return p.deliver(ctx, start, m, raw, env)
}

// deliver decides what needs no database (classification, signals, the
// alert, the agent's proof), then commits the rest (apply).
func (p *Pipeline) deliver(ctx context.Context, start time.Time, m *mailparse.Message, raw []byte, env store.Envelope) (Result, error) {
	d := p.prepare(start, m, raw, env)
	if d.alert {
		d.msg.Kind = store.KindAlert
		d.alertInfo = p.ReadAlert(m.From.Addr, m.Subject, m.FullText, m.Date)
		d.alertKey = d.alertInfo.Key()
	}
	if p.cl != nil {
		d.cat = p.cl.Classify(m.Subject, m.Text)
	}
	d.sig = p.signals(d)
	d.sender = p.verdict(ctx, d)
	d.msg.Sender, d.msg.SenderEvidence = string(d.sender.Verdict), d.sender.Evidence
	d.agentProof = p.prover.outsideTx(d)
	p.putContent(ctx, d.msg.Attachments)
	p.readLoops(d)

	var a *attempt
	err := p.c.Do(ctx, p.ahead(d), func(ctx context.Context, tx store.Tx, b *batch[*opening]) error {
		a = d.attempt(p.now())
		return p.apply(ctx, tx, b, a)
	})
	if err != nil {
		return Result{}, fmt.Errorf("deliver %s: %w", d.msg.DedupeKey, err)
	}
	queued := a.queued
	if a.ack != nil {
		if p.onAck != nil {
			p.onAck(*a.ack)
		} else {
			queued = true
		}
	}
	if queued && p.onQueue != nil {
		p.onQueue()
	}
	if p.o.Observe != nil {
		p.o.Observe(env, a.msg.Kind, a.res, p.now().Sub(start))
	}
	p.report(a.events)
	p.log.Info("message stored", "action", a.res.Action, "ticket", a.res.Ticket, "message_id", m.MessageID,
		"transport", env.Transport, "sender", a.msg.Sender, "linked_to", a.res.LinkedTo, "reason", a.res.Reason,
		"ms", float64(p.now().Sub(start).Microseconds())/1000)
	return a.res, nil
}

// readLoops works out, before the transaction, why no automatic mail may
// answer d (delivery.loop, delivery.ackLoop): reading the message for
// the marks of automatic mail costs tens of microseconds, which inside
// the group commit every message of the group would wait for.
func (p *Pipeline) readLoops(d *delivery) {
	in := d.incoming()
	if p.opener.ack == nil {
		loop := outbound.LoopReason(in, p.opener.notify.own)
		d.loop = &loop
		return
	}
	rs := outbound.LoopReasons(in, p.opener.notify.own, p.opener.ack.Ours())
	d.loop, d.ackLoop = &rs[0], &rs[1]
}

// prepare makes the message row and the delivery of a parsed message.
func (p *Pipeline) prepare(start time.Time, m *mailparse.Message, raw []byte, env store.Envelope) *delivery {
	sum := sha256.Sum256(raw)
	rawHash := hex.EncodeToString(sum[:])
	msg := store.Message{
		Direction: store.DirIn, Kind: store.KindRequest,
		From: m.From.Addr, FromName: m.From.Name, To: addrs(m.To), Cc: addrs(m.Cc),
		Subject: m.Subject, MessageID: m.MessageID, InReplyTo: m.InReplyTo, References: m.References,
		Date: m.Date, Text: m.Text, Raw: raw, RawSHA256: rawHash,
		ParseError: strings.Join(m.Problems, "; "), Envelope: env, DedupeKey: m.MessageID, CreatedAt: start,
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
	return &delivery{m: m, msg: msg, env: env, raw: raw, alert: p.isAlert(m, env), answersUs: p.answersUs(m)}
}

// answersUs says whether m refers to a Message-ID we wrote. The right-hand
// side is enough: a forger who claims it only makes their own message
// look automatic, which costs them their acknowledgment and nothing else.
func (p *Pipeline) answersUs(m *mailparse.Message) bool {
	if p.o.MessageIDHost == "" {
		return false
	}
	suffix := "@" + strings.ToLower(p.o.MessageIDHost) + ">"
	for _, id := range append([]string{m.InReplyTo}, m.References...) {
		if strings.HasSuffix(strings.ToLower(strings.TrimSpace(id)), suffix) {
			return true
		}
	}
	return false
}

// apply is the transactional part of a delivery: dedupe, then the rules
// of monitoring mail, agents' mail or threading.
func (p *Pipeline) apply(ctx context.Context, tx store.Tx, b *batch[*opening], a *attempt) error {
	// A copy of, or a reply to, a message whose ticket this batch opens at
	// its end waits for that ticket; checked before anything is written.
	if b.Pending(a.refs()...) {
		return b.Defer(a.keys()...)
	}
	// A message that may open a ticket is stored with that ticket's id
	// (store.Message.OpensTicket), so that creating the ticket at the
	// batch's end writes the message row no second time. Whether it may is
	// known before the insert: unusable needs no database, and an alert's
	// incident is read first. A message that joins a ticket instead is
	// attached to it as it would be from no ticket; its reserved id is
	// only a gap among ticket ids (numbers keep none).
	unusable := p.unusable(a.delivery)
	var plan incidentPlan
	if a.alert {
		// An alert's incident is read and written by key, not number.
		b.Changed(0)
	}
	if a.alert && unusable == "" {
		var err error
		if plan, err = p.inc.decide(ctx, tx, a); err != nil {
			return err
		}
	}
	a.msg.OpensTicket = unusable == "" && (!a.alert || plan.dec.Open)
	// Insert first: the dedupe key's unique constraint decides, even between
	// processes, which delivery of a message is the first.
	rowID, err := b.InsertMessage(ctx, tx, &a.msg)
	if errors.Is(err, store.ErrDuplicate) {
		prev, err := tx.MessageByDedupeKey(ctx, a.msg.DedupeKey)
		if err != nil {
			return fmt.Errorf("look up duplicate: %w", err)
		}
		a.res.Action, a.res.Ticket, a.res.Reason = Duplicate, prev.TicketNumber, "already stored"
		return nil
	}
	if err != nil {
		return fmt.Errorf("insert message: %w", err)
	}
	a.rowID = rowID
	if unusable != "" {
		a.res.Action, a.res.Reason = Unticketed, unusable
		return nil
	}
	if a.alert {
		return p.inc.apply(ctx, tx, b, a, plan)
	}
	t, err := p.threads.referred(ctx, tx, b, a.sig)
	if err != nil {
		return err
	}
	if t.ID != 0 && p.desk.isAgent(a, t) {
		// An agent's message writes t (commands, status, participants).
		// Every ticket is read again after it, as a precaution: agents'
		// mail is rare, and a command that reaches further one day will
		// not be served a stale copy.
		b.Changed(0)
		return p.desk.handle(ctx, tx, a, t)
	}
	return p.threads.place(ctx, tx, b, a, t)
}

// ahead is d's insert as apply would make it first, for the committer to
// send with its batch's others; only its names for an alert, whose
// incident is read before the insert.
func (p *Pipeline) ahead(d *delivery) *Ahead {
	ah := &Ahead{Names: append(d.keys(), d.refs()...)}
	// The committer reads each number once for its whole group.
	for _, n := range []string{d.sig.tagNumber, d.sig.addrNumber} {
		if n != "" {
			ah.Numbers = append(ah.Numbers, n)
		}
	}
	if !d.alert {
		m := d.msg
		m.OpensTicket = p.unusable(d) == ""
		ah.Msg = &m
	}
	return ah
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
		if reason := outbound.LoopReason(d.incoming(), nil); reason != "" {
			return "automatic message from an agent: " + reason
		}
	}
	return ""
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

func set(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, a := range list {
		if a = strings.ToLower(strings.TrimSpace(a)); a != "" {
			m[a] = true
		}
	}
	return m
}

// report hands committed workflow events to Options.OnWorkflow.
func (p *Pipeline) report(evs []WorkflowEvent) {
	if p.o.OnWorkflow == nil {
		return
	}
	for _, ev := range evs {
		p.o.OnWorkflow(ev)
	}
}
