package classify

import (
	"bufio"
	"bytes"
	"math"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClassifyInference(t *testing.T) {
	c := defaultCatalogue(t)
	tests := []struct {
		name, subject, body, want string
	}{
		{"password in subject", "Mot de passe oublié", "", "1.5"},
		{"password in body", "Problème", "Je n'arrive plus à me connecter, mon mot de passe est refusé.", "1.5"},
		{"login impossible, no accents", "CONNEXION IMPOSSIBLE", "", "1.5"},
		{"identifiant", "Identifiant perdu", "", "1.5"},
		{"printer", "Imprimante en panne", "", "2.2"},
		{"printer at a kiosk", "Bonjour", "L'imprimante de la borne 3 ne fonctionne plus. Merci", "2.2"},
		{"kiosk off", "Borne hors service", "La borne de la mairie est éteinte depuis ce matin.", "2.1"},
		{"payment", "Paiement refusé", "La transaction a échoué mais mon compte a été débité.", "1.2"},
		{"bordereau", "Erreur", "Le montant indiqué sur le bordereau est faux.", "1.4"},
		{"upload", "Problème d'upload", "Impossible de téléverser mon fichier PDF, il est refusé.", "1.6"},
		{"platform down", "Plateforme inaccessible depuis ce matin", "", "1.7"},
		{"site not answering", "Urgent", "Le site ne répond plus depuis 8 h, personne ne peut travailler, c'est inaccessible.", "1.7"},
		{"phishing", "Tentative d'hameçonnage", "J'ai reçu un courriel suspect qui imite votre site.", "1.8"},
		{"file not received", "Dossier non reçu", "", "1.9"},
		{"notifications plural", "Notifications non reçues", "Je ne reçois plus les notifications par email.", "1.10"},
		{"network", "Problème réseau", "Plus de connexion VPN, le ping ne passe pas.", "3.1"},
		{"slowness", "RE: Probleme lenteur", "", "3.2"},
		{"configuration", "parametrage du ticket de caisse", "", "3.3"},
		{"information", "Demandes d'informations", "", "4.3"},
		{"renseignement", "Renseignement", "Je souhaiterais un renseignement sur vos services.", "4.3"},
		{"urgent only", "URGENT", "Merci de traiter en urgence.", "4.4"},
		{"VM", "Demande de VM", "Nous avons besoin de deux machines virtuelles.", "5.1"},
		{"PaaS", "Offre PaaS", "", "5.2"},
		{"SaaS", "Abonnement SaaS", "", "5.3"},
		{"create account", "Créer un compte", "", "5.4"},
		{"delete account", "Supprimer mon compte", "Merci de supprimer mon compte définitivement.", "5.7"},
		{"hosting in data center", "Demande d'hébergement", "Nous souhaitons héberger deux serveurs dans votre data center.", "6.1"},
		{"data center access", "Accès au data center", "Merci de m'accorder un accès au datacenter lundi.", "8.1"},
		{"NOC access", "Accès au NOC", "", "8.2"},
		{"public IP", "Adresse IP publique", "", "7.1"},
		{"domain name", "Nom de domaine", "Nous voulons créer le nom de domaine exemple.sn.", "7.2"},
		{"e-Gouv", "Raccordement e-Gouv", "Nous souhaitons raccorder notre ministère au réseau e-Gouv.", "7.4"},
		{"decomposed accents", "Te\u0301le\u0301verser impossible", "", "1.6"},
		{"typographic apostrophe", "Demande d’informations", "", "4.3"},
		// Unsure: no category.
		{"greeting only", "Bonjour", "", ""},
		{"empty", "", "", ""},
		{"duplicate label 1.1/4.1", "Retard de traitement", "", ""},
		{"duplicate label 1.8/3.5", "Problème de sécurité", "", ""},
		{"English newsletter", "New Webinar: So, You Have A Disaster... Now What?",
			"Join us for this webinar about performance and security. You will learn how to configure your notification settings. Unsubscribe here.", ""},
		{"unrelated French", "Persil, abeilles ...", "Bonjour à tous, voici le compte rendu de la réunion du jardin partagé.", ""},
		{"account alone", "Mon compte", "", ""},
		{"weak word only", "Question", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := c.Classify(tt.subject, tt.body)
			if r.Code != tt.want {
				t.Fatalf("Classify(%q, %q) = %+v, want code %q", tt.subject, tt.body, r, tt.want)
			}
			switch {
			case r.Code == "" && r.Source != "":
				t.Errorf("empty code with source %q", r.Source)
			case r.Code != "" && (r.Source != SourceInferred || r.Confidence < MinConfidence || r.Confidence > 1):
				t.Errorf("Classify = %+v, want source inferred and confidence in [%v, 1]", r, MinConfidence)
			}
			if math.IsNaN(r.Confidence) || r.Confidence < 0 || r.Confidence > 1 {
				t.Errorf("confidence %v out of [0,1]", r.Confidence)
			}
		})
	}
}

func TestClassifyTagWins(t *testing.T) {
	c := defaultCatalogue(t)
	r := c.Classify("[2.2] Mot de passe oublié", "mot de passe, identifiant, authentification")
	if r.Code != "2.2" || r.Source != SourceTag || r.Confidence != 1 {
		t.Errorf("Classify = %+v, want 2.2 from the tag with confidence 1", r)
	}
	// A tag naming no category is ignored and inference takes over.
	r = c.Classify("[9.9] Mot de passe oublié", "")
	if r.Code != "1.5" || r.Source != SourceInferred {
		t.Errorf("Classify with unknown tag = %+v, want 1.5 inferred", r)
	}
}

// TestConfidenceOrdering: more evidence for the same category must not lower
// the confidence, and evidence for a rival must lower it.
func TestConfidenceOrdering(t *testing.T) {
	c := defaultCatalogue(t)
	weak := c.Classify("Bonjour", "Mon imprimante ne marche pas.")
	strong := c.Classify("Imprimante", "Mon imprimante ne marche pas, l'impression est bloquée, bourrage papier.")
	rival := c.Classify("Imprimante", "Mon imprimante ne marche pas et mon mot de passe est refusé.")
	if !(strong.Confidence > weak.Confidence) {
		t.Errorf("confidence strong %v <= weak %v", strong.Confidence, weak.Confidence)
	}
	if !(rival.Confidence < c.Classify("Imprimante", "Mon imprimante ne marche pas.").Confidence) {
		t.Errorf("a rival category did not lower confidence: %+v", rival)
	}
}

// TestCategoriesFindThemselves: each label, written as a subject, must give
// its own code, or nothing when another category has the same label.
func TestCategoriesFindThemselves(t *testing.T) {
	c := defaultCatalogue(t)
	labels := map[string]int{}
	for _, cat := range c.Categories() {
		labels[cat.Label]++
	}
	for _, cat := range c.Categories() {
		r := c.Classify(cat.Label, "")
		want := cat.Code
		if labels[cat.Label] > 1 {
			want = ""
		}
		if r.Code != want {
			t.Errorf("Classify(%q) = %+v, want %q", cat.Label, r, want)
		}
	}
}

func TestClassifyOtherCatalogue(t *testing.T) {
	c, err := Parse("1- Matériel\n1.1 : Scanner en panne\nLe scanner ne marche plus.\n1.2 : Clavier cassé\nTouches.\n")
	if err != nil {
		t.Fatal(err)
	}
	if r := c.Classify("Mon scanner est en panne", ""); r.Code != "1.1" {
		t.Errorf("Classify with a custom catalogue = %+v, want 1.1 from its label", r)
	}
	if r := c.Classify("Imprimante", ""); r.Code != "" {
		t.Errorf("Classify(Imprimante) = %+v: synonyms of codes this catalogue lacks must not apply", r)
	}
}

// TestCorpus runs the real-world corpus through Classify: no panic, only
// existing codes, and the French requests whose subject names a category
// get it.
func TestCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "corpus", "real")
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) == 0 {
		t.Skip("corpus not present")
	}
	c := defaultCatalogue(t)
	want := map[string]string{
		"014-fr-outlook-demandes-informations.eml": "4.3",
		"016-fr-outlook-ticket-de-caisse.eml":      "3.3",
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		subject, body := splitMessage(raw)
		r := c.Classify(subject, body)
		if r.Code != "" {
			if _, ok := c.Lookup(r.Code); !ok {
				t.Errorf("%s: Classify = %+v, not a catalogue code", filepath.Base(f), r)
			}
		}
		if w, ok := want[filepath.Base(f)]; ok && r.Code != w {
			t.Errorf("%s: Classify(%q) = %+v, want %s", filepath.Base(f), subject, r, w)
		}
		t.Logf("%s: %q → %q %s", filepath.Base(f), subject, r.Code, r.Reason)
	}
}

// splitMessage returns the decoded Subject and the raw body, enough for
// inference (MIME decoding is the ingest package's job).
func splitMessage(raw []byte) (string, string) {
	m, err := mail.ReadMessage(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return "", string(raw)
	}
	subject := m.Header.Get("Subject")
	if d, err := new(mimeWordDecoder).DecodeHeader(subject); err == nil {
		subject = d
	}
	var body strings.Builder
	buf := make([]byte, 64<<10)
	n, _ := m.Body.Read(buf)
	body.Write(buf[:n])
	return subject, body.String()
}

func FuzzClassify(f *testing.F) {
	c, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("Mot de passe oublié", "Bonjour, je n'arrive plus à me connecter.")
	f.Add("[1.7]", "")
	f.Add("Imprimante", "\xffimprim\u00e9e\u0301 borne")
	f.Add("Your notification", "the and you")
	f.Fuzz(func(t *testing.T, subject, body string) {
		r := c.Classify(subject, body)
		if math.IsNaN(r.Confidence) || r.Confidence < 0 || r.Confidence > 1 {
			t.Fatalf("Classify(%q, %q) confidence %v out of [0,1]", subject, body, r.Confidence)
		}
		switch r.Source {
		case "":
			if r.Code != "" {
				t.Fatalf("Classify = %+v: code without source", r)
			}
		case SourceTag, SourceInferred:
			if _, ok := c.Lookup(r.Code); !ok {
				t.Fatalf("Classify(%q, %q) = %+v: not a catalogue code", subject, body, r)
			}
		default:
			t.Fatalf("Classify = %+v: unknown source", r)
		}
		if again := c.Classify(subject, body); again != r {
			t.Fatalf("Classify not deterministic: %+v then %+v", r, again)
		}
	})
}

// TestConcurrent: a Catalogue is shared by every SMTP session.
func TestConcurrent(t *testing.T) {
	c := defaultCatalogue(t)
	want := c.Classify("Imprimante", "L'impression ne marche plus.")
	done := make(chan Result)
	for range 8 {
		go func() {
			var r Result
			for range 200 {
				r = c.Classify("Imprimante", "L'impression ne marche plus.")
				c.Classify("Mot de passe", strings.Repeat("identifiant ", 100))
			}
			done <- r
		}()
	}
	for range 8 {
		if got := <-done; got != want {
			t.Errorf("concurrent Classify = %+v, want %+v", got, want)
		}
	}
}
