-- The sender verdict of an incoming message (SPEC "Trust": verified,
-- unverified, failed; '' for outbound mail and mail stored before the
-- checks) and its evidence, e.g. "dmarc=pass (dkim d=example.org)".
ALTER TABLE messages ADD COLUMN sender text NOT NULL DEFAULT ''
    CHECK (sender IN ('', 'verified', 'unverified', 'failed'));
ALTER TABLE messages ADD COLUMN sender_evidence text NOT NULL DEFAULT '';

-- How a participant joined: 'request' (the requester, and the To/Cc of the
-- message that opened the ticket), 'verified' (named by a verified
-- message), 'agent' (added by an agent). Rows from before this migration
-- cannot tell and keep '': they may still write to the ticket, but agents'
-- public answers are not copied to them.
ALTER TABLE participants ADD COLUMN origin text NOT NULL DEFAULT ''
    CHECK (origin IN ('', 'request', 'verified', 'agent'));
