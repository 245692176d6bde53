-- The same as migrations/postgres/0012_workflow.sql: priority, assignee,
-- team and service-level deadlines; clock_used_us and clock_since are the
-- resolution clock (clock_since NULL: stopped).
ALTER TABLE tickets ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal'
    CHECK (priority IN ('low', 'normal', 'high', 'urgent'));
ALTER TABLE tickets ADD COLUMN assignee TEXT CHECK (assignee <> '');
ALTER TABLE tickets ADD COLUMN team TEXT CHECK (team <> '');
ALTER TABLE tickets ADD COLUMN first_response_due INTEGER;
ALTER TABLE tickets ADD COLUMN resolution_due INTEGER;
ALTER TABLE tickets ADD COLUMN first_response_at INTEGER;
ALTER TABLE tickets ADD COLUMN sla_breached INTEGER NOT NULL DEFAULT 0 CHECK (sla_breached IN (0, 1));
ALTER TABLE tickets ADD COLUMN clock_used_us INTEGER NOT NULL DEFAULT 0 CHECK (clock_used_us >= 0);
ALTER TABLE tickets ADD COLUMN clock_since INTEGER;
CREATE INDEX tickets_assignee ON tickets (assignee, created_at) WHERE assignee IS NOT NULL;
CREATE INDEX tickets_team ON tickets (team, created_at) WHERE team IS NOT NULL;
