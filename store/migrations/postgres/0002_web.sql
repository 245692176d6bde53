-- Web side: rate slots, one row per rate-limited action and key
-- (the « mes demandes » mail: one per address per 10 minutes). The primary
-- key makes concurrent requests for one address take turns on one row.
CREATE TABLE rate_slots (
    key TEXT PRIMARY KEY,
    at  TIMESTAMPTZ NOT NULL
);

-- FindTickets by requester (agents' API filter, « mes demandes »).
CREATE INDEX tickets_requester ON tickets (lower(requester), id);
