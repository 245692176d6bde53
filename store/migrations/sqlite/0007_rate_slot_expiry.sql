-- The same as migrations/postgres/0009_rate_slot_expiry.sql; times are
-- INTEGER unix microseconds UTC.
ALTER TABLE rate_slots ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE rate_slots ADD COLUMN taken INTEGER NOT NULL DEFAULT 1 CHECK (taken > 0);
UPDATE rate_slots SET expires_at = at + 3600000000;
CREATE INDEX rate_slots_expiry ON rate_slots (expires_at);
