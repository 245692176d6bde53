package store

import (
	"strings"
	"time"
	"unicode/utf8"
)

// clean makes s storable as text on both backends: valid UTF-8 (PostgreSQL
// refuses anything else) and without NUL (PostgreSQL text cannot hold it).
// Callers are expected to pass clean text already; this is the cheap guard
// that repairs instead of losing a message.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// cleanAll cleans each string of a list; never nil, so arrays are empty
// rather than NULL.
func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = clean(s)
	}
	return out
}

// normAddrs lowercases, trims and de-duplicates addresses, keeping the first
// occurrence's order (participants are listed in first-seen order).
func normAddrs(addrs []string) []string {
	seen := make(map[string]bool, len(addrs))
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		a = strings.ToLower(strings.TrimSpace(clean(a)))
		if a == "" || seen[a] {
			continue
		}
		seen[a] = true
		out = append(out, a)
	}
	return out
}

// ts is the stored form of a time: UTC, microsecond precision (what
// PostgreSQL keeps), so both backends return the same value.
func ts(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
