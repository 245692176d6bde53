-- Each claim names the sender process that made it, so that this process
-- alone can extend its lease while it works on the row (RenewOutbound),
-- and a short lease frees a dead process's rows within seconds. A
-- constant default makes the column a catalogue change only; no index:
-- the sender renews its own rows by primary key, and the column is set in
-- the claim's HOT update.
ALTER TABLE outbox ADD COLUMN claimed_by text NOT NULL DEFAULT '';
