-- The metrics endpoint counts the backlog (tickets open or answered) by
-- priority and whether someone owns them at every scrape: this index holds
-- those tickets alone, with both columns the count groups by, so the count
-- reads the backlog's entries and never the resolved and closed history.
CREATE INDEX tickets_backlog ON tickets (priority, assignee) WHERE status IN ('open', 'answered');
