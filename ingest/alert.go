package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"guichet/alerts"
	"guichet/classify"
	"guichet/outbound"
	"guichet/store"
)

// Categories of incidents: a host that does not answer makes the platform
// unreachable; anything else is a service problem.
const (
	CategoryServiceProblem = "3.4" // Problème de service
	CategoryHostDown       = "1.7" // Plateforme inaccessible
)

// defaultAlertPeriod is the renotify and reopen periods' default.
const defaultAlertPeriod = time.Hour

func orDefault(d time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return defaultAlertPeriod
}

// ReadAlert is how the pipeline reads a monitoring mail (exported for
// guichet's diagnostics and the tests).
func (p *Pipeline) ReadAlert(from, subject, fullText string, date time.Time) alerts.Alert {
	return p.inc.read(from, subject, fullText, date)
}

// incidents are the rules of monitoring mail, whose mailboxes open and
// close incidents: one ticket per key (source/host/service) while the
// incident lasts, repeats counted on it, recoveries resolving it, agents
// told at most once per renotify period.
type incidents struct {
	wf       *workflow
	rules    []alerts.Rule
	renotify time.Duration
	reopen   time.Duration
	notify   *notifier
	log      *slog.Logger
}

// read reads a monitoring mail with the built-in parsers and the rules.
func (in *incidents) read(from, subject, fullText string, date time.Time) alerts.Alert {
	return alerts.Parse(alerts.Mail{From: from, Subject: subject, Body: fullText, Date: date}, in.rules)
}

// incidentPlan is what a monitoring mail does to its incident: t, its
// ticket (zero when none), and the decision.
type incidentPlan struct {
	t   store.Ticket
	dec alerts.Decision
}

// decide finds the mail's incident and decides. It runs before the
// message's insert, which needs to know whether the message opens a
// ticket (store.Message.OpensTicket); it only reads.
func (in *incidents) decide(ctx context.Context, tx store.Tx, at *attempt) (incidentPlan, error) {
	t, err := tx.TicketByIncidentKey(ctx, at.alertKey)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return incidentPlan{}, fmt.Errorf("incident by key: %w", err)
	}
	inc := alerts.Incident{Found: found}
	if found {
		inc.Resolved = t.Status == store.StatusResolved || t.Status == store.StatusClosed
		// The ticket's last change is its resolution or a later recovery
		// mail: the reopen window runs from there.
		inc.Since = t.UpdatedAt
	}
	return incidentPlan{t: t, dec: alerts.Decide(at.alertInfo.State, inc, at.now, in.reopen)}, nil
}

// apply turns a monitoring mail into its incident as decide planned, and
// never acknowledges it (the sender is a machine; docs/threading.md,
// "Acknowledgments and loops": never to a monitoring mailbox).
func (in *incidents) apply(ctx context.Context, tx store.Tx, b *batch[*opening], at *attempt, plan incidentPlan) error {
	res := &at.res
	a, key := at.alertInfo, at.alertKey
	t, dec := plan.t, plan.dec
	var err error
	switch {
	case dec.Open:
		// Like any new ticket, the incident is numbered and created when its
		// batch ends (opener); a repeat in the same batch waits for it.
		nt := incidentTicket(at)
		prio := cmp.Or(priorityOfSeverity(a.Severity), priorityOfCategory(nt.Category))
		nt.Workflow = in.wf.start(nt.Category, prio, at.now)
		b.Open(&opening{a: at, ticket: nt, notify: dec.Notify, resolve: dec.Resolve}, at.keys()...)
		return nil
	case dec.Join:
		if err := tx.AttachMessage(ctx, at.rowID, t.ID, store.KindAlert); err != nil {
			return fmt.Errorf("attach alert: %w", err)
		}
		if dec.Repeat {
			if t.Repeats, err = tx.BumpRepeats(ctx, t.ID); err != nil {
				return fmt.Errorf("count repeat: %w", err)
			}
		}
		if dec.Reopen {
			if _, err := in.wf.setStatus(ctx, tx, &t, store.StatusOpen, "alert: "+string(a.State)+" again after recovery", at.now); err != nil {
				return fmt.Errorf("reopen incident: %w", err)
			}
		}
		if err := tx.Touch(ctx, t.ID, at.now); err != nil {
			return fmt.Errorf("touch incident: %w", err)
		}
		res.Action, res.Ticket = Joined, t.Number
	default:
		res.Action, res.Reason = Unticketed, "alert "+string(a.State)+" for no known incident "+key
		return nil
	}
	if dec.Resolve {
		evs, err := in.wf.setStatus(ctx, tx, &t, store.StatusResolved, "alert: recovery from "+a.Source, at.now)
		if err != nil {
			return fmt.Errorf("resolve incident: %w", err)
		}
		at.events = append(at.events, evs...)
	}
	if dec.Notify {
		ok, err := in.claimNotice(ctx, tx, t.ID, at.now)
		if err != nil {
			return err
		}
		if ok {
			if err := in.notify.agents(ctx, tx, at, t); err != nil {
				return err
			}
		}
	}
	in.log.Debug("alert", "ticket", t.Number, "incident", key, "state", a.State, "source", a.Source,
		"open", dec.Open, "repeat", dec.Repeat, "resolve", dec.Resolve, "reopen", dec.Reopen)
	return nil
}

// incidentTicket is the incident's new ticket: its key and the rule's
// category (or the default by what is down), without acknowledgment.
func incidentTicket(at *attempt) store.NewTicket {
	a := at.alertInfo
	cat := a.Category
	switch {
	case cat != "":
	case a.HostDown:
		cat = CategoryHostDown
	default:
		cat = CategoryServiceProblem
	}
	return store.NewTicket{
		Subject:        TicketSubject(at.m.Subject, classify.Result{}),
		Category:       cat,
		CategorySource: "rule",
		Confidence:     1,
		Requester:      at.m.From.Addr,
		NoAckReason:    outbound.ReasonMonitoring,
		IncidentKey:    at.alertKey,
		CreatedAt:      at.now,
		ID:             at.msg.TicketID,
		MessageRowID:   at.rowID,
		MessageKind:    store.KindAlert,
	}
}

// incidentNoticeKey names an incident's notification slot in the store's
// rate slots.
func incidentNoticeKey(ticketID int64) string { return fmt.Sprintf("alert-notify:%d", ticketID) }

// claimNotice takes the incident's notification slot: true at most
// once per renotify period per incident, decided by the store's row lock so
// that concurrent deliveries agree.
func (in *incidents) claimNotice(ctx context.Context, tx store.Tx, ticketID int64, now time.Time) (bool, error) {
	ok, err := tx.TakeRateSlot(ctx, incidentNoticeKey(ticketID), now, in.renotify)
	if err != nil {
		return false, fmt.Errorf("incident notification slot: %w", err)
	}
	return ok, nil
}
