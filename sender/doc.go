// Package sender decides how far an incoming message's From can be
// trusted (docs/threading.md, "Trust"): DMARC (RFC 7489) over aligned DKIM (RFC 6376)
// and SPF (RFC 7208), or the Authentication-Results field (RFC 8601) of a
// trusted MTA. It only reads DNS, through a Resolver with timeouts and a
// small cache; it keeps nothing else.
package sender
