package templates

import (
	"strings"
	"testing"
	"unicode"
)

// oneLineReference is OneLine as it was, rune by rune and copying always:
// the fast path must give the same string.
func oneLineReference(s string) string {
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
		if got, want := OneLine(s), oneLineReference(s); got != want {
			t.Errorf("OneLine(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzOneLine(f *testing.F) {
	for _, s := range oneLineSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := OneLine(s), oneLineReference(s); got != want {
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
