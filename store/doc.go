// Package store is Guichet's database: the only package with SQL.
//
// Two backends implement Store with the same meaning and pass the same
// conformance suite (store/storetest): PostgreSQL through pgx (selected by a
// postgres:// or postgresql:// URL) and embedded SQLite (modernc.org/sqlite,
// pure Go) at DataDir/guichet.db, the default.
//
// What it guarantees:
//   - A transaction commits durably before InTx/InTxBatch return nil
//     (PostgreSQL commit; SQLite WAL with synchronous=FULL), so callers may
//     acknowledge (SMTP 250, IMAP flag, exit 0) right after.
//   - Ticket numbers are YYYY-NNNNNN, gap-free per year and unique across
//     processes: the per-year counter row is locked until commit, and a
//     rolled-back transaction gives its number back.
//   - A message is stored once per dedupe key; a second insert returns
//     ErrDuplicate and leaves the transaction usable (ON CONFLICT DO NOTHING,
//     never a failed statement).
//   - Raw message bytes come back byte-identical; every stored text is valid
//     UTF-8 without NUL (repaired with U+FFFD, never refused).
//   - Attachment content is stored once per SHA-256.
//   - Errors are mapped once, here: a missing row is ErrNotFound (never
//     nil, nil), a database that cannot be reached or refused the work for a
//     passing reason wraps ErrUnavailable, a schema newer than this binary
//     is ErrSchemaTooNew.
//   - Migrations are embedded, numbered, applied in order, each in its own
//     transaction, and safe when several processes start at once.
package store
