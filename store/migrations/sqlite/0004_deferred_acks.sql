-- guichet serve queues acknowledgments without their bytes: the outbox
-- sender composes them when it takes them (QueueAcks, then LinkOutbound).
-- A binary from before that would send such a row as an empty message; this
-- migration makes the schema newer than it, so it refuses the database
-- instead. The trigger says which rows may wait without bytes (SQLite cannot
-- add a CHECK constraint to an existing table).
CREATE TRIGGER outbox_bytes_or_deferred_ack BEFORE INSERT ON outbox
WHEN length(NEW.raw) = 0 AND NEW.message_row_id IS NULL AND NEW.kind <> 'ack'
BEGIN
    SELECT RAISE(ABORT, 'outbox: a message without bytes must be a deferred acknowledgment');
END;
