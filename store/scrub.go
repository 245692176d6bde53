package store

// Erasing one person's data from stored mail needs, besides the statements
// of forget.go, the stable pseudonym that takes the place of an address and
// the rewriting of addresses and display names inside texts and raw bytes
// kept for other people: both are here.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// pseudonymDomain is reserved (RFC 2606, RFC 6761 section 6.4): mail to a
// pseudonym can never be delivered anywhere.
const pseudonymDomain = "@invalid"

// pseudonym is the address that replaces key, a normalised mailbox (lower
// case, without +detail), once its owner's data is erased: an HMAC-SHA256
// of key under the installation's secret, so that the same person always
// gets the same pseudonym (statistics still count them once) while nobody
// without the secret can tell whom it stands for, nor test a guess.
// 64 bits of the MAC keep collisions out of reach for any help desk's
// population of requesters.
func pseudonym(secret []byte, key string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(key))
	return "anonyme-" + hex.EncodeToString(m.Sum(nil)[:8]) + pseudonymDomain
}

// isPseudonym reports whether addr is one of pseudonym's results.
func isPseudonym(addr string) bool {
	return strings.HasPrefix(addr, "anonyme-") && strings.HasSuffix(addr, pseudonymDomain)
}

// MinNameLen is the shortest display name a scrubber replaces: shorter ones
// ("Al", initials) would match inside unrelated words.
const MinNameLen = 3

// scrubber replaces, case-insensitively, one person's addresses and
// display names by a pseudonym and its name form. An address matches with
// any +detail of its local part. Matches must stand alone: not inside a
// longer address or word, so that "awa.diop@example.org" leaves
// "xawa.diop@example.org" alone.
//
// Limits: only what is written plainly is found. An address or a name in
// an RFC 2047 encoded word (=?utf-8?q?...?=), split by quoted-printable
// soft line breaks, in base64 parts or inside attachments is not seen.
type scrubber struct {
	re         *regexp.Regexp
	addr, name string
}

// newScrubber returns a scrubber for the mailbox key (local@domain, lower
// case) and display names (those shorter than MinNameLen are ignored);
// nil when key is not an address.
func newScrubber(key string, names []string, pseudonym string) *scrubber {
	at := strings.LastIndexByte(key, '@')
	if at <= 0 {
		return nil
	}
	// The address is the first sub-expression, so that a match tells
	// which replacement it takes.
	alts := []string{`(` + regexp.QuoteMeta(key[:at]) + `(?:\+[^@\s<>"]*)?` + regexp.QuoteMeta(key[at:]) + `)`}
	var ns []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if utf8.RuneCountInString(n) >= MinNameLen && !slices.Contains(ns, n) {
			ns = append(ns, n)
		}
	}
	// Longest first: "Awa Diop" before "Awa".
	slices.SortFunc(ns, func(a, b string) int { return len(b) - len(a) })
	for _, n := range ns {
		alts = append(alts, regexp.QuoteMeta(n))
	}
	return &scrubber{
		re:   regexp.MustCompile(`(?i)` + strings.Join(alts, "|")),
		addr: pseudonym,
		name: strings.TrimSuffix(pseudonym, pseudonymDomain),
	}
}

// Bytes returns b with every match replaced, and whether anything was.
func (s *scrubber) Bytes(b []byte) ([]byte, bool) {
	if s == nil {
		return b, false
	}
	locs := s.re.FindAllSubmatchIndex(b, -1)
	var out []byte
	last := 0
	for _, l := range locs {
		isAddr := l[2] >= 0 && l[3] > l[2]
		if !standsAlone(b, l[0], l[1], isAddr) {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b))
		}
		out = append(out, b[last:l[0]]...)
		if isAddr {
			out = append(out, s.addr...)
		} else {
			out = append(out, s.name...)
		}
		last = l[1]
	}
	if out == nil {
		return b, false
	}
	return append(out, b[last:]...), true
}

// String is Bytes for a string.
func (s *scrubber) String(v string) (string, bool) {
	b, ok := s.Bytes([]byte(v))
	if !ok {
		return v, false
	}
	return string(b), true
}

// standsAlone: the characters around b[i:j] do not continue it. An
// address goes on with letters, digits and the characters of a local part
// or domain; a name with letters and digits.
func standsAlone(b []byte, i, j int, addr bool) bool {
	cont := func(r rune) bool {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
		return addr && bytes.ContainsRune([]byte("._-+%'"), r)
	}
	if i > 0 {
		r, _ := utf8.DecodeLastRune(b[:i])
		if cont(r) {
			return false
		}
	}
	if j < len(b) {
		r, _ := utf8.DecodeRune(b[j:])
		// A sentence may end right after an address: "écrire à a@b.fr."
		if addr && r == '.' && (j+1 == len(b) || !cont(rune(b[j+1]))) {
			return true
		}
		if cont(r) {
			return false
		}
	}
	return true
}
