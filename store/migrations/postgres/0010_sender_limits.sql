-- Limits that hold against one sender (docs: acknowledgment limits, agent
-- notifications of a burst). Both count a recent window only, so rows
-- written before this migration need no value: they leave the windows
-- within the hour.
--
-- The acknowledgment limit per recipient domain: the domain of the
-- mailbox an acknowledgment goes to, counted over the last hour. Only
-- acknowledgments are indexed, and their number per domain and hour is
-- bounded by the limit itself, so the count stays a short range scan.
ALTER TABLE outbox ADD COLUMN rcpt_domain text NOT NULL DEFAULT '';
CREATE INDEX outbox_ack_domain ON outbox (rcpt_domain, created_at) WHERE kind = 'ack';
-- The requester's mailbox (lower case, without +detail) of each ticket:
-- how many tickets one sender opened in the last minutes.
ALTER TABLE tickets ADD COLUMN requester_key text NOT NULL DEFAULT '';
CREATE INDEX tickets_requester_key ON tickets (requester_key, created_at) WHERE requester_key <> '';
