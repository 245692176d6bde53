// Package outbound sends Guichet's mail: it decides whether a message may be
// answered automatically, composes the French acknowledgment of a new
// ticket, queues it in the pipeline's transaction and delivers the outbox.
//
// Guarantees:
//   - Loop protection (RFC 3834 §2, docs/threading.md, "Acknowledgments and loops"):
//     LoopReason refuses the null sender, MAILER-DAEMON/postmaster and list
//     robots, Auto-Submitted other than "no", Precedence bulk/junk/list,
//     List-Id/List-Unsubscribe, X-Autoreply/X-Autorespond, Outlook's
//     X-Auto-Response-Suppress All/AutoReply, multipart/report, our own
//     addresses with any +detail, monitoring mail, auto-reply subjects,
//     mass mailings (by their header or by two marks of their own text),
//     and spam an upstream filter tagged.
//     The Acker also allows at most PerHour acknowledgments per address per
//     hour, counted in the store, so a responder that ignores every header
//     cannot ping-pong with us.
//   - Transactional outbox: FinishAcks (or AcknowledgeAll, both steps
//     with the count between) queues the acknowledgment
//     through the caller's store.Tx, recipient, subject and Message-ID
//     fixed, so a ticket and its acknowledgment commit or roll back
//     together; when none may go out, the reason is recorded on the ticket
//     instead. RenderAll composes it after the commit (the Sender when it
//     claims it, or Pending right after the commit in a process without a
//     sender), stores it in the ticket's history and links it to the row in
//     a committed transaction before it is sent: the bytes sent are the
//     bytes recorded, on every attempt. Agents' mail (Mailer) is composed
//     and stored in the ticket's transaction.
//   - Composition: one function, Compose, writes everything Guichet sends
//     (acknowledgments, agents' mail, « mes demandes » links). The
//     acknowledgment is From the centre, To the requester, Reply-To the
//     ticket's signed address, RFC 2047 subject "[Ticket#N] Accusé de
//     réception : …", a Message-ID in our domain (stored, so replies
//     thread), In-Reply-To and References to the original, Auto-Submitted:
//     auto-replied, X-Auto-Response-Suppress: All, Content-Language: fr,
//     and multipart/alternative UTF-8 quoted-printable parts. Control
//     characters are removed from everything a sender wrote before it
//     reaches a header or the text part, so no header can be injected.
//   - Delivery: the Sender claims due messages (leases, SKIP LOCKED on
//     PostgreSQL, so several processes share one outbox), delivers a few in
//     parallel, and marks each sent right after the relay accepted it, the
//     ones that finished together in one statement (so a
//     message is delivered once; only a crash, or a store outage lasting
//     longer than the lease, between acceptance and MarkSent could repeat
//     it). The lease is short (20 s) and renewed while the sender works on
//     a message, however slow the relay: a killed process's messages are
//     claimed again within seconds. Temporary
//     failures (network, 4xx, and refusals before MAIL FROM such as a bad
//     password) retry with exponential backoff and jitter from RetryMin,
//     doubling up to RetryCap, for RetryMaxAge; a 5xx reply fails the
//     message at once, keeping the relay's answer. When its context ends,
//     Run finishes and records the deliveries in flight.
//   - Relays: SMTP (plain, STARTTLS required, implicit TLS; AUTH PLAIN or
//     LOGIN, refused in clear text except to loopback) with connection
//     reuse and PIPELINING when offered (two round trips a message), or a
//     directory of .eml files written atomically.
package outbound
