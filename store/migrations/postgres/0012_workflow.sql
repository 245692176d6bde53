-- The workflow of a ticket (docs/threading.md, "Workflow"): how urgent it is, who
-- owns it, the team its category routes it to, and its service-level
-- deadlines counted in business time.
--
-- The resolution clock stops while the ticket waits for the requester or
-- is resolved: clock_used_us is the business time it ran before
-- clock_since, and clock_since is when it last started (NULL: stopped).
-- While it is stopped, resolution_due is the deadline it would have were
-- it to run again from the stop. A reminder scheduler finds running
-- deadlines with "clock_since IS NOT NULL AND resolution_due < $1".
ALTER TABLE tickets
    ADD COLUMN priority text NOT NULL DEFAULT 'normal'
        CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    ADD COLUMN assignee text CHECK (assignee <> ''),
    ADD COLUMN team text CHECK (team <> ''),
    ADD COLUMN first_response_due timestamptz,
    ADD COLUMN resolution_due timestamptz,
    ADD COLUMN first_response_at timestamptz,
    ADD COLUMN sla_breached boolean NOT NULL DEFAULT false,
    ADD COLUMN clock_used_us bigint NOT NULL DEFAULT 0 CHECK (clock_used_us >= 0),
    ADD COLUMN clock_since timestamptz;
-- An agent's queue and a team's unassigned tickets.
CREATE INDEX tickets_assignee ON tickets (assignee, created_at) WHERE assignee IS NOT NULL;
CREATE INDEX tickets_team ON tickets (team, created_at) WHERE team IS NOT NULL;
