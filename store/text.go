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

// MailboxKey is the mailbox an address names, as the rate limits count it:
// lower case, trimmed, without the "+detail" of its local part (RFC 5233
// sub-addressing), so flood+1@x and flood+2@x are both flood@x: one person
// cannot multiply their allowance by inventing details.
func MailboxKey(addr string) string {
	a := strings.ToLower(strings.TrimSpace(clean(addr)))
	at := strings.LastIndexByte(a, '@')
	if at < 0 {
		return a
	}
	if plus := strings.IndexByte(a[:at], '+'); plus >= 0 {
		return a[:plus] + a[at:]
	}
	return a
}

// MailDomain is the domain of an address or mailbox key: what follows its
// last "@" (a quoted local part may hold one too), lowercased; "" without
// one.
func MailDomain(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(addr[at+1:]))
}

// Stored ticket subjects are bounded: the message keeps the subject its
// sender wrote, whole, with its raw bytes; the ticket's is what lists,
// pages and every subject Guichet writes start from. 500 runes hold any
// real subject (RFC 5322 §2.1.1 already asks lines to stay within 998
// bytes) and keep a sender's megabyte out of every list and notice.
const maxTicketSubject = 500

// boundSubject cuts s to maxTicketSubject runes, marking the cut with "…".
func boundSubject(s string) string {
	if len(s) <= maxTicketSubject { // bytes ≥ runes: nothing to count
		return s
	}
	n := 0
	for i := range s {
		if n == maxTicketSubject-1 {
			return strings.TrimRight(s[:i], " ") + "…"
		}
		n++
	}
	return s
}
