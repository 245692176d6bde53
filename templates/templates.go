package templates

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"
	"unicode"
)

//go:embed *.tmpl
var files embed.FS

// Category is one catalogue entry as the templates show it.
type Category struct {
	Code  string // "1.7"
	Label string // "Plateforme inaccessible"
}

// Group is one heading of the catalogue with its categories.
type Group struct {
	Number     string // "1"
	Label      string // "Problèmes logiciels"
	Categories []Category
}

// Ack is what the acknowledgment of a new ticket says.
type Ack struct {
	CentreName string // "Centre d'assistance"
	Name       string // requester's display name, "" when unknown
	Number     string // "2026-000042"
	Subject    string // the request's subject, cleaned; "" when it had none
	// Category is the ticket's category; nil when none was inferred, in
	// which case Groups lists the catalogue so the requester can choose.
	Category *Category
	Groups   []Group
	// Example is the category whose tag ("[1.7]") illustrates how to
	// choose one; it is a real entry of the catalogue. Used only when
	// Category is nil.
	Example  Category
	TrackURL string // link to the tracking page, "" when HTTP is not configured
}

// Rendered is a message body in its two alternatives.
type Rendered struct {
	Text string // text/plain, lines separated by "\n"
	HTML string // text/html, a whole document
}

var (
	parseOnce sync.Once
	textT     *texttemplate.Template
	htmlT     *htmltemplate.Template
	parseErr  error
)

func parse() {
	textT, parseErr = texttemplate.New("").Option("missingkey=error").ParseFS(files, "*.txt.tmpl")
	if parseErr != nil {
		parseErr = fmt.Errorf("templates: parse text: %w", parseErr)
		return
	}
	htmlT, parseErr = htmltemplate.New("").Option("missingkey=error").ParseFS(files, "*.html.tmpl")
	if parseErr != nil {
		parseErr = fmt.Errorf("templates: parse html: %w", parseErr)
	}
}

// RenderAck renders the acknowledgment of a new ticket.
func RenderAck(a Ack) (Rendered, error) {
	if a.Number == "" || a.CentreName == "" {
		return Rendered{}, fmt.Errorf("templates: acknowledgment needs a ticket number and a centre name")
	}
	if a.Category == nil && len(a.Groups) == 0 {
		return Rendered{}, fmt.Errorf("templates: acknowledgment without category needs the catalogue groups")
	}
	if a.Category == nil && a.Example.Code == "" {
		return Rendered{}, fmt.Errorf("templates: acknowledgment without category needs an example category")
	}
	return renderBoth("ack", clean(a))
}

// renderBoth renders name's text and HTML templates (name.txt.tmpl,
// name.html.tmpl) with data.
func renderBoth(name string, data any) (Rendered, error) {
	parseOnce.Do(parse)
	if parseErr != nil {
		return Rendered{}, parseErr
	}
	var tb, hb bytes.Buffer
	if err := textT.ExecuteTemplate(&tb, name+".txt.tmpl", data); err != nil {
		return Rendered{}, fmt.Errorf("templates: render %s text: %w", name, err)
	}
	if err := htmlT.ExecuteTemplate(&hb, name+".html.tmpl", data); err != nil {
		return Rendered{}, fmt.Errorf("templates: render %s html: %w", name, err)
	}
	return Rendered{Text: tidy(tb.String()), HTML: hb.String()}, nil
}

// clean removes control characters from every string a requester or the
// configuration could influence: a CR or LF in a subject must not break a
// line of the text part (and, through it, fake a signature or a link).
func clean(a Ack) Ack {
	a.CentreName = OneLine(a.CentreName)
	a.Name = OneLine(a.Name)
	a.Number = OneLine(a.Number)
	a.Subject = OneLine(a.Subject)
	a.Example = Category{Code: OneLine(a.Example.Code), Label: OneLine(a.Example.Label)}
	a.TrackURL = OneLine(a.TrackURL)
	if a.Category != nil {
		c := Category{Code: OneLine(a.Category.Code), Label: OneLine(a.Category.Label)}
		a.Category = &c
	}
	groups := make([]Group, len(a.Groups))
	for i, g := range a.Groups {
		cats := make([]Category, len(g.Categories))
		for j, c := range g.Categories {
			cats[j] = Category{Code: OneLine(c.Code), Label: OneLine(c.Label)}
		}
		groups[i] = Group{Number: OneLine(g.Number), Label: OneLine(g.Label), Categories: cats}
	}
	a.Groups = groups
	return a
}

// OneLine turns s into a single line: control characters (CR, LF, TAB, NUL,
// U+2028…) become spaces, runs of spaces collapse and the ends are trimmed.
func OneLine(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.IsSpace(r) && r != '\u00a0' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// tidy removes the trailing spaces and the runs of blank lines that template
// actions leave behind, so the text part reads as if typed.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := true // drop leading blank lines
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	for len(out) > 0 && out[len(out)-1] == "" {
		out = out[:len(out)-1]
	}
	return strings.Join(out, "\n") + "\n"
}
