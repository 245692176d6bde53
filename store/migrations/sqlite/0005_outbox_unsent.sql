-- The metrics count the outbox's rows still to deliver, by state, at each
-- scrape. Sent rows are nearly all of the table and leave this index, so
-- the count reads only what is pending or failed, not the whole outbox.
CREATE INDEX outbox_unsent ON outbox (state) WHERE state <> 'sent';
