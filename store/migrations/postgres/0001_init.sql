-- Guichet schema, PostgreSQL. Invariants live here (STYLE habit 5): numbers
-- unique, statuses and states checked, one message per dedupe key, one
-- content row per attachment hash.

-- Gap-free yearly numbering: the row lock taken by
-- INSERT … ON CONFLICT (year) DO UPDATE serialises creators until commit, and
-- a rolled-back transaction gives its number back.
CREATE TABLE ticket_counters (
    year integer PRIMARY KEY,
    last bigint  NOT NULL CHECK (last > 0)
);

CREATE TABLE tickets (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number          text NOT NULL UNIQUE,
    subject         text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'answered', 'resolved', 'closed')),
    category        text NOT NULL DEFAULT '',
    category_source text NOT NULL DEFAULT ''
                    CHECK (category_source IN ('', 'tag', 'inferred', 'rule', 'agent')),
    confidence      double precision NOT NULL DEFAULT 0,
    requester       text NOT NULL DEFAULT '',
    linked_to       text NOT NULL DEFAULT '',
    no_ack_reason   text NOT NULL DEFAULT '',
    incident_key    text NOT NULL DEFAULT '',
    repeats         integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
-- TicketByIncidentKey: newest ticket of a key.
CREATE INDEX tickets_incident_key ON tickets (incident_key, id) WHERE incident_key <> '';
CREATE INDEX tickets_status ON tickets (status, id);

CREATE TABLE messages (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id   bigint REFERENCES tickets (id),
    direction   text NOT NULL CHECK (direction IN ('in', 'out')),
    kind        text NOT NULL
                CHECK (kind IN ('request', 'reply', 'agent', 'note', 'alert', 'ack', 'notification')),
    from_addr   text NOT NULL DEFAULT '',
    from_name   text NOT NULL DEFAULT '',
    to_addrs    text[] NOT NULL DEFAULT '{}',
    cc_addrs    text[] NOT NULL DEFAULT '{}',
    subject     text NOT NULL DEFAULT '',
    message_id  text NOT NULL DEFAULT '',
    in_reply_to text NOT NULL DEFAULT '',
    refs        text[] NOT NULL DEFAULT '{}',
    date        timestamptz,
    body        text NOT NULL DEFAULT '',
    raw         bytea NOT NULL,
    raw_sha256  text NOT NULL,
    parse_error text NOT NULL DEFAULT '',
    envelope    jsonb NOT NULL DEFAULT '{}',
    -- Idempotency (docs/threading.md, "Threading": a duplicate is recorded once).
    dedupe_key  text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL
);
-- Threading lookups by In-Reply-To/References (docs/threading.md, "Threading", step 2).
CREATE INDEX messages_message_id ON messages (message_id) WHERE message_id <> '';
CREATE INDEX messages_ticket ON messages (ticket_id, id);
CREATE INDEX messages_unticketed ON messages (id) WHERE ticket_id IS NULL;

-- Attachment content, stored once per SHA-256.
CREATE TABLE attachments (
    sha256 text PRIMARY KEY,
    size   bigint NOT NULL,
    data   bytea NOT NULL
);

CREATE TABLE message_attachments (
    message_id   bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    filename     text NOT NULL DEFAULT '',
    content_type text NOT NULL DEFAULT '',
    content_id   text NOT NULL DEFAULT '',
    inline       boolean NOT NULL DEFAULT false,
    size         bigint NOT NULL,
    sha256       text NOT NULL REFERENCES attachments (sha256),
    PRIMARY KEY (message_id, position)
);
CREATE INDEX message_attachments_sha256 ON message_attachments (sha256);

CREATE TABLE participants (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id  bigint NOT NULL REFERENCES tickets (id),
    address    text NOT NULL CHECK (address = lower(address)),
    first_seen timestamptz NOT NULL,
    UNIQUE (ticket_id, address)
);

CREATE TABLE status_history (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets (id),
    from_status text NOT NULL DEFAULT ''
                CHECK (from_status IN ('', 'open', 'answered', 'resolved', 'closed')),
    to_status   text NOT NULL
                CHECK (to_status IN ('open', 'answered', 'resolved', 'closed')),
    reason      text NOT NULL DEFAULT '',
    at          timestamptz NOT NULL
);
CREATE INDEX status_history_ticket ON status_history (ticket_id, id);

CREATE TABLE outbox (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id       bigint REFERENCES tickets (id),
    message_row_id  bigint REFERENCES messages (id),
    mail_from       text NOT NULL DEFAULT '',
    rcpt            text[] NOT NULL DEFAULT '{}',
    subject         text NOT NULL DEFAULT '',
    message_id      text NOT NULL DEFAULT '',
    raw             bytea NOT NULL,
    state           text NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sent', 'retrying', 'failed')),
    attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      text NOT NULL DEFAULT '',
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    created_at      timestamptz NOT NULL,
    sent_at         timestamptz,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
);
-- ClaimOutbound scans only the rows that may be due.
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state IN ('queued', 'retrying');
-- CountOutboundTo (acknowledgment rate limit) looks at a recent window.
CREATE INDEX outbox_created ON outbox (created_at);

CREATE TABLE settings (
    key   text PRIMARY KEY,
    value bytea NOT NULL
);

CREATE TABLE mailbox_state (
    mailbox      text PRIMARY KEY,
    uid_validity bigint NOT NULL,
    last_uid     bigint NOT NULL
);

CREATE TABLE leases (
    name   text PRIMARY KEY,
    holder text NOT NULL,
    until  timestamptz NOT NULL
);

-- Raw messages are mostly base64 attachments, which do not compress: pglz
-- costs ~35 ms of CPU per 2 MB message for nothing. Use lz4
-- when the server has it (PostgreSQL ≥ 14 built --with-lz4), else store
-- those columns uncompressed. EXECUTE so that older servers that do not
-- know the syntax reach the fallback instead of failing the migration.
DO $$
BEGIN
    BEGIN
        EXECUTE 'ALTER TABLE messages ALTER COLUMN raw SET COMPRESSION lz4';
        EXECUTE 'ALTER TABLE attachments ALTER COLUMN data SET COMPRESSION lz4';
        EXECUTE 'ALTER TABLE outbox ALTER COLUMN raw SET COMPRESSION lz4';
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'lz4 unavailable (%), storing raw columns uncompressed', SQLERRM;
        ALTER TABLE messages ALTER COLUMN raw SET STORAGE EXTERNAL;
        ALTER TABLE attachments ALTER COLUMN data SET STORAGE EXTERNAL;
        ALTER TABLE outbox ALTER COLUMN raw SET STORAGE EXTERNAL;
    END;
END
$$;
