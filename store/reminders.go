package store

import (
	"context"
	"strings"
	"time"
)

// Stages of a ticket's service-level reminders (docs/threading.md,
// "Reminders and escalation"): a reminder at 75 % of a deadline's span, an
// escalation when it passes.
const (
	StageFirstResponseSoon = "first_response/75"
	StageFirstResponseDue  = "first_response/due"
	StageResolutionSoon    = "resolution/75"
	StageResolutionDue     = "resolution/due"
)

// StageIsDue says whether stage is a deadline passed (escalation) rather
// than one near (reminder).
func StageIsDue(stage string) bool { return strings.HasSuffix(stage, "/due") }

// Reminder is one stage of a ticket that is due and not yet sent.
type Reminder struct {
	Ticket Ticket
	Stage  string    // Stage*
	DueAt  time.Time // the deadline it is about
	FireAt time.Time // when it became due: 75 % of the span, or DueAt
}

// dueReminders lists the stages due at $1 and not sent for the deadline
// the ticket now has, soonest first, at most $2.
//
// The span of the first response runs from the ticket's creation to its
// deadline. The span of the resolution runs from when the clock last
// started (clock_since) to its deadline: after a pause (#attente, then the
// requester's reply) the reminder comes at 75 % of the time that was left,
// which is when the agent most needs it. Spans are real time between those
// instants; deadlines themselves are business time.
//
// Only running clocks with a deadline are looked at, through a partial
// index (migration 0016 on PostgreSQL, 0014 on SQLite), so the scan every
// second costs nothing for tickets without an SLA: a ticket waiting for the requester,
// resolved or closed gets none, and a met first response none of its
// stages. A reminder whose deadline passed unsent (every node was down) is
// left for the escalation. On PostgreSQL the tickets rows are locked with
// SKIP LOCKED so that nodes scanning at once share the work; the primary
// key of reminders_sent is what makes each stage go out once.
var dueReminders = stmt{
	pg: `
SELECT ` + pgTicketCols + `, s.stage, s.due_at, s.fire_at
FROM tickets t
CROSS JOIN LATERAL (VALUES
    ('first_response/75', t.first_response_due, t.created_at + (t.first_response_due - t.created_at) * 0.75),
    ('first_response/due', t.first_response_due, t.first_response_due),
    ('resolution/75', t.resolution_due, t.clock_since + (t.resolution_due - t.clock_since) * 0.75),
    ('resolution/due', t.resolution_due, t.resolution_due)) AS s (stage, due_at, fire_at)
WHERE t.clock_since IS NOT NULL AND (t.first_response_due IS NOT NULL OR t.resolution_due IS NOT NULL)
  AND s.due_at IS NOT NULL AND s.fire_at <= $1
  AND (s.stage LIKE 'resolution/%' OR t.first_response_at IS NULL)
  AND (s.stage LIKE '%/due' OR $1 < s.due_at)
  AND NOT EXISTS (SELECT 1 FROM reminders_sent r
                  WHERE r.ticket_id = t.id AND r.stage = s.stage AND r.due_at = s.due_at)
ORDER BY s.fire_at, t.id
LIMIT $2
FOR UPDATE OF t SKIP LOCKED`,
	sqlite: `
SELECT ` + sqliteTicketCols + `, s.stage, s.due_at, s.fire_at
FROM (
    SELECT id, 'first_response/75' AS stage, first_response_due AS due_at,
           created_at + (first_response_due - created_at) * 3 / 4 AS fire_at
    FROM tickets WHERE clock_since IS NOT NULL AND first_response_due IS NOT NULL AND first_response_at IS NULL
    UNION ALL
    SELECT id, 'first_response/due', first_response_due, first_response_due
    FROM tickets WHERE clock_since IS NOT NULL AND first_response_due IS NOT NULL AND first_response_at IS NULL
    UNION ALL
    SELECT id, 'resolution/75', resolution_due, clock_since + (resolution_due - clock_since) * 3 / 4
    FROM tickets WHERE clock_since IS NOT NULL AND resolution_due IS NOT NULL
    UNION ALL
    SELECT id, 'resolution/due', resolution_due, resolution_due
    FROM tickets WHERE clock_since IS NOT NULL AND resolution_due IS NOT NULL
) s JOIN tickets t ON t.id = s.id
WHERE s.fire_at <= ?1 AND (s.stage LIKE '%/due' OR ?1 < s.due_at)
  AND NOT EXISTS (SELECT 1 FROM reminders_sent r
                  WHERE r.ticket_id = t.id AND r.stage = s.stage AND r.due_at = s.due_at)
ORDER BY s.fire_at, t.id
LIMIT ?2`,
	replan: true,
}

// DueReminders lists up to limit reminder stages due at now and not yet
// sent, soonest first (see dueReminders).
func (t *txCore) DueReminders(ctx context.Context, now time.Time, limit int) ([]Reminder, error) {
	rs, err := t.c.query(ctx, dueReminders, ts(now), limit)
	if err != nil {
		return nil, wrap("store: due reminders", err)
	}
	out, err := collect(rs, func(row scanner) (Reminder, error) {
		var r Reminder
		tk, err := scanTicket(reminderRow{row, &r})
		r.Ticket, r.DueAt, r.FireAt = tk, r.DueAt.UTC(), r.FireAt.UTC()
		return r, err
	})
	if err != nil {
		return nil, wrap("store: due reminders", err)
	}
	return out, nil
}

// reminderRow lets scanTicket read a ticket followed by the stage's
// columns.
type reminderRow struct {
	row scanner
	r   *Reminder
}

func (x reminderRow) Scan(dest ...any) error {
	return x.row.Scan(append(dest, &x.r.Stage, &x.r.DueAt, &x.r.FireAt)...)
}

var (
	insertReminderSent = portable(`
INSERT INTO reminders_sent (ticket_id, stage, due_at, sent_at) VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING`)
	markBreached = portable(`UPDATE tickets SET sla_breached = true WHERE id = $1`)
)

// MarkReminded records that stage was sent for the deadline due of the
// ticket, at at; for a deadline passed it also records the breach. It
// returns false, and changes nothing, when another transaction recorded it
// first: then the caller sends nothing.
func (t *txCore) MarkReminded(ctx context.Context, ticketID int64, stage string, due, at time.Time) (bool, error) {
	n, err := t.c.exec(ctx, insertReminderSent, ticketID, stage, ts(due), ts(at))
	if err != nil {
		return false, wrap("store: mark reminded", err)
	}
	if n == 0 {
		return false, nil
	}
	if StageIsDue(stage) {
		if err := exec1(ctx, t.c, "store: mark breached", markBreached, ticketID); err != nil {
			return false, err
		}
	}
	return true, nil
}
