package outbound

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"time"

	"guichet/replyaddr"
	"guichet/store"
	"guichet/templates"
	"guichet/ticketref"
)

// SLA queues a ticket's reminder (a deadline near) or escalation (passed)
// of stage (store.Stage*) for deadline due, to agents. It returns false
// when no recipient is left.
func (m *Mailer) SLA(ctx context.Context, tx store.Tx, t store.Ticket, stage string, due time.Time, to []string) (bool, error) {
	to = m.recipients(to, nil)
	if len(to) == 0 {
		return false, nil
	}
	first := stage == store.StageFirstResponseSoon || stage == store.StageFirstResponseDue
	data := templates.SLA{
		CentreName: m.o.CentreName, Number: t.Number, Subject: capSubject(t.Subject), Requester: t.Requester,
		Priority: t.Priority, Assignee: t.Assignee, Team: t.Team, FirstResponse: first,
		Due: templates.LongDate(due, m.o.Location),
	}
	if cat, ok := m.o.Catalogue.Lookup(t.Category); ok && t.Category != "" {
		data.Category = &templates.Category{Code: cat.Code, Label: cat.Label}
	}
	render, what := templates.RenderReminder, "Rappel"
	if store.StageIsDue(stage) {
		render, what = templates.RenderEscalation, "Délai dépassé"
	}
	body, err := render(data)
	if err != nil {
		return false, fmt.Errorf("outbound: %w", err)
	}
	deadline := "résolution attendue avant "
	if first {
		deadline = "première réponse attendue avant "
	}
	// "[Ticket#N] Rappel : première réponse attendue avant jeudi 26
	// novembre 2026 à 11 h 14 — subject": what is due and when, read in
	// the subject line of a mailbox listing.
	subject := ticketref.Format(t.Number) + " " + what + " : " + deadline + data.Due + " — " + data.Subject
	return m.queue(ctx, tx, t, store.KindNotification, notificationIDPrefix, Mail{
		To: bare(to), Subject: subject, Text: body,
		// As notifications: a reply to the signed agent address acts on
		// the ticket (#prendre, or a public answer).
		ReplyTo:       &mail.Address{Name: m.o.CentreName + " – " + t.Number, Address: m.o.Signer.Address(t.Number, replyaddr.RoleAgent)},
		AutoSubmitted: "auto-generated",
	})
}

// Clock is the time a scheduler runs on; tests move a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

// RemindersOptions configure Reminders.
type RemindersOptions struct {
	Store interface {
		InTx(ctx context.Context, fn store.TxFunc) error
	}
	Mailer *Mailer
	// Route lists who is told of a stage of t: for a reminder (escalate
	// false) its assignee, else its team, else every agent; for an
	// escalation its team and the team's escalate_to.
	Route func(t store.Ticket, escalate bool) []string
	Clock Clock
	// Poll is how often the schedule is read (1 s): held to a few seconds
	// of the deadline, with one cheap indexed query per tick.
	Poll  time.Duration
	Batch int    // stages sent per transaction (50)
	Kick  func() // wakes the sender after a commit that queued mail
	// Breached, when set, is called after a commit for each deadline stage
	// (store.Stage*Due) this node recorded: once per ticket and stage
	// across the nodes, so the breaches can be counted (metrics).
	Breached func(stage string)
	Log      *slog.Logger
}

// Reminders sends each ticket's SLA reminders and escalations
// (docs/threading.md, "Reminders and escalation"). The schedule is the
// tickets' deadlines themselves and what reminders_sent records, so a
// restart loses nothing and any number of nodes may run it on one
// database: each stage is recorded in the transaction that queues its
// mail, under a key that lets one transaction alone record it.
type Reminders struct{ o RemindersOptions }

// NewReminders checks o.
func NewReminders(o RemindersOptions) (*Reminders, error) {
	if o.Store == nil || o.Mailer == nil || o.Route == nil || o.Clock == nil {
		return nil, errors.New("outbound: reminders need a store, a mailer, a route and a clock")
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 50
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Reminders{o: o}, nil
}

// Run sends due stages every Poll until ctx ends. A failing tick is
// logged and retried at the next: the schedule is durable.
func (r *Reminders) Run(ctx context.Context) error {
	for {
		for {
			n, err := r.Tick(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				r.o.Log.Warn("sla reminders", "err", err)
			}
			if err != nil || n < r.o.Batch {
				break
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-r.o.Clock.After(r.o.Poll):
		}
	}
}

// Tick sends, in one transaction, up to Batch stages due now and returns
// how many stages it took (sent, or found sent by another node).
func (r *Reminders) Tick(ctx context.Context) (int, error) {
	now := r.o.Clock.Now()
	var n, queued int
	var breached []string
	err := r.o.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		n, queued, breached = 0, 0, breached[:0]
		due, err := tx.DueReminders(ctx, now, r.o.Batch)
		if err != nil {
			return err
		}
		for _, d := range due {
			n++
			won, err := tx.MarkReminded(ctx, d.Ticket.ID, d.Stage, d.DueAt, now)
			if err != nil || !won {
				if err != nil {
					return err
				}
				continue
			}
			escalate := store.StageIsDue(d.Stage)
			if escalate {
				breached = append(breached, d.Stage)
			}
			sent, err := r.o.Mailer.SLA(ctx, tx, d.Ticket, d.Stage, d.DueAt, r.o.Route(d.Ticket, escalate))
			if err != nil {
				return fmt.Errorf("ticket %s %s: %w", d.Ticket.Number, d.Stage, err)
			}
			if sent {
				queued++
			}
			r.o.Log.Info("sla", "ticket", d.Ticket.Number, "stage", d.Stage, "due", d.DueAt, "queued", sent)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("outbound: reminders: %w", err)
	}
	if queued > 0 && r.o.Kick != nil {
		r.o.Kick()
	}
	for _, stage := range breached {
		if r.o.Breached != nil {
			r.o.Breached(stage)
		}
	}
	return n, nil
}
