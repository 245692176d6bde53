-- Web side: the same as migrations/postgres/0002_web.sql; times
-- are INTEGER unix microseconds UTC.
CREATE TABLE rate_slots (
    key TEXT PRIMARY KEY,
    at  INTEGER NOT NULL
) STRICT;

CREATE INDEX tickets_requester ON tickets (lower(requester), id);
