-- outbox_created served no statement: the acknowledgment limits count
-- through outbox_rate and outbox_ack_domain, whose last column is the
-- creation time. Every outbox row paid an entry in it.
DROP INDEX IF EXISTS outbox_created;
