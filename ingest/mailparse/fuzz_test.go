package mailparse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzParse(f *testing.F) {
	for _, name := range []string{"bench-fr.eml", "html-only.eml", "outlook-fr-cp1252.eml", "attachments.eml"} {
		if raw, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(raw)
		}
	}
	f.Add(nestedBomb(60))
	f.Add(wideBomb(20))
	f.Add([]byte("From: =?utf-8?Q?a=0D=0Ab?= <x@y.z>\r\nSubject: =?iso-8859-1?q?=92?=\r\n\r\nbody"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m := Parse(raw, Limits{MaxDepth: 10, MaxParts: 100})
		assertClean(t, m)
		for _, s := range []string{m.Subject, m.From.Name, m.From.Addr} {
			if strings.ContainsAny(s, "\r\n") {
				t.Fatalf("CR/LF in %q", s)
			}
		}
	})
}

func FuzzStripReply(f *testing.F) {
	f.Add("Merci.\n\nDe : Support\nEnvoyé : lundi\nÀ : Awa\nObjet : test\n")
	f.Add("ok\nLe 3 nov. 2025 à 10:12, X a\nécrit :\n> a\nb\n> c")
	f.Add("-- \nsig")
	f.Fuzz(func(t *testing.T, s string) {
		out := StripReply(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("StripReply(%q) = %q, invalid UTF-8", s, out)
		}
		if len(out) > len(s) {
			t.Fatalf("StripReply(%q) = %q, longer than its input", s, out)
		}
	})
}
