package templates

import "fmt"

// Link is the « mes demandes » mail: a signed link, valid for a while, to
// the list of the tickets sent from an address.
type Link struct {
	CentreName string
	Address    string // the address whose tickets the link lists
	URL        string
	Expires    string // when the link stops working, already formatted
}

// RenderLink renders the « mes demandes » mail.
func RenderLink(l Link) (Rendered, error) {
	if l.CentreName == "" || l.Address == "" || l.URL == "" {
		return Rendered{}, fmt.Errorf("templates: link mail needs a centre name, an address and a link")
	}
	l = Link{CentreName: OneLine(l.CentreName), Address: OneLine(l.Address), URL: OneLine(l.URL), Expires: OneLine(l.Expires)}
	return renderBoth("mes-demandes", l)
}
