// Package store is Guichet's database: the only package with SQL. It
// imports no other package of the project.
//
// Two backends implement Store with the same meaning and pass the same
// conformance suite (store/storetest): PostgreSQL through pgx (selected by a
// postgres:// or postgresql:// URL) and embedded SQLite (modernc.org/sqlite,
// pure Go) at DataDir/guichet.db, the default.
//
// What it guarantees:
//   - A transaction commits durably before InTx or InTxBatchFinish return
//     (PostgreSQL commit; SQLite: the WAL synced after the commit, see
//     walsync.go), so callers may acknowledge (SMTP 250, IMAP flag, exit 0)
//     right after. InTxBatchCommit returns at the commit, with what to wait
//     for before acknowledging; so does every write outside a transaction.
//   - A batch (InTxBatchFinish) commits once for all its functions: the
//     work of every function that returned nil, and of finish, is
//     committed together or not at all; a function that failed has none of
//     its work committed and its own error in errs. No savepoints are used:
//     a failure rolls the transaction back and the batch runs again without
//     that function, so a TxFunc may run more than once and keeps no state
//     across runs.
//   - Ticket numbers are YYYY-NNNNNN, gap-free per year and unique across
//     processes: the per-year counter row is locked until commit (SQLite:
//     the write lock, taken at BEGIN), and a rolled-back transaction gives
//     its numbers back. Ticket ids are not numbers: on PostgreSQL a message
//     that opens a ticket (Message.OpensTicket) takes the ticket's id from
//     the tickets' sequence when it is inserted, and CreateTickets later
//     creates the ticket with it, so the message row is written once (an
//     UPDATE of its indexed ticket_id would copy it). Ids may thus have
//     gaps (duplicates, messages that joined a ticket instead) and need
//     not follow the commits; the foreign key from messages to tickets is
//     checked at commit.
//   - A message is stored once per dedupe key; a second insert returns
//     ErrDuplicate and leaves the transaction usable (ON CONFLICT DO NOTHING,
//     never a failed statement). A missing row is likewise a result
//     (ErrNotFound), never a failed statement.
//   - Raw message bytes come back byte-identical; every stored text is valid
//     UTF-8 without NUL (repaired with U+FFFD, never refused); times come
//     back in UTC to the microsecond on both backends.
//   - Attachment content is stored once per SHA-256.
//   - Errors are mapped once, here: a missing row is ErrNotFound (never
//     nil, nil), a database that cannot be reached or refused the work for a
//     passing reason wraps ErrUnavailable, a schema newer than this binary
//     is ErrSchemaTooNew.
//   - Migrations are embedded, numbered, applied in order, each in its own
//     transaction, and safe when several processes start at once.
//
// How it is written: one file per aggregate (tickets, messages, outbox,
// leases, rate slots, settings, stats), each statement in both dialects side
// by side (stmt; one text, portable, where they differ only in
// placeholders), and the Go around it once. The conn adapters carry what
// the drivers store differently (SQLite keeps times as unix microseconds and
// lists as JSON text); where PostgreSQL takes one statement over arrays and
// SQLite one statement per row, pgTx and sqliteTx each implement the
// method, next to each other.
package store
