-- The same as migrations/postgres/0014_reminders.sql: SLA reminders and
-- escalations sent, once per ticket, stage and deadline.
CREATE TABLE reminders_sent (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    stage     TEXT NOT NULL
        CHECK (stage IN ('first_response/75', 'first_response/due', 'resolution/75', 'resolution/due')),
    due_at    INTEGER NOT NULL,
    sent_at   INTEGER NOT NULL,
    PRIMARY KEY (ticket_id, stage, due_at)
);
CREATE INDEX tickets_clock_running ON tickets (resolution_due) WHERE clock_since IS NOT NULL;
