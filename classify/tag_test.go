package classify

import "testing"

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
	})
}
