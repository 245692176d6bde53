package templates

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	tparse "text/template/parse"
)

// tidyReference is tidy as it was, through Split and Join.
func tidyReference(s string) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := true
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

var oneLineSamples = []string{
	"", " ", "a", " a", "a ", "a b", "a  b", "a\tb", "a\nb", "a\r\nb", "Élodie Müller", "a\u00a0b", "a\u2028b",
	"a\u0085b", "a\u3000b", "a\u2003b", "\xff", "a\xe9b", "\ufffd", "[Ticket#2026-000042] Accusé de réception : x",
	"\x00", "a\x7fb", "  deux  espaces  ", "fin\n",
}

func TestOneLineMatchesReference(t *testing.T) {
	for _, s := range oneLineSamples {
		if got, want := OneLine(s), oneLineCopy(s); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzOneLine(f *testing.F) {
	for _, s := range oneLineSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := OneLine(s), oneLineCopy(s); got != want {
			t.Fatalf("OneLine(%q) = %q, want %q", s, got, want)
		}
	})
}

var tidySamples = []string{
	"", "\n", "\n\n", "a", "a\n", "a \n", "\n\na\n\n\nb \t\n\n", "a\n \n\t\nb", "a\r\nb\n", " \n a \n", "a\n\n", "a\nb\nc",
}

func TestTidyMatchesReference(t *testing.T) {
	for _, s := range tidySamples {
		if got, want := tidy([]byte(s)), tidyReference(s); got != want {
			t.Errorf("tidy(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzTidy(f *testing.F) {
	for _, s := range tidySamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := tidy([]byte(s)), tidyReference(s); got != want {
			t.Fatalf("tidy(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestCleanKeepsCleanGroups: the catalogue's groups are not copied for
// every acknowledgment, and groups that need cleaning still are cleaned.
func TestCleanKeepsCleanGroups(t *testing.T) {
	gs := groups()
	if got := clean(Ack{Groups: gs}).Groups; &got[0] != &gs[0] {
		t.Errorf("clean groups were copied")
	}
	gs[1].Categories[0].Label = "Borne\néteinte"
	got := clean(Ack{Groups: gs}).Groups
	if &got[0] == &gs[0] || got[1].Categories[0].Label != "Borne éteinte" || gs[1].Categories[0].Label != "Borne\néteinte" {
		t.Errorf("groups not cleaned: %+v", got[1])
	}
	for _, gs := range [][]Group{nil, {{Number: "1", Label: "x"}}} {
		if got := clean(Ack{Groups: gs}).Groups; got == nil || len(got) != len(gs) || len(gs) > 0 && got[0].Categories == nil {
			t.Errorf("clean(%#v).Groups = %#v", gs, got)
		}
	}
}

// checkProgram: the program of template name (text: e is textT, HTML:
// htmlT) writes what the template writes for data, or declines.
func checkProgram(t testing.TB, name string, data any, mustRun bool) {
	t.Helper()
	e, tree := executor(textT), textTree
	if strings.HasSuffix(name, ".html.tmpl") {
		e, tree = htmlT, htmlTree
	}
	var want bytes.Buffer
	wantErr := e.ExecuteTemplate(&want, name, data)
	p, ok := compile(tree(name).Root, e == executor(htmlT))
	if !ok {
		t.Fatalf("%s has no program", name)
	}
	var got bytes.Buffer
	got.WriteString("before")
	ran := p.run(&got, reflect.ValueOf(data))
	switch {
	case !ran && mustRun:
		t.Fatalf("the program of %s declined %#v", name, data)
	case ran && wantErr != nil:
		t.Fatalf("the program of %s ran where the template fails: %v", name, wantErr)
	case ran && got.String() != "before"+want.String():
		t.Fatalf("the program of %s writes\n%q\nthe template\n%q", name, got.String()[6:], want.String())
	}
}

// TestProgramsMatchTemplates: the templates the programs run give the same
// bytes both ways, with the golden files' data and hostile data.
func TestProgramsMatchTemplates(t *testing.T) {
	parseOnce.Do(parse)
	acks := []Ack{
		{CentreName: "C", Number: "1", Category: &Category{Code: "<b>", Label: "a&b \"c\" 'd' +e \x00 \xff é"}},
		{CentreName: "C", Number: "1", Name: "<script>alert(1)</script>", Subject: "x\r\ny", Groups: groups(), Example: Category{Code: "1.7", Label: "P"},
			TrackURL: "javascript:alert(1)"},
		{CentreName: "C", Number: "1", Category: &Category{}, TrackURL: "https://a.example/suivi/é ?jeton=a%2Fb%zz&x=\"y\"#<f>"},
		{CentreName: "C", Number: "1", Category: &Category{}, TrackURL: "/suivi/x:y"},
		{CentreName: "C", Number: "1", Category: &Category{}, TrackURL: "MAILTO:x@y"},
		{Groups: []Group{{Number: "1", Label: "L"}}}, // no Example: the text fails on nothing, the data is odd
	}
	for _, tc := range cases() {
		acks = append(acks, tc.ack, clean(tc.ack))
	}
	for _, a := range acks {
		checkProgram(t, "ack.txt.tmpl", a, true)
		checkProgram(t, "ack.html.tmpl", a, true)
	}
	checkProgram(t, "ack.txt.tmpl", Ack{Category: nil}, false)
	checkProgram(t, "ack.html.tmpl", nil, false)
	checkProgram(t, "ack.html.tmpl", &Ack{CentreName: "C", Number: "1", Category: &Category{Code: "x"}}, true)
	for _, l := range []Link{
		{CentreName: "Centre d'assistance", Address: "awa.diop@example.org", URL: "https://aide.example.org/mes-demandes/jeton-abc", Expires: "demain"},
		{CentreName: "C<", Address: "a+b@example.org", URL: `https://aide.example.org/mes-demandes/"><script>`},
	} {
		checkProgram(t, "mes-demandes.txt.tmpl", l, true)
		checkProgram(t, "mes-demandes.html.tmpl", l, true)
	}
	for _, n := range []Notification{
		{CentreName: "C", Event: EventNew, Number: "1", Subject: "S", Category: &Category{Code: "2.2", Label: "P"}, Requester: "a", Author: "a", Text: "T",
			Attachments: []AttachmentInfo{{Filename: "f", ContentType: "image/jpeg", Size: "1 Ko"}, {}}},
		{CentreName: "C", Event: EventReply, Number: "1", Requester: "a", Author: "b"},
		{CentreName: "C", Event: EventIncident, Number: "1", Requester: "", Author: ""},
		{CentreName: "C", Event: EventNote, Number: "1", Requester: "a <a@x>", Author: "a <a@x> "},
		{Event: "other", Attachments: []AttachmentInfo{}},
	} {
		checkProgram(t, "notify.txt.tmpl", n, true)
	}
	checkProgram(t, "closed.txt.tmpl", Closing{CentreName: "C", Name: "Awa", Number: "1", Subject: "S", After: "7 jours", ReopenDays: 30}, true)
	checkProgram(t, "closed.txt.tmpl", Closing{CentreName: "C", Number: "1"}, true)
	checkProgram(t, "burst.txt.tmpl", Burst{CentreName: "C", Sender: "f@x", Count: 5, Threshold: -3, Minutes: 10,
		Tickets: []BurstTicket{{Number: "1", Subject: "U"}, {Number: "2"}}}, false) // First is a method
}

// TestProgramsUsed: the acknowledgment and the « mes demandes » mail, sent
// for every new ticket and every request of a link, have programs; the
// templates with what programs leave to text/template have none, and
// still render (their golden files).
func TestProgramsUsed(t *testing.T) {
	for _, tc := range cases() {
		if _, err := RenderAck(tc.ack); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := RenderNotification(Notification{CentreName: "C", Event: EventNew, Number: "1"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ack.txt.tmpl", "ack.html.tmpl", "notify.txt.tmpl"} {
		if c, ok := programs.Load(programKey{strings.HasSuffix(name, ".html.tmpl"), name}); !ok || !c.(compiled).ok {
			t.Errorf("%s: no program", name)
		}
	}
	tree, _ := tparse.Parse("x", "{{with .A}}{{.}}{{end}}{{.A | printf \"%d\"}}", "", "", map[string]any{"printf": fmt.Sprintf})
	if _, ok := compile(tree["x"].Root, false); ok {
		t.Errorf("a program for with and printf")
	}
	tree, _ = tparse.Parse("x", "{{if eq .A .B .C}}{{end}}{{if lt .A \"b\"}}{{end}}", "", "", map[string]any{"eq": 0, "lt": 0})
	for _, n := range tree["x"].Root.Nodes {
		if _, ok := compile(&tparse.ListNode{Nodes: []tparse.Node{n}}, false); ok {
			t.Errorf("a program for %s", n)
		}
	}
	for _, text := range []string{"{{.}}", "{{if eq . \"a\"}}{{end}}"} {
		tree, _ = tparse.Parse("x", text, "", "", map[string]any{"eq": 0})
		p, ok := compile(tree["x"].Root, false)
		if !ok {
			t.Fatalf("no program for %s", text)
		}
		for _, dot := range []reflect.Value{{}, reflect.ValueOf(struct{}{})} {
			if p.run(new(bytes.Buffer), dot) {
				t.Errorf("the program of %s ran with %v", text, dot)
			}
		}
	}
	tree, _ = tparse.Parse("x", "{{.A}}", "", "")
	if _, ok := compile(tree["x"].Root, true); ok {
		t.Errorf("an HTML program printing without an escaper")
	}
}

// FuzzProgramAck: whatever the strings, the acknowledgment's programs
// write what its templates write.
func FuzzProgramAck(f *testing.F) {
	f.Add("Centre", "2026-000042", "Élodie", "Objet « x »", "1.7", "Label & co", "https://aide.example.org/suivi/1?jeton=a+b", true)
	f.Add("", "", "", "", "", "", "javascript:x", false)
	f.Fuzz(func(t *testing.T, centre, number, name, subject, code, label, url string, withCategory bool) {
		parseOnce.Do(parse)
		a := Ack{CentreName: centre, Number: number, Name: name, Subject: subject, TrackURL: url, Example: Category{Code: code, Label: label}}
		if withCategory {
			a.Category = &Category{Code: code, Label: label}
		} else {
			a.Groups = []Group{{Number: code, Label: label, Categories: []Category{{Code: label, Label: name}}}}
		}
		for _, d := range []Ack{a, clean(a)} {
			checkProgram(t, "ack.txt.tmpl", d, true)
			checkProgram(t, "ack.html.tmpl", d, true)
		}
	})
}
