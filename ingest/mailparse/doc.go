// Package mailparse turns the raw bytes of an RFC 5322 message into what
// Guichet stores and shows: decoded addresses and subject, threading
// identifiers, the body as text, the new text the writer added, and the
// attachments.
//
// Guarantees, whatever the input:
//   - Parse never fails and never panics: a message it cannot parse still
//     yields a Message, with what went wrong in Problems.
//   - Parse runs in time linear in the size of the input: MIME depth and part
//     count are checked by a linear pre-scan before enmime runs (enmime's cost
//     grows quadratically with nesting); a message over the Limits is handled
//     as text only, with OverLimits set.
//   - Every string of a Message is valid UTF-8 (PostgreSQL refuses anything
//     else): invalid bytes are decoded as Windows-1252, and ISO-8859-1,
//     Latin-1 and US-ASCII labels are read as Windows-1252, as browsers do
//     (WHATWG Encoding, section 4.2), so Outlook's ’ œ € … survive.
//   - Decoded header values hold no control characters (no CR/LF smuggled in
//     through RFC 2047 "=0D=0A"); bodies keep only \n and \t.
//
// The raw bytes are never altered: callers store them whole beside the
// Message.
package mailparse
