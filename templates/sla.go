package templates

import "fmt"

// SLA is a ticket's reminder (a deadline near) or escalation (a deadline
// passed) to agents (docs/threading.md, "Reminders and escalation").
type SLA struct {
	CentreName string
	Number     string
	Subject    string
	Requester  string
	Category   *Category // nil when the ticket has none
	Priority   string    // store.Priority*: written in French by the template
	Assignee   string    // "" when nobody took the ticket
	Team       string    // "" when its category routes to no team
	// FirstResponse: the deadline is the first answer's; else resolution's.
	FirstResponse bool
	Due           string // the deadline, LongDate or LongDateZone
}

// RenderReminder renders the reminder of a deadline near (text/plain).
func RenderReminder(s SLA) (string, error) { return renderSLA("reminder.txt.tmpl", s) }

// RenderEscalation renders the notice of a deadline passed (text/plain).
func RenderEscalation(s SLA) (string, error) { return renderSLA("escalation.txt.tmpl", s) }

func renderSLA(name string, s SLA) (string, error) {
	if s.Number == "" || s.CentreName == "" || s.Due == "" {
		return "", fmt.Errorf("templates: %s needs a ticket number, a centre name and a deadline", name)
	}
	s.CentreName, s.Number, s.Subject, s.Requester = OneLine(s.CentreName), OneLine(s.Number), OneLine(s.Subject), OneLine(s.Requester)
	s.Assignee, s.Team, s.Due = OneLine(s.Assignee), OneLine(s.Team), OneLine(s.Due)
	if s.Subject == "" {
		s.Subject = "(sans objet)"
	}
	return renderText(name, s)
}
