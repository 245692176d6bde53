package replyaddr

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"net/mail"
	"strings"

	"guichet/ticketref"
)

// Role says whose side of a ticket a reply address is for.
type Role string

const (
	// RoleRequester: the address requesters and their Cc reply to.
	RoleRequester Role = "requester"
	// RoleAgent: agents reply to it to answer the requester publicly.
	RoleAgent Role = "agent"
	// RoleNote: agents write to it to add an internal note.
	RoleNote Role = "note"
)

// TokenLen is the number of base32 characters of the signature kept in an
// address.
const TokenLen = 12

// ErrConfig is wrapped by New when its arguments cannot make a Signer.
var ErrConfig = errors.New("replyaddr: invalid configuration")

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Signer makes and verifies the reply addresses of one support address.
type Signer struct {
	secret []byte
	local  string // lower case, no "+detail"
	domain string // lower case
}

// New returns a Signer for supportAddress ("support@example.org", a display
// name is allowed) keyed with secret. The support address may not carry a
// "+detail" of its own: the detail is where the ticket goes.
func New(secret []byte, supportAddress string) (*Signer, error) {
	if len(secret) == 0 {
		return nil, fmt.Errorf("%w: empty secret", ErrConfig)
	}
	a, err := mail.ParseAddress(supportAddress)
	if err != nil {
		return nil, fmt.Errorf("%w: support address %q: %w", ErrConfig, supportAddress, err)
	}
	local, domain, ok := splitAddr(a.Address)
	if !ok || local == "" || domain == "" {
		return nil, fmt.Errorf("%w: support address %q has no local part or domain", ErrConfig, supportAddress)
	}
	if strings.Contains(local, "+") {
		return nil, fmt.Errorf("%w: support address %q already has a +detail", ErrConfig, supportAddress)
	}
	return &Signer{
		secret: append([]byte(nil), secret...),
		local:  asciiLower(local),
		domain: asciiLower(domain),
	}, nil
}

// Address returns the reply address of ticket number for role, or "" when
// number is not a ticket number (ticketref.Valid) or role is unknown.
func (s *Signer) Address(number string, role Role) string {
	if !ticketref.Valid(number) {
		return ""
	}
	var detail string
	switch role {
	case RoleRequester:
		detail = number + "." + s.token(number, role)
	case RoleAgent, RoleNote:
		detail = number + "." + string(role) + "." + s.token(number, role)
	default:
		return ""
	}
	return s.local + "+" + detail + "@" + s.domain
}

// Parse verifies addr (a bare address, optionally in angle brackets) and
// returns the ticket number and role it was signed for. ok is false for
// anything not signed by us: forged or altered tokens, numbers or roles,
// another secret, another local part or domain.
func (s *Signer) Parse(addr string) (number string, role Role, ok bool) {
	detail, ok := s.detail(addr)
	if !ok {
		return "", "", false
	}
	parts := strings.Split(detail, ".")
	switch len(parts) {
	case 2:
		role = RoleRequester
	case 3:
		role = Role(parts[1])
		if role != RoleAgent && role != RoleNote {
			return "", "", false
		}
	default:
		return "", "", false
	}
	number, tok := parts[0], parts[len(parts)-1]
	if !ticketref.Valid(number) || len(tok) != TokenLen {
		return "", "", false
	}
	// hmac.Equal runs in time independent of where the tokens differ, so the
	// answer does not tell a forger how many leading characters were right.
	if !hmac.Equal([]byte(tok), []byte(s.token(number, role))) {
		return "", "", false
	}
	return number, role, true
}

// Detail returns the "+detail" of a sub-address of the support address
// (support+note@example.org gives "note"), lower-cased, or "" when addr is
// not one (no detail, another local part or domain).
func (s *Signer) Detail(addr string) string {
	d, _ := s.detail(addr)
	return d
}

// detail returns the lower-cased detail of addr when addr is
// local+detail@domain of the support address.
func (s *Signer) detail(addr string) (string, bool) {
	addr = strings.TrimSpace(addr)
	addr = strings.TrimSuffix(strings.TrimPrefix(addr, "<"), ">")
	local, domain, ok := splitAddr(addr)
	if !ok || asciiLower(domain) != s.domain {
		return "", false
	}
	base, detail, ok := strings.Cut(local, "+")
	if !ok || detail == "" || asciiLower(base) != s.local {
		return "", false
	}
	return asciiLower(detail), true
}

// asciiLower lowercases ASCII letters only. Unicode folding would let
// "ſupport" (U+017F) or a Kelvin sign stand for "support" or "k": addresses
// that no MTA routes to us and that we never issued.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// token is the signature of (role, number): the NUL separates the two so no
// choice of role and number can collide with another.
func (s *Signer) token(number string, role Role) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(role))
	m.Write([]byte{0})
	m.Write([]byte(number))
	return strings.ToLower(b32.EncodeToString(m.Sum(nil))[:TokenLen])
}

// splitAddr splits at the last "@", since a quoted local part may hold "@".
func splitAddr(addr string) (local, domain string, ok bool) {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return "", "", false
	}
	return addr[:i], addr[i+1:], true
}
