-- The same as migrations/postgres/0010_sender_limits.sql: the domain of
-- an acknowledgment's recipient and the requester's mailbox of a ticket,
-- for the limits that hold against one sender.
ALTER TABLE outbox ADD COLUMN rcpt_domain TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_ack_domain ON outbox (rcpt_domain, created_at) WHERE kind = 'ack';
ALTER TABLE tickets ADD COLUMN requester_key TEXT NOT NULL DEFAULT '';
CREATE INDEX tickets_requester_key ON tickets (requester_key, created_at) WHERE requester_key <> '';
