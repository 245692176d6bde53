-- The same as migrations/postgres/0017_backlog.sql: a covering index of
-- the backlog the metrics endpoint counts at every scrape.
CREATE INDEX tickets_backlog ON tickets (priority, assignee) WHERE status IN ('open', 'answered');
