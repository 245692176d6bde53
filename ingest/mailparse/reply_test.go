package mailparse

import (
	"os"
	"path/filepath"
	"testing"
)

func TestStripReply(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no quote", "Bonjour,\n\nMon écran reste noir.\n\nMerci", "Bonjour,\n\nMon écran reste noir.\n\nMerci"},
		{"owa no-break spaces", "Vu.\n\n*De\u00a0:* Support\n*Envoyé\u00a0:* lundi\n*À\u00a0:* Awa\n*Objet\u00a0:* test\n\nBonjour", "Vu."},
		{"quote then sign-off", "Avez-vous avancé ?\n\n> Voici les informations :\n> matricule 40512.\n>> Votre demande\n\nAminata", "Avez-vous avancé ?\n\nAminata"},
		{"inline reply after quote kept", "Bonjour,\n\n> Avez-vous redémarré ?\n\nOui, deux fois ce matin, sans aucun changement visible.\n", "Bonjour,\n\n> Avez-vous redémarré ?\n\nOui, deux fois ce matin, sans aucun changement visible."},
		{"outlook fr block", "Merci, c'est réglé.\n\nDe : Support <support@example.org>\nEnvoyé : lundi 3 novembre 2025 10:12\nÀ : Awa Diop\nObjet : RE: [Ticket#2026-000042] Imprimante\n\nBonjour,", "Merci, c'est réglé."},
		{"outlook fr with underscores and date d'envoi", "Toujours en panne.\n\n________________________________\nDe : Support\nDate d'envoi : lundi 3 novembre 2025 10:12\nÀ : Awa\nObjet : Imprimante", "Toujours en panne."},
		{"outlook fr bold from html", "Vu.\n\n*De :* Support\n*Envoyé :* lundi\n*À :* Awa\n*Objet :* test", "Vu."},
		{"message d'origine", "Voici le document.\n\n-----Message d'origine-----\nDe : Jean\nEnvoyé : mardi\nÀ : Awa\nObjet : doc\n\ntexte", "Voici le document."},
		{"original message", "See below.\n-----Original Message-----\nFrom: Jean\nSent: Tuesday\nTo: Awa\nSubject: doc", "See below."},
		{"outlook en block", "Thanks!\n\nFrom: Support <support@example.org>\nSent: Monday, November 3, 2025 10:12 AM\nTo: Awa Diop\nSubject: RE: printer", "Thanks!"},
		{"outlook one line from html", "Thanks!\nFrom: Support Sent: Monday To: Awa Subject: printer\nold text", "Thanks!"},
		{"thunderbird fr", "Oui, merci.\n\nLe 03/11/2025 à 10:12, Support a écrit :\n> Bonjour,\n> avez-vous redémarré ?", "Oui, merci."},
		{"gmail fr", "C'est bon.\n\nLe lun. 3 nov. 2025 à 10:12, Support <support@example.org> a écrit :\n\n> Bonjour", "C'est bon."},
		{"gmail fr wrapped", "C'est bon.\n\nLe lun. 3 nov. 2025 à 10:12, Support Informatique <support@example.org> a\nécrit :\n\n> Bonjour", "C'est bon."},
		{"gmail en", "Works now.\n\nOn Mon, Nov 3, 2025 at 10:12 AM Support <support@example.org> wrote:\n> Hello", "Works now."},
		{"gmail en wrapped", "Works now.\n\nOn Mon, Nov 3, 2025 at 10:12 AM Support Team <support@example.org>\nwrote:\n> Hello", "Works now."},
		{"attribution after a tab, unquoted history", "Works now.\n\nOn\tMon, Nov 3, 2025 at 10:12 AM Support wrote:\nHello, have you restarted?", "Works now."},
		{"german", "Danke.\n\nAm 03.11.2025 um 10:12 schrieb Support <support@example.org>:\n> Hallo", "Danke."},
		{"attribution without quotes (html converted)", "Parfait.\n\nLe 3 nov. 2025 à 10:12, Support a écrit :\nBonjour, voici la réponse.", "Parfait."},
		{"trailing quotes only", "D'accord.\n\n> ancienne ligne\n> autre ligne\n", "D'accord."},
		{"gmail numeric lead-in", "bon\n\n2016-06-08 14:03 GMT+02:00 <itop@example.org>:\n\n> The ticket has been updated", "bon"},
		{"inline replies kept", "Bonjour,\n\nLe 03/11/2025 à 10:12, Support a écrit :\n> Avez-vous redémarré ?\nOui, deux fois.\n> Le voyant est-il vert ?\nNon, orange.\n> Merci\n> Support", "Bonjour,\n\nLe 03/11/2025 à 10:12, Support a écrit :\n> Avez-vous redémarré ?\nOui, deux fois.\n> Le voyant est-il vert ?\nNon, orange."},
		{"bottom posting", "On 04/02/2012 06:26 PM, Megan wrote:\n> Hi\n\nHello", "Hello"},
		{"signature dash dash space", "Merci.\n\n-- \nAwa Diop\nService RH", "Merci."},
		{"signature dash dash", "Merci.\n--\nAwa Diop", "Merci."},
		{"iphone fr", "Ok pour demain.\n\nEnvoyé de mon iPhone\n\nLe 3 nov. 2025 à 10:12, Support a écrit :\n> Bonjour", "Ok pour demain."},
		{"iphone en", "Sure.\n\nSent from my iPhone", "Sure."},
		{"pure forward keeps everything", "-----Original Message-----\nFrom: Jean\nSent: Tuesday\nTo: Awa\nSubject: doc\n\nLe texte transféré.", "-----Original Message-----\nFrom: Jean\nSent: Tuesday\nTo: Awa\nSubject: doc\n\nLe texte transféré."},
		{"forward with comment", "Pouvez-vous traiter ceci ?\n\n---------- Forwarded message ---------\nFrom: Jean <j@example.org>\nDate: Mon, Nov 3\nSubject: doc", "Pouvez-vous traiter ceci ?"},
		{"apple forward fr", "Pour info.\n\nDébut du message réexpédié :\n\nDe: Jean", "Pour info."},
		{"crlf and trailing blanks", "Ligne 1\r\nLigne 2\r\n\r\n\r\n", "Ligne 1\nLigne 2"},
		{"sentence with le and a écrit kept", "Le technicien a écrit un rapport.\nMerci", "Le technicien a écrit un rapport.\nMerci"},
		{"de in a sentence kept", "De : nous, rien de plus.\nMerci", "De : nous, rien de plus.\nMerci"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StripReply(tt.in); got != tt.want {
				t.Errorf("StripReply(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

// TestCorpusReplies checks the reply text of the real-world replies whose
// expected text is known (MANIFEST.tsv notes).
func TestCorpusReplies(t *testing.T) {
	tests := []struct{ file, want string }{
		{"024-en-reply-apple-mail.eml", "Hello"},
		{"026-en-reply-hotmail.eml", "Hello"},
		{"028-en-reply-outlook.eml", "Hello"},
		{"030-en-reply-thunderbird.eml", "Hello"},
		{"038-fr-ticketref-re-space-owa.eml", "test"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(corpusDir, tt.file))
			if err != nil {
				t.Skipf("corpus file absent: %v", err)
			}
			if got := Parse(raw, Limits{}).Text; got != tt.want {
				t.Errorf("Parse(%s).Text = %q, want %q", tt.file, got, tt.want)
			}
		})
	}
}
