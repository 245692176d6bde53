package alerts

import (
	"regexp"
	"strings"
)

// Nagios, Icinga 1.x, Naemon/OMD and Centreon share Nagios's sample
// notify-host-by-email / notify-service-by-email commands
// (nagioscore sample-config/template-object/commands.cfg.in):
//
//	subject: ** $NOTIFICATIONTYPE$ Service Alert: $HOSTALIAS$/$SERVICEDESC$ is $SERVICESTATE$ **
//	         ** $NOTIFICATIONTYPE$ Host Alert: $HOSTNAME$ is $HOSTSTATE$ **
//	body:    ***** Nagios *****
//	         Notification Type: … Service: … Host: … State: … Date/Time: …
//
// Centreon's notify commands write "***** centreon Notification *****" and
// "Additional Info : …"; OMD's templates "*** PROBLEM *** host / service is …".
var (
	nagiosSubject = regexp.MustCompile(`^\*{2,3}\s*([A-Za-z]+)\b\s*\**\s*(?:(Host|Service)\s+Alert\s*:\s*)?(.*?)\s+is\s+([A-Za-z]+)\s*\**\s*$`)
	banner        = regexp.MustCompile(`(?m)^\s*\*{3,}\s*(.*?)\s*\*{3,}\s*$`)
)

func parseNagios(m Mail) (Alert, bool) {
	sub := nagiosSubject.FindStringSubmatch(m.Subject)
	f := fields(m.Body)
	ban := ""
	if b := banner.FindStringSubmatch(m.Body); b != nil {
		ban = strings.ToLower(b[1])
	}
	typ := f["notification type"]
	if typ == "" {
		typ = f["type"] // Centreon's host template
	}
	if sub == nil && (ban == "" || typ == "" || f["host"] == "") {
		return Alert{}, false
	}
	a := Alert{Source: SourceNagios}
	from := strings.ToLower(m.From)
	switch {
	case strings.Contains(ban, "centreon") || strings.Contains(from, "centreon"):
		a.Source = SourceCentreon
	case strings.Contains(ban, "icinga") || strings.Contains(from, "icinga"):
		a.Source = SourceIcinga
	}
	stateWord, hostAlert := "", false
	if sub != nil {
		if typ == "" {
			typ = sub[1]
		}
		stateWord = sub[4]
		hostAlert = strings.EqualFold(sub[2], "host")
		target := strings.TrimSpace(sub[3])
		if h, s, ok := strings.Cut(target, "/"); ok && !hostAlert {
			a.Host, a.Service = strings.TrimSpace(h), strings.TrimSpace(s)
		} else {
			a.Host = target
		}
	}
	// The body is what the tool knew; the subject may be stale or edited
	// (corpus: a "** PROBLEM … is WARNING **" subject over "State: OK").
	if h := bare(f["host"]); h != "" {
		// Nagios's host template has no Service line: a body naming a
		// host and no service is a host notification.
		a.Host, a.Service = h, bare(f["service"])
	}
	if w := firstWord(f["state"]); w != "" {
		stateWord = w
	}
	a.State = nagiosState(typ, stateWord)
	a.Severity = strings.ToUpper(stateWord)
	a.HostDown = a.Service == "" && hostDown(stateWord)
	a.At = parseTime(firstNonEmpty(f["date/time"], f["date"]), location(m.Date),
		"Mon Jan 2 15:04:05 MST 2006", "Mon Jan _2 15:04:05 MST 2006", "2006-01-02 15:04:05 -0700",
		"2006-01-02 15:04:05", "01-02-2006 15:04:05", "02-01-2006 15:04:05", "2006-01-02T15:04:05-07:00")
	return a, true
}

// nagiosState combines the notification type and the state word; the state
// word wins for recoveries (OK, UP), acknowledgements stay what they are.
func nagiosState(typ, stateWord string) State {
	typ = strings.ToUpper(strings.TrimSpace(typ))
	switch {
	case strings.HasPrefix(typ, "ACK"):
		return Acknowledgement
	case stateOf(stateWord) == Recovery, typ == "RECOVERY":
		return Recovery
	case typ == "PROBLEM", typ == "FLAPPINGSTART":
		if st := stateOf(stateWord); st != Unknown {
			return st
		}
		return Problem
	}
	return Unknown
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// Icinga 2's mail-service-notification.sh and mail-host-notification.sh
// (icinga2 etc/icinga2/scripts/, v2.8 and later):
//
//	subject: [$NOTIFICATIONTYPE] $SERVICEDISPLAYNAME on $HOSTDISPLAYNAME is $SERVICESTATE!
//	         [$NOTIFICATIONTYPE] Host $HOSTDISPLAYNAME is $HOSTSTATE!
//	body:    ***** Service Monitoring on $ICINGA2HOST *****
//	         $SERVICEDISPLAYNAME on $HOSTDISPLAYNAME is $SERVICESTATE!
//	         Info: … When: … Service: … Host: … IPv4: …
var (
	icinga2Subject = regexp.MustCompile(`^\[(?i)(PROBLEM|RECOVERY|ACKNOWLEDGEMENT|CUSTOM|FLAPPINGSTART|FLAPPINGEND|DOWNTIMESTART|DOWNTIMEEND|DOWNTIMEREMOVED)\]\s+(.+?)\s+is\s+([A-Za-z]+)!?\s*$`)
	icinga2Line    = regexp.MustCompile(`(?m)^\s*(?:==>\s*)?(.+?)\s+is\s+([A-Za-z]+)!`)
)

func parseIcinga2(m Mail) (Alert, bool) {
	sub := icinga2Subject.FindStringSubmatch(m.Subject)
	f := fields(m.Body)
	isBody := strings.Contains(strings.ToLower(m.Body), "monitoring on") && f["when"] != ""
	if sub == nil && !isBody {
		return Alert{}, false
	}
	if sub == nil && f["host"] == "" {
		return Alert{}, false
	}
	a := Alert{Source: SourceIcinga}
	typ, stateWord := "", ""
	if sub != nil {
		typ, stateWord = sub[1], sub[3]
		target := sub[2]
		if h, ok := strings.CutPrefix(target, "Host "); ok {
			a.Host = h
		} else if i := strings.LastIndex(target, " on "); i >= 0 {
			a.Service, a.Host = target[:i], target[i+len(" on "):]
		} else {
			a.Service = target
		}
	}
	if l := icinga2Line.FindStringSubmatch(m.Body); l != nil {
		stateWord = l[2]
	}
	if h := bare(f["host"]); h != "" {
		a.Host = h
		a.Service = bare(f["service"])
	}
	if typ == "" {
		typ = "PROBLEM"
	}
	a.State = nagiosState(typ, stateWord)
	a.Severity = strings.ToUpper(stateWord)
	a.HostDown = a.Service == "" && hostDown(stateWord)
	a.At = parseTime(f["when"], location(m.Date), "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05")
	return a, true
}
