package templates

import "fmt"

// Digest is an agent's daily « Vos demandes »: their open tickets, then
// their teams' unassigned ones, most urgent first.
type Digest struct {
	CentreName string
	Name       string // the agent's name, "" when unknown
	Day        string // « lundi 7 décembre 2026 »
	Zone       string // « heure de Paris »: the deadlines' zone
	Mine       []DigestLine
	Teams      []DigestLine
}

// DigestLine is one ticket of a digest.
type DigestLine struct {
	Number   string
	Priority string // in French: basse, normale, haute, urgente
	Subject  string
	Due      string // the earliest deadline still to meet, LongDate; "" when none
	DueWhat  string // « première réponse » or « résolution »
	Late     bool   // the deadline has passed
	Team     string // the ticket's team, for the teams' part
	Address  string // the ticket's signed agent address: writing there acts on it
}

// RenderDigest renders the digest (text/plain). It refuses an empty one:
// an agent with nothing waiting gets no mail.
func RenderDigest(d Digest) (string, error) {
	if d.CentreName == "" || len(d.Mine)+len(d.Teams) == 0 {
		return "", fmt.Errorf("templates: digest needs a centre name and tickets")
	}
	d.CentreName, d.Name, d.Day, d.Zone = OneLine(d.CentreName), OneLine(d.Name), OneLine(d.Day), OneLine(d.Zone)
	clean := func(ls []DigestLine) []DigestLine {
		out := make([]DigestLine, len(ls))
		for i, l := range ls {
			out[i] = DigestLine{Number: OneLine(l.Number), Priority: OneLine(l.Priority), Subject: OneLine(l.Subject),
				Due: OneLine(l.Due), DueWhat: OneLine(l.DueWhat), Late: l.Late, Team: OneLine(l.Team), Address: OneLine(l.Address)}
			if out[i].Subject == "" {
				out[i].Subject = "(sans objet)"
			}
		}
		return out
	}
	d.Mine, d.Teams = clean(d.Mine), clean(d.Teams)
	return renderText("digest.txt.tmpl", d)
}
