package templates

import (
	"strings"
	"testing"
)

// The mail of the scheduled workflow jobs: the closing notice, the
// resolution notice that announces it, the agents' digest.
func workflowMailCases() map[string]func() (string, error) {
	return map[string]func() (string, error){
		"closed": func() (string, error) {
			return RenderClosing(Closing{CentreName: "Centre d'assistance", Name: "Awa Diop", Number: "2026-000042",
				Subject: "Portail en panne", After: "7 jours", ReopenDays: 30})
		},
		"resolved-closing": func() (string, error) {
			return RenderResolution(Resolution{CentreName: "Centre d'assistance", Name: "Awa Diop", Number: "2026-000042",
				Subject: "Portail en panne", CloseAfter: "7 jours", ReopenDays: 30})
		},
		"digest": func() (string, error) {
			return RenderDigest(Digest{CentreName: "Centre d'assistance", Name: "Moussa Fall", Day: "lundi 7 décembre 2026", Zone: "heure de Paris",
				Mine: []DigestLine{
					{Number: "2026-000042", Priority: "urgente", Subject: "Plateforme inaccessible", Due: "lundi 7 décembre 2026 à 9\u00a0h\u00a000",
						DueWhat: "première réponse", Late: true, Address: "support+2026-000042.a.x1@example.org"},
					{Number: "2026-000040", Priority: "normale", Subject: "Imprimante\r\nX-Injected v@x", Address: "support+2026-000040.a.x2@example.org"},
				},
				Teams: []DigestLine{{Number: "2026-000043", Priority: "haute", Subject: "Wi-Fi du bâtiment B", Team: "reseau", Due: "mardi 8 décembre 2026 à 17\u00a0h\u00a030",
					DueWhat: "résolution", Address: "support+2026-000043.a.x3@example.org"}},
			})
		},
	}
}

func TestWorkflowMailGolden(t *testing.T) {
	for name, render := range workflowMailCases() {
		t.Run(name, func(t *testing.T) {
			text, err := render()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name+".txt.golden", text)
			checkTypography(t, []rune(visible(text, false)))
			for _, bad := range []string{"<no value>", "{{", "%!", "\r", "\nX-Injected"} {
				if strings.Contains(text, bad) {
					t.Errorf("rendered text contains %q", bad)
				}
			}
		})
	}
}

func TestRenderDigestRefusesEmpty(t *testing.T) {
	if _, err := RenderDigest(Digest{CentreName: "C"}); err == nil {
		t.Error("RenderDigest of no ticket: want an error (an empty digest is not sent)")
	}
}
