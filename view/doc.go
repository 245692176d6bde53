// Package view renders tickets and the outbox for people and scripts: the
// JSON printed by `guichet tickets|ticket|outbox --json` and served by the
// agents' API (docs/json.md), and the plain-text listings of the terminal.
//
// Guarantees:
//   - JSON field names are stable: fields may be added, never renamed or
//     removed.
//   - Every JSON field is present; an absent value is "" or [], never null
//     (parse_error, and messages/history outside a single ticket, excepted).
//   - JSON times are UTC, RFC 3339, second precision; HTML characters are not
//     escaped, since the output is read by scripts and people, not pages.
//   - The text output is French, with a no-break space before « : », and
//     its dates are local time in the zone the caller gives (GUICHET_TIMEZONE),
//     written as package templates writes them everywhere, the zone named once.
package view
