-- The acknowledgment rate limit (GUICHET_ACK_PER_HOUR) counts, for every
-- new ticket, what was queued to one address in the last hour. Counting
-- through a join with messages and an unnest of the recipients made that
-- cost grow with the outbox; the kind and the first recipient, lowercased,
-- now live on the outbox row behind one index, so the count is an index
-- range scan whatever the outbox holds.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN rcpt_key TEXT NOT NULL DEFAULT '';
UPDATE outbox o SET kind = m.kind FROM messages m WHERE m.id = o.message_row_id;
UPDATE outbox SET rcpt_key = lower(rcpt[1]) WHERE cardinality(rcpt) > 0;
CREATE INDEX outbox_rate ON outbox (rcpt_key, kind, created_at);
