package web

import (
	"errors"
	"io/fs"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"guichet/tracking"
)

// TestFrenchTypography: the French of every page and mail template puts a
// no-break space (U+00A0) before « : ; ! ? » and inside « guillemets », so
// that a line never starts with a colon or a lone guillemet.
func TestFrenchTypography(t *testing.T) {
	checked := 0
	err := fs.WalkDir(assets, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".html") || strings.HasSuffix(path, ".tmpl")) {
			return err
		}
		b, err := fs.ReadFile(assets, path)
		if err != nil {
			return err
		}
		checked++
		for n, line := range strings.Split(string(b), "\n") {
			checkFrench(t, path+":"+strconv.Itoa(n+1), tags.ReplaceAllString(line, " "))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 5 {
		t.Fatalf("checked %d templates, want the pages and the mail", checked)
	}
}

// badFrench are the typographic faults checkFrench looks for.
var badFrench = []*regexp.Regexp{
	regexp.MustCompile(`\S ([:;!?])(\s|<|$)`), // a plain space before high punctuation
	regexp.MustCompile(`« `),                  // a plain space inside guillemets
	regexp.MustCompile(` »`),
	regexp.MustCompile(`[^\s\x{00a0}][:;!?](\s|$)`), // no space at all ("Statut: …")
}

func checkFrench(t *testing.T, where, text string) {
	t.Helper()
	for _, re := range badFrench {
		if m := re.FindString(text); m != "" {
			t.Errorf("%s: %q in %q", where, m, strings.TrimSpace(text))
		}
	}
}

// TestFrenchTypographyRendered checks the pages as served, with the texts
// the Go code puts in them: the form in each of its states (sent, a wrong
// address, unavailable without a public URL), the 404 page and the plain
// text of a store outage: texts written in Go, such as the form's error,
// are out of the templates' check.
func TestFrenchTypographyRendered(t *testing.T) {
	tokens, err := tracking.New([]byte("secret-de-test-pour-la-typographie"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Store: nopStore{}, Tokens: tokens, PublicURL: "https://aide.centre.example"})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]func(*pageData){
		"form":        nil,
		"sent":        func(p *pageData) { p.Address, p.Sent = "awa@example.org", true },
		"unavailable": func(p *pageData) { p.Unavailable = true },
	}
	for name, fill := range states {
		w := httptest.NewRecorder()
		s.render(w, 200, "mes-demandes", s.page("Retrouver mes demandes", fill))
		checkRendered(t, "mes-demandes ("+name+")", w.Body.String())
	}
	checkRendered(t, "404", string(s.notFound))
	// The form's own error text, as the handler writes it.
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/mes-demandes", strings.NewReader("adresse=pas-une-adresse"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s.myRequestsPost(w, r)
	if !strings.Contains(w.Body.String(), "adresse électronique valide") {
		t.Errorf("a wrong address: the page lacks its error:\n%s", w.Body.String())
	}
	checkRendered(t, "mes-demandes (wrong address)", w.Body.String())
	w = httptest.NewRecorder()
	s.unavailable(w, errFake)
	checkFrench(t, "store outage", w.Body.String())
}

func checkRendered(t *testing.T, where, page string) {
	t.Helper()
	for n, line := range strings.Split(page, "\n") {
		checkFrench(t, where+":"+strconv.Itoa(n+1), tags.ReplaceAllString(line, " "))
	}
}

// tags removes markup and template actions, which are not French text.
var tags = regexp.MustCompile(`<[^>]*>|\{\{[^}]*\}\}`)

// nopStore is a store the typography test never reaches.
type nopStore struct{ Store }

var errFake = errors.New("store down")
