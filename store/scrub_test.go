package store

import "testing"

func TestScrubber(t *testing.T) {
	ps := pseudonym([]byte("k"), "awa.diop@example.org")
	s := newScrubber("awa.diop@example.org", []string{"Awa Diop", "Al", "Awa"}, ps)
	tests := []struct{ in, want string }{
		{"Cc: \"Awa Diop\" <AWA.DIOP+x@Example.ORG>", "Cc: \"" + ps[:len(ps)-8] + "\" <" + ps + ">"},
		{"écrire à awa.diop@example.org.", "écrire à " + ps + "."},
		{"xawa.diop@example.org reste", "xawa.diop@example.org reste"},
		{"awa.diop@example.org.fr reste", "awa.diop@example.org.fr reste"},
		{"Kawa et Awa", "Kawa et " + ps[:len(ps)-8]},
		{"Al reste", "Al reste"},
	}
	for _, tt := range tests {
		if got, _ := s.String(tt.in); got != tt.want {
			t.Errorf("String(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if pseudonym([]byte("k"), "awa.diop@example.org") != ps || !isPseudonym(ps) {
		t.Errorf("pseudonym %q not stable or not recognised", ps)
	}
	if got, changed := s.String(ps); changed {
		t.Errorf("a pseudonym is rewritten again: %q", got)
	}
}
