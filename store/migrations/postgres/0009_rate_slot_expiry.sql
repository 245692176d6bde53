-- Rate slots expire and are purged. Each slot keeps its own expiry (actions
-- differ: a « mes demandes » mail per 10 minutes, an incident notice per
-- renotify period, requests per client address per hour), so that one
-- indexed range, expires_at <= now, finds every slot that no longer limits
-- anything; taken counts the actions of the current window, for limits of
-- more than one action per window.
ALTER TABLE rate_slots
    ADD COLUMN expires_at TIMESTAMPTZ,
    ADD COLUMN taken INTEGER NOT NULL DEFAULT 1 CHECK (taken > 0);
-- A slot's period was not recorded before: one hour (the longest default
-- period) errs on the side of one action fewer, never one more.
UPDATE rate_slots SET expires_at = at + interval '1 hour';
ALTER TABLE rate_slots ALTER COLUMN expires_at SET NOT NULL;
CREATE INDEX rate_slots_expiry ON rate_slots (expires_at);
