package classify

// keyword groups: phrases that point to a category, with a weight. Phrases go
// through the same folding as the text (accents, case, function words and
// plural "s" dropped), so "Mot de passe", "mots de passe" and "mot-de-passe"
// are one phrase. Weights: 3 for words that name the category on their own
// ("imprimante", "mot de passe"), 2 for strong hints, 1 for words that only
// lean one way. The labels of the catalogue itself are added at construction
// (see newInferrer); these are the synonyms people actually write.
//
// Codes absent from a parsed catalogue are skipped, so Parse works on other
// catalogues too (with only their labels as keywords).
type keywords struct {
	code    string
	weight  float64
	phrases []string
}

var synonyms = []keywords{
	// 1 — Problèmes logiciels
	{"1.2", 3, []string{"paiement", "payer", "carte bancaire", "prélèvement", "montant incorrect",
		"somme incorrecte", "débité", "débitée", "orange money", "mobile money", "wave", "remboursement", "reçu de paiement"}},
	{"1.2", 2, []string{"transaction"}},
	{"1.2", 1, []string{"facture", "règlement", "payé"}},
	{"1.3", 3, []string{"interface", "bouton", "affichage", "page blanche", "bug d'affichage"}},
	{"1.3", 1, []string{"menu", "bug", "bogue", "écran"}},
	{"1.4", 3, []string{"bordereau", "bordereaux"}},
	{"1.5", 3, []string{"mot de passe", "mdp", "connexion impossible", "impossible de me connecter",
		"impossible de se connecter", "identifiant", "authentification", "authentifier", "compte bloqué",
		"code otp", "otp", "réinitialiser", "réinitialisation"}},
	{"1.5", 2, []string{"me connecter", "se connecter", "connecter", "login", "password"}},
	{"1.6", 3, []string{"téléverser", "téléversement", "upload", "uploader", "télécharger un fichier",
		"télécharger le fichier", "pièce jointe refusée", "fichier refusé", "fichier trop volumineux",
		"charger un fichier", "envoi de fichier", "joindre un fichier", "joindre le fichier"}},
	{"1.6", 2, []string{"télécharger", "téléchargement"}},
	{"1.6", 1, []string{"fichier", "pièce jointe", "chargement", "pdf"}},
	{"1.7", 3, []string{"inaccessible", "site ne répond plus", "plateforme ne répond plus", "indisponible",
		"plateforme hors service", "site hors service", "erreur 502", "erreur 503", "erreur 504",
		"site en panne", "plateforme en panne", "impossible d'accéder au site", "impossible d'accéder à la plateforme"}},
	{"1.7", 2, []string{"ne répond plus", "ne s'affiche plus", "accéder au site", "accéder à la plateforme"}},
	{"1.7", 1, []string{"hors service", "panne", "site", "plateforme"}},
	{"1.8", 3, []string{"piratage", "piraté", "piratée", "pirate", "phishing", "hameçonnage", "faille",
		"vulnérabilité", "malware", "rançongiciel", "ransomware", "virus", "usurpation", "frauduleux",
		"frauduleuse", "compte compromis", "tentative de piratage"}},
	{"1.8", 1, []string{"fraude", "suspect", "suspecte"}},
	{"1.9", 3, []string{"dossier non reçu", "pas reçu mon dossier", "pas reçu le dossier", "dossier introuvable",
		"dossier perdu", "non réception de dossier", "dossier jamais reçu"}},
	{"1.9", 1, []string{"dossier"}},
	{"1.10", 3, []string{"notification", "notifications non reçues", "notification non reçue",
		"courriel non reçu", "email non reçu", "mail non reçu", "sms non reçu", "pas reçu de mail",
		"pas reçu d'email", "pas reçu de courriel", "pas reçu de sms", "aucune notification",
		"ne reçois pas les notifications", "alerte non reçue"}},
	{"1.10", 1, []string{"alerte", "sms"}},

	// 2 — Problèmes matériels
	{"2.1", 3, []string{"borne éteinte", "borne hors service", "borne en panne", "borne ne s'allume plus",
		"borne bloquée", "borne ne fonctionne plus", "kiosque"}},
	{"2.1", 2, []string{"ne s'allume plus", "éteinte", "écran noir"}},
	{"2.1", 1, []string{"borne"}},
	{"2.2", 3, []string{"imprimante", "impression", "imprimer", "imprime", "imprimé", "imprimée", "bourrage",
		"toner", "cartouche", "encre"}},
	{"2.2", 1, []string{"papier"}},

	// 3 — Problèmes réseaux et IP
	{"3.1", 3, []string{"réseau", "connectivité", "vpn", "ping", "connexion internet", "internet",
		"wifi", "wi-fi", "perte de paquets", "pas de connexion", "connexion réseau", "coupure réseau"}},
	{"3.1", 1, []string{"connexion", "câble", "routeur", "switch"}},
	{"3.2", 3, []string{"lenteur", "lent", "lente", "lentement", "ralentissement", "ralenti", "temps de réponse",
		"latence", "très long à charger", "charge lentement"}},
	{"3.2", 1, []string{"rame", "performance"}},
	{"3.3", 3, []string{"paramétrage", "paramétrer", "configurer", "configuration"}},
	{"3.3", 1, []string{"paramètre", "réglage"}},
	{"3.4", 3, []string{"dysfonctionnement", "interruption de service", "service interrompu", "coupure de service"}},
	{"3.4", 1, []string{"interruption", "coupure"}},
	{"3.5", 3, []string{"accès non autorisé", "fuite de données", "données compromises", "confidentialité des données"}},

	// 4 — Qualité de service
	{"4.2", 3, []string{"mal traité", "mal traitée", "traitement incorrect", "traitée de manière incorrecte",
		"erreur de traitement", "erreur dans le traitement"}},
	{"4.3", 3, []string{"demande d'information", "demande d'informations", "renseignement", "renseignements",
		"demande de renseignement", "besoin d'informations", "clarification", "précisions"}},
	{"4.3", 1, []string{"information", "question", "savoir"}},
	{"4.4", 2, []string{"urgent", "urgente", "urgence", "urgemment", "au plus vite", "asap", "prioritaire",
		"en urgence", "très urgent"}},

	// 5 — Services logiciels
	{"5.1", 3, []string{"iaas", "machine virtuelle", "machines virtuelles", "vm", "vps", "serveur virtuel",
		"infrastructure en tant que service"}},
	{"5.2", 3, []string{"paas", "plateforme en tant que service"}},
	{"5.3", 3, []string{"saas", "logiciel en tant que service"}},
	{"5.4", 3, []string{"créer un compte", "création de compte", "création d'un compte", "nouveau compte",
		"ouverture de compte", "ouvrir un compte", "créer mon compte", "inscription"}},
	{"5.5", 3, []string{"modifier mon compte", "modification de compte", "modification de mon compte",
		"modifier le compte", "changer mon adresse", "changement d'adresse", "changer mon numéro"}},
	{"5.6", 3, []string{"mise à jour de compte", "mise à jour de mon compte", "mettre à jour mon compte",
		"mettre à jour le compte", "actualiser mon compte"}},
	{"5.6", 1, []string{"mise à jour", "mettre à jour"}},
	{"5.7", 3, []string{"supprimer mon compte", "suppression de compte", "suppression de mon compte",
		"supprimer le compte", "fermer mon compte", "fermeture de compte", "désactiver mon compte",
		"clôturer mon compte", "désinscription"}},
	{"5.4", 1, []string{"compte"}}, {"5.5", 1, []string{"compte"}}, {"5.6", 1, []string{"compte"}},
	{"5.7", 1, []string{"compte"}}, {"1.5", 1, []string{"compte"}},

	// 6 — Services matériels; 8 — Gestion d'accès physique. "data center"
	// and "NOC" point to both groups; hosting words or access words settle it
	// (the catalogue's own examples: "hébergement … data center" → 6.1, "accès au NOC" → 8.2).
	{"6.1", 3, []string{"data center", "datacenter", "data centre", "centre de données"}},
	{"8.1", 3, []string{"data center", "datacenter", "data centre", "centre de données"}},
	{"6.2", 3, []string{"noc", "network operations center"}},
	{"8.2", 3, []string{"noc", "network operations center"}},
	{"6.1", 1, []string{"hébergement", "héberger", "hébergé", "colocation", "baie", "équipements physiques", "rack"}},
	{"6.2", 1, []string{"hébergement", "héberger", "hébergé", "colocation", "baie", "équipements physiques", "rack"}},
	{"8.1", 3, []string{"accès au data center", "accès au datacenter", "accès au centre de données",
		"accéder au data center", "accéder au datacenter", "visite du data center"}},
	{"8.2", 3, []string{"accès au noc", "accéder au noc", "visite du noc"}},
	{"8.1", 1, []string{"badge", "visite", "accès physique"}},
	{"8.2", 1, []string{"badge", "visite", "accès physique"}},

	// 7 — Service Réseaux & IP
	{"7.1", 3, []string{"adresse ip publique", "ip publique", "adresses ip publiques", "ip fixe"}},
	{"7.1", 1, []string{"adresse ip"}},
	{"7.2", 3, []string{"nom de domaine", "noms de domaine", "sous-domaine", "dns"}},
	{"7.2", 1, []string{"domaine"}},
	{"7.3", 3, []string{"interconnexion", "interconnecter", "site à site", "relier nos sites", "liaison inter-sites", "mpls"}},
	{"7.4", 3, []string{"e-gouv", "egouv", "e gouv"}},
	{"7.4", 2, []string{"raccordement", "raccorder"}},
}

// genericLabelWords are dropped from catalogue labels before they become
// keywords: they are in many labels and say nothing about which one.
var genericLabelWords = map[string]bool{
	"probleme": true, "demande": true, "service": true,
}

// labelWordStop are label words too common in mail to lean anywhere alone
// ("Non remis :" in a French bounce is not about 1.9, "depuis deux jours"
// not about 5.6).
var labelWordStop = map[string]bool{
	"non": true, "mise": true, "jour": true, "site": true, "nouveau": true, "nom": true,
}
