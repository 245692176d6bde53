-- The metrics count the outbox's rows still to deliver, by state, at each
-- scrape. Sent rows are nearly all of the table and leave this index, so
-- the count reads only what is pending or failed (an index-only scan), not
-- the whole outbox. state is already part of outbox_due's predicate: an
-- update that changes it was never HOT, so this index costs no HOT update.
CREATE INDEX outbox_unsent ON outbox (state) WHERE state <> 'sent';
