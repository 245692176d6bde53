-- Each outbox row is updated three or four times (claimed, linked to the
-- message it sends, sent or retried). With full pages every update went to
-- another page and added an entry to each index: under load, outbox_due
-- held thousands of entries for rows long sent, and each claim walked them
-- until autovacuum came (3.5 ms a claim after 5,000 acknowledgments). With
-- room left on each page, the claim and link updates stay on their page
-- and add no index entry (HOT). Pages written before keep their fill.
ALTER TABLE outbox SET (fillfactor = 50);
