-- The same as migrations/postgres/0011_erasures.sql; times are INTEGER
-- unix microseconds UTC, counts JSON text.
CREATE TABLE erasures (
    id     INTEGER PRIMARY KEY,
    at     INTEGER NOT NULL,
    by     TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL CHECK (reason IN ('request', 'retention')),
    counts TEXT NOT NULL DEFAULT '{}'
) STRICT;
ALTER TABLE tickets ADD COLUMN erased_at INTEGER;
CREATE INDEX tickets_closed_unerased ON tickets (updated_at) WHERE status = 'closed' AND erased_at IS NULL;
