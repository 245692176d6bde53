// Package tracking signs and checks the links of Guichet's web pages.
//
// What it guarantees:
//   - A ticket's tracking token is an HMAC-SHA256 of the ticket number
//     under a key derived from the installation secret: it cannot be
//     guessed or moved to another ticket, and checking it takes constant
//     time (crypto/hmac.Equal), so timing tells nothing of the right token.
//     It signs the number alone so that it is checked before anything is
//     loaded: whether the ticket exists is never learnt without its token.
//   - An address token (the « mes demandes » link) carries the address and
//     its expiry, signed the same way; it is refused once expired or when
//     any byte of it was changed.
//   - Keys are derived per purpose from the secret, so a token of one kind
//     (or a signed reply address made from the same secret) is never valid
//     as a token of another kind.
package tracking
