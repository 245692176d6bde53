-- The same as migrations/postgres/0013_outbox_owner.sql: the sender process
-- that claimed the row, so that it alone renews the row's lease.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
