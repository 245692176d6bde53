package alerts

import (
	"regexp"
	"strings"
)

// Zabbix's default Email media type messages (Zabbix 5.0 to 7.0,
// "Message templates" of the Email media type; 4.x wrote "Resolved:"):
//
//	Problem: {EVENT.NAME}
//	  Problem started at {EVENT.TIME} on {EVENT.DATE}
//	  Problem name: {EVENT.NAME}
//	  Host: {HOST.NAME}
//	  Severity: {EVENT.SEVERITY}
//	Resolved in {EVENT.DURATION}: {EVENT.NAME}
//	  Problem has been resolved at {EVENT.RECOVERY.TIME} on {EVENT.RECOVERY.DATE}
//	Updated problem in {EVENT.AGE}: {EVENT.NAME}
//	  {USER.FULLNAME} {EVENT.UPDATE.ACTION} problem at …
//	  Current problem status is {EVENT.STATUS}, age is …, acknowledged: …
//
// Zabbix 3.x wrote "Trigger: …", "Trigger status: PROBLEM|OK".
var (
	zabbixSubject  = regexp.MustCompile(`^(?i)(Problem|Resolved(?:\s+in\s+[^:]+)?|Updated problem(?:\s+in\s+[^:]+)?|OK|PROBLEM)\s*:\s*(.+?)\s*$`)
	zabbixStarted  = regexp.MustCompile(`(?m)^\s*Problem started at (\S+) on (\S+)`)
	zabbixResolved = regexp.MustCompile(`(?m)^\s*Problem has been resolved(?: in .+?)? at (\S+) on (\S+)`)
	zabbixUpdate   = regexp.MustCompile(`(?m)^\s*(.*?)\s+(acknowledged|closed|commented|changed severity|unacknowledged|suppressed)\b[^\n]*problem at`)
	zabbixStatus   = regexp.MustCompile(`Current problem status is (\w+)`)
	zabbixHostDown = regexp.MustCompile(`(?i)unavailable by icmp|\bis unreachable\b|\bhost is down\b|\bis down\b`)
)

func parseZabbix(m Mail) (Alert, bool) {
	f := fields(m.Body)
	marked := f["problem name"] != "" || f["original problem id"] != "" || f["trigger status"] != "" ||
		zabbixStarted.MatchString(m.Body) || zabbixResolved.MatchString(m.Body) ||
		(zabbixUpdate.MatchString(m.Body) && zabbixStatus.MatchString(m.Body))
	if !marked {
		return Alert{}, false
	}
	sub := zabbixSubject.FindStringSubmatch(m.Subject)
	a := Alert{Source: SourceZabbix, State: Unknown}
	a.Service = firstNonEmpty(f["problem name"], f["trigger"])
	if a.Service == "" && sub != nil {
		a.Service = sub[2]
	}
	a.Host = f["host"]
	a.Severity = firstNonEmpty(f["severity"], f["trigger severity"])
	loc := location(m.Date)
	layouts := []string{"15:04:05 2006.01.02", "15:04:05 2006-01-02"}
	switch {
	case zabbixResolved.MatchString(m.Body):
		r := zabbixResolved.FindStringSubmatch(m.Body)
		a.State, a.At = Recovery, parseTime(r[1]+" "+r[2], loc, layouts...)
	case zabbixUpdate.MatchString(m.Body) || zabbixStatus.MatchString(m.Body):
		if s := zabbixStatus.FindStringSubmatch(m.Body); s != nil && strings.EqualFold(s[1], "RESOLVED") {
			a.State = Recovery
		} else if u := zabbixUpdate.FindStringSubmatch(m.Body); u != nil && u[2] == "acknowledged" {
			a.State = Acknowledgement
		}
	case zabbixStarted.MatchString(m.Body):
		s := zabbixStarted.FindStringSubmatch(m.Body)
		a.State, a.At = Problem, parseTime(s[1]+" "+s[2], loc, layouts...)
	case f["trigger status"] != "":
		a.State = stateOf(f["trigger status"])
	case sub != nil:
		switch w := strings.ToLower(sub[1]); {
		case strings.HasPrefix(w, "resolved"), w == "ok":
			a.State = Recovery
		case w == "problem":
			a.State = Problem
		}
	}
	a.HostDown = a.State == Problem && zabbixHostDown.MatchString(a.Service)
	return a, true
}
