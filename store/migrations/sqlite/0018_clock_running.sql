-- tickets_clock_running (resolution_due, where a clock runs) served the
-- first reminder scan; the scan of migration 0014 reads
-- tickets_first_response_running and tickets_resolution_running, and no
-- statement reads it any more. Every ticket whose clock runs, every new
-- one, paid an entry in it.
DROP INDEX IF EXISTS tickets_clock_running;
