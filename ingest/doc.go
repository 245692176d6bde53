// Package ingest turns incoming messages into tickets: the one path that
// SMTP (smtpd), IMAP (imappoll), the pipe (`guichet ingest`) and the
// agents' API (PostAgent) share.
//
// Its guarantees:
//
//   - Committed before acknowledged: Deliver returns only after the
//     message, its ticket and the mail it queues (acknowledgment,
//     notifications, answers) are committed together. Transports answer
//     250, exit 0 or set IMAP flags only then; any error means nothing was
//     stored and the sender may retry.
//   - Idempotent: a message is stored once by its dedupe key (its
//     Message-ID, or the hash of its bytes without one), decided by the
//     store's unique constraint even between processes. A second delivery
//     is reported Duplicate and sends nothing (docs/threading.md, "Threading": recorded
//     once, acknowledged once).
//   - A stranger never joins: a message joins the ticket it refers to only
//     when its sender is a participant; otherwise it opens a new ticket
//     linked to the old one (docs/threading.md, "Threading"). A declared agent's address
//     acts as an agent only with proof of identity: the ticket's signed
//     agent address, DKIM, a trusted Authentication-Results field (RFC
//     8601) or the API's token.
//   - Never a loop: nothing is sent to automatic mail (null sender,
//     Auto-Submitted, bulk or list mail, reports, our own addresses,
//     monitoring mailboxes; RFC 3834, docs/threading.md, "Acknowledgments and loops"),
//     and automatic mail notifies no agent.
//   - Group commit: under Run, concurrent deliveries share one transaction
//     and one commit, each caller still returning only after its own
//     commit. The batch's new tickets are numbered together at its end, so
//     the year's counter row is locked only briefly; their first messages,
//     inserted earlier, already carry the tickets' ids (reserved by the
//     insert: whether a message may open a ticket is decided before it), so
//     creating them rewrites no message. A delivery that refers to a
//     ticket another one of the same batch creates runs again alone right
//     after that commit and finds it. See committer for the retry policy.
package ingest
