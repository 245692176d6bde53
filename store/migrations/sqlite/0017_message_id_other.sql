-- messages_message_id indexed every message's Message-ID, which is also its
-- dedupe_key (unique, indexed) for every message Guichet stores but those
-- without a Message-ID (dedupe key sha256:…, Message-ID empty, never
-- indexed). Two entries for one key cost each message row an index entry,
-- a page written to the WAL at each commit. The threading look-up reads
-- dedupe_key for the rows where the two are equal, and this index, empty
-- in practice, for the others.
CREATE INDEX messages_message_id_other ON messages (message_id)
    WHERE message_id <> '' AND message_id <> dedupe_key;
DROP INDEX IF EXISTS messages_message_id;
