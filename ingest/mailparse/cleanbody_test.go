package mailparse

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"
)

// cleanBodyRunes is cleanBody as it was, rune by rune: the reference the
// faster one must match byte for byte.
func cleanBodyRunes(s string) (string, bool) {
	s, repaired := repairUTF8(s)
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == '\r' {
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
				continue
			}
			b.WriteByte('\n')
			i++
			continue
		}
		if (r != '\n' && r != '\t' && isControl(r)) || r == 0x2028 || r == 0x2029 {
			i += n
			continue
		}
		b.WriteString(s[i : i+n])
		i += n
	}
	return b.String(), repaired
}

func TestCleanBody(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Bonjour,\r\nmerci.\r\n", "Bonjour,\nmerci.\n"},
		{"a\rb\r", "a\nb\n"},
		{"\r\r\n", "\n\n"},
		{"tab\tok\x00\x07 fin", "tab\tok fin"},
		{"l’écran « noir »\u2028suite\ufeff", "l’écran « noir »suite"},
		{"C1\u0085\u009f\u00a0", "C1\u00a0"},
		{"", ""},
		{"\r", "\n"},
	} {
		got, _ := cleanBody(tt.in)
		if got != tt.want {
			t.Errorf("cleanBody(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if ref, _ := cleanBodyRunes(tt.in); ref != got {
			t.Errorf("cleanBody(%q) = %q, the rune-by-rune reference gives %q", tt.in, got, ref)
		}
	}
}

// TestCleanBodySameAsRunes compares cleanBody with the rune-by-rune
// reference on random bodies made of what cleanBody treats specially.
func TestCleanBodySameAsRunes(t *testing.T) {
	pieces := []string{"a", "é", "’", "\r", "\n", "\r\n", "\t", "\x00", "\x1b", "\x7f", "\u0085",
		"\u2028", "\u2029", "\ufeff", "\ufffd", "\xff", "\xc2", "\xe2\x80", "«", " ", "Bonjour"}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for k := rng.Intn(30); k > 0; k-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		compareCleanBody(t, b.String())
	}
}

func compareCleanBody(t *testing.T, in string) {
	t.Helper()
	got, gotRep := cleanBody(in)
	want, wantRep := cleanBodyRunes(in)
	if got != want || gotRep != wantRep {
		t.Fatalf("cleanBody(%q) = %q, %v; the rune-by-rune reference gives %q, %v", in, got, gotRep, want, wantRep)
	}
}

func FuzzCleanBody(f *testing.F) {
	f.Add("Bonjour,\r\nmerci\r\n")
	f.Add("\u2028\x00\r\ufeff\xff")
	f.Fuzz(func(t *testing.T, in string) { compareCleanBody(t, in) })
}
