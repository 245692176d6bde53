-- guichet serve queues acknowledgments without their bytes: the outbox
-- sender composes them when it takes them (QueueAcks, then LinkOutbound).
-- A binary from before that would send such a row as an empty message; this
-- migration makes the schema newer than it, so it refuses the database
-- instead. The constraint says which rows may wait without bytes.
ALTER TABLE outbox ADD CONSTRAINT outbox_bytes_or_deferred_ack
    CHECK (length(raw) > 0 OR message_row_id IS NOT NULL OR kind = 'ack');
