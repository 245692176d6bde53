// Package imappoll turns mail sitting in an IMAP mailbox into deliveries.
//
// A Poller watches one mailbox. Its guarantees:
//
//   - Nothing is lost: a message is flagged \Seen, moved or deleted only
//     after ingest.Deliverer.Deliver returned nil, that is after the message
//     is committed. A message the pipeline cannot parse is still stored raw
//     (Deliver returns nil), so it is flagged too and not fetched forever.
//     When Deliver fails, the message stays as it is and is fetched again
//     after a back-off; the messages of its batch delivered meanwhile are
//     settled if they committed, and answer Duplicate when fetched again.
//   - Nothing is stored twice: messages are fetched by UID (RFC 9051
//     section 2.3.1.1) with BODY.PEEK[] (section 6.4.5: plain BODY[] would
//     set \Seen before anything is stored); the UIDVALIDITY and the last
//     handled UID are kept in the store, and the poller resumes after them.
//     The last UID advances only after the message was flagged, moved or
//     deleted, and only over UIDs all settled, whatever order concurrent
//     deliveries finished in; if the process dies in between, the message
//     is fetched again and Deliver, idempotent by Message-ID or raw hash,
//     answers Duplicate.
//     When the UIDVALIDITY changes, the mailbox is scanned again from UID 1
//     and the same idempotency keeps every message single.
//   - Fast on a backlog: the messages of a FETCH are delivered up to
//     Workers at once, so that the pipeline commits them together instead
//     of paying one commit per message. The next FETCH is read while the
//     last deliveries of a batch finish; the batch's flags are set when
//     all its deliveries have returned, after that FETCH, so the pipeline
//     never waits for a batch's end.
//   - Bounded memory: UIDs are taken BatchSize at a time, and a message
//     read from the connection waits for a free worker and for room within
//     InFlightBytes (both shared by the batches in flight), the rest of
//     the response waiting in the connection; each message is dropped once
//     delivered, so a 10,000-message backlog never sits in memory.
//   - Prompt: with IDLE (RFC 2177) new mail is delivered within seconds,
//     otherwise the mailbox is polled every Interval. Errors close the
//     connection and the poller reconnects with exponential back-off and
//     jitter.
//   - One poller per mailbox across processes: a lease "imap:<name>" in the
//     store is taken before polling and renewed while working; when its
//     holder dies the lease expires and another process takes over.
//   - Credentials are protected: imap:// requires STARTTLS unless ?tls=none
//     is given for a loopback host; imaps:// uses TLS from the start.
package imappoll
