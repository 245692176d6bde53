package classify

import (
	"strings"
	"testing"
	"unicode/utf8"

	"guichet/ticketref"
)

func TestTag(t *testing.T) {
	c := defaultCatalogue(t)
	tests := []struct {
		name, subject, want string // want "" for no tag
	}{
		{"brackets", "[1.7] Plateforme inaccessible", "1.7"},
		{"brackets dash", "[1-7] Plateforme inaccessible", "1.7"},
		{"parentheses", "(2.2) Impression", "2.2"},
		{"parentheses dash", "Impression (2-2)", "2.2"},
		{"spaces inside", "[ 1.7 ] Plateforme", "1.7"},
		{"no-break spaces inside", "[\u00a01.7\u00a0] Plateforme", "1.7"},
		{"anywhere", "Plateforme inaccessible [1.7]", "1.7"},
		{"two-digit minor", "[1.10] Notifications", "1.10"},
		{"1.10 is not 1.1", "1.10 : Notifications", "1.10"},
		{"start colon", "1.7 : Plateforme inaccessible", "1.7"},
		{"start colon glued", "1.7: Plateforme", "1.7"},
		{"start no-break space colon", "1.7\u00a0: Plateforme", "1.7"},
		{"start dash", "1.7 - Plateforme", "1.7"},
		{"start en dash", "1.7 – Plateforme", "1.7"},
		{"start after RE:", "RE: 1.7 : Plateforme", "1.7"},
		{"start after RE : TR :", "RE : TR : 2.1 - Borne", "2.1"},
		{"start after our ticket tag", "RE: [Ticket#2026-000042] 2.2 : Impression", "2.2"},
		{"bracket after our ticket tag", "RE: [Ticket#2026-000042] Accusé de réception : [2.2] Impression", "2.2"},
		{"first existing wins", "[9.9] [2.2] [1.7]", "2.2"},
		{"first of two existing", "[3.1] réseau [1.7]", "3.1"},
		{"start before bracket", "1.5 : mot de passe [2.2]", "1.5"},
		{"bracket before start form after prefix", "[2.2] RE: 1.5 : x", "2.2"},
		{"unknown skipped for start", "[9.9] RE x", ""},
		{"nonexistent code", "[1.11] Plateforme", ""},
		{"nonexistent group", "[9.1] x", ""},
		// Not tags.
		{"ticket tag", "[Ticket#2026-000042] Plateforme", ""},
		{"version in brackets", "[2.2.1] Notes de version", ""},
		{"version start", "2.2.1 : Notes de version", ""},
		{"v prefix", "[v2.2] Mise à jour", ""},
		{"version in a word", "Logiciel v2.2 en panne", ""},
		{"bare number mid-subject", "Problème 2.2 sur la borne", ""},
		{"start without colon", "1.7 Plateforme", ""},
		{"start version dash", "1.7-beta : installation", ""},
		{"start glued letters", "1.7km : trajet", ""},
		{"date in brackets", "[2026-11] Rapport", ""},
		{"date at start", "2026-11 : Rapport", ""},
		{"dash form not at start", "1-7 : Plateforme", ""},
		{"unclosed", "[1.7 Plateforme", ""},
		{"mismatched", "[1.7) Plateforme", ""},
		{"decimal comma", "[1,7] x", ""},
		{"spam score", "[SPAM] (19.9) Your Winning Notification!!!", ""},
		{"patch", "Re: [RFC PATCH 1/2] can: dummy_can", ""},
		{"empty", "", ""},
		{"only bracket", "[", ""},
		{"invalid UTF-8", "\xff[1.7\xff]", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cat, ok := c.Tag(tt.subject)
			if ok != (tt.want != "") || cat.Code != tt.want {
				t.Errorf("Tag(%q) = %q, %v, want %q", tt.subject, cat.Code, ok, tt.want)
			}
		})
	}
}

func FuzzTag(f *testing.F) {
	c, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"[1.7] x", "(2-2)", "[ 1.10 ]", "RE : TR: 1.7 : x", "[Ticket#2026-000042] 2.2 - y",
		"[2.2.1]", "1.7-beta", "\xff[1.7", "1.7\u00a0: x", "1.7 –",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, subject string) {
		cat, ok := c.Tag(subject)
		if !ok {
			if cat != (Category{}) {
				t.Fatalf("Tag(%q) = %+v, false: want the zero Category", subject, cat)
			}
			return
		}
		if got, exists := c.Lookup(cat.Code); !exists || got != cat {
			t.Fatalf("Tag(%q) = %+v, not a catalogue entry", subject, cat)
		}
		r := c.Classify(subject, "")
		if r.Code != cat.Code || r.Source != SourceTag {
			t.Fatalf("Classify(%q) = %+v, want the tag %s", subject, r, cat.Code)
		}
		// The tag found is taken out of the subject as a new ticket gets it
		// (prefixes removed): it is shorter, trimmed, and still UTF-8 when
		// it was.
		base := ticketref.TrimPrefixes(subject)
		stripped := StripTag(base, cat.Code)
		if len(stripped) >= len(strings.TrimSpace(base)) || stripped != strings.TrimSpace(stripped) ||
			(utf8.ValidString(subject) && !utf8.ValidString(stripped)) {
			t.Fatalf("StripTag(%q, %q) = %q", subject, cat.Code, stripped)
		}
	})
}

func TestStripTag(t *testing.T) {
	tests := []struct {
		name, subject, code, want string
	}{
		{"brackets first", "[1.7] Imprimante en panne", "1.7", "Imprimante en panne"},
		{"brackets inside", "Imprimante [1.7] en panne", "1.7", "Imprimante en panne"},
		{"parentheses with a dash last", "Imprimante en panne (1-7)", "1.7", "Imprimante en panne"},
		{"spaces inside", "[ 1.7 ] Panne", "1.7", "Panne"},
		{"no-break spaces inside", "[\u00a01.7\u00a0] Panne", "1.7", "Panne"},
		{"start colon", "1.7 : Panne", "1.7", "Panne"},
		{"start glued colon", "1.7: Panne", "1.7", "Panne"},
		{"start no-break space colon (Outlook)", "1.7\u00a0: Panne", "1.7", "Panne"},
		{"start narrow no-break space colon", "1.7\u202f: Panne", "1.7", "Panne"},
		{"start fullwidth colon", "1.7：Panne", "1.7", "Panne"},
		{"start dash", "1.7 - Panne", "1.7", "Panne"},
		{"start en dash", "1.7 – Panne", "1.7", "Panne"},
		{"start after blanks", "  1.7 :  Panne  ", "1.7", "Panne"},
		{"start before a bracket", "1.5 : mot de passe [2.2]", "1.5", "mot de passe [2.2]"},
		{"start before the same code in brackets", "1.7 : voir aussi [1.7]", "1.7", "voir aussi [1.7]"},
		{"start en dash and narrow no-break space", "1.7 –\u202fPanne", "1.7", "Panne"},
		{"bracket before a start form", "[2.2] RE: 1.5 : x", "2.2", "RE: 1.5 : x"},
		{"only the first", "[1.7] et [1.7] bis", "1.7", "et [1.7] bis"},
		{"only the code's", "[1.1] et [1.7] panne", "1.7", "[1.1] et panne"},
		{"1.10 is not 1.1", "[1.10] Notifications", "1.1", "[1.10] Notifications"},
		{"two-digit minor", "[1.10] Notifications", "1.10", "Notifications"},
		{"tag alone", "[1.7]", "1.7", ""},
		{"bracket before a comma", "Panne [1.7], urgent", "1.7", "Panne, urgent"},
		{"bracket before a full stop", "Panne du serveur (1.7).", "1.7", "Panne du serveur."},
		{"bracket before a colon", "Panne [1.7] : urgent", "1.7", "Panne : urgent"},
		{"bracket then a dash", "[1.7] - Imprimante en panne", "1.7", "Imprimante en panne"},
		{"bracket then an en dash", "[1.7] – Imprimante", "1.7", "Imprimante"},
		{"bracket then a colon", "[1.7]\u00a0: Imprimante", "1.7", "Imprimante"},
		{"bracket then a glued colon", "[1.7]: Imprimante", "1.7", "Imprimante"},
		{"dash then a bracket", "Imprimante en panne - [1.7]", "1.7", "Imprimante en panne"},
		{"colon then a bracket", "Imprimante en panne : [1.7]", "1.7", "Imprimante en panne"},
		{"glued words get a space", "Panne[1.7]serveur", "1.7", "Panne serveur"},
		{"a glued dash is not a separator", "[1.7] -5 °C en salle", "1.7", "-5 °C en salle"},
		{"a glued trailing dash stays", "Salle B- [1.7]", "1.7", "Salle B-"},
		{"a word that starts with a full stop", "Fichier [1.7] .pst corrompu", "1.7", "Fichier .pst corrompu"},
		{"a name that starts with a full stop", "Migration [1.7] .NET Framework", "1.7", "Migration .NET Framework"},
		{"after an opening parenthesis", "Panne ([1.7] imprimante)", "1.7", "Panne (imprimante)"},
		{"after an opening quote", "Demande \"[1.7] accès VPN\"", "1.7", "Demande \"accès VPN\""},
		{"before a closing parenthesis", "Panne (imprimante [1.7])", "1.7", "Panne (imprimante)"},
		{"French quotes keep their space", "Demande « [1.7] accès VPN »", "1.7", "Demande « accès VPN »"},
		{"between two dashes", "Nagios - [2.3] - Disque plein", "2.3", "Nagios - Disque plein"},
		{"between two colons", "Alerte : [2.3] : disque plein", "2.3", "Alerte : disque plein"},
		{"after a closing quote", "Erreur \"Access denied\" [1.7] sur SAP", "1.7", "Erreur \"Access denied\" sur SAP"},
		{"after a closing single quote", "Erreur 'Access denied' [1.7] sur SAP", "1.7", "Erreur 'Access denied' sur SAP"},
		{"a port after a dash and a tag", "Nagios - [2.3] :443 injoignable", "2.3", "Nagios - :443 injoignable"},
		{"an address after a tag", "[2.3] ::1 ne répond plus", "2.3", "::1 ne répond plus"},
		{"bracket then a colon glued to both", "[1.7]:Imprimante", "1.7", "Imprimante"},
		{"a drive's colon before a trailing tag", "Disque C: [2.3]", "2.3", "Disque C:"},
		{"a drive's colon before a tag and a dash", "Disque C: [2.3] - plein", "2.3", "Disque C: - plein"},
		// Left as they are: not tags, or not this code's.
		{"start form later", "Panne 1.7 : écran", "1.7", "Panne 1.7 : écran"},
		{"version at start", "1.7-beta : installation", "1.7", "1.7-beta : installation"},
		{"longer version", "2.2.1 : notes", "2.2", "2.2.1 : notes"},
		{"version in brackets", "[2.2.1] notes", "2.2", "[2.2.1] notes"},
		{"date at start", "2026-11 : panne", "2026.11", "2026-11 : panne"},
		{"no tag", "  Imprimante en panne ", "1.7", "Imprimante en panne"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := StripTag(tc.subject, tc.code); got != tc.want {
				t.Errorf("StripTag(%q, %q) = %q, want %q", tc.subject, tc.code, got, tc.want)
			}
		})
	}
}

// TestStripTagRemovesWhatTagFound: whatever tag Tag reads in a subject
// (its start form after no prefix), StripTag with that code removes one,
// so that the ticket's subject never keeps the tag that chose its
// category when it was the subject's only one.
func TestStripTagRemovesWhatTagFound(t *testing.T) {
	c := defaultCatalogue(t)
	for _, subject := range []string{
		"[1.7] x", "x (1-7)", "[\u00a01.7 ] x", "1.7 : x", "1.7\u00a0: x", "1.7\u202f: x",
		"1.7 – x", "1.7 — x", "1.7 - x", "1.7:x", "1.7：x", "x [2.2]", "(3.1) x",
		"1.7 –\u202fx", "1.7 -\u00a0x",
	} {
		cat, ok := c.Tag(subject)
		if !ok {
			t.Errorf("Tag(%q) found no tag", subject)
			continue
		}
		if got := StripTag(subject, cat.Code); got != "x" {
			t.Errorf("StripTag(%q, %q) = %q, want %q", subject, cat.Code, got, "x")
		}
	}
}
