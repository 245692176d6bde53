package ticketref

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestFormat(t *testing.T) {
	if got, want := Format("2026-000042"), "[Ticket#2026-000042]"; got != want {
		t.Errorf("Format(2026-000042) = %q, want %q", got, want)
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name, subject, want string
		ok                  bool
	}{
		{"canonical", "[Ticket#2026-000042] Plateforme inaccessible", "2026-000042", true},
		{"lower case", "ticket#2026-000042", "2026-000042", true},
		{"upper case", "[TICKET#2026-000042] x", "2026-000042", true},
		{"spaces around hash", "Ticket # 2026-000042 suite", "2026-000042", true},
		{"no-break spaces", "Ticket\u00a0#\u00a02026-000042", "2026-000042", true},
		{"folded header", "Ticket#\r\n 2026-000042", "2026-000042", true},
		{"space inside brackets", "[ Ticket#2026-000042 ] x", "2026-000042", true},
		{"RE:", "RE: [Ticket#2026-000042] x", "2026-000042", true},
		{"RE : French spacing", "RE : [Ticket#2026-000042] x", "2026-000042", true},
		{"chain of prefixes", "TR : RE: Fwd: FW: AW: WG: RV: Antwort: [Ticket#2026-000042] x", "2026-000042", true},
		{"Réf :", "Réf : [Ticket#2026-000042] x", "2026-000042", true},
		{"Réf. :", "Réf. : [Ticket#2026-000042] x", "2026-000042", true},
		{"counter", "RE[2]: [Ticket#2026-000042] x", "2026-000042", true},
		{"tag at the end", "vacation response RE: Callback [Ticket#2026-000042]", "2026-000042", true},
		{"seven digits", "[Ticket#2027-1000000] x", "2027-1000000", true},
		{"first of two", "[Ticket#2026-000001] RE: [Ticket#2026-000002]", "2026-000001", true},
		{"followed by punctuation", "Ticket#2026-000042: suite", "2026-000042", true},
		// Foreign references must not match (docs/threading.md, "Tickets"; corpus 012, 032, 020).
		{"foreign short number", "Ticket #345 Impossible to reassign", "", false},
		{"foreign OTRS tag", "AW: Ticket Templates [Ticket#11168]", "", false},
		{"foreign OTRS long", "Angebot [Ticket#113588]", "", false},
		{"foreign R- ref", "RE : R-000183", "", false},
		{"JIRA", "[JIRA] (SYS-422) Panne", "", false},
		{"n°", "Dossier n°1020480", "", false},
		{"five-digit sequence", "[Ticket#2026-00042]", "", false},
		{"three-digit year", "[Ticket#026-000042]", "", false},
		{"glued to a word", "MyTicket#2026-000042", "", false},
		{"followed by letters", "Ticket#2026-000042abc", "", false},
		{"no hash", "Ticket 2026-000042", "", false},
		{"empty", "", "", false},
		{"invalid UTF-8", "\xff\xfeTicket#2026-000042", "2026-000042", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Find(tt.subject)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Find(%q) = %q, %v, want %q, %v", tt.subject, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		number string
		want   bool
	}{
		{"2026-000042", true},
		{"2026-1234567", true},
		{"2026-00042", false},
		{"2026_000042", false},
		{"20a6-000042", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Valid(tt.number); got != tt.want {
			t.Errorf("Valid(%q) = %v, want %v", tt.number, got, tt.want)
		}
	}
}

func TestSubject(t *testing.T) {
	tests := []struct {
		name, number, subject, want string
	}{
		{"adds the tag", "2026-000042", "Plateforme inaccessible", "[Ticket#2026-000042] Plateforme inaccessible"},
		{"keeps a present tag", "2026-000042", "RE: [Ticket#2026-000042] Plateforme", "RE: [Ticket#2026-000042] Plateforme"},
		{"keeps a lower-case tag", "2026-000042", "ticket # 2026-000042 x", "ticket # 2026-000042 x"},
		{"other ticket's tag", "2026-000042", "[Ticket#2026-000001] x", "[Ticket#2026-000042] [Ticket#2026-000001] x"},
		{"empty subject", "2026-000042", "  ", "[Ticket#2026-000042]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Subject(tt.number, tt.subject); got != tt.want {
				t.Errorf("Subject(%q, %q) = %q, want %q", tt.number, tt.subject, got, tt.want)
			}
		})
	}
}

func TestClean(t *testing.T) {
	tests := []struct {
		name, subject, want string
	}{
		{"plain", "Plateforme inaccessible", "Plateforme inaccessible"},
		{"our ack", "RE: [Ticket#2026-000042] Accusé de réception : Borne éteinte", "Accusé de réception : Borne éteinte"},
		{"French prefixes", "TR : RE : Réf. : Demande d'informations", "Demande d'informations"},
		{"German and counters", "AW: WG: Antwort: RE[2]: Re(3): Anfrage", "Anfrage"},
		{"prefix after tag", "[Ticket#2026-000042] RE: Imprimante", "Imprimante"},
		{"tag at the end", "Re: Imprimante [ticket # 2026-000042]", "Imprimante"},
		{"tag in the middle", "Imprimante Ticket#2026-000042 en panne", "Imprimante en panne"},
		{"whitespace", "  RE:\tImprimante   en  panne ", "Imprimante en panne"},
		{"not a prefix", "Relance : dossier", "Relance : dossier"},
		{"word starting like a prefix", "Retard de traitement", "Retard de traitement"},
		{"foreign tag kept", "AW: Ticket Templates [Ticket#11168]", "Ticket Templates [Ticket#11168]"},
		{"R- ref kept", "RE : R-000183", "R-000183"},
		{"colon only", "RE:", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.subject); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.subject, got, tt.want)
			}
		})
	}
}

func TestTrimPrefixesIsSuffix(t *testing.T) {
	for _, s := range []string{"RE : TR: [Ticket#2026-000042] RE: 1.7 : x", "x", "", "Fwd:"} {
		got := TrimPrefixes(s)
		if !strings.HasSuffix(s, got) {
			t.Errorf("TrimPrefixes(%q) = %q, not a suffix", s, got)
		}
	}
}

// TestCorpusSubjects runs Find over the Subject lines of the real-world corpus:
// none of them carries one of our tags (they predate Guichet), so every match
// would be a foreign reference taken for ours.
func TestCorpusSubjects(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "real")
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) == 0 {
		t.Skip("corpus not present")
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(raw), "\n") {
			if !strings.HasPrefix(strings.ToLower(line), "subject:") {
				continue
			}
			if n, ok := Find(line); ok {
				t.Errorf("%s: Find(%q) = %q, want no match", filepath.Base(f), line, n)
			}
		}
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"[Ticket#2026-000042] x", "RE : ticket # 2026-1234567", "Ticket #345", "[Ticket#11168]",
		"RE[2]: Réf. : x", "\xffTicket#2026-000042", "Ticket#2026-000042abc",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, subject string) {
		n, ok := Find(subject)
		if ok {
			if !Valid(n) {
				t.Fatalf("Find(%q) = %q, not a valid number", subject, n)
			}
			if got, ok2 := Find(Format(n)); !ok2 || got != n {
				t.Fatalf("Find(Format(%q)) = %q, %v", n, got, ok2)
			}
			if got, _ := Find(Subject(n, subject)); got != n {
				t.Fatalf("Find(Subject(%q, %q)) = %q", n, subject, got)
			}
		}
		c := Clean(subject)
		if _, ok := Find(c); ok {
			t.Fatalf("Clean(%q) = %q still carries a tag", subject, c)
		}
		if utf8.ValidString(subject) && !utf8.ValidString(c) {
			t.Fatalf("Clean(%q) = %q, invalid UTF-8", subject, c)
		}
		if !strings.HasSuffix(subject, TrimPrefixes(subject)) {
			t.Fatalf("TrimPrefixes(%q) not a suffix", subject)
		}
		const n0 = "2026-000042"
		if got, _ := Find(Subject(n0, subject)); got != n0 {
			t.Fatalf("Find(Subject(%q, %q)) = %q", n0, subject, got)
		}
	})
}

// TestLinear feeds megabyte subjects built to make a quadratic scan take
// minutes; the package must handle each in milliseconds.
func TestLinear(t *testing.T) {
	tests := []struct{ name, subject string }{
		{"many prefixes", strings.Repeat("RE: ", 250_000) + "x"},
		{"many tags", strings.Repeat("[Ticket#2026-000042] ", 50_000)},
		{"nested tags", strings.Repeat("Ticket#", 50_000) + "[Ticket#2026-000001]" + strings.Repeat("2026-000042 ", 50_000)},
		{"near misses", strings.Repeat("ticket # 2026-00004 ", 50_000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			Find(tt.subject)
			c := Clean(tt.subject)
			TrimPrefixes(tt.subject)
			Subject("2026-000042", tt.subject)
			if _, ok := Find(c); ok {
				t.Errorf("Clean left a tag")
			}
			// Generous bound (shared 2-core machine): quadratic work on
			// these inputs takes minutes.
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

func TestCleanNested(t *testing.T) {
	tests := []struct{ subject, want string }{
		{"Ticket#[Ticket#2026-000001]2026-000042 x", "x"},
		{"Ticket#Ticket#[Ticket#2026-000001]2026-000042 2026-000043 y", "y"},
		{"Ticket#Ticket#Ticket#[Ticket#2026-000001]2026-000042 2026-000043 2026-000044 z", "Ticket#Ticket 2026-000043 2026-000044 z"},
	}
	for _, tt := range tests {
		got := Clean(tt.subject)
		if got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.subject, got, tt.want)
		}
		if _, ok := Find(got); ok {
			t.Errorf("Clean(%q) = %q still carries a tag", tt.subject, got)
		}
	}
}

func BenchmarkFind(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Find("RE : TR: Fwd: [Ticket#2026-000042] Accusé de réception : Plateforme inaccessible"); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkClean(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Clean("RE : TR: Fwd: [Ticket#2026-000042] Accusé de réception : Plateforme inaccessible")
	}
}
