package alerts

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// RuleSpec is an alert rule as the configuration file writes it.
type RuleSpec struct {
	Name string
	// From matches the sender: an address, "@domain" for a whole domain, or
	// a shell pattern such as "*@monitoring.example.org". Empty: the rule
	// only reads mail already known to be an alert (mailbox or address).
	From     string
	Source   string // the key's source; default: the rule's name
	Category string // catalogue code for the incidents it opens
	// Subject and Body are regular expressions with named groups host,
	// service, state and severity; either may be empty. The state group's
	// word is mapped as the tools' are (OK, UP, RESOLVED: recovery).
	Subject string
	Body    string
	// Recovery, when it matches the subject or body, makes the alert a
	// recovery whatever the state group said.
	Recovery string
}

// Rule is a compiled RuleSpec.
type Rule struct {
	Name, From, Source, Category string
	subject, body, recovery      *regexp.Regexp
}

// Compile checks and compiles a rule.
func Compile(s RuleSpec) (Rule, error) {
	r := Rule{Name: s.Name, From: strings.ToLower(strings.TrimSpace(s.From)), Source: s.Source, Category: s.Category}
	if r.Source == "" {
		r.Source = s.Name
	}
	if r.Source == "" {
		r.Source = "rule"
	}
	if r.From != "" && strings.ContainsAny(r.From, "*?[") {
		if _, err := path.Match(r.From, ""); err != nil {
			return Rule{}, fmt.Errorf("alert rule %q: from %q: %w", s.Name, s.From, err)
		}
	}
	for _, e := range []struct {
		src string
		dst **regexp.Regexp
		nm  string
	}{{s.Subject, &r.subject, "subject"}, {s.Body, &r.body, "body"}, {s.Recovery, &r.recovery, "recovery"}} {
		if e.src == "" {
			continue
		}
		re, err := regexp.Compile(e.src)
		if err != nil {
			return Rule{}, fmt.Errorf("alert rule %q: %s: %w", s.Name, e.nm, err)
		}
		*e.dst = re
	}
	return r, nil
}

// Matches says whether the rule's From matches sender.
func (r Rule) Matches(sender string) bool {
	sender = strings.ToLower(strings.TrimSpace(sender))
	switch {
	case r.From == "" || sender == "":
		return false
	case strings.HasPrefix(r.From, "@"):
		return strings.HasSuffix(sender, r.From)
	case strings.ContainsAny(r.From, "*?["):
		ok, _ := path.Match(r.From, sender)
		return ok
	default:
		return sender == r.From
	}
}

// MatchSender returns the first rule whose From matches sender.
func MatchSender(rules []Rule, sender string) (Rule, bool) {
	for _, r := range rules {
		if r.Matches(sender) {
			return r, true
		}
	}
	return Rule{}, false
}

func (r Rule) hasExpressions() bool { return r.subject != nil || r.body != nil }

// parse applies the rule's expressions; it succeeds when one of them
// matches and yields a host or a service.
func (r Rule) parse(m Mail) (Alert, bool) {
	got := map[string]string{}
	matched := false
	for _, e := range []struct {
		re   *regexp.Regexp
		text string
	}{{r.subject, m.Subject}, {r.body, m.Body}} {
		if e.re == nil {
			continue
		}
		sub := e.re.FindStringSubmatch(e.text)
		if sub == nil {
			continue
		}
		matched = true
		for i, name := range e.re.SubexpNames() {
			if name != "" && sub[i] != "" {
				if _, seen := got[name]; !seen {
					got[name] = strings.TrimSpace(sub[i])
				}
			}
		}
	}
	if !matched || (got["host"] == "" && got["service"] == "") {
		return Alert{}, false
	}
	a := Alert{Source: r.Source, Host: got["host"], Service: got["service"], Severity: got["severity"],
		Category: r.Category, State: Problem}
	if w, ok := got["state"]; ok {
		a.State = stateOf(w)
		a.HostDown = a.Service == "" && hostDown(w)
		if a.Severity == "" {
			a.Severity = w
		}
	}
	if r.recovery != nil && (r.recovery.MatchString(m.Subject) || r.recovery.MatchString(m.Body)) {
		a.State = Recovery
	}
	return a, true
}
