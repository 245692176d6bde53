-- The reminder scan runs every second on every node: it reads only tickets
-- whose clock runs and that have a deadline (the condition below is written
-- the same way in the scan, so that the planner uses this index), not every
-- open ticket.
CREATE INDEX tickets_sla_running ON tickets (id)
    WHERE clock_since IS NOT NULL AND (first_response_due IS NOT NULL OR resolution_due IS NOT NULL);
