// Package redact hides secrets in what Guichet prints: the password of a
// URL (relay, database, IMAP), the signature of a signed reply address and
// the tracking links' tokens. What an operator needs to read the line (the
// host, the user, the ticket number) stays.
package redact

import (
	"errors"
	"net/url"
	"regexp"
	"strings"
)

// Mask replaces what is hidden; net/url's Redacted writes the same.
const Mask = "xxxxx"

// URL returns raw with the password of its userinfo replaced by Mask, also
// when raw does not parse as a URL (the case where an error would quote
// it).
func URL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
		return raw
	}
	if i, j, ok := password(raw); ok {
		return raw[:i] + Mask + raw[j:]
	}
	return raw
}

// Error returns err with every occurrence of raw's password replaced by
// Mask; err itself when raw has none. The result no longer wraps err:
// callers use it for printing, after their errors.Is checks.
func Error(err error, raw string) error {
	i, j, ok := password(raw)
	if err == nil || !ok {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), raw[i:j], Mask))
}

// password locates the password in raw (scheme://user:password@host…)
// without parsing it: from the first ":" after "://" to the last "@".
// A malformed password may hold "/", "#" or "?", so the last "@" of the
// whole string is taken: hiding too much is the safe side.
func password(raw string) (i, j int, ok bool) {
	s := strings.Index(raw, "://")
	if s < 0 {
		return 0, 0, false
	}
	s += len("://")
	at := strings.LastIndexByte(raw[s:], '@')
	if at < 0 {
		return 0, 0, false
	}
	colon := strings.IndexByte(raw[s:s+at], ':')
	if colon < 0 || colon+1 == at {
		return 0, 0, false
	}
	return s + colon + 1, s + at, true
}

var (
	// A URL's userinfo with a password, inside any text.
	userinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@"']*):[^\s@"']+@`)
	// A signed reply address (replyaddr): local+NUMBER[.ROLE].TOKEN@domain.
	// The token alone proves an agent's identity; the number stays.
	signed = regexp.MustCompile(`(?i)(\+\d{4}-\d{6,}\.(?:(?:agent|note)\.)?)[a-z2-7]{12}@`)
	// Tracking tokens: a ticket's (?jeton=) and « mes demandes » links.
	tracking = regexp.MustCompile(`(jeton=|/mes-demandes/)[A-Za-z0-9_.%-]{8,}`)
)

// Text hides, in free text (a log line's value, an error's message), URL
// passwords, the signatures of signed reply addresses and tracking tokens.
func Text(s string) string {
	// Most values hold none of these: skip the expressions for them.
	if strings.Contains(s, "://") {
		s = userinfo.ReplaceAllString(s, "${1}:"+Mask+"@")
	}
	if strings.IndexByte(s, '+') >= 0 {
		s = signed.ReplaceAllString(s, "${1}"+Mask+"@")
	}
	if strings.Contains(s, "jeton=") || strings.Contains(s, "/mes-demandes/") {
		s = tracking.ReplaceAllString(s, "${1}"+Mask)
	}
	return s
}
