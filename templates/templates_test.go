package templates

import (
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// groups is a fixture shaped like the centre's catalogue (8 groups), kept
// short: the templates must not depend on its exact content.
func groups() []Group {
	return []Group{
		{Number: "1", Label: "Problèmes logiciels", Categories: []Category{{"1.1", "Retard de traitement"}, {"1.7", "Plateforme inaccessible"}}},
		{Number: "2", Label: "Problèmes matériels", Categories: []Category{{"2.1", "Borne éteinte"}, {"2.2", "Problème d'impression"}}},
		{Number: "3", Label: "Problèmes réseaux et IP", Categories: []Category{{"3.1", "Problème de connectivité"}}},
		{Number: "4", Label: "Qualité de service", Categories: []Category{{"4.3", "Demande d'informations"}}},
		{Number: "5", Label: "Services logiciels", Categories: []Category{{"5.4", "Création de compte"}}},
		{Number: "6", Label: "Services matériels", Categories: []Category{{"6.1", "Demande d'hébergement d'équipements physiques Data Center"}}},
		{Number: "7", Label: "Service Réseaux & IP", Categories: []Category{{"7.1", "Demande d'IP publique"}}},
		{Number: "8", Label: "Gestion d'accès physique", Categories: []Category{{"8.1", "Demande d'accès au Data Center"}}},
	}
}

func cases() []struct {
	name string
	ack  Ack
} {
	return []struct {
		name string
		ack  Ack
	}{
		{"with-category", Ack{
			CentreName: "Centre d'assistance", Name: "Awa Diop", Number: "2026-000042",
			Subject:  "Plateforme inaccessible depuis ce matin",
			Category: &Category{Code: "1.7", Label: "Plateforme inaccessible"},
		}},
		{"without-category", Ack{
			CentreName: "Centre d'assistance", Number: "2026-000043",
			Subject: "Question", Groups: groups(),
			Example: Category{Code: "1.7", Label: "Plateforme inaccessible"},
		}},
		{"with-link", Ack{
			CentreName: "Centre d'assistance", Name: "Élodie Müller", Number: "2026-000044",
			Subject:  "Imprimante & borne",
			Category: &Category{Code: "2.2", Label: "Problème d'impression"},
			TrackURL: "https://aide.example.org/suivi/2026-000044?jeton=abc123",
		}},
	}
}

func TestRenderAckGolden(t *testing.T) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			r, err := RenderAck(tc.ack)
			if err != nil {
				t.Fatalf("RenderAck: %v", err)
			}
			golden(t, "ack-"+tc.name+".txt.golden", r.Text)
			golden(t, "ack-"+tc.name+".html.golden", r.HTML)
		})
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./templates -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

var (
	tagRE = regexp.MustCompile(`<[^>]*>`)
	urlRE = regexp.MustCompile(`https?://\S+`)
)

// visible is what a reader sees of a rendered part: tags removed and
// entities decoded for HTML, URLs removed (their colons are not French
// punctuation).
func visible(s string, isHTML bool) string {
	if isHTML {
		s = html.UnescapeString(tagRE.ReplaceAllString(s, ""))
	}
	return urlRE.ReplaceAllString(s, "URL")
}

// checkTypography fails t for each « : ; ! ? » in v without a no-break
// space (U+00A0) before it, and each guillemet without one inside.
func checkTypography(t *testing.T, v []rune) {
	t.Helper()
	for i, c := range v {
		ctx := func() string { return string(v[max(0, i-20):min(len(v), i+10)]) }
		switch c {
		case ':', ';', '!', '?':
			if i == 0 || v[i-1] != '\u00a0' {
				t.Errorf("%q not preceded by a non-breaking space in %q", c, ctx())
			}
		case '«':
			if i+1 >= len(v) || v[i+1] != '\u00a0' {
				t.Errorf("« not followed by a non-breaking space in %q", ctx())
			}
		case '»':
			if v[i-1] != '\u00a0' {
				t.Errorf("» not preceded by a non-breaking space in %q", ctx())
			}
		}
	}
}

func TestFrenchTypography(t *testing.T) {
	for _, tc := range cases() {
		r, err := RenderAck(tc.ack)
		if err != nil {
			t.Fatalf("%s: RenderAck: %v", tc.name, err)
		}
		for _, part := range []struct {
			name   string
			text   string
			isHTML bool
		}{{"text", r.Text, false}, {"html", r.HTML, true}} {
			t.Run(tc.name+"/"+part.name, func(t *testing.T) {
				v := []rune(visible(part.text, part.isHTML))
				checkTypography(t, v)
				s := string(v)
				for _, bad := range []string{"<no value>", "{{", "}}", "%!", "~"} {
					if strings.Contains(s, bad) {
						t.Errorf("rendered part contains %q", bad)
					}
				}
				for _, want := range []string{"Bonjour", tc.ack.Number, "[Ticket#" + tc.ack.Number + "]", "Cordialement,", "vous répondra", tc.ack.CentreName} {
					if !strings.Contains(s, want) {
						t.Errorf("rendered part lacks %q", want)
					}
				}
				if tc.ack.Name != "" && !strings.Contains(s, "Bonjour "+tc.ack.Name+",") {
					t.Errorf("greeting does not name %q", tc.ack.Name)
				}
				if tc.ack.Category != nil {
					if !strings.Contains(s, tc.ack.Category.Code) || !strings.Contains(s, tc.ack.Category.Label) {
						t.Errorf("category %v not shown", *tc.ack.Category)
					}
				} else {
					for _, g := range tc.ack.Groups {
						for _, c := range g.Categories {
							if !strings.Contains(s, c.Code+"\u00a0: "+c.Label) {
								t.Errorf("catalogue entry %s %q not listed", c.Code, c.Label)
							}
						}
					}
					if !strings.Contains(s, "[1.7]") {
						t.Errorf("no example tag [1.7]")
					}
				}
				if tc.ack.TrackURL != "" && !strings.Contains(part.text, tc.ack.TrackURL) {
					t.Errorf("tracking link missing")
				}
				if tc.ack.TrackURL == "" && strings.Contains(s, "suivre") {
					t.Errorf("tracking sentence shown without a link")
				}
			})
		}
	}
}

func TestRenderAckEscapes(t *testing.T) {
	hostile := "<script>alert(1)</script>\r\nBcc: victime@example.org\n\nCordialement,"
	r, err := RenderAck(Ack{
		CentreName: "Centre d'assistance", Name: "Mallory <b>\r\nX-Evil: 1", Number: "2026-000001",
		Subject: hostile, Category: &Category{Code: "1.7", Label: "Plateforme inaccessible"},
		TrackURL: "javascript:alert(1)",
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "<script>") || strings.Contains(r.HTML, "<b>") {
		t.Errorf("HTML part lets markup through:\n%s", r.HTML)
	}
	if !strings.Contains(r.HTML, "&lt;script&gt;") {
		t.Errorf("HTML part does not show the escaped subject:\n%s", r.HTML)
	}
	if strings.Contains(r.HTML, `href="javascript:`) {
		t.Errorf("HTML part keeps a javascript: link")
	}
	for _, l := range strings.Split(r.Text, "\n") {
		if strings.HasPrefix(l, "Bcc:") || strings.HasPrefix(l, "X-Evil:") {
			t.Errorf("text part has an injected line %q", l)
		}
	}
	if strings.Contains(r.Text, "\r") {
		t.Errorf("text part contains CR")
	}
	if n := strings.Count(r.Text, "\nCordialement,\n"); n != 1 {
		t.Errorf("text part has %d sign-offs, want 1 (the subject's must stay on its line)", n)
	}
}

func TestRenderAckRefusesIncompleteData(t *testing.T) {
	for _, tc := range []struct {
		name string
		ack  Ack
	}{
		{"no number", Ack{CentreName: "C", Category: &Category{"1.7", "P"}}},
		{"no centre", Ack{Number: "2026-000001", Category: &Category{"1.7", "P"}}},
		{"no category and no catalogue", Ack{CentreName: "C", Number: "2026-000001"}},
		{"no category and no example", Ack{CentreName: "C", Number: "2026-000001", Groups: groups()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := RenderAck(tc.ack); err == nil {
				t.Errorf("RenderAck(%+v) = nil error, want one", tc.ack)
			}
		})
	}
}

func TestOneLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a\r\nb", "a b"},
		{"  a \t b  ", "a b"},
		{"a\u2028b\x00c", "a b c"},
		{"déjà\u00a0:", "déjà\u00a0:"},
		{"", ""},
	} {
		if got := OneLine(tc.in); got != tc.want {
			t.Errorf("OneLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
