package templates

import "fmt"

// Closing is the notice a requester gets when a resolved ticket is closed
// for want of news (GUICHET_CLOSE_AFTER).
type Closing struct {
	CentreName string
	Name       string // requester's display name, "" when unknown
	Number     string
	Subject    string
	After      string // how long without news, in words (« 7 jours »); "" leaves it unsaid
	ReopenDays int    // a reply within this many days reopens it; 0 leaves it unsaid
}

// RenderClosing renders the closing notice (text/plain).
func RenderClosing(c Closing) (string, error) {
	if c.Number == "" || c.CentreName == "" {
		return "", fmt.Errorf("templates: closing notice needs a ticket number and a centre name")
	}
	c.CentreName, c.Name, c.Number = OneLine(c.CentreName), OneLine(c.Name), OneLine(c.Number)
	c.Subject, c.After = OneLine(c.Subject), OneLine(c.After)
	return renderText("closed.txt.tmpl", c)
}
