// Package ticketref reads and writes Guichet's ticket tag, "[Ticket#2026-000042]",
// in mail subjects.
//
// Guarantees:
//   - Format always produces the canonical tag, and Find(Format(n)) == n for every
//     valid number n.
//   - Find recognises only our tag: the word "ticket" (any letter case, not glued to a
//     preceding letter or digit), optional spaces, "#", optional spaces and a number
//     YYYY-NNNNNN (four digits, a hyphen, six or more digits) not followed by a letter
//     or digit. Brackets are optional. Foreign references ("Ticket #345",
//     "[Ticket#11168]", "R-000183", "n°1020480") never match.
//   - Find(Subject(n, s)) == n for every valid n and every s: Subject never doubles
//     our tag and never lets another ticket's tag come first.
//   - Clean returns what a person wrote: no reply/forward prefixes (French, English,
//     German, Spanish, Scandinavian, Polish, Italian; any case, with or without a
//     space before the colon, "RE[2]:" counters), no tag of ours, whitespace collapsed.
//   - Every function is linear in the subject's length and never panics, whatever the
//     bytes (invalid UTF-8 included).
package ticketref
