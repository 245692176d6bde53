package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"guichet/config"
	"guichet/store"
)

// Automatic closing (GUICHET_CLOSE_AFTER): a resolved ticket without news
// for that long is closed and its requester told that a reply still
// reopens it.

// closeEvery is how often serve looks for tickets to close: a ticket is
// closed within a minute of its time, and an indexed query that finds
// nothing costs next to nothing.
const closeEvery = time.Minute

// closeBatch bounds one transaction's work: a backlog (closing just turned
// on) is closed a batch at a time, without holding locks for long.
const closeBatch = 100

// closingMailer queues the closing notice in the closing transaction.
// *outbound.Mailer implements it.
type closingMailer interface {
	Closed(ctx context.Context, tx store.Tx, t store.Ticket) (bool, error)
}

// closer closes the resolved tickets whose time has come.
type closer struct {
	st     store.Store
	after  config.Retention
	mailer closingMailer
	agents map[string]bool // their tickets get no notice: they are colleagues
	kick   func()          // tells the sender that mail is queued; may be nil
	log    *slog.Logger
}

// newCloser is serve's closer: p's mailer, the declared agents, kick
// after each batch that queued notices.
func newCloser(st store.Store, c *config.Config, p *parts, kick func(), log *slog.Logger) *closer {
	agents := map[string]bool{}
	for _, a := range c.AgentAddresses() {
		agents[a] = true
	}
	return &closer{st: st, after: c.CloseAfter, mailer: p.mailer, agents: agents, kick: kick, log: log.With("part", "closing")}
}

// closeAfterWords is GUICHET_CLOSE_AFTER in French words for the notices;
// "" when tickets are not closed automatically.
func closeAfterWords(c *config.Config) string {
	if !c.CloseAfter.On() {
		return ""
	}
	return durationWords(c.CloseAfter, true)
}

// run closes what is due now, then every closeEvery, until ctx ends.
func (c *closer) run(ctx context.Context, clk retentionClock) error {
	for {
		if _, err := c.closeDue(ctx, clk.Now()); err != nil {
			c.log.Error("closing: failed, trying again in a minute", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-clk.After(closeEvery):
		}
	}
}

// closeDue closes every resolved ticket untouched since the period before
// now, a batch per transaction; each ticket and its notice commit
// together, once, whichever node gets it first.
func (c *closer) closeDue(ctx context.Context, now time.Time) (int, error) {
	reason := "closed automatically after " + durationWords(c.after, false) + " without news"
	total := 0
	for {
		var closed []store.Ticket
		queued := false
		err := c.st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			var err error
			queued = false
			closed, err = tx.CloseResolved(ctx, c.after.Cutoff(now), now, reason, closeBatch)
			if err != nil {
				return err
			}
			for _, t := range closed {
				// A monitoring incident's requester is a monitoring system,
				// an agent's own ticket needs no notice.
				if t.IncidentKey != "" || c.agents[t.Requester] || c.mailer == nil {
					continue
				}
				q, err := c.mailer.Closed(ctx, tx, t)
				if err != nil {
					return fmt.Errorf("closing notice of %s: %w", t.Number, err)
				}
				queued = queued || q
			}
			return nil
		})
		if err != nil {
			return total, fmt.Errorf("close resolved tickets: %w", err)
		}
		for _, t := range closed {
			c.log.Info("ticket closed without news", "ticket", t.Number)
		}
		total += len(closed)
		if queued && c.kick != nil {
			c.kick()
		}
		if len(closed) < closeBatch {
			return total, nil
		}
	}
}

// durationWords writes r for a person: « 7 jours » in French, "7 days"
// in English (the status history's reasons are English, as the others).
func durationWords(r config.Retention, french bool) string {
	unit := func(n int, fr, frs, en string) string {
		switch {
		case french && n > 1:
			return fmt.Sprintf("%d\u00a0%s", n, frs)
		case french:
			return fmt.Sprintf("%d\u00a0%s", n, fr)
		case n > 1:
			return fmt.Sprintf("%d %ss", n, en)
		}
		return fmt.Sprintf("%d %s", n, en)
	}
	switch {
	case r.Exact >= 24*time.Hour && r.Exact%(24*time.Hour) == 0:
		return unit(int(r.Exact/(24*time.Hour)), "jour", "jours", "day")
	case r.Exact >= time.Hour && r.Exact%time.Hour == 0:
		return unit(int(r.Exact/time.Hour), "heure", "heures", "hour")
	case r.Exact >= time.Minute && r.Exact%time.Minute == 0:
		return unit(int(r.Exact/time.Minute), "minute", "minutes", "minute")
	case r.Exact > 0:
		return unit(int(r.Exact.Round(time.Second)/time.Second), "seconde", "secondes", "second")
	case r.Years > 0:
		return unit(r.Years, "an", "ans", "year")
	case r.Months > 0:
		return unit(r.Months, "mois", "mois", "month")
	}
	return unit(r.Days, "jour", "jours", "day")
}
