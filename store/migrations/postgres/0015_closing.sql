-- Automatic closing finds the resolved tickets without news since a
-- moment: "status = 'resolved' AND updated_at < $1" (the workflow rules).
CREATE INDEX tickets_resolved ON tickets (updated_at, id) WHERE status = 'resolved';
