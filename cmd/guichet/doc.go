// Command guichet is Guichet's one binary: serve, ingest, migrate, tickets,
// ticket, outbox, categories, config, backup, export, forget, purge and
// version (docs/commands.md). It reads the configuration, wires the
// packages together and maps their errors to exit
// codes.
//
// Guarantees:
//   - Exit codes follow sysexits.h, as an MTA's pipe transport reads them:
//     0 done, 64 usage error, 65 input that cannot become a ticket (ingest),
//     75 the database is unavailable or a message was not stored, so the
//     MTA keeps it and retries; 1 for other failures.
//   - Errors are one line on standard error; the cause of a message that
//     was not stored goes to the log, never to the text an MTA may quote in
//     a bounce.
//   - The commands that read (tickets, ticket, outbox, export, backup) and
//     forget and purge never create a database or migrate one: they open an
//     existing one, read-only where the driver allows for those that read.
//   - serve waits for an unreachable database at start-up, with backoff,
//     for up to GUICHET_DB_WAIT, then exits 75.
//   - serve stops its transports first on SIGINT or SIGTERM, then lets the
//     pipeline commit what they accepted and the sender finish its
//     deliveries, then exits 0.
package main
