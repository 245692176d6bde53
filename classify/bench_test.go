package classify

import (
	"strings"
	"testing"
)

// body5K is a French request of about 5 KB: a few lines of request, then the
// kind of quoted history and signature that make bodies long.
func body5K() string {
	var b strings.Builder
	b.WriteString("Bonjour,\n\nDepuis ce matin, l'imprimante de la borne du guichet 3 n'imprime plus les reçus ;\n" +
		"le papier se bloque et un message d'erreur s'affiche. Pourriez-vous envoyer un technicien ?\n\n" +
		"Cordialement,\nAwa Diop\nService état civil — Mairie de Thiès\n\n")
	for b.Len() < 5000 {
		b.WriteString("> Le 25 nov. 2026 à 17:02, Centre d'assistance a écrit :\n> Nous avons bien reçu votre demande " +
			"et la traitons dans les meilleurs délais. Merci de votre patience et de votre confiance.\n")
	}
	return b.String()
}

func BenchmarkClassify5K(b *testing.B) {
	c, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	body := body5K()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if r := c.Classify("Demande d'intervention", body); r.Code != "2.2" {
			b.Fatalf("Classify = %+v, want 2.2", r)
		}
	}
}

func BenchmarkTag(b *testing.B) {
	c, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.Tag("RE : TR : [Ticket#2026-000042] Accusé de réception : [1.7] Plateforme inaccessible"); !ok {
			b.Fatal("no tag")
		}
	}
}

func BenchmarkDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}
