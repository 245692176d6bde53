package templates

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"
	tparse "text/template/parse"
	"unicode"
	"unicode/utf8"
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
	b := getBuffer()
	defer putBuffer(b)
	if err := executeText(b, name+".txt.tmpl", data); err != nil {
		return Rendered{}, fmt.Errorf("templates: render %s text: %w", name, err)
	}
	text := tidy(b.Bytes())
	b.Reset()
	if err := executeHTML(b, name+".html.tmpl", data); err != nil {
		return Rendered{}, fmt.Errorf("templates: render %s html: %w", name, err)
	}
	return Rendered{Text: text, HTML: b.String()}, nil
}

func executeText(w *bytes.Buffer, name string, data any) error {
	return execute(w, textT, textTree, false, name, data)
}

// executeHTML gives execute the tree html/template escaped: the program
// prints through the same escapers.
func executeHTML(w *bytes.Buffer, name string, data any) error {
	return execute(w, htmlT, htmlTree, true, name, data)
}

func textTree(name string) *tparse.Tree {
	if t := textT.Lookup(name); t != nil {
		return t.Tree
	}
	return nil
}

func htmlTree(name string) *tparse.Tree {
	if t := htmlT.Lookup(name); t != nil {
		return t.Tree
	}
	return nil
}

// buffers keeps the buffers templates are executed into: a message is a
// few kilobytes, which a new buffer reaches through several copies, and
// every acknowledgment and notification is rendered here.
var buffers = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 8<<10)) }}

func getBuffer() *bytes.Buffer { return buffers.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 64<<10 { // a digest of a busy day: not kept for every message
		return
	}
	b.Reset()
	buffers.Put(b)
}

// clean removes control characters from every string a requester or the
// configuration could influence: a CR or LF in a subject must not break a
// line of the text part (and, through it, fake a signature or a link).
// The catalogue's groups, the same for every acknowledgment and already
// clean, are kept as they are rather than copied.
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
	if groupsClean(a.Groups) {
		return a
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

// groupsClean reports whether clean would leave gs as they are; nil gs are
// not (clean makes them an empty list).
func groupsClean(gs []Group) bool {
	if gs == nil {
		return false
	}
	for _, g := range gs {
		if g.Categories == nil || !isOneLine(g.Number) || !isOneLine(g.Label) {
			return false
		}
		for _, c := range g.Categories {
			if !isOneLine(c.Code) || !isOneLine(c.Label) {
				return false
			}
		}
	}
	return true
}

// OneLine turns s into a single line: control characters (CR, LF, TAB, NUL,
// U+2028…) become spaces, runs of spaces collapse and the ends are trimmed.
func OneLine(s string) string {
	if isOneLine(s) {
		return s
	}
	return oneLineCopy(s)
}

// oneLineCopy is OneLine without the check that spares the copy.
func oneLineCopy(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if dropped(r) {
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

// dropped tells the runes OneLine replaces.
func dropped(r rune) bool {
	return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.IsSpace(r) && r != '\u00a0'
}

// isOneLine reports whether OneLine(s) is s, without copying it: the
// strings it is given (names, subjects, the catalogue) almost always are.
// Invalid UTF-8 is not: OneLine writes U+FFFD for it.
func isOneLine(s string) bool {
	prev := true // a space at the start is trimmed
	for _, r := range s {
		var d bool
		if r < utf8.RuneSelf {
			d = r <= ' ' || r == 0x7f
		} else {
			if r == utf8.RuneError {
				return false
			}
			d = dropped(r)
		}
		if d && (r != ' ' || prev) {
			return false
		}
		prev = d
	}
	return !prev || s == ""
}

// tidy removes the trailing spaces and the runs of blank lines that template
// actions leave behind, so the text part reads as if typed: the lines that
// are not blank, one blank line where a run of them separated two, a line
// break after the last. It copies s once.
func tidy(s []byte) string {
	var b strings.Builder
	b.Grow(len(s) + 1)
	wrote, held := false, false // held: a blank line, written if a line follows
	for len(s) > 0 {
		l := s
		if i := bytes.IndexByte(s, '\n'); i >= 0 {
			l, s = s[:i], s[i+1:]
		} else {
			s = nil
		}
		if l = bytes.TrimRight(l, " \t"); len(l) == 0 {
			held = wrote
			continue
		}
		if held {
			b.WriteByte('\n')
			held = false
		}
		b.Write(l)
		b.WriteByte('\n')
		wrote = true
	}
	if !wrote {
		return "\n"
	}
	return b.String()
}
