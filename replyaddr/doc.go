// Package replyaddr makes and checks the signed reply addresses that tie a
// message to one ticket, the third way a reply finds its ticket
// (docs/threading.md):
//
//	support+2026-000042.TOKEN@example.org        the requester's side
//	support+2026-000042.agent.TOKEN@example.org  agents' public answers
//	support+2026-000042.note.TOKEN@example.org   agents' internal notes
//
// TOKEN is the first 12 characters of the unpadded, lower-case base32 form of
// HMAC-SHA256(secret, role + "\x00" + number): 60 bits, so guessing a valid
// address for another ticket takes about 2^59 tries on average.
//
// Guarantees:
//   - Parse accepts exactly the addresses Address produces, compared without
//     regard to letter case (MTAs may lowercase local parts; RFC 5321 §2.4
//     leaves the local part's case to the receiving host, which is us).
//   - Any other address — forged, altered, signed with another secret, or with
//     a local part or domain other than the support address's — is refused.
//   - Tokens are compared in constant time (crypto/hmac.Equal).
//   - A Signer is immutable and safe for concurrent use.
//
// A valid signature only says which ticket an address names, not that the
// sender may join it: the participant rule (docs/threading.md) is the
// pipeline's job.
package replyaddr
