package alerts

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// State is what an alert says about its check.
type State string

const (
	Problem         State = "problem"
	Recovery        State = "recovery"
	Acknowledgement State = "acknowledgement"
	// Unknown: the mail says nothing we can act on (downtime, flapping
	// stopped, a custom notification) or could not be read.
	Unknown State = "unknown"
)

// Source names of the built-in parsers.
const (
	SourceNagios       = "nagios"
	SourceIcinga       = "icinga"
	SourceCentreon     = "centreon"
	SourceZabbix       = "zabbix"
	SourceAlertmanager = "alertmanager"
	SourceGrafana      = "grafana"
	SourceUptimeKuma   = "uptime-kuma"
	SourceCheckmk      = "checkmk"
	SourceMonit        = "monit"
	// SourceMail: no format recognised; the key is the sender and subject.
	SourceMail = "mail"
)

// Alert is what one notification mail says.
type Alert struct {
	Source   string // the tool, one of the Source constants or a rule's source
	Host     string
	Service  string // service, check or alert name; "" for a host alert
	State    State
	Severity string    // the tool's own word: CRITICAL, WARNING, DOWN, High, critical…
	HostDown bool      // a host (not a service) is down or unreachable
	At       time.Time // when the event happened, zero when the mail does not say
	// Category is the catalogue code the matching rule asks for, "" for the
	// default.
	Category string
	// Rule is the name of the alert rule that matched the sender, "" when none.
	Rule string
}

// maxKeyRunes bounds a key built from a subject.
const maxKeyRunes = 200

// Key is the incident key: source/host/service, lowercased, white space
// folded. Two mails about the same check give the same key.
func (a Alert) Key() string {
	k := norm(a.Source) + "/" + norm(a.Host) + "/" + norm(a.Service)
	if utf8.RuneCountInString(k) > maxKeyRunes {
		r := []rune(k)
		k = string(r[:maxKeyRunes])
	}
	return k
}

func norm(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.TrimSuffix(s, ".")
}

// Mail is the part of a message the parsers read.
type Mail struct {
	From    string // sender address, lowercased
	Subject string // decoded
	Body    string // the whole text body (HTML converted when there is no text part)
	Date    time.Time
}

// Parse reads a notification mail: first with the rule matching the
// sender when it has expressions, then with each tool's parser, then with
// the rules that name no sender; failing all, as an Unknown alert keyed on the
// sender and subject. rules may be nil.
func Parse(m Mail, rules []Rule) Alert {
	m.Body = strings.ReplaceAll(m.Body, "\r\n", "\n")
	rule, hasRule := MatchSender(rules, m.From)
	finish := func(a Alert) Alert {
		if hasRule {
			a.Rule = rule.Name
			if a.Category == "" {
				a.Category = rule.Category
			}
		}
		if a.At.IsZero() {
			a.At = m.Date
		}
		return a
	}
	if hasRule && rule.hasExpressions() {
		if a, ok := rule.parse(m); ok {
			return finish(a)
		}
	}
	for _, p := range parsers {
		if a, ok := p(m); ok {
			return finish(a)
		}
	}
	for _, r := range rules {
		// A rule naming senders reads only their mail; one without From
		// reads any alert mail the tools' parsers did not recognise.
		if r.From == "" && r.hasExpressions() {
			if a, ok := r.parse(m); ok {
				return finish(a)
			}
		}
	}
	return finish(Alert{Source: SourceMail, Host: m.From, Service: subjectKey(m.Subject), State: Unknown})
}

// parsers are tried in order; the more specific subjects come first.
var parsers = []func(Mail) (Alert, bool){
	parseCheckmk,
	parseMonit,
	parseZabbix,
	parseIcinga2,
	parseNagios,
	parsePrometheus,
	parseGrafanaLegacy,
	parseUptimeKuma,
}

var (
	replyPrefix = regexp.MustCompile(`(?i)^\s*((re|fwd?|tr|aw|wg)\s*:\s*)+`)
	dateTime    = regexp.MustCompile(`\b\d{4}[-./]\d{2}[-./]\d{2}([ T]\d{1,2}:\d{2}(:\d{2})?)?|\b\d{1,2}:\d{2}(:\d{2})?\b`)
)

// subjectKey is a subject without reply prefixes or dates and times, so a
// script that puts the time in its subject still repeats one key.
func subjectKey(s string) string {
	s = replyPrefix.ReplaceAllString(s, "")
	s = dateTime.ReplaceAllString(s, "")
	return strings.Join(strings.Fields(s), " ")
}

// fieldLine is a "Key: value" line as monitoring templates write them,
// with optional indentation, bullets and spaces before the colon
// (Centreon's "Additional Info : ").
var fieldLine = regexp.MustCompile(`^[ \t]*(?:[-*][ \t]+)?([A-Za-z][A-Za-z0-9 ./_()-]{0,40}?)[ \t]*:[ \t]*(.*?)[ \t]*$`)

// fields reads the body's "Key: value" lines; keys are lowercased, the
// first occurrence wins.
func fields(body string) map[string]string {
	f := map[string]string{}
	for _, line := range strings.Split(body, "\n") {
		m := fieldLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		k := strings.ToLower(strings.Join(strings.Fields(m[1]), " "))
		if _, seen := f[k]; !seen {
			f[k] = m[2]
		}
	}
	return f
}

// firstWord is the first white-space separated word of s.
func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return ""
}

// displayName removes Icinga 2's ` (Display Name: "…")` and Checkmk's
// ` (alias)` decorations, which some mails carry and others do not.
var decoration = regexp.MustCompile(`\s*\((?:Display Name:\s*)?"?[^()]*"?\)\s*$`)

func bare(s string) string {
	return strings.TrimSpace(decoration.ReplaceAllString(strings.TrimSpace(s), ""))
}

// stateOf maps a check state word to a State: OK and UP are recoveries,
// the others problems; "" is Unknown.
func stateOf(word string) State {
	switch strings.ToUpper(strings.Trim(word, "!.*")) {
	case "":
		return Unknown
	case "OK", "UP", "RECOVERY", "RESOLVED":
		return Recovery
	case "PENDING":
		return Unknown
	default:
		return Problem
	}
}

// hostDown says whether a host state word means the host is unreachable.
func hostDown(word string) bool {
	switch strings.ToUpper(strings.Trim(word, "!.*")) {
	case "DOWN", "UNREACHABLE", "UNREACH":
		return true
	}
	return false
}

// parseTime tries layouts in the mail's own time zone when the text has none.
func parseTime(s string, loc *time.Location, layouts ...string) time.Time {
	s = strings.TrimSpace(s)
	if loc == nil {
		loc = time.UTC
	}
	for _, l := range layouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t
		}
	}
	return time.Time{}
}

func location(d time.Time) *time.Location {
	if d.IsZero() {
		return time.UTC
	}
	return d.Location()
}
