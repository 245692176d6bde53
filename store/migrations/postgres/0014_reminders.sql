-- SLA reminders and escalations sent (docs/threading.md, "Reminders and
-- escalation"): one row per ticket, stage and deadline. The primary key
-- makes each one go out once however many nodes scan at once: the row is
-- inserted (ON CONFLICT DO NOTHING) in the transaction that queues the
-- mail. A moved deadline is another due_at, so it is reminded again; the
-- old deadline's stages are never due again since the tickets row no
-- longer holds it.
CREATE TABLE reminders_sent (
    ticket_id bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    stage     text NOT NULL
        CHECK (stage IN ('first_response/75', 'first_response/due', 'resolution/75', 'resolution/due')),
    due_at    timestamptz NOT NULL,
    sent_at   timestamptz NOT NULL,
    PRIMARY KEY (ticket_id, stage, due_at)
);
-- The scan looks only at tickets whose clock runs: the backlog, not the
-- whole history.
CREATE INDEX tickets_clock_running ON tickets (resolution_due) WHERE clock_since IS NOT NULL;
