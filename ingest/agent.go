package ingest

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"guichet/classify"
	"guichet/outbound"
	"guichet/store"
	"guichet/templates"
)

// Team routes the categories of some catalogue groups to some agents.
type Team struct {
	Name   string
	Groups []int // catalogue group numbers ("2" for 2.x)
	// Agents are the members' addresses. A team without members is
	// notified at Address (a list address such as materiel@…), if any.
	Agents  []string
	Address string
}

// AgentMailer composes and queues, inside the pipeline's transaction, what
// agents' work by mail sends. *outbound.Mailer implements it.
type AgentMailer interface {
	Notify(ctx context.Context, tx store.Tx, t store.Ticket, n outbound.Notification) (bool, error)
	Answer(ctx context.Context, tx store.Tx, t store.Ticket, a outbound.Answer) (bool, error)
	Resolved(ctx context.Context, tx store.Tx, t store.Ticket, r outbound.Resolution) (bool, error)
	Report(ctx context.Context, tx store.Tx, t store.Ticket, r outbound.Report) (bool, error)
}

var _ AgentMailer = (*outbound.Mailer)(nil)

// isAgent says whether the message comes from an agent acting on ticket t.
// A From header is easy to forge, so a declared agent's address is not
// enough: the message must also have been sent to the ticket's signed agent
// (or note) address, which only agents receive, or carry proof checked
// before the transaction (DKIM, a trusted Authentication-Results field, the
// API). Without it the message is handled as anyone else's, and logged.
func (p *Pipeline) isAgent(ctx context.Context, tx store.Tx, d *delivery, t store.Ticket) (bool, error) {
	from := d.m.From.Addr
	if !p.agents[from] {
		return false, nil
	}
	if d.agentProof != "" {
		return true, nil
	}
	if signed, _ := p.agentAddressed(d, t); signed {
		d.agentProof = proofReplyAddress
		return true, nil
	}
	p.log.Warn("message from an agent's address without proof of identity: handled as a participant or a stranger",
		"ticket", t.Number, "message_id", d.m.MessageID, "from", from, "transport", d.env.Transport,
		"client_addr", d.env.ClientAddr)
	return false, nil
}

// agentMessage records an authenticated agent's message in ticket t and
// carries it out: commands first, then a public answer (Kind agent, status
// answered) or an internal note (Kind note) for the other agents.
//
// A message with a command that cannot be carried out does nothing but
// stay in the ticket as a note, and the agent is told why: a mistyped
// "#note" must never let an internal text reach the requester.
func (p *Pipeline) agentMessage(ctx context.Context, tx store.Tx, d *delivery, t store.Ticket) (Result, error) {
	m := d.m
	from := m.From.Addr
	res := Result{Action: Joined, Ticket: t.Number, MessageID: m.MessageID, ParseError: d.msg.ParseError}

	cmds, text := parseCommands(m.Text)
	_, note := p.agentAddressed(d, t)
	var problems []templates.CommandProblem
	for _, c := range cmds {
		if c.op == opNote {
			note = true
		}
		if pr, ok := p.checkCommand(c); !ok {
			problems = append(problems, pr)
		}
	}
	// RFC 3834: an automatic message (an agent's out-of-office answering a
	// notification) is never passed on nor obeyed; it stays as a note.
	auto := outbound.LoopReason(p.incoming(d), nil)
	if auto != "" {
		res.Reason = "automatic message from an agent kept as a note: " + auto
	}
	if len(problems) > 0 {
		res.Reason = joinReason(res.Reason, fmt.Sprintf("%d command(s) not understood: nothing carried out", len(problems)))
	}
	inert := auto != "" || len(problems) > 0
	if inert {
		note = true
	}
	// A monitoring incident's "requester" is the monitoring system: what an
	// agent writes there is for colleagues, never mailed to the alert sender
	// (often unread or non-existent, whose bounces would come back to us).
	incident := t.IncidentKey != ""
	if incident {
		note = true
	}

	kind := store.KindAgent
	if note {
		kind = store.KindNote
	}
	if err := tx.AttachMessage(ctx, d.rowID, t.ID, kind); err != nil {
		return res, fmt.Errorf("attach agent message: %w", err)
	}
	d.msg.Kind = kind
	if err := tx.Touch(ctx, t.ID, d.now); err != nil {
		return res, fmt.Errorf("touch ticket: %w", err)
	}
	if inert {
		if len(problems) > 0 && auto == "" && p.o.Mailer != nil {
			q, err := p.o.Mailer.Report(ctx, tx, t, outbound.Report{
				To: from, Problems: problems, InReplyTo: m.MessageID, References: m.References,
			})
			if err != nil {
				return res, fmt.Errorf("report commands: %w", err)
			}
			d.queued = d.queued || q
		}
		return res, nil
	}

	// Commands, in the order written; the last status command wins.
	status, resolve := t.Status, false
	if !note && text != "" {
		status = store.StatusAnswered
	}
	for _, c := range cmds {
		switch c.op {
		case opResolve:
			status, resolve = store.StatusResolved, true
		case opClose:
			status, resolve = store.StatusClosed, false
		case opReopen:
			status, resolve = store.StatusOpen, false
		case opPending:
			// Four statuses only (SPEC "Tickets"): waiting for the
			// requester is "answered", which their reply turns back to open.
			status, resolve = store.StatusAnswered, false
		case opCategory:
			code := categoryCode(c.arg)
			if err := tx.SetCategory(ctx, t.ID, code, "agent", 1); err != nil {
				return res, fmt.Errorf("set category: %w", err)
			}
			t.Category, t.CategorySource = code, "agent"
		}
	}
	if status != t.Status {
		if err := tx.SetStatus(ctx, t.ID, status, statusReason(status, from, d.agentProof), d.now); err != nil {
			return res, fmt.Errorf("set status: %w", err)
		}
		t.Status = status
	}
	if p.o.Mailer == nil {
		return res, nil
	}

	// What the requester saw of the conversation: their messages and our
	// answers; Mailer leaves our agents-only messages out.
	thread := m.References
	switch {
	case note && text != "":
		q, err := p.o.Mailer.Notify(ctx, tx, t, outbound.Notification{
			// The ticket's subject: a reply to a note's notification would
			// otherwise pile up « Note interne : Note interne : … ».
			Event: templates.EventNote, To: p.colleagues(t.Category, from),
			From: from, FromName: m.From.Name, Subject: t.Subject, MessageID: m.MessageID,
			References: m.References, Text: text, Attachments: d.msg.Attachments,
		})
		if err != nil {
			return res, fmt.Errorf("notify note: %w", err)
		}
		d.queued = d.queued || q
	case !note && text != "":
		to, cc := p.publicRecipients(t, from)
		q, err := p.o.Mailer.Answer(ctx, tx, t, outbound.Answer{
			To: to, Cc: cc, AgentName: m.From.Name, Text: text,
			Attachments: passedOn(d.msg.Attachments), References: thread,
		})
		if err != nil {
			return res, fmt.Errorf("answer: %w", err)
		}
		d.queued = d.queued || q
	}
	if resolve && t.Status == store.StatusResolved && !incident && !p.agents[t.Requester] {
		q, err := p.o.Mailer.Resolved(ctx, tx, t, outbound.Resolution{To: t.Requester, References: thread})
		if err != nil {
			return res, fmt.Errorf("resolution notice: %w", err)
		}
		d.queued = d.queued || q
	}
	return res, nil
}

func statusReason(s store.Status, agent, proof string) string {
	verb := map[store.Status]string{
		store.StatusAnswered: "answered", store.StatusResolved: "resolved",
		store.StatusClosed: "closed", store.StatusOpen: "reopened",
	}[s]
	return verb + " by " + agent + " (" + proof + ")"
}

// publicRecipients are who an agent's answer goes to: the requester, and
// the ticket's other participants in copy; never an agent (agents work on
// the ticket, they are not its audience) nor the author.
func (p *Pipeline) publicRecipients(t store.Ticket, author string) (to, cc []string) {
	skip := func(a string) bool { return a == "" || a == author || p.agents[a] || p.own[a] }
	if !skip(t.Requester) {
		to = []string{t.Requester}
	}
	for _, a := range t.Participants {
		if a = strings.ToLower(a); !skip(a) && a != t.Requester {
			cc = append(cc, a)
		}
	}
	return to, cc
}

// passedOn are the attachments an answer carries on to the requester:
// all but the small inline images that mail clients add to signatures
// (logos referenced by Content-ID), which mean nothing in a text answer.
func passedOn(atts []store.Attachment) []store.Attachment {
	var out []store.Attachment
	for _, a := range atts {
		if a.Inline && a.ContentID != "" && strings.HasPrefix(a.ContentType, "image/") && a.Size < 16<<10 {
			continue
		}
		out = append(out, a)
	}
	return out
}

// notifyAgents tells the responsible agents about a new ticket, a new
// incident or a requester's reply. It does nothing the second time for the
// same delivery, so a caller that notifies explicitly (new incidents) and
// open() do not notify twice.
func (p *Pipeline) notifyAgents(ctx context.Context, tx store.Tx, d *delivery, t store.Ticket) error {
	if p.o.Mailer == nil || d.notified {
		return nil
	}
	d.notified = true
	if d.msg.Kind != store.KindAlert {
		// Automatic mail (bounces, auto-replies, list mail) is stored but
		// tells no agent: a bounce of our own notification from a full
		// agent mailbox would otherwise notify that mailbox again, forever.
		// Incidents have their own limit (GUICHET_ALERT_RENOTIFY).
		if reason := outbound.LoopReason(p.incoming(d), p.ownList()); reason != "" {
			p.log.Info("no agent notification for automatic mail", "ticket", t.Number, "reason", reason)
			return nil
		}
	}
	event := templates.EventNew
	switch d.msg.Kind {
	case store.KindReply:
		event = templates.EventReply
	case store.KindAlert:
		event = templates.EventIncident
	}
	from := d.m.From.Addr
	subject := d.m.Subject
	if event != templates.EventReply {
		// A new ticket shows its own subject: without the category tag.
		subject = t.Subject
	}
	// An agent is not told about their own message.
	to := without(p.route(t.Category), from)
	if len(to) == 0 {
		return nil
	}
	q, err := p.o.Mailer.Notify(ctx, tx, t, outbound.Notification{
		Event: event, To: to, From: from, FromName: d.m.From.Name, Subject: subject,
		MessageID: d.m.MessageID, References: d.m.References, Text: d.m.Text, Attachments: d.msg.Attachments,
	})
	if err != nil {
		return fmt.Errorf("notify agents: %w", err)
	}
	d.queued = d.queued || q
	return nil
}

// route returns the agents responsible for a category: the teams that
// cover its group, or every agent when none does (or there is no category).
func (p *Pipeline) route(code string) []string {
	group := 0
	if c, ok := p.lookupCategory(code); ok {
		group = c.Group
	} else if major, _, ok := strings.Cut(code, "."); ok {
		group, _ = strconv.Atoi(major)
	}
	var out []string
	if group > 0 {
		for _, tm := range p.o.Teams {
			covers := false
			for _, g := range tm.Groups {
				covers = covers || g == group
			}
			switch {
			case !covers:
			case len(tm.Agents) > 0:
				out = append(out, tm.Agents...)
			case tm.Address != "":
				out = append(out, tm.Address)
			}
		}
	}
	if len(out) == 0 {
		out = p.o.Agents
	}
	return dedupe(out)
}

// colleagues are who an agent's note goes to: the other agents of the
// ticket's team, or all other agents when the author is alone in it (a
// note is written for someone).
func (p *Pipeline) colleagues(code, author string) []string {
	if to := without(p.route(code), author); len(to) > 0 {
		return to
	}
	return without(dedupe(p.o.Agents), author)
}

// lookupCategory finds a category in the catalogue the classifier holds.
func (p *Pipeline) lookupCategory(code string) (classify.Category, bool) {
	if l, ok := p.cl.(interface {
		Lookup(string) (classify.Category, bool)
	}); ok && code != "" {
		return l.Lookup(code)
	}
	return classify.Category{}, false
}

func without(list []string, drop string) []string {
	var out []string
	for _, a := range list {
		if a != drop {
			out = append(out, a)
		}
	}
	return out
}

func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range list {
		a = strings.ToLower(strings.TrimSpace(a))
		if a != "" && !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}
