-- outbox_created served no statement: the acknowledgment limits count
-- through outbox_rate and outbox_ack_domain, whose last column is the
-- creation time. Every outbox row paid an entry in it twice (queued, then
-- sent, an update that moves the row), and it was the index a young
-- table's planner could wrongly walk to count one recipient's mail.
DROP INDEX IF EXISTS outbox_created;
