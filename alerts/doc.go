// Package alerts reads the notification mail of monitoring tools and decides
// how an alert changes its incident. It is pure Go: no I/O, no clock, no
// store; the ingest pipeline feeds it a parsed message and applies the
// decision inside its transaction.
//
// Guarantees:
//   - Parse never fails and never panics: a mail no parser recognises comes
//     back as an Alert of source "mail" and state Unknown, keyed on its
//     sender and normalised subject, so a script's repeated mail still
//     lands on one incident.
//   - The body wins over the subject. Tools and people edit subjects;
//     the body's State / Notification Type lines are what the tool knew.
//     A subject saying PROBLEM over a body saying "State: OK" is a
//     recovery (Nagios and Icinga 2 both send such mail).
//   - Key is stable between a tool's problem, repeat, acknowledgement and
//     recovery mail for one check: source/host/service, lowercased, with
//     white space folded and display-name decorations removed.
//   - Decide is a total function of the alert's state and what is known of
//     the incident: problems open or join, recoveries resolve, a problem
//     soon after a resolution reopens (flapping stays on one ticket).
//
// Formats recognised, each from its tool's default notification template:
// Nagios and Icinga 1.x (and Naemon/OMD), Icinga 2, Centreon, Zabbix,
// Prometheus Alertmanager, Grafana (unified and legacy alerting), Uptime
// Kuma, Checkmk and Monit; then the alert rules' regular expressions.
package alerts
