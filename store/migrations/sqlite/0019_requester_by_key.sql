-- The same as migrations/postgres/0022_requester_by_key.sql. A requester's
-- tickets are found through tickets_requester_key, then matched by their
-- whole address (FindTickets); tickets_requester, a second entry for the
-- same address in each ticket, is gone: an index entry on a random key is
-- a page written to the log at every commit that adds one. The tickets
-- opened before 0008 have no key: it is computed here as MailboxKey does
-- (lower case, without its +detail), but for two kinds of address: a
-- local part holding an "@", taken here up to the first "@" where
-- MailboxKey takes the last (the parser refuses such a sender, so no
-- ticket from mail has one), and capitals outside ASCII, which SQLite's
-- lower() keeps (the requester's page did not find those before either).
-- Such a ticket still shows in every agent's list.
UPDATE tickets SET requester_key = CASE
        WHEN instr(k, '+') > 0 AND instr(k, '+') < instr(k, '@')
        THEN substr(k, 1, instr(k, '+') - 1) || substr(k, instr(k, '@'))
        ELSE k END
FROM (SELECT id AS kid, lower(trim(requester)) AS k FROM tickets WHERE requester_key = '' AND requester <> '') AS keys
WHERE tickets.id = keys.kid;
DROP INDEX IF EXISTS tickets_requester;
