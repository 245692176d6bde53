package alerts

import (
	"regexp"
	"strings"
)

// Prometheus Alertmanager (template/default.tmpl) and Grafana unified
// alerting (pkg/services/ngalert/notifier/channels default_template) share
// the subject
//
//	[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}]
//	  {{ .GroupLabels.SortedPairs.Values | join " " }} ({{ other common label values }})
//
// and list each alert's labels as "name = value" lines under "Labels:"
// (" - name = value" in the text templates, one per <br /> in the HTML).
var (
	promSubject = regexp.MustCompile(`^(?i)\[(FIRING|RESOLVED)(?::\s*(\d+))?(?:,\s*RESOLVED:\s*\d+)?\]\s*(.*?)\s*$`)
	labelsHead  = regexp.MustCompile(`^\s*\**Labels\**:?\s*$`)
	labelLine   = regexp.MustCompile(`^\s*(?:-\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$`)
)

// hostLabels are the labels that name the machine, in order of preference.
var hostLabels = []string{"instance", "host", "hostname", "nodename", "node", "exported_instance"}

func parsePrometheus(m Mail) (Alert, bool) {
	sub := promSubject.FindStringSubmatch(m.Subject)
	if sub == nil {
		return Alert{}, false
	}
	a := Alert{Source: SourceAlertmanager, State: Problem}
	if strings.Contains(strings.ToLower(m.From+m.Body), "grafana") {
		a.Source = SourceGrafana
	}
	if strings.EqualFold(sub[1], "RESOLVED") {
		a.State = Recovery
	}
	common := commonLabels(labelBlocks(m.Body))
	a.Service = common["alertname"]
	for _, l := range hostLabels {
		if common[l] != "" {
			a.Host = common[l]
			break
		}
	}
	a.Severity = common["severity"]
	if a.Service == "" {
		// No label block (a custom body): the subject's group labels are
		// the same in the firing and the resolved mail.
		group := sub[3]
		if i := strings.Index(group, " ("); i >= 0 && strings.HasSuffix(group, ")") {
			if a.Host == "" {
				a.Host = group[i+2 : len(group)-1]
			}
			group = group[:i]
		}
		a.Service = strings.TrimSpace(group)
	}
	return a, a.Service != ""
}

// labelBlocks reads every alert's labels from the body.
func labelBlocks(body string) []map[string]string {
	var blocks []map[string]string
	var cur map[string]string
	for _, line := range strings.Split(body, "\n") {
		if labelsHead.MatchString(line) {
			cur = map[string]string{}
			blocks = append(blocks, cur)
			continue
		}
		if cur == nil {
			continue
		}
		if l := labelLine.FindStringSubmatch(line); l != nil {
			cur[l[1]] = l[2]
			continue
		}
		if strings.TrimSpace(line) != "" {
			cur = nil
		}
	}
	return blocks
}

// commonLabels keeps the labels every alert of the mail shares, so a
// grouped notification keys on what its alerts have in common.
func commonLabels(blocks []map[string]string) map[string]string {
	if len(blocks) == 0 {
		return map[string]string{}
	}
	out := map[string]string{}
	for k, v := range blocks[0] {
		out[k] = v
	}
	for _, b := range blocks[1:] {
		for k, v := range out {
			if b[k] != v {
				delete(out, k)
			}
		}
	}
	return out
}

// Grafana legacy alerting (before 8.0, and 8.x with legacy alerting on):
// subject "[{{.State}}] {{.Name}}" with states Alerting, OK, No Data,
// Pending, Paused (pkg/services/alerting/notifiers/email.go).
var grafanaLegacy = regexp.MustCompile(`^(?i)\[(Alerting|OK|No Data|Pending|Paused)\]\s*(.+?)\s*$`)

func parseGrafanaLegacy(m Mail) (Alert, bool) {
	sub := grafanaLegacy.FindStringSubmatch(m.Subject)
	if sub == nil {
		return Alert{}, false
	}
	word := strings.ToLower(sub[1])
	if word != "alerting" && !strings.Contains(strings.ToLower(m.From+m.Body), "grafana") {
		return Alert{}, false
	}
	a := Alert{Source: SourceGrafana, Service: sub[2], Severity: sub[1]}
	switch word {
	case "alerting", "no data":
		a.State = Problem
	case "ok":
		a.State = Recovery
	default:
		a.State = Unknown
	}
	return a, true
}
