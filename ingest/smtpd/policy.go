package smtpd

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// recipientPolicy decides which RCPT TO addresses we accept: the declared
// addresses of the accepted domains and their local+detail@ forms (signed
// reply addresses look like support+2026-000042.token@domain). Everything
// else is relaying, which we refuse (RFC 5321 §3.6.2, §7.1).
type recipientPolicy struct {
	domains     map[string]bool
	locals      map[string]bool // "local@domain", lower case, without +detail
	unreachable []string        // declared addresses outside the domains
	// first is the first accepted domain: a bare "RCPT TO:<Postmaster>"
	// goes to its postmaster.
	first string
}

func newRecipientPolicy(domains, addresses []string) (*recipientPolicy, error) {
	p := &recipientPolicy{domains: map[string]bool{}, locals: map[string]bool{}}
	if len(addresses) == 0 {
		return nil, errors.New("smtpd: no declared address: the receiver would refuse every recipient")
	}
	for _, a := range addresses {
		local, domain, ok := splitAddress(normalizeAddress(a))
		if !ok || local == "" || domain == "" {
			return nil, fmt.Errorf("smtpd: declared address %q is not local@domain", a)
		}
		if i := strings.IndexByte(local, '+'); i >= 0 {
			return nil, fmt.Errorf("smtpd: declared address %q has a +detail part; declare the base address", a)
		}
		p.locals[local+"@"+domain] = true
		if len(domains) == 0 {
			p.domains[domain] = true
			if p.first == "" {
				p.first = domain
			}
		}
	}
	for _, d := range domains {
		d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
		if d == "" || strings.ContainsAny(d, "@ ") {
			return nil, fmt.Errorf("smtpd: accepted domain %q is not a domain name", d)
		}
		p.domains[d] = true
		if p.first == "" {
			p.first = d
		}
	}
	for a := range p.locals {
		if _, d, _ := splitAddress(a); !p.domains[d] {
			p.unreachable = append(p.unreachable, a)
		}
	}
	return p, nil
}

// roleMailboxes exist in every accepted domain whether declared or not:
// RFC 5321 §4.5.1 requires postmaster, RFC 2142 §2 names abuse as the
// address for complaints about a domain's mail. Their mail becomes
// tickets like any other.
var roleMailboxes = []string{"postmaster", "abuse"}

// RoleAddresses are the role mailboxes of domains, which the receiver
// accepts without their being declared: the rest of Guichet must treat
// them as our own addresses (never participants, never recipients).
func RoleAddresses(domains []string) []string {
	out := make([]string, 0, len(roleMailboxes)*len(domains))
	for _, d := range domains {
		d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
		for _, r := range roleMailboxes {
			out = append(out, r+"@"+d)
		}
	}
	return out
}

// accepts reports whether rcpt is one of our addresses.
func (p *recipientPolicy) accepts(rcpt string) bool {
	local, domain, ok := splitAddress(normalizeAddress(rcpt))
	if !ok || !p.domains[domain] {
		return false
	}
	if i := strings.IndexByte(local, '+'); i >= 0 {
		local = local[:i]
	}
	return p.locals[local+"@"+domain] || slices.Contains(roleMailboxes, local)
}

// normalizeAddress lower-cases an address and drops a trailing dot of the
// domain. Local parts are case-sensitive in theory (RFC 5321 §2.4), but no
// mail system in use treats Support@ and support@ as different people.
func normalizeAddress(a string) string {
	a = strings.ToLower(strings.TrimSpace(a))
	return strings.TrimSuffix(a, ".")
}

// splitAddress splits at the last '@' (a quoted local part may contain one).
func splitAddress(a string) (local, domain string, ok bool) {
	i := strings.LastIndexByte(a, '@')
	if i < 0 {
		return "", "", false
	}
	return a[:i], a[i+1:], true
}
