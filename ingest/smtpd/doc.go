// Package smtpd is Guichet's SMTP receiver: the transport that turns an SMTP
// transaction into one call of ingest.Deliverer.
//
// What it guarantees:
//
//   - Durability: the reply to the end of DATA is 250 only after Deliver
//     returned nil, which the pipeline does only after its commit. A message
//     that was not stored never gets 250 nor a permanent 5xx: every Deliver
//     error becomes 451 4.3.0 so that the sending MTA retries (RFC 5321
//     §4.2.5).
//   - One edge for errors: each failure is turned into a typed *smtp.SMTPError
//     exactly once, in this package, with a generic text and a correlation id;
//     the real error is logged with that id and never sent to the client
//     (go-smtp would otherwise send err.Error() in a permanent 554).
//   - Not an open relay: only the declared addresses of the accepted domains,
//     and their "+detail" sub-addresses, are accepted as recipients; anything
//     else gets 550 5.7.1. A message to several of our recipients is delivered
//     once, with all of them in the envelope.
//   - SMTP smuggling (CVE-2023-51764 family): only <CR><LF>.<CR><LF> ends
//     DATA; bare <LF> line endings are normalised to <CR><LF> as Postfix 3.9
//     does by default (smtpd_forbid_bare_newline = normalize), so <LF>.<LF>,
//     <LF>.<CR><LF>, <CR>.<CR> and <CR><LF>.<LF> stay message content.
//   - Limits, each configurable and logged when hit: message size (552 5.3.4,
//     the excess is discarded, not buffered), recipients per message
//     (452 4.5.3), concurrent connections (421 4.7.0), concurrent
//     connections per client address (421 4.7.0; the centre's own MTAs
//     are exempt), so that one address never fills the global cap,
//     messages per client address per minute (451 4.7.1), rejected
//     commands per connection (421 4.7.0), read and write timeouts.
//   - Total time limits: a whole session and a whole DATA transfer have a
//     deadline fixed when they start, which NOOPs and trickled bytes do not
//     extend; past it the client gets 421 4.4.2 and is disconnected, and a
//     transfer cut short stores nothing.
//   - Bounded memory: the message bytes held across all connections have
//     a budget, charged as bytes arrive; a message that does not fit gets
//     452 4.3.1 and the sender retries. A message larger than SpoolAbove
//     arrives in a private unlinked file instead, and is charged only when
//     read back, once, at the end of DATA, waiting up to a minute for room.
//     No limit ever answers a permanent error or crashes the process.
//   - postmaster@ (RFC 5321 §4.5.1) and abuse@ (RFC 2142) of every
//     accepted domain are accepted without being declared, and so is a
//     bare "RCPT TO:<Postmaster>" (the first domain's; not after STARTTLS,
//     see postmaster.go).
//   - SPF, which needs only the client's address, HELO and MAIL FROM,
//     starts at the first accepted recipient (Options.SPF) and runs while
//     DATA arrives; RSET, a new MAIL or the end of the session stop it.
//   - Graceful stop: when Serve's context is cancelled the listener closes,
//     idle sessions are told 421 4.3.2 and closed, sessions inside a mail
//     transaction may finish until the drain deadline, after which everything
//     is closed and pending deliveries are cancelled.
//
// Reply texts are French but use only US-ASCII words: RFC 5321 §4.2 limits
// reply text to printable US-ASCII, and many MTAs copy it into bounces.
package smtpd
