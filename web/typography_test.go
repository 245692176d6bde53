package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestFrenchTypography: the French of every page and mail template puts a
// no-break space (U+00A0) before « : ; ! ? » and inside « guillemets », so
// that a line never starts with a colon or a lone guillemet.
func TestFrenchTypography(t *testing.T) {
	bad := []*regexp.Regexp{
		regexp.MustCompile(`\S ([:;!?])(\s|<|$)`), // a plain space before high punctuation
		regexp.MustCompile(`« `),                  // a plain space inside guillemets
		regexp.MustCompile(` »`),
		regexp.MustCompile(`[^\s\x{00a0}][:;!?](\s|$)`), // no space at all ("Statut: …")
	}
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
			text := tags.ReplaceAllString(line, " ")
			for _, re := range bad {
				if m := re.FindString(text); m != "" {
					t.Errorf("%s:%d: %q in %q", path, n+1, m, strings.TrimSpace(text))
				}
			}
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

// tags removes markup and template actions, which are not French text.
var tags = regexp.MustCompile(`<[^>]*>|\{\{[^}]*\}\}`)
