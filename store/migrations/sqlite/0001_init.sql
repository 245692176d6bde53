-- Guichet schema, embedded SQLite: the same tables and invariants as
-- migrations/postgres/0001_init.sql. Differences: times are INTEGER unix
-- microseconds UTC (ordering and comparison stay numeric), address lists
-- are JSON arrays in TEXT, and tables are STRICT so a wrong type fails.

CREATE TABLE ticket_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL CHECK (last > 0)
) STRICT;

CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    subject         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'answered', 'resolved', 'closed')),
    category        TEXT NOT NULL DEFAULT '',
    category_source TEXT NOT NULL DEFAULT ''
                    CHECK (category_source IN ('', 'tag', 'inferred', 'rule', 'agent')),
    confidence      REAL NOT NULL DEFAULT 0,
    requester       TEXT NOT NULL DEFAULT '',
    linked_to       TEXT NOT NULL DEFAULT '',
    no_ack_reason   TEXT NOT NULL DEFAULT '',
    incident_key    TEXT NOT NULL DEFAULT '',
    repeats         INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX tickets_incident_key ON tickets (incident_key, id) WHERE incident_key <> '';
CREATE INDEX tickets_status ON tickets (status, id);

CREATE TABLE messages (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER REFERENCES tickets (id),
    direction   TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    kind        TEXT NOT NULL
                CHECK (kind IN ('request', 'reply', 'agent', 'note', 'alert', 'ack', 'notification')),
    from_addr   TEXT NOT NULL DEFAULT '',
    from_name   TEXT NOT NULL DEFAULT '',
    to_addrs    TEXT NOT NULL DEFAULT '[]',
    cc_addrs    TEXT NOT NULL DEFAULT '[]',
    subject     TEXT NOT NULL DEFAULT '',
    message_id  TEXT NOT NULL DEFAULT '',
    in_reply_to TEXT NOT NULL DEFAULT '',
    refs        TEXT NOT NULL DEFAULT '[]',
    date        INTEGER,
    body        TEXT NOT NULL DEFAULT '',
    raw         BLOB NOT NULL,
    raw_sha256  TEXT NOT NULL,
    parse_error TEXT NOT NULL DEFAULT '',
    envelope    TEXT NOT NULL DEFAULT '{}',
    dedupe_key  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX messages_message_id ON messages (message_id) WHERE message_id <> '';
CREATE INDEX messages_ticket ON messages (ticket_id, id);
CREATE INDEX messages_unticketed ON messages (id) WHERE ticket_id IS NULL;

CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY,
    size   INTEGER NOT NULL,
    data   BLOB NOT NULL
) STRICT;

CREATE TABLE message_attachments (
    message_id   INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    filename     TEXT NOT NULL DEFAULT '',
    content_type TEXT NOT NULL DEFAULT '',
    content_id   TEXT NOT NULL DEFAULT '',
    inline       INTEGER NOT NULL DEFAULT 0 CHECK (inline IN (0, 1)),
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL REFERENCES attachments (sha256),
    PRIMARY KEY (message_id, position)
) STRICT;
CREATE INDEX message_attachments_sha256 ON message_attachments (sha256);

CREATE TABLE participants (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id),
    address    TEXT NOT NULL CHECK (address = lower(address)),
    first_seen INTEGER NOT NULL,
    UNIQUE (ticket_id, address)
) STRICT;

CREATE TABLE status_history (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id),
    from_status TEXT NOT NULL DEFAULT ''
                CHECK (from_status IN ('', 'open', 'answered', 'resolved', 'closed')),
    to_status   TEXT NOT NULL
                CHECK (to_status IN ('open', 'answered', 'resolved', 'closed')),
    reason      TEXT NOT NULL DEFAULT '',
    at          INTEGER NOT NULL
) STRICT;
CREATE INDEX status_history_ticket ON status_history (ticket_id, id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER REFERENCES tickets (id),
    message_row_id  INTEGER REFERENCES messages (id),
    mail_from       TEXT NOT NULL DEFAULT '',
    rcpt            TEXT NOT NULL DEFAULT '[]',
    subject         TEXT NOT NULL DEFAULT '',
    message_id      TEXT NOT NULL DEFAULT '',
    raw             BLOB NOT NULL,
    state           TEXT NOT NULL DEFAULT 'queued'
                    CHECK (state IN ('queued', 'sent', 'retrying', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      TEXT NOT NULL DEFAULT '',
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    CHECK ((state = 'sent') = (sent_at IS NOT NULL))
) STRICT;
CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state IN ('queued', 'retrying');
CREATE INDEX outbox_created ON outbox (created_at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;

CREATE TABLE mailbox_state (
    mailbox      TEXT PRIMARY KEY,
    uid_validity INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL
) STRICT;

CREATE TABLE leases (
    name   TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    until  INTEGER NOT NULL
) STRICT;
