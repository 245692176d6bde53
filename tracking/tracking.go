package tracking

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// tokenBytes is how much of the HMAC a token keeps: 128 bits are beyond
// guessing and keep links short enough for mail clients not to break them.
const tokenBytes = 16

var b64 = base64.RawURLEncoding

// Signer makes and checks tokens. It is safe for concurrent use.
type Signer struct {
	ticketKey  []byte
	addressKey []byte
}

// New derives the signing keys from the installation secret (GUICHET_SECRET
// or the one the store generated: 32 random bytes).
func New(secret []byte) (*Signer, error) {
	if len(secret) == 0 {
		return nil, errors.New("tracking: empty secret")
	}
	// Ticket tokens are v2: v1 also signed the requester's address, which
	// made the page load the ticket before it could check the token.
	return &Signer{ticketKey: derive(secret, "guichet tracking ticket v2"), addressKey: derive(secret, "guichet tracking address v1")}, nil
}

func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

func mac(key []byte, parts ...string) []byte {
	m := hmac.New(sha256.New, key)
	for _, p := range parts {
		// Length-prefixed, so that ("1", "23") and ("12", "3") differ.
		m.Write([]byte(strconv.Itoa(len(p)) + ":" + p))
	}
	return m.Sum(nil)[:tokenBytes]
}

func normAddr(a string) string { return strings.ToLower(strings.TrimSpace(a)) }

// Token is the tracking token of ticket number. It signs the number alone,
// so that Check needs nothing from the store: a page checks the token
// before it loads anything, and a wrong token for an existing ticket costs
// exactly what any token for a missing one does.
func (s *Signer) Token(number string) string {
	return b64.EncodeToString(mac(s.ticketKey, number))
}

// Check reports whether token is the tracking token of number.
func (s *Signer) Check(number, token string) bool {
	got, err := b64.DecodeString(token)
	if err != nil || len(got) != tokenBytes {
		return false
	}
	return hmac.Equal(got, mac(s.ticketKey, number))
}

// AddressToken is a link token for the tickets of addr, valid until expires.
func (s *Signer) AddressToken(addr string, expires time.Time) string {
	a := normAddr(addr)
	exp := strconv.FormatInt(expires.Unix(), 10)
	return b64.EncodeToString([]byte(a)) + "." + exp + "." + b64.EncodeToString(mac(s.addressKey, a, exp))
}

// CheckAddress returns the address an address token was made for and its
// expiry, when its signature holds and it has not expired at now.
func (s *Signer) CheckAddress(token string, now time.Time) (addr string, expires time.Time, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return "", time.Time{}, false
	}
	a, err1 := b64.DecodeString(parts[0])
	sig, err2 := b64.DecodeString(parts[2])
	exp, err3 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || len(sig) != tokenBytes {
		return "", time.Time{}, false
	}
	// Verify before trusting anything the token says.
	if !hmac.Equal(sig, mac(s.addressKey, string(a), parts[1])) {
		return "", time.Time{}, false
	}
	expires = time.Unix(exp, 0)
	if !now.Before(expires) {
		return "", time.Time{}, false
	}
	return string(a), expires, true
}
