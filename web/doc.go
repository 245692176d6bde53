// Package web is Guichet's HTTP side: the requesters' tracking
// pages, the « mes demandes » link, the agents' JSON API, health probes and
// Prometheus metrics. It uses only net/http (Go 1.22 patterns) and
// html/template; every asset is embedded.
//
// What it guarantees:
//   - A tracking page (/suivi/{number}?jeton=…) is shown only for the right
//     token (tracking.Signer, constant-time check). The token signs the
//     number alone and is checked before the store is read, so a wrong token
//     and an unknown number get the same 404 page, byte for byte, in the
//     same time: a page tells nothing of which tickets exist.
//   - Those pages show a ticket's public history only: requests, replies,
//     agents' answers and acknowledgments, never notes, notifications or
//     alerts, and attachments only of those messages.
//   - Every response carries a strict CSP (no script, nothing external),
//     Referrer-Policy no-referrer (the token never leaks to another site),
//     X-Frame-Options DENY and nosniff; pages with a token are never cached.
//   - The « mes demandes » form answers the same whether or not the address
//     is known; at most one mail per address per 10 minutes leaves, and one
//     client address (the connection's peer; behind a trusted reverse proxy,
//     the rightmost X-Forwarded-For entry that is not a trusted proxy, and
//     never the header of any other peer; an IPv6 /64) makes at most 10
//     requests an hour, decided by rate slots queued
//     in the same transaction as the mail. Without an absolute public URL
//     the form says the service is unavailable: the mail's link would be
//     unusable, and a link built on the client's Host header is never sent.
//   - The API answers only with the configured bearer token (constant-time
//     check); its errors are {"error": "…"} with a generic text, never an
//     internal error. Agents' messages go through the same pipeline as mail.
//   - Text shown to users is French (vouvoiement, « guillemets », a space
//     before « : »).
package web
