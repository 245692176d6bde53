package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// chromium finds Debian's headless-capable browser; the test is skipped
// without it unless GUICHET_TEST_REQUIRE_BROWSER=1 (CI installs it).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("GUICHET_TEST_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium required (GUICHET_TEST_REQUIRE_BROWSER=1) but not found: apt-get install chromium")
	}
	t.Skip("chromium not installed (apt-get install chromium; GUICHET_TEST_REQUIRE_BROWSER=1 to fail instead)")
	return ""
}

func dumpDOM(t *testing.T, browser, url string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--disable-dev-shm-usage", "--user-data-dir="+t.TempDir(), "--dump-dom", url)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom %s: %v\n%s", url, err, stderr.String())
	}
	return string(out)
}

// TestBrowserOpensAcknowledgmentLink: a request comes in through the
// pipeline, its acknowledgment is queued, and a real browser opens the
// tracking link printed in that acknowledgment and shows the French history
// (never the note); a tampered link shows the 404 page.
func TestBrowserOpensAcknowledgmentLink(t *testing.T) {
	browser := chromium(t)
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			e := newEnv(t, be.Open(t), nil)
			number, _, link, _ := trackingFixture(t, e)
			if !strings.HasPrefix(link, e.srv.URL+"/suivi/"+number+"?jeton=") {
				t.Fatalf("acknowledgment link %q does not point at this server's tracking page", link)
			}
			dom := html.UnescapeString(dumpDOM(t, browser, link))
			for _, want := range []string{
				`lang="fr"`, "Demande n° " + number, "Historique", "Statut", "réponse envoyée",
				"la plateforme affiche une erreur 502.", "Nous avons relancé le service, merci de réessayer.",
				"Accusé de réception",
			} {
				if !strings.Contains(dom, want) {
					t.Errorf("the browser's page lacks %q", want)
				}
			}
			if strings.Contains(dom, "NOTE INTERNE") {
				t.Error("the browser shows the internal note")
			}
			bad := dumpDOM(t, browser, strings.Replace(link, "jeton=", "jeton=A", 1))
			if !strings.Contains(bad, "Page introuvable") || strings.Contains(bad, number) {
				t.Error("a tampered link does not show the 404 page")
			}
		})
	}
}
