// Package templates holds the French messages Guichet sends, embedded in the
// binary, and renders them.
//
// Guarantees:
//   - Every template is parsed once, at first use, with missingkey=error: a
//     field the caller forgot is an error, never "<no value>" in a message.
//   - The HTML part is rendered with html/template, so a subject or a name
//     containing markup (« <script> ») is escaped; the text part receives
//     data from which control characters (CR, LF, …) have been removed, so
//     nothing a requester wrote can start a new line or a new header.
//   - The French follows the centre's typography: vouvoiement, accents,
//     « guillemets », and a non-breaking space (U+00A0) before « : ; ! ? »
//     and inside the guillemets, in both parts. The subject line is built by
//     package outbound, not here.
//   - Dates people read are written here alone (LongDate, ShortDate, Zone),
//     in the zone the caller gives: mail, web pages and the terminal agree.
//
// Golden files under testdata/ are refreshed with `go test ./templates -update`.
package templates
