package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

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

// agentDesk carries out agents' mail (the workflow rules): commands, public
// answers to the requester, internal notes to colleagues.
type agentDesk struct {
	agents map[string]bool
	own    map[string]bool
	addrs  AddressParser
	mailer AgentMailer
	notify *notifier
	log    *slog.Logger
	wf     *workflow
	names  map[string]string // folded agent names to addresses
}

// isAgent says whether the message comes from an agent acting on ticket t.
// A From header is easy to forge, so a declared agent's address is not
// enough: the message must also have been sent to the ticket's signed agent
// (or note) address, which only agents receive, or carry proof checked
// before the transaction (DKIM, a trusted Authentication-Results field, the
// API). Without it the message is handled as anyone else's, and logged.
func (ad *agentDesk) isAgent(a *attempt, t store.Ticket) bool {
	from := a.m.From.Addr
	if !ad.agents[from] {
		return false
	}
	if a.proof != "" {
		return true
	}
	if signed, _ := ad.addressed(a.delivery, t); signed {
		a.proof = proofReplyAddress
		return true
	}
	ad.log.Warn("message from an agent's address without proof of identity: handled as a participant or a stranger",
		"ticket", t.Number, "message_id", a.m.MessageID, "from", from, "transport", a.env.Transport,
		"client_addr", a.env.ClientAddr)
	return false
}

// handle records an authenticated agent's message in ticket t and
// carries it out: commands first, then a public answer (Kind agent, status
// answered) or an internal note (Kind note) for the other agents.
//
// A message with a command that cannot be carried out does nothing but
// stay in the ticket as a note, and the agent is told why: a mistyped
// "#note" must never let an internal text reach the requester.
func (ad *agentDesk) handle(ctx context.Context, tx store.Tx, a *attempt, t store.Ticket) error {
	m := a.m
	from := m.From.Addr
	res := &a.res
	res.Action, res.Ticket = Joined, t.Number

	cmds, text := parseCommands(m.Text)
	_, note := ad.addressed(a.delivery, t)
	var problems []templates.CommandProblem
	for _, c := range cmds {
		if c.op == opNote {
			note = true
		}
		if pr, ok := ad.checkCommand(c); !ok {
			problems = append(problems, pr)
		}
	}
	// RFC 3834: an automatic message (an agent's out-of-office answering a
	// notification) is never passed on nor obeyed; it stays as a note.
	in := a.incoming()
	in.FromAgent = true
	auto := outbound.LoopReason(in, nil)
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
	if err := tx.AttachMessage(ctx, a.rowID, t.ID, kind); err != nil {
		return fmt.Errorf("attach agent message: %w", err)
	}
	a.msg.Kind = kind
	if err := tx.Touch(ctx, t.ID, a.now); err != nil {
		return fmt.Errorf("touch ticket: %w", err)
	}
	if inert {
		if len(problems) > 0 && auto == "" && ad.mailer != nil {
			q, err := ad.mailer.Report(ctx, tx, t, outbound.Report{
				To: from, Problems: problems, InReplyTo: m.MessageID, References: m.References,
			})
			if err != nil {
				return fmt.Errorf("report commands: %w", err)
			}
			a.queued = a.queued || q
		}
		return nil
	}

	// Commands, in the order written; the last status command wins.
	status, resolve := t.Status, false
	w, rescope := t.Workflow, false
	if !note && text != "" {
		status = store.StatusAnswered
		// The first public answer meets the first-response target.
		if w.FirstResponseAt.IsZero() {
			w.FirstResponseAt = a.now
		}
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
			// Four statuses only (docs/threading.md, "Tickets"): waiting for the
			// requester is "answered", which their reply turns back to open.
			status, resolve = store.StatusAnswered, false
		case opAdd:
			if err := tx.AddParticipants(ctx, t.ID, []string{participantArg(c.arg)}, store.OriginAgent); err != nil {
				return fmt.Errorf("add participant: %w", err)
			}
		case opRemove:
			if a := participantArg(c.arg); a != t.Requester {
				if _, err := tx.RemoveParticipant(ctx, t.ID, a); err != nil {
					return fmt.Errorf("remove participant: %w", err)
				}
			}
		case opCategory:
			code := categoryCode(c.arg)
			if err := tx.SetCategory(ctx, t.ID, code, "agent", 1); err != nil {
				return fmt.Errorf("set category: %w", err)
			}
			t.Category, t.CategorySource, rescope = code, "agent", true
		case opTake:
			w.Assignee = from
		case opAssign:
			w.Assignee = ad.agentArg(c.arg)
		case opRelease:
			w.Assignee = ""
		case opPriority:
			w.Priority, rescope = priorityNames[fold(c.arg)], true
		}
	}
	evs, err := ad.wf.apply(ctx, tx, &t, w, rescope, status, statusReason(status, from, a.proof), a.now)
	if err != nil {
		return err
	}
	a.events = append(a.events, evs...)
	if ad.mailer == nil {
		return nil
	}

	// What the requester saw of the conversation: their messages and our
	// answers; Mailer leaves our agents-only messages out.
	thread := m.References
	// #résolu tells the requester; with a text, in the answer itself (one
	// message), else by the notice alone.
	notice := resolve && t.Status == store.StatusResolved && !incident && !ad.agents[t.Requester]
	switch {
	case note && text != "":
		q, err := ad.mailer.Notify(ctx, tx, t, outbound.Notification{
			// The ticket's subject: a reply to a note's notification would
			// otherwise pile up « Note interne : Note interne : … ».
			Event: templates.EventNote, To: ad.notify.colleagues(t, from),
			From: from, FromName: m.From.Name, Subject: t.Subject, MessageID: m.MessageID,
			References: m.References, Text: text, Attachments: a.msg.Attachments,
		})
		if err != nil {
			return fmt.Errorf("notify note: %w", err)
		}
		a.queued = a.queued || q
	case !note && text != "":
		ps, err := tx.Participants(ctx, t.ID)
		if err != nil {
			return fmt.Errorf("answer: %w", err)
		}
		to, cc := ad.publicRecipients(t.Requester, copied(ps), from)
		q, err := ad.mailer.Answer(ctx, tx, t, outbound.Answer{
			To: to, Cc: cc, AgentName: m.From.Name, Text: text,
			Attachments: passedOn(a.msg.Attachments), References: thread, Resolved: notice,
		})
		if err != nil {
			return fmt.Errorf("answer: %w", err)
		}
		a.queued = a.queued || q
		notice = notice && !q
	}
	if notice {
		q, err := ad.mailer.Resolved(ctx, tx, t, outbound.Resolution{To: t.Requester, References: thread})
		if err != nil {
			return fmt.Errorf("resolution notice: %w", err)
		}
		a.queued = a.queued || q
	}
	return nil
}

func statusReason(s store.Status, agent, proof string) string {
	verb := map[store.Status]string{
		store.StatusAnswered: "answered", store.StatusResolved: "resolved",
		store.StatusClosed: "closed", store.StatusOpen: "reopened",
	}[s]
	return verb + " by " + agent + " (" + proof + ")"
}

// publicRecipients are who an agent's answer goes to: the requester, and
// the participants it may be copied to (copied) in Cc; never an agent
// (agents work on the ticket, they are not its audience) nor the author.
func (ad *agentDesk) publicRecipients(requester string, participants []string, author string) (to, cc []string) {
	skip := func(a string) bool { return a == "" || a == author || ad.agents[a] || ad.own[a] }
	if !skip(requester) {
		to = []string{requester}
	}
	for _, a := range participants {
		if a = strings.ToLower(a); !skip(a) && a != requester {
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
