-- The same as migrations/postgres/0003_outbox_rate.sql: the kind and the
-- first recipient, lowercased, on the outbox row behind one index, for the
-- acknowledgment rate limit.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN rcpt_key TEXT NOT NULL DEFAULT '';
UPDATE outbox SET kind = coalesce((SELECT m.kind FROM messages m WHERE m.id = outbox.message_row_id), '');
UPDATE outbox SET rcpt_key = lower(coalesce(json_extract(rcpt, '$[0]'), ''));
CREATE INDEX outbox_rate ON outbox (rcpt_key, kind, created_at);
