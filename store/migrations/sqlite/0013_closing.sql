-- The same as migrations/postgres/0015_closing.sql: the resolved tickets
-- without news since a moment, for automatic closing.
CREATE INDEX tickets_resolved ON tickets (updated_at, id) WHERE status = 'resolved';
