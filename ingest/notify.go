package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"guichet/classify"
	"guichet/outbound"
	"guichet/sender"
	"guichet/store"
	"guichet/templates"
)

// notifier tells the responsible agents of new tickets, incidents and
// requesters' replies (a team follows from the category, docs/threading.md, "Tickets").
type notifier struct {
	mailer AgentMailer
	teams  []Team
	all    []string // every declared agent
	own    []string // our addresses, for the loop policy
	cl     Classifier
	log    *slog.Logger
}

func newNotifier(o Options, own map[string]bool, cl Classifier) *notifier {
	n := &notifier{mailer: o.Mailer, teams: o.Teams, all: o.Agents, cl: cl, log: o.Logger}
	for a := range own {
		n.own = append(n.own, a)
	}
	return n
}

// loopReason is why no automatic mail may answer d, for our addresses:
// the verdict the pipeline worked out before the transaction, if any.
func (n *notifier) loopReason(d *delivery) string {
	if d.loop != nil {
		return *d.loop
	}
	return outbound.LoopReason(d.incoming(), n.own)
}

// agents notifies the agents responsible for t of a's message. It does
// nothing the second time for the same attempt, so a caller that notifies
// explicitly (new incidents) and the opener do not notify twice.
func (n *notifier) agents(ctx context.Context, tx store.Tx, a *attempt, t store.Ticket) error {
	if n.mailer == nil || a.notified {
		return nil
	}
	a.notified = true
	if a.msg.Kind != store.KindAlert {
		// Automatic mail (bounces, auto-replies, list mail) is stored but
		// tells no agent: a bounce of our own notification from a full
		// agent mailbox would otherwise notify that mailbox again, forever.
		// Incidents have their own limit (GUICHET_ALERT_RENOTIFY).
		if reason := n.loopReason(a.delivery); reason != "" {
			n.log.Info("no agent notification for automatic mail", "ticket", t.Number, "reason", reason)
			return nil
		}
	}
	event := templates.EventNew
	switch a.msg.Kind {
	case store.KindReply:
		event = templates.EventReply
	case store.KindAlert:
		event = templates.EventIncident
	}
	from := a.m.From.Addr
	subject := a.m.Subject
	if event != templates.EventReply {
		// A new ticket shows its own subject: without the category tag.
		subject = t.Subject
	}
	// An agent is not told about their own message.
	to := without(n.routeTicket(t), from)
	if len(to) == 0 {
		return nil
	}
	q, err := n.mailer.Notify(ctx, tx, t, outbound.Notification{
		Event: event, To: to, From: from, FromName: a.m.From.Name, Subject: subject,
		MessageID: a.m.MessageID, References: a.m.References, Text: senderWarning(a) + a.m.Text, Attachments: a.msg.Attachments,
	})
	if err != nil {
		return fmt.Errorf("notify agents: %w", err)
	}
	a.queued = a.queued || q
	return nil
}

// One sender's new requests are notified one by one up to burstLimit within
// burstWindow; past it, agents get one notification listing them, at most
// once per sender and window, and none for each. Without it a flood from one
// client (or a forged From naming sub-addresses of one mailbox) would
// multiply every message by the number of agents.
const (
	burstLimit  = 3
	burstWindow = 10 * time.Minute
)

// burstMailer is the optional part of the AgentMailer that notifies a
// burst; without it a burst's requests are simply not notified one by one.
type burstMailer interface {
	NotifyBurst(ctx context.Context, tx store.Tx, ts []store.Ticket, b outbound.Burst) (bool, error)
}

var _ burstMailer = (*outbound.Mailer)(nil)

// burstPlan is what bursts decides before the store counts, so that the
// opener can run that count with the acknowledgments' (CountRecent).
type burstPlan struct {
	keyOf []string // each opening's sender, "" when it cannot be held
	// count asks for each sender's earlier tickets, not the batch's own:
	// empty when no opening may be held.
	count store.TicketCountQuery
}

// planBursts is bursts' first step, without the store. A sender is its
// mailbox (store.MailboxKey: flood+1@x and flood+2@x are one). Incidents
// have their own limit (GUICHET_ALERT_RENOTIFY) and automatic mail is never
// notified: neither counts.
func (n *notifier) planBursts(ops []*opening, ts []store.Ticket) burstPlan {
	if n.mailer == nil || len(ops) == 0 {
		return burstPlan{}
	}
	var keys []string
	keyOf := make([]string, len(ops))
	own := make([]int64, len(ts))
	for i, op := range ops {
		own[i] = ts[i].ID
		if !op.notify || op.a.alert || op.a.notified || op.a.msg.Kind == store.KindAlert {
			continue
		}
		k := store.MailboxKey(ts[i].Requester)
		if k == "" || n.loopReason(op.a.delivery) != "" {
			continue
		}
		keyOf[i] = k
		if !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return burstPlan{}
	}
	return burstPlan{keyOf: keyOf, count: store.TicketCountQuery{Keys: keys, Except: own, Since: ops[0].a.now.Add(-burstWindow)}}
}

// bursts decides which of a batch's new requests belong to a burst (held[i]:
// not notified one by one) and notifies each burst once. seen are the
// store's counts of p.count: each sender's earlier tickets, whatever batch
// opened them, to which bursts adds the batch's along it, so the count is
// exact however the messages are batched: one statement per batch (shared
// with the acknowledgments'), and two per burst.
func (n *notifier) bursts(ctx context.Context, tx store.Tx, p burstPlan, seen map[string]int, ops []*opening, ts []store.Ticket) (map[int]bool, error) {
	if p.count.Empty() {
		return nil, nil
	}
	held := map[int]bool{}
	burst := map[string][]int{}
	for i, k := range p.keyOf {
		if k == "" {
			continue
		}
		if seen[k]++; seen[k] > burstLimit {
			held[i] = true
			burst[k] = append(burst[k], i)
		}
	}
	for _, k := range p.count.Keys {
		if len(burst[k]) == 0 {
			continue
		}
		if err := n.notifyBurst(ctx, tx, k, seen[k], ops, ts, burst[k]); err != nil {
			return nil, err
		}
	}
	return held, nil
}

// notifyBurst notifies agents of the burst of sender key made of the
// openings idx, unless they heard of this sender's burst less than
// burstWindow ago (the slot, decided by the store's row lock).
func (n *notifier) notifyBurst(ctx context.Context, tx store.Tx, key string, count int, ops []*opening, ts []store.Ticket, idx []int) error {
	for _, i := range idx {
		ops[i].a.notified = true
	}
	bm, ok := n.mailer.(burstMailer)
	if !ok {
		return nil
	}
	now := ops[idx[0]].a.now
	ok, err := tx.TakeRateSlot(ctx, "burst:"+key, now, burstWindow)
	if err != nil {
		return fmt.Errorf("burst notification slot: %w", err)
	}
	if !ok {
		n.log.Info("burst: no agent notification", "sender", key, "tickets", len(idx), "count", count)
		return nil
	}
	var to []string
	tks := make([]store.Ticket, len(idx))
	for k, i := range idx {
		tks[k] = ts[i]
		to = append(to, n.route(ts[i].Category)...)
	}
	q, err := bm.NotifyBurst(ctx, tx, tks, outbound.Burst{
		To: dedupe(to), Sender: key, Count: count, Threshold: burstLimit, Window: burstWindow,
	})
	if err != nil {
		return fmt.Errorf("notify agents of a burst: %w", err)
	}
	a := ops[idx[0]].a
	a.queued = a.queued || q
	return nil
}

// route returns the agents responsible for a category: the teams that
// cover its group, or every agent when none does (or there is no category).
func (n *notifier) route(code string) []string {
	group := n.group(code)
	var out []string
	if group > 0 {
		for _, tm := range n.teams {
			switch {
			case !slices.Contains(tm.Groups, group):
			case len(tm.Agents) > 0:
				out = append(out, tm.Agents...)
			case tm.Address != "":
				out = append(out, tm.Address)
			}
		}
	}
	if len(out) == 0 {
		out = n.all
	}
	return dedupe(out)
}

// group is the catalogue group of a category code; 0 when none.
func (n *notifier) group(code string) int {
	if c, ok := n.lookupCategory(code); ok {
		return c.Group
	}
	if major, _, ok := strings.Cut(code, "."); ok {
		g, _ := strconv.Atoi(major)
		return g
	}
	return 0
}

// team is the name of the first team that covers a category's group; ""
// when none does.
func (n *notifier) team(code string) string {
	if g := n.group(code); g > 0 {
		for _, tm := range n.teams {
			if slices.Contains(tm.Groups, g) {
				return tm.Name
			}
		}
	}
	return ""
}

// routeTicket is who hears of a ticket's news: its assignee alone once it
// has one (docs/threading.md, "Workflow"), else its category's agents.
func (n *notifier) routeTicket(t store.Ticket) []string {
	if t.Assignee != "" {
		return []string{t.Assignee}
	}
	return n.route(t.Category)
}

// colleagues are who an agent's note goes to: the other agents of the
// ticket's team, or all other agents when the author is alone in it (a
// note is written for someone).
func (n *notifier) colleagues(t store.Ticket, author string) []string {
	if to := without(n.routeTicket(t), author); len(to) > 0 {
		return to
	}
	if to := without(n.route(t.Category), author); len(to) > 0 {
		return to
	}
	return without(dedupe(n.all), author)
}

// lookupCategory finds a category in the catalogue the classifier holds.
func (n *notifier) lookupCategory(code string) (classify.Category, bool) {
	if l, ok := n.cl.(interface {
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

// senderWarning heads the text agents are notified of when its sender is
// not verified (docs/threading.md, "Trust": « expéditeur non vérifié »): its From may
// be anyone's.
func senderWarning(a *attempt) string {
	switch a.sender.Verdict {
	case sender.Unverified:
		return "[Attention\u00a0: expéditeur non vérifié (" + a.sender.Evidence + ")]\n\n"
	case sender.Failed:
		return "[Attention\u00a0: expéditeur non vérifié, DMARC en échec (" + a.sender.Evidence + ")]\n\n"
	}
	return ""
}
