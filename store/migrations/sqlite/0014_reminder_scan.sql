-- The same as migrations/postgres/0016_reminder_scan.sql, as two indexes:
-- each branch of SQLite's reminder scan names one deadline.
CREATE INDEX tickets_first_response_running ON tickets (id)
    WHERE clock_since IS NOT NULL AND first_response_due IS NOT NULL;
CREATE INDEX tickets_resolution_running ON tickets (id)
    WHERE clock_since IS NOT NULL AND resolution_due IS NOT NULL;
