// Command guichet-load measures an SMTP server: it drives N concurrent SMTP
// connections that send realistic French help-desk messages (~5 KB, one
// small base64 attachment, catalogue tags and ticket replies mixed, unique
// Message-IDs, many different senders) and prints messages/s, the accept
// latency from the end of DATA to the reply (p50/p95/p99/max) and the
// non-2xx replies.
//
// It works against any SMTP server, so that Guichet, mailpit and a discard
// sink can be measured in one run and compared as ratios
// (docs/performance.md):
//
//	guichet-load sink --addr 127.0.0.1:2526 &
//	guichet-load --addr 127.0.0.1:2526 --conns 16 --messages 20000
//	guichet-load --addr 127.0.0.1:1025 --conns 16 --messages 20000   # mailpit
//	guichet-load --addr 127.0.0.1:2525 --to support@example.org --conns 16 --duration 30s
//
// It exits 0 when at least one message was accepted, 1 otherwise, and 2
// for bad flags.
package main
