package ingest

import (
	"context"
	"errors"
	"fmt"
	"time"

	"guichet/alerts"
	"guichet/classify"
	"guichet/outbound"
	"guichet/store"
)

// Categories of incidents (issue 7): a host that does not answer makes the
// platform unreachable; anything else is a service problem.
const (
	CategoryServiceProblem = "3.4" // Problème de service
	CategoryHostDown       = "1.7" // Plateforme inaccessible
)

const defaultAlertPeriod = time.Hour

func (p *Pipeline) alertRenotify() time.Duration {
	if p.o.AlertRenotify > 0 {
		return p.o.AlertRenotify
	}
	return defaultAlertPeriod
}

func (p *Pipeline) alertReopen() time.Duration {
	if p.o.AlertReopen > 0 {
		return p.o.AlertReopen
	}
	return defaultAlertPeriod
}

// ReadAlert is how the pipeline reads a monitoring mail (exported for
// guichet's diagnostics and the tests).
func (p *Pipeline) ReadAlert(from, subject, fullText string, date time.Time) alerts.Alert {
	return alerts.Parse(alerts.Mail{From: from, Subject: subject, Body: fullText, Date: date}, p.o.AlertRules)
}

// storeAlert turns monitoring mail into incidents: one ticket per key
// (source/host/service) while the incident lasts, repeats counted on it,
// recoveries resolving it, and no acknowledgment ever (the sender is a
// machine; SPEC "Acknowledgments and loops": never to a monitoring mailbox).
func (p *Pipeline) storeAlert(ctx context.Context, tx store.Tx, d *delivery) (Result, error) {
	m := d.m
	res := Result{MessageID: m.MessageID, ParseError: d.msg.ParseError}
	a, key := d.alertInfo, d.alertKey

	t, err := tx.TicketByIncidentKey(ctx, key)
	found := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return res, fmt.Errorf("incident by key: %w", err)
	}
	inc := alerts.Incident{Found: found}
	if found {
		inc.Resolved = t.Status == store.StatusResolved || t.Status == store.StatusClosed
		// The ticket's last change is its resolution or a later recovery
		// mail: the reopen window runs from there.
		inc.Since = t.UpdatedAt
	}
	dec := alerts.Decide(a.State, inc, d.now, p.alertReopen())
	switch {
	case dec.Open:
		// Like any new ticket, the incident is numbered and created when its
		// batch ends (openAll); a repeat in the same batch waits for it.
		d.pending = p.incidentTicket(d, a, key)
		d.notifyOnOpen, d.resolveOnOpen = dec.Notify, dec.Resolve
		d.result = res
		if d.batch != nil {
			return res, nil
		}
		if err := p.openAll(ctx, tx, []*delivery{d}); err != nil {
			return res, err
		}
		return d.result, nil
	case dec.Join:
		if err := tx.AttachMessage(ctx, d.rowID, t.ID, store.KindAlert); err != nil {
			return res, fmt.Errorf("attach alert: %w", err)
		}
		if dec.Repeat {
			if t.Repeats, err = tx.BumpRepeats(ctx, t.ID); err != nil {
				return res, fmt.Errorf("count repeat: %w", err)
			}
		}
		if dec.Reopen {
			if err := tx.SetStatus(ctx, t.ID, store.StatusOpen, "alert: "+string(a.State)+" again after recovery", d.now); err != nil {
				return res, fmt.Errorf("reopen incident: %w", err)
			}
			t.Status = store.StatusOpen
		}
		if err := tx.Touch(ctx, t.ID, d.now); err != nil {
			return res, fmt.Errorf("touch incident: %w", err)
		}
		res.Action, res.Ticket = Joined, t.Number
	default:
		res.Action, res.Reason = Unticketed, "alert "+string(a.State)+" for no known incident "+key
		return res, nil
	}
	if dec.Resolve {
		if err := tx.SetStatus(ctx, t.ID, store.StatusResolved, "alert: recovery from "+a.Source, d.now); err != nil {
			return res, fmt.Errorf("resolve incident: %w", err)
		}
		t.Status = store.StatusResolved
	}
	if dec.Notify {
		ok, err := p.claimIncidentNotice(ctx, tx, t.ID, d.now)
		if err != nil {
			return res, err
		}
		if ok {
			if err := p.notifyAgents(ctx, tx, d, t); err != nil {
				return res, err
			}
		}
	}
	p.log.Debug("alert", "ticket", t.Number, "incident", key, "state", a.State, "source", a.Source,
		"open", dec.Open, "repeat", dec.Repeat, "resolve", dec.Resolve, "reopen", dec.Reopen)
	return res, nil
}

// incidentTicket is the incident's new ticket: its key and the rule's
// category (or the default by what is down), without acknowledgment.
func (p *Pipeline) incidentTicket(d *delivery, a alerts.Alert, key string) *store.NewTicket {
	cat := a.Category
	switch {
	case cat != "":
	case a.HostDown:
		cat = CategoryHostDown
	default:
		cat = CategoryServiceProblem
	}
	return &store.NewTicket{
		Subject:        TicketSubject(d.m.Subject, classify.Result{}),
		Category:       cat,
		CategorySource: "rule",
		Confidence:     1,
		Requester:      d.m.From.Addr,
		NoAckReason:    outbound.ReasonMonitoring,
		IncidentKey:    key,
		CreatedAt:      d.now,
		MessageRowID:   d.rowID,
		MessageKind:    store.KindAlert,
	}
}

// incidentNoticeKey names an incident's notification slot in the store's
// rate slots.
func incidentNoticeKey(ticketID int64) string { return fmt.Sprintf("alert-notify:%d", ticketID) }

// claimIncidentNotice takes the incident's notification slot: true at most
// once per renotify period per incident, decided by the store's row lock so
// that concurrent deliveries agree.
func (p *Pipeline) claimIncidentNotice(ctx context.Context, tx store.Tx, ticketID int64, now time.Time) (bool, error) {
	ok, err := tx.TakeRateSlot(ctx, incidentNoticeKey(ticketID), now, p.alertRenotify())
	if err != nil {
		return false, fmt.Errorf("incident notification slot: %w", err)
	}
	return ok, nil
}
