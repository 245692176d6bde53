package templates

import (
	"strings"
	"testing"
	"time"
)

func TestRenderLinkGolden(t *testing.T) {
	r, err := RenderLink(Link{
		CentreName: "Centre d'assistance", Address: "awa.diop@example.org",
		URL:     "https://aide.example.org/mes-demandes/jeton-abc",
		Expires: LongDateZone(time.Date(2026, 11, 27, 8, 14, 0, 0, time.UTC), zone(t, "Europe/Paris")),
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "mes-demandes.txt.golden", r.Text)
	golden(t, "mes-demandes.html.golden", r.HTML)
	checkTypography(t, []rune(visible(r.Text, false)))
	checkTypography(t, []rune(visible(r.HTML, true)))
}

func TestRenderLinkHostile(t *testing.T) {
	r, err := RenderLink(Link{
		CentreName: "Centre\r\nBcc: x", Address: "a@example.org",
		URL: `https://aide.example.org/mes-demandes/"><script>`, Expires: "demain",
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.Text, "\r") || strings.Contains(r.Text, "Centre\n") {
		t.Errorf("text part breaks a line on the centre's name:\n%s", r.Text)
	}
	if strings.Contains(r.HTML, "<script>") {
		t.Errorf("HTML part does not escape the link:\n%s", r.HTML)
	}
	if _, err := RenderLink(Link{CentreName: "Centre"}); err == nil {
		t.Errorf("RenderLink without an address or a link: no error")
	}
}
