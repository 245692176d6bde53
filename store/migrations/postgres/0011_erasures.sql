-- Erasures of personal data (guichet forget, GUICHET_RETENTION): one audit
-- row per run saying when, by whom and how much was erased, never whose
-- data (that would keep what was erased). counts is the report as JSON.
CREATE TABLE erasures (
    id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at     timestamptz NOT NULL,
    by     text NOT NULL DEFAULT '',
    reason text NOT NULL CHECK (reason IN ('request', 'retention')),
    counts jsonb NOT NULL DEFAULT '{}'
);
-- Retention erases a closed ticket once: the daily run skips those done.
ALTER TABLE tickets ADD COLUMN erased_at timestamptz;
CREATE INDEX tickets_closed_unerased ON tickets (updated_at) WHERE status = 'closed' AND erased_at IS NULL;
