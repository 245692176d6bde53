-- A requester's tickets are found through tickets_requester_key, then
-- matched by their whole address (FindTickets); tickets_requester, a
-- second entry for the same address in each ticket, is gone: each index
-- entry is written, logged and vacuumed with every ticket. The tickets
-- opened before 0010 have no key: it is computed here as MailboxKey does
-- (lower case, without the +detail of the part before the last "@").
UPDATE tickets
SET requester_key = regexp_replace(lower(btrim(requester)), '^([^+]*)\+.*(@[^@]*)$', '\1\2')
WHERE requester_key = '' AND requester <> '';
DROP INDEX IF EXISTS tickets_requester;
