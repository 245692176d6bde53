package alerts

import (
	"regexp"
	"strings"
)

// Uptime Kuma (server/model/monitor.js and notification-providers/smtp.js,
// 1.x): the subject and the body's first line are
//
//	[{monitor name}] [🔴 Down] {heartbeat message}
//	[{monitor name}] [✅ Up] {heartbeat message}
//
// and the body adds "Time ({timezone}): {local date time}".
var (
	kumaSubject = regexp.MustCompile(`^\[(.+?)\]\s*\[[^\]]*?\b(?i)(Down|Up|Pending|Maintenance)\]\s*(.*)$`)
	kumaTime    = regexp.MustCompile(`(?m)^\s*Time \(([^)]*)\):\s*(.+?)\s*$`)
)

func parseUptimeKuma(m Mail) (Alert, bool) {
	sub := kumaSubject.FindStringSubmatch(m.Subject)
	if sub == nil {
		first, _, _ := strings.Cut(strings.TrimSpace(m.Body), "\n")
		if sub = kumaSubject.FindStringSubmatch(first); sub == nil {
			return Alert{}, false
		}
	}
	// A monitor watches one target (a site, a host, a port): it is the
	// "host" of the key and its being down makes the platform unreachable.
	a := Alert{Source: SourceUptimeKuma, Host: sub[1], Severity: sub[2], State: Unknown}
	switch strings.ToLower(sub[2]) {
	case "down":
		a.State, a.HostDown = Problem, true
	case "up":
		a.State = Recovery
	}
	if t := kumaTime.FindStringSubmatch(m.Body); t != nil {
		loc := location(m.Date)
		if strings.EqualFold(t[1], "UTC") {
			loc = nil
		}
		a.At = parseTime(t[2], loc, "2006-01-02 15:04:05")
	}
	return a, true
}

// Checkmk's mail notification plugin (notifications/mail, default
// subjects):
//
//	Check_MK: $HOSTNAME$/$SERVICEDESC$ $EVENT_TXT$     e.g. "OK -> CRIT"
//	Check_MK: $HOSTNAME$ - $EVENT_TXT$                 e.g. "UP -> DOWN"
//
// EVENT_TXT is "PREV -> CUR" for state changes, otherwise the notification
// type ("ACKNOWLEDGEMENT (CRIT)", "Downtime start", …). The body repeats
// "Host:", "Service:", "Event:" lines.
var (
	checkmkSubject = regexp.MustCompile(`^(?i)Check_?MK:\s*(.+?)\s*$`)
	checkmkEvent   = regexp.MustCompile(`(\S+)\s*->\s*(\S+)\s*$`)
)

func parseCheckmk(m Mail) (Alert, bool) {
	sub := checkmkSubject.FindStringSubmatch(m.Subject)
	if sub == nil {
		return Alert{}, false
	}
	rest := sub[1]
	a := Alert{Source: SourceCheckmk, State: Unknown}
	target, event := rest, ""
	if h, e, ok := strings.Cut(rest, " - "); ok && !strings.Contains(h, "/") {
		target, event = h, e // host notification
	} else if i := strings.LastIndex(rest, " "); i >= 0 {
		// service: the event is "PREV -> CUR" or a type word at the end.
		if e := checkmkEvent.FindStringIndex(rest); e != nil {
			target, event = rest[:e[0]], rest[e[0]:]
		} else if j := strings.Index(strings.ToUpper(rest), " ACKNOWLEDGEMENT"); j >= 0 {
			target, event = rest[:j], rest[j:]
		} else {
			target, event = rest[:i], rest[i:]
		}
	}
	target, event = strings.TrimSpace(target), strings.TrimSpace(event)
	if h, s, ok := strings.Cut(target, "/"); ok {
		a.Host, a.Service = h, s
	} else {
		a.Host = target
	}
	f := fields(m.Body)
	if h := bare(f["host"]); h != "" {
		a.Host = h
		if s := bare(f["service"]); s != "" {
			a.Service = s
		}
	}
	if e := strings.TrimSpace(f["event"]); e != "" {
		event = e
	}
	switch ev := checkmkEvent.FindStringSubmatch(event); {
	case strings.Contains(strings.ToUpper(event), "ACKNOWLEDGEMENT"):
		a.State = Acknowledgement
	case ev != nil:
		a.State, a.Severity = stateOf(ev[2]), strings.ToUpper(ev[2])
		a.HostDown = a.Service == "" && hostDown(ev[2])
	}
	return a, true
}

// Monit's default mail-format (monit.conf "set mail-format", Monit 5.x):
//
//	subject: monit alert --  $EVENT $SERVICE
//	body:    $EVENT Service $SERVICE
//	             Date:        $DATE
//	             Action:      $ACTION
//	             Host:        $HOST
//	             Description: $DESCRIPTION
//	         Your faithful employee,
//	         Monit
var (
	monitSubject = regexp.MustCompile(`^(?i)monit alert\s*--\s*(.+?)\s*$`)
	monitFirst   = regexp.MustCompile(`(?m)^\s*(.+?)\s+Service\s+(.+?)\s*$`)
)

func parseMonit(m Mail) (Alert, bool) {
	sub := monitSubject.FindStringSubmatch(m.Subject)
	f := fields(m.Body)
	if sub == nil && !(strings.Contains(m.Body, "Monit") && f["action"] != "" && f["host"] != "") {
		return Alert{}, false
	}
	a := Alert{Source: SourceMonit, Host: f["host"]}
	event := ""
	if l := monitFirst.FindStringSubmatch(m.Body); l != nil {
		event, a.Service = l[1], l[2]
	} else if sub != nil {
		if i := strings.LastIndex(sub[1], " "); i >= 0 {
			event, a.Service = sub[1][:i], sub[1][i+1:]
		} else {
			event = sub[1]
		}
	}
	a.State, a.Severity = monitState(event), event
	a.At = parseTime(f["date"], location(m.Date), "Mon, 02 Jan 2006 15:04:05 -0700", "Mon, 2 Jan 2006 15:04:05 -0700",
		"Mon, 02 Jan 2006 15:04:05", "Mon, 2 Jan 2006 15:04:05")
	return a, a.Service != "" || a.Host != ""
}

// monitState reads Monit's event names (src/event.c): "… failed",
// "Does not exist", "Resource limit matched", "Timeout" are problems;
// "… succeeded", "Exists" and "Action done" (the restart worked) are
// recoveries.
func monitState(event string) State {
	e := strings.ToLower(event)
	for _, w := range []string{"does not exist", "failed", "matched", "timeout", "error", "invalid", "not running"} {
		if strings.Contains(e, w) {
			return Problem
		}
	}
	for _, w := range []string{"succeeded", "exists", "action done", "recovered", "running"} {
		if strings.Contains(e, w) {
			return Recovery
		}
	}
	return Unknown
}
