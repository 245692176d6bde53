-- A message that opens a ticket is stored with that ticket's id, taken
-- from the tickets' sequence when the message is inserted; the ticket
-- itself is created at the end of the transaction. The foreign key is
-- therefore checked at commit: a transaction that reserved an id and
-- created no ticket with it still fails, at its commit.
ALTER TABLE messages ALTER CONSTRAINT messages_ticket_id_fkey DEFERRABLE INITIALLY DEFERRED;
