package classify

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func defaultCatalogue(t testing.TB) *Catalogue {
	t.Helper()
	c, err := Default()
	if err != nil {
		t.Fatalf("Default() error: %v", err)
	}
	return c
}

// TestEmbeddedIsCentreText checks the embedded copy against the shared
// original, byte for byte (skipped outside the shared workspace).
func TestEmbeddedIsCentreText(t *testing.T) {
	orig, err := os.ReadFile("../../shared/centre-assistance.txt")
	if err != nil {
		t.Skipf("shared catalogue not present: %v", err)
	}
	if string(orig) != centreText {
		t.Fatal("classify/centre-assistance.txt differs from ../shared/centre-assistance.txt")
	}
}

// TestCatalogueWordForWord rebuilds the file's lines from the parsed
// catalogue and compares them with the embedded text, line by line: every
// group, code, label and description exactly as written, in order.
func TestCatalogueWordForWord(t *testing.T) {
	c := defaultCatalogue(t)
	var got []string
	got = append(got, strings.Split(c.Intro(), "\n")...)
	for _, g := range c.Groups() {
		got = append(got, itoa(g.Number)+"- "+g.Label)
		for _, cat := range g.Categories {
			got = append(got, cat.Code+" : "+cat.Label, cat.Description)
		}
	}
	want := strings.Split(strings.TrimRight(centreText, "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("rebuilt %d lines, file has %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i+1, got[i], want[i])
		}
	}
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + itoa(n%10)
}

func TestCatalogueShape(t *testing.T) {
	c := defaultCatalogue(t)
	groups := c.Groups()
	wantGroups := []struct {
		number int
		label  string
		codes  string
	}{
		{1, "Problèmes logiciels", "1.1 1.2 1.3 1.4 1.5 1.6 1.7 1.8 1.9 1.10"},
		{2, "Problèmes matériels", "2.1 2.2"},
		{3, "Problèmes réseaux et IP", "3.1 3.2 3.3 3.4 3.5"},
		{4, "Qualité de service", "4.1 4.2 4.3 4.4"},
		{5, "Services logiciels", "5.1 5.2 5.3 5.4 5.5 5.6 5.7"},
		{6, "Services matériels", "6.1 6.2"},
		{7, "Service Réseaux & IP", "7.1 7.2 7.3 7.4"},
		{8, "Gestion d'accès physique", "8.1 8.2"},
	}
	if len(groups) != len(wantGroups) {
		t.Fatalf("Groups() has %d groups, want %d", len(groups), len(wantGroups))
	}
	for i, w := range wantGroups {
		g := groups[i]
		var codes []string
		for _, cat := range g.Categories {
			codes = append(codes, cat.Code)
			if cat.Group != w.number || cat.GroupLabel != w.label {
				t.Errorf("%s: Group, GroupLabel = %d, %q, want %d, %q", cat.Code, cat.Group, cat.GroupLabel, w.number, w.label)
			}
		}
		if g.Number != w.number || g.Label != w.label || strings.Join(codes, " ") != w.codes {
			t.Errorf("group %d = %d %q [%s], want %d %q [%s]", i, g.Number, g.Label, strings.Join(codes, " "), w.number, w.label, w.codes)
		}
	}
	if !strings.HasPrefix(c.Intro(), "Bienvenue dans le centre d'assistance\n") || !strings.HasSuffix(c.Intro(), "leurs explications :") {
		t.Errorf("Intro() = %q", c.Intro())
	}
}

func TestLookup(t *testing.T) {
	c := defaultCatalogue(t)
	tests := []struct {
		code, label string
		ok          bool
	}{
		{"1.1", "Retard de traitement", true},
		{"4.1", "Retard de traitement", true},
		{"1.8", "Problème de sécurité", true},
		{"3.5", "Problème de sécurité", true},
		{"1.10", "Problème de notification", true},
		{"6.1", "Demande d'hébergement d'équipements physiques Data Center", true},
		{"7.3", "Interconnexion site à site", true},
		{"1.11", "", false},
		{"9.1", "", false},
		{"1", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		cat, ok := c.Lookup(tt.code)
		if ok != tt.ok || cat.Label != tt.label {
			t.Errorf("Lookup(%q) = %q, %v, want %q, %v", tt.code, cat.Label, ok, tt.label, tt.ok)
		}
	}
	d, _ := c.Lookup("1.10")
	if want := "Sélectionnez cette option pour signaler des problèmes liés à la réception ou à l'absence de notifications (emails, alertes, etc.)."; d.Description != want {
		t.Errorf("Lookup(1.10).Description = %q, want %q", d.Description, want)
	}
}

func TestGroupsIsACopy(t *testing.T) {
	c := defaultCatalogue(t)
	g := c.Groups()
	g[0].Categories[0].Label = "changed"
	if cat, _ := c.Lookup("1.1"); cat.Label != "Retard de traitement" {
		t.Errorf("Groups() exposes the catalogue: label now %q", cat.Label)
	}
	if c.Groups()[0].Categories[0].Label != "Retard de traitement" {
		t.Error("Groups() exposes the catalogue's slices")
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, text string
		wantErr    bool
		codes      int
	}{
		{"CRLF and BOM", "\uFEFFIntro\r\n1- Groupe\r\n1.1 : Un\r\nDesc un\r\n1.2 : Deux\r\nDesc deux\r\n", false, 2},
		{"blank lines", "1- Groupe\n\n1.1 : Un\n\nDesc\n", false, 1},
		{"no description", "1- Groupe\n1.1 : Un\n1.2 : Deux\nDesc\n", true, 0},
		{"last without description", "1- Groupe\n1.1 : Un\n", true, 0},
		{"category before group", "1.1 : Un\nDesc\n", true, 0},
		{"wrong group", "1- Groupe\n2.1 : Un\nDesc\n", true, 0},
		{"duplicate code", "1- G\n1.1 : Un\nD\n1.1 : Deux\nD\n", true, 0},
		{"empty group", "1- G\n2- H\n2.1 : Un\nD\n", true, 0},
		{"groups out of order", "2- G\n2.1 : Un\nD\n1- H\n1.1 : Un\nD\n", true, 0},
		{"empty", "", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.text)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse error = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil {
				if !errors.Is(err, ErrCatalogue) {
					t.Errorf("error %v does not wrap ErrCatalogue", err)
				}
				return
			}
			if got := len(c.Categories()); got != tt.codes {
				t.Errorf("%d categories, want %d", got, tt.codes)
			}
		})
	}
}
