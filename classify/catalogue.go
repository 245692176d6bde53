package classify

import (
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

//go:embed centre-assistance.txt
var centreText string

// ErrCatalogue is wrapped by Parse when the text is not a catalogue.
var ErrCatalogue = errors.New("classify: malformed catalogue")

// Category is one entry of the catalogue: "1.7", "Plateforme inaccessible".
type Category struct {
	Code        string // "1.7"
	Label       string // "Plateforme inaccessible"
	Description string // when to choose it, as the centre wrote it
	Group       int    // 1
	GroupLabel  string // "Problèmes logiciels"
}

// Group is one numbered heading of the catalogue ("1- Problèmes logiciels").
type Group struct {
	Number     int
	Label      string
	Categories []Category
}

// Catalogue is a parsed catalogue with its keyword index. It is immutable.
type Catalogue struct {
	intro  string
	groups []Group
	cats   []Category     // every category, in file order
	byCode map[string]int // code → index in cats
	infer  *inferrer
}

// Default returns the centre's catalogue, parsed from the embedded text.
func Default() (*Catalogue, error) {
	return Parse(centreText)
}

// Parse reads a catalogue in the centre's format:
//
//	intro lines…
//	1- Group label
//	1.1 : Category label
//	Description line
//	…
//
// Lines may end in LF or CRLF; blank lines are ignored.
func Parse(text string) (*Catalogue, error) {
	text = strings.TrimPrefix(text, "\uFEFF")
	c := &Catalogue{byCode: make(map[string]int)}
	var intro []string
	var pending *Category // a category line waiting for its description
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		lineNo := i + 1
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" {
			continue
		}
		if pending != nil {
			if _, _, ok := parseCategoryLine(line); ok {
				return nil, fmt.Errorf("%w: line %d: category %s has no description", ErrCatalogue, lineNo-1, pending.Code)
			}
			pending.Description = line
			c.add(*pending)
			pending = nil
			continue
		}
		if n, label, ok := parseGroupLine(line); ok {
			if len(c.groups) > 0 && n <= c.groups[len(c.groups)-1].Number {
				return nil, fmt.Errorf("%w: line %d: group %d out of order", ErrCatalogue, lineNo, n)
			}
			c.groups = append(c.groups, Group{Number: n, Label: label})
			continue
		}
		if code, label, ok := parseCategoryLine(line); ok {
			if len(c.groups) == 0 {
				return nil, fmt.Errorf("%w: line %d: category %s before any group", ErrCatalogue, lineNo, code)
			}
			g := &c.groups[len(c.groups)-1]
			if groupOf(code) != g.Number {
				return nil, fmt.Errorf("%w: line %d: category %s under group %d", ErrCatalogue, lineNo, code, g.Number)
			}
			if _, dup := c.byCode[code]; dup {
				return nil, fmt.Errorf("%w: line %d: category %s appears twice", ErrCatalogue, lineNo, code)
			}
			pending = &Category{Code: code, Label: label, Group: g.Number, GroupLabel: g.Label}
			continue
		}
		if len(c.groups) > 0 {
			return nil, fmt.Errorf("%w: line %d: neither a group, a category nor a description: %q", ErrCatalogue, lineNo, line)
		}
		intro = append(intro, line)
	}
	if pending != nil {
		return nil, fmt.Errorf("%w: category %s has no description", ErrCatalogue, pending.Code)
	}
	if len(c.cats) == 0 {
		return nil, fmt.Errorf("%w: no category", ErrCatalogue)
	}
	for _, g := range c.groups {
		if len(g.Categories) == 0 {
			return nil, fmt.Errorf("%w: group %d has no category", ErrCatalogue, g.Number)
		}
	}
	c.intro = strings.Join(intro, "\n")
	c.infer = newInferrer(c.cats)
	return c, nil
}

func (c *Catalogue) add(cat Category) {
	c.byCode[cat.Code] = len(c.cats)
	c.cats = append(c.cats, cat)
	g := &c.groups[len(c.groups)-1]
	g.Categories = append(g.Categories, cat)
}

// Groups returns the groups in catalogue order, each with its categories.
// The result is a copy: changing it does not change the catalogue.
func (c *Catalogue) Groups() []Group {
	out := make([]Group, len(c.groups))
	for i, g := range c.groups {
		g.Categories = append([]Category(nil), g.Categories...)
		out[i] = g
	}
	return out
}

// Categories returns every category in catalogue order (a copy).
func (c *Catalogue) Categories() []Category {
	return append([]Category(nil), c.cats...)
}

// Lookup returns the category with code ("1.7"), and whether it exists.
func (c *Catalogue) Lookup(code string) (Category, bool) {
	i, ok := c.byCode[code]
	if !ok {
		return Category{}, false
	}
	return c.cats[i], true
}

// Intro returns the text before the first group (the centre's welcome
// paragraph), lines joined with "\n".
func (c *Catalogue) Intro() string { return c.intro }

// parseGroupLine reads "1- Problèmes logiciels".
func parseGroupLine(line string) (int, string, bool) {
	num, rest, ok := strings.Cut(line, "-")
	if !ok || !allDigits(num) || len(num) > 3 || !strings.HasPrefix(rest, " ") {
		return 0, "", false
	}
	label := strings.TrimSpace(rest)
	if label == "" {
		return 0, "", false
	}
	n, _ := strconv.Atoi(num)
	return n, label, true
}

// parseCategoryLine reads "1.10 : Problème de notification".
func parseCategoryLine(line string) (code, label string, ok bool) {
	code, label, ok = strings.Cut(line, " : ")
	if !ok {
		return "", "", false
	}
	g, m, ok := strings.Cut(code, ".")
	if !ok || !allDigits(g) || !allDigits(m) || len(g) > 3 || len(m) > 3 {
		return "", "", false
	}
	label = strings.TrimSpace(label)
	return code, label, label != ""
}

func groupOf(code string) int {
	g, _, _ := strings.Cut(code, ".")
	n, _ := strconv.Atoi(g)
	return n
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
