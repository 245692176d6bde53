package outbound

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guichet/ingest/mailparse"
)

var ours = []string{"support@aide.example.org", "alertes@aide.example.org"}

func TestLoopReason(t *testing.T) {
	person := Incoming{From: "awa.diop@example.org", FromName: "Awa Diop", MailFrom: "awa.diop@example.org",
		Subject: "Plateforme inaccessible", ContentType: "text/plain"}
	with := func(f func(*Incoming)) Incoming {
		in := person
		in.Header = map[string][]string{}
		f(&in)
		return in
	}
	hdr := func(k, v string) Incoming { return with(func(in *Incoming) { in.Header[k] = []string{v} }) }
	for _, tc := range []struct {
		name   string
		in     Incoming
		reason bool
	}{
		{"a person's request", person, false},
		{"Auto-Submitted: no", hdr("Auto-Submitted", "no"), false},
		{"X-Auto-Response-Suppress: DR, RN", hdr("X-Auto-Response-Suppress", "DR, RN, NRN"), false},
		{"List-Post alone", hdr("List-Post", "<mailto:liste@example.org>"), false},
		{"a subject mentioning an automatic reply mid-sentence", with(func(in *Incoming) { in.Subject = "La réponse automatique : elle ne marche pas" }), false},
		{"sub-address of someone else", with(func(in *Incoming) { in.From, in.MailFrom = "support+x@other.example", "support+x@other.example" }), false},

		{"null sender", with(func(in *Incoming) { in.MailFrom = "" }), true},
		{"null sender written <>", with(func(in *Incoming) { in.MailFrom = "<>" }), true},
		{"Return-Path <> in the header", hdr("Return-Path", "<>"), true},
		{"MAILER-DAEMON envelope", with(func(in *Incoming) { in.MailFrom = "MAILER-DAEMON@mx.example.org" }), true},
		{"Mailer-Daemon From", with(func(in *Incoming) { in.From = "Mailer-Daemon@e1.example.org" }), true},
		{"postmaster", with(func(in *Incoming) { in.From, in.MailFrom = "postmaster@example.org", "postmaster@example.org" }), true},
		{"list owner", with(func(in *Incoming) { in.MailFrom = "owner-liste@example.org" }), true},
		{"list request address", with(func(in *Incoming) { in.MailFrom = "liste-request@example.org" }), true},
		{"Auto-Submitted: auto-replied", hdr("Auto-Submitted", "auto-replied"), true},
		{"Auto-Submitted: auto-generated", hdr("Auto-Submitted", "auto-generated"), true},
		{"Auto-Submitted: auto-notified with comment", hdr("Auto-Submitted", "Auto-Notified (vacances)"), true},
		{"Precedence: bulk", hdr("Precedence", "bulk"), true},
		{"Precedence: junk", hdr("Precedence", "Junk"), true},
		{"Precedence: list", hdr("Precedence", "list"), true},
		{"List-Id", hdr("List-Id", "<liste.example.org>"), true},
		{"List-Unsubscribe", hdr("List-Unsubscribe", "<mailto:u@example.org>"), true},
		{"X-Autoreply", hdr("X-Autoreply", "yes"), true},
		{"X-Autorespond", hdr("X-Autorespond", "vacation"), true},
		{"X-Auto-Response-Suppress: All (Outlook auto-reply)", hdr("X-Auto-Response-Suppress", "All"), true},
		{"X-Auto-Response-Suppress: OOF, AutoReply", hdr("X-Auto-Response-Suppress", "OOF, AutoReply"), true},
		{"multipart/report", with(func(in *Incoming) { in.ContentType, in.ReportType = "multipart/report", "delivery-status" }), true},
		{"read receipt", with(func(in *Incoming) { in.ContentType, in.ReportType = "Multipart/Report", "disposition-notification" }), true},
		{"our support address", with(func(in *Incoming) { in.From, in.MailFrom = "Support@Aide.Example.org", "support@aide.example.org" }), true},
		{"our signed reply address", with(func(in *Incoming) { in.MailFrom = "support+2026-000042.abc@aide.example.org" }), true},
		{"our alert address in From only", with(func(in *Incoming) { in.From = "alertes@aide.example.org" }), true},
		{"monitoring mailbox", with(func(in *Incoming) { in.Monitoring = true }), true},
		{"Outlook automatic reply subject", with(func(in *Incoming) { in.Subject = "Automatic reply: Plateforme inaccessible" }), true},
		{"French automatic reply subject", with(func(in *Incoming) { in.Subject = "Réponse automatique : absent jusqu'au 3" }), true},

		// Markers of the peers' lists.
		{"X-Precedence: bulk", hdr("X-Precedence", "bulk"), true},
		{"Precedence: auto_reply", hdr("Precedence", "auto_reply"), true},
		{"Precedence: first-class", hdr("Precedence", "first-class"), false},
		{"X-Autoresponder", hdr("X-Autoresponder", "1"), true},
		{"X-Vacation", hdr("X-Vacation", "yes"), true},
		{"X-Loop: yes", hdr("X-Loop", "yes"), true},
		{"X-Loop naming an address", hdr("X-Loop", "support@example.org"), false},
		{"X-FC-Machinegenerated: true", hdr("X-Fc-Machinegenerated", "true"), true},
		{"X-Apple-Action: vacation", hdr("X-Apple-Action", "vacation"), true},
		{"Delivered-To: autoresponder", hdr("Delivered-To", "autoresponder"), true},
		{"Delivered-To an address", hdr("Delivered-To", "support@aide.example.org"), false},
		{"X-MS-Exchange-Inbox-Rules-Loop on a new message", hdr("X-Ms-Exchange-Inbox-Rules-Loop", "awa.diop@example.org"), false},
		{"X-MS-Exchange-Inbox-Rules-Loop answering our mail", with(func(in *Incoming) {
			in.Header["X-Ms-Exchange-Inbox-Rules-Loop"] = []string{"awa.diop@example.org"}
			in.AnswersOurMail = true
		}), true},

		// Mass mailers: a campaign field alone, provider fields with a
		// second kind of evidence only.
		{"X-Campaign", hdr("X-Campaign", "mailchimp3f21937f0f.199bb58d0b"), true},
		{"X-Mailjet-Campaign", hdr("X-Mailjet-Campaign", "7718364"), true},
		{"X-CSA-Complaints", hdr("X-Csa-Complaints", "csa-complaints@eco.de"), true},
		{"List-Unsubscribe-Post alone", hdr("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"), true},
		{"X-MC-User", hdr("X-Mc-User", "9a8f0e3b27c14d6a5e0b1c2d3"), true},
		{"X-Mailer MailChimp", hdr("X-Mailer", "MailChimp Mailer - **CID199bb58d0b**"), true},
		{"X-Mailer Outlook", hdr("X-Mailer", "Microsoft Outlook 16.0"), false},
		{"Feedback-ID alone (a person over Amazon WorkMail)", hdr("Feedback-Id", "1.eu-west-1.abc=:AmazonSES"), false},
		{"X-SG-EID alone", hdr("X-Sg-Eid", "u001.abc"), false},
		{"VERP return path alone", with(func(in *Incoming) { in.MailFrom = "bounce-123-awa.diop=example.org@news.shop.example" }), false},
		{"X-SG-EID and a VERP return path", with(func(in *Incoming) {
			in.Header["X-Sg-Eid"] = []string{"u001.abc"}
			in.MailFrom = "bounces+2741963-9f3e-support=aide.example.org@em4821.shop.example"
		}), true},
		{"X-Mailgun-Sid and a no-reply sender", with(func(in *Incoming) {
			in.Header["X-Mailgun-Sid"] = []string{"WyJhZDcxMSJd"}
			in.From = "no-reply@shop.example"
		}), true},
		{"Feedback-ID and an SRS forwarder", with(func(in *Incoming) {
			in.Header["Feedback-Id"] = []string{"1:2:gmail"}
			in.MailFrom = "SRS0=Ab12=KX=example.org=awa.diop@relay.example"
		}), false},

		// Subjects: anchored, ended by a separator, not a person's question.
		{"Lotus Notes AUTO", with(func(in *Incoming) { in.Subject = "AUTO: Awa Diop is out of the office (returning 03/04/2026)" }), true},
		{"AUTO about a car", with(func(in *Incoming) { in.Subject = "Auto : réservation du véhicule impossible" }), false},
		{"Lotus Notes AUTO after a list tag", with(func(in *Incoming) {
			in.Subject = "[OMPI users] AUTO: Matt Steele is out of the office (returning 10/01/2012)"
		}), true},
		{"RFC 3834 Auto: before a reply", with(func(in *Incoming) { in.Subject = "Auto: Re: Plateforme inaccessible" }), true},
		{"RFC 3834 Auto: before our tag", with(func(in *Incoming) { in.Subject = "Auto: [Ticket#2026-000042] Accusé de réception : Plateforme" }), true},
		{"a person's tag before a phrase-like subject", with(func(in *Incoming) { in.Subject = "[Urgent] Absence de connexion" }), false},
		{"AUTO answering our mail", with(func(in *Incoming) { in.Subject, in.AnswersOurMail = "AUTO: Re: [Ticket#2026-000042]", true }), true},
		{"out of office alone", with(func(in *Incoming) { in.Subject = "Out of Office" }), true},
		{"out of office as a question", with(func(in *Incoming) { in.Subject = "Out of office : comment le configurer ?" }), false},
		{"out of office with a ticket and a question", with(func(in *Incoming) {
			in.Subject = "Out of office: [Ticket#2026-000042] Accusé de réception : Pourquoi ?"
		}), true},
		{"absence as a topic", with(func(in *Incoming) { in.Subject = "Absence de connexion au VPN" }), false},
		{"absent as a word, new message", with(func(in *Incoming) { in.Subject = "Absent : Re: Plateforme" }), false},
		{"absent as a word, answering our mail", with(func(in *Incoming) { in.Subject, in.AnswersOurMail = "Absent : Re: Plateforme", true }), true},
		{"a person's sentence", with(func(in *Incoming) { in.Subject = "Je suis absent demain, pouvez-vous intervenir ?" }), false},
		{"automatic reply asked about in the text", with(func(in *Incoming) {
			in.Subject, in.Body = "Réponse automatique : ne s'active pas", "Bonjour, je n'arrive pas à activer ma réponse automatique."
		}), false},
		{"automatic reply whose text states an absence", with(func(in *Incoming) {
			in.Subject, in.Body = "Réponse automatique : Plateforme", "Je suis absent jusqu'au 3 avril."
		}), true},
		{"external tag", with(func(in *Incoming) { in.Subject = "[EXTERNAL] Automatic reply: Plateforme" }), true},
		{"automatic reply quoting a subject that ends with ?", with(func(in *Incoming) { in.Subject = "Automatic reply: Nyaan?" }), true},
		{"AutoRespons", with(func(in *Incoming) { in.Subject = "AutoRespons :Nyaan?" }), true},
		{"a responder's thanks", with(func(in *Incoming) { in.Subject = "Thank you for your e-mail" }), true},
		{"a person's thanks", with(func(in *Incoming) { in.Subject, in.AnswersOurMail = "Thank you for your email, here is the log", true }), false},
		{"Gmail vacation response", with(func(in *Incoming) {
			in.Subject = "Awa Diop - vacation response RE: Callback Request [Ticket#1118974]"
		}), true},
		{"Postfix bounce quoting a question", with(func(in *Incoming) {
			in.Subject, in.Body = "Undelivered Mail Returned to Sender", "I'm sorry to have to inform you...\n\nSubject: Can you help?"
		}), true},
		{"Postfix delay warning", with(func(in *Incoming) { in.Subject = "Delayed Mail (still being retried)" }), true},
		{"Exchange DSN in German", with(func(in *Incoming) { in.Subject = "Benachrichtigung zum Übermittlungsstatus (Fehlgeschlagen)" }), true},
		{"a person's subject about a failed delivery", with(func(in *Incoming) { in.Subject = "Undeliverable mails since Monday" }), false},
		{"automatic reply from a closed mailbox", with(func(in *Incoming) {
			in.Subject, in.Body = "Réponse automatique : Facture", "Cette adresse n'est plus consultée, merci d'écrire à compta@example.org."
		}), true},
		{"a person telling of their leave while asking", with(func(in *Incoming) {
			in.Subject, in.Body = "Message d'absence : activation", "Je pars en congés vendredi. Comment activer le message d'absence ?"
		}), false},

		// Spam an upstream filter tagged: not acknowledged, unless it
		// answers our mail (a filter's mistake on a requester's reply).
		{"X-Spam-Flag: YES", hdr("X-Spam-Flag", "YES"), true},
		{"X-Spam-Status: Yes", hdr("X-Spam-Status", "Yes, score=14.2 required=5.0"), true},
		{"X-Spam-Status: No", hdr("X-Spam-Status", "No, score=1.2 required=5.0"), false},
		{"X-Spam-Flag: NO", hdr("X-Spam-Flag", "NO"), false},
		{"X-Spam: Yes (Rspamd)", hdr("X-Spam", "Yes"), true},
		{"X-Spam-Flag: YES answering our mail", with(func(in *Incoming) {
			in.Header["X-Spam-Flag"] = []string{"YES"}
			in.AnswersOurMail = true
		}), false},
		{"subject [SPAM]", with(func(in *Incoming) { in.Subject = "[SPAM] (19.9) Your Winning Notification!!!" }), true},
		{"subject *****SPAM*****", with(func(in *Incoming) { in.Subject = "*****SPAM***** Cheap meds" }), true},
		{"subject *** SPAM ***", with(func(in *Incoming) { in.Subject = "*** SPAM *** Cheap meds" }), true},
		{"a filter's guess: *** PROBABLY SPAM ***", with(func(in *Incoming) {
			in.Subject = "*** PROBABLY SPAM *** How to customize HTML interface?"
			in.Header["X-Probably-Spam-Tag"] = []string{"YES (REVERSE none|U 0.500255)"}
		}), false},
		{"a filter's guess: {Spam?}", with(func(in *Incoming) { in.Subject = "{Spam?} Devis" }), false},
		{"a person's subject about spam", with(func(in *Incoming) { in.Subject = "Spam : je reçois des dizaines de pourriels" }), false},
		{"a person's tag naming spam", with(func(in *Incoming) { in.Subject = "[Spam report] filtre trop strict" }), false},
		{"GTUBE", with(func(in *Incoming) { in.Body = gtube }), true},

		// Mass mailings by their text: two kinds of marks, one of them a
		// mailing's own, or one own mark with a sender's header evidence.
		{"browser line and opt-out", with(func(in *Incoming) {
			in.Body = "Si ce message ne s'affiche pas correctement, consultez sa version en ligne.\nOffre : https://shop.example/o\nPour ne plus recevoir nos offres, cliquez ici."
		}), true},
		{"browser line and opt-out, no link nor address", with(func(in *Incoming) {
			in.Body = "Si ce message ne s'affiche pas correctement, consultez sa version en ligne.\nPour ne plus recevoir nos offres, écrivez-nous."
		}), false},
		{"opt-out and unsubscribe link", with(func(in *Incoming) {
			in.Body = "Offre de printemps.\nTo unsubscribe: https://shop.example/unsubscribe?u=1"
		}), true},
		{"a person asking how to unsubscribe, with the link", with(func(in *Incoming) {
			in.Body = "How to unsubscribe? The link https://news.example/unsubscribe?id=3 gives an error."
		}), false},
		{"Italian « cancellati » (deleted) with a link", with(func(in *Incoming) {
			in.From, in.Body = "noreply@shop.example", "I file sono stati cancellati: https://shop.example/f"
		}), false},
		{"opt-out alone", with(func(in *Incoming) {
			in.Body = "Offre de printemps.\nSi vous ne souhaitez plus recevoir nos offres, écrivez-nous."
		}), false},
		{"opt-out with a newsletter sender", with(func(in *Incoming) {
			in.From, in.Body = "newsletter@shop.example", "Offre : https://shop.example/o\nPour vous désabonner, cliquez ici."
		}), true},
		{"why-you-receive with a no-reply sender", with(func(in *Incoming) {
			in.From, in.Body = "noreply@shop.example", "Vous recevez ce message car vous avez rempli notre formulaire."
		}), false},
		{"why-you-receive and no-reply notice", with(func(in *Incoming) {
			in.Body = "Vous recevez ce message car vous avez rempli notre formulaire.\nCeci est un message automatique, merci de ne pas y répondre."
		}), false},
		{"marks below a person's words", with(func(in *Incoming) {
			in.Body = "Bonjour, j'ai reçu ceci :\nSi ce message ne s'affiche pas, voir la version en ligne.\nSe désinscrire"
		}), false},
		{"marks below a forward header", with(func(in *Incoming) {
			in.Body = "---------- Forwarded message ---------\nFrom: Shop <news@shop.example>\nView in browser\nUnsubscribe here"
		}), false},
		{"marks in a forward by its subject", with(func(in *Incoming) {
			in.Subject, in.Body = "TR : Offre", "Voir la version en ligne\nSe désinscrire"
		}), false},
		{"marks in a thread", with(func(in *Incoming) {
			in.References, in.Body = []string{"<a@shop.example>"}, "Voir la version en ligne\nSe désinscrire"
		}), false},

		// Absence notices by their text: only in answer to our mail.
		{"notice text on a new message", with(func(in *Incoming) {
			in.Body = "Merci pour votre message. Je suis absent jusqu'au 3 avril. En cas d'urgence, contactez Marc."
		}), false},
		{"notice text answering our mail", with(func(in *Incoming) {
			in.AnswersOurMail = true
			in.Body = "Merci pour votre message. Je suis absent jusqu'au 3 avril. En cas d'urgence, contactez Marc."
		}), true},
		{"a person's absence answering our mail", with(func(in *Incoming) {
			in.AnswersOurMail = true
			in.Body = "Je suis absent demain, pouvez-vous rappeler jeudi ?"
		}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := LoopReason(tc.in, ours)
			if (got != "") != tc.reason {
				t.Errorf("LoopReason(%+v) = %q, want a reason: %v", tc.in, got, tc.reason)
			}
		})
	}
}

// corpusDir is the shared real-world corpus; tests that read it skip when it
// is absent.
const corpusDir = "../../shared/corpus/real"

// corpusIncoming reads a corpus file as an IMAP poller would see it: no
// envelope, so the Return-Path header (or From) stands for the sender.
func corpusIncoming(t *testing.T, name string) Incoming {
	t.Helper()
	return fileIncoming(t, filepath.Join(corpusDir, name))
}

// corpusWant says, per manifest kind, whether a message of the real corpus
// must get a reason: people's new requests, replies and forwards must be
// acknowledged; automatic replies, delivery reports, list and bulk mail and
// spam must not be. Malformed messages are people's unless listed in
// corpusExceptions. Monitoring mail is told by where it arrives
// (ReasonMonitoring); sent to the support address it is acknowledged like
// anyone's, so the text heuristics must not fire on it.
var corpusWant = map[string]bool{
	"new": false, "reply": false, "forward": false, "malformed": false, "alert-recovery": false, "other": false,
	"autoreply": true, "bounce": true, "list": true, "spam": true,
}

// corpusExceptions are the messages whose expectation differs from their
// kind's, each with why.
var corpusExceptions = map[string]struct {
	reason bool
	why    string
}{
	"046-en-body-fr-new-outlook-header.eml": {true, "a person's reply as a mailing list distributed it " +
		"(Precedence: bulk): the acknowledgment would go to the list"},
	"048-en-body-fr-thunderbird-le-a-ecrit.eml": {true, "a person's reply as a mailing list distributed it " +
		"(Precedence: bulk, List-Id)"},
	"098-spam-chinese-outlook-express.eml": {false, "spam no filter tagged, written like a person's mail: " +
		"no header, subject or mailing mark tells it; the hourly limit per address bounds its cost"},
	"108-spam-probably-spam-tagged.eml": {false, "a filter's guess (X-Probably-Spam-Tag, « *** PROBABLY SPAM *** »), " +
		"which the same filter puts on people's requests too; the acknowledgment goes to the sender, who is real"},
	"114-malformed-multipart-without-boundary.eml": {true, "a MAILER-DAEMON delivery report whose MIME is broken"},
	"122-malformed-broken-encoding-hu.eml":         {true, "a newsletter (unsubscribe footer and link) with a broken charset"},
	"144-other-jira-notification.eml":              {true, "an issue tracker's notification (X-JIRA-FingerPrint)"},
	"148-other-read-receipt-mdn.eml":               {true, "a read receipt (multipart/report)"},
}

// TestLoopReasonCorpus runs every message of the real corpus. Other kinds
// left acknowledged: 142 (a database job's report) and 146 (another help
// desk's notification) carry no marker of automation; the hourly limit per
// address stops a loop with them.
func TestLoopReasonCorpus(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "MANIFEST.tsv"))
	if err != nil {
		t.Skipf("real corpus absent: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	seen := map[string]bool{}
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 || cols[0] == "file" {
			continue
		}
		name, kind := cols[0], cols[3]
		want, ok := corpusWant[kind]
		if !ok {
			t.Errorf("%s: kind %q has no expectation", name, kind)
			continue
		}
		if e, ok := corpusExceptions[name]; ok {
			want = e.reason
		}
		seen[kind] = true
		t.Run(name, func(t *testing.T) {
			in := corpusIncoming(t, name)
			got := LoopReason(in, ours)
			if (got != "") != want {
				t.Errorf("LoopReason(%s, kind %s) = %q, want a reason: %v (%s)", name, kind, got, want, corpusExceptions[name].why)
			}
			if kind == "alert-recovery" {
				in.Monitoring = true
				if got := LoopReason(in, ours); got != ReasonMonitoring {
					t.Errorf("LoopReason(%s) from a monitoring mailbox = %q, want %q", name, got, ReasonMonitoring)
				}
			}
		})
	}
	for kind := range corpusWant {
		if !seen[kind] {
			t.Errorf("manifest lists no message of kind %q", kind)
		}
	}
}

// ourDomain is the right-hand side of the Message-IDs Guichet sends in these
// tests: a test message that names one answers our mail, as ingest would
// find in the store.
const ourDomain = "@aide.example.org>"

// fileIncoming reads a message as ingest describes it to LoopReason: the
// parser's header and text (HTML turned into text, quotations removed),
// the Return-Path (or From) for the envelope sender as an IMAP poller has
// it, AnswersOurMail from its references.
func fileIncoming(t *testing.T, path string) Incoming {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parsedIncoming(raw)
}

func parsedIncoming(raw []byte) Incoming {
	m := mailparse.Parse(raw, mailparse.Limits{})
	in := Incoming{
		From: m.From.Addr, FromName: m.From.Name, Subject: m.Subject, MessageID: m.MessageID,
		References: m.References, MailFrom: m.From.Addr, Header: m.Header,
		ContentType: m.ContentType, ReportType: m.ReportType, Body: m.Text,
	}
	if rp := m.Header["Return-Path"]; len(rp) > 0 {
		in.MailFrom = strings.TrimSpace(rp[0])
	}
	for _, r := range in.References {
		in.AnswersOurMail = in.AnswersOurMail || strings.HasSuffix(r, ourDomain)
	}
	return in
}

// TestLoopReasonTestdata runs the messages of testdata/automated (each must
// get the reason named) and testdata/human (people's requests that look
// close: each must be acknowledged). Every file must be listed here.
func TestLoopReasonTestdata(t *testing.T) {
	want := map[string]string{
		"automated/lotus-notes-en-out-of-office.eml":            "AUTO",
		"automated/lotus-notes-fr-absente.eml":                  "AUTO",
		"automated/lotus-notes-de-ausser-haus.eml":              "AUTO",
		"automated/outlook-fr-reponse-automatique.eml":          "Réponse automatique",
		"automated/outlook-fr-absence-du-bureau.eml":            "Absence du bureau",
		"automated/outlook-de-automatische-antwort.eml":         "Automatische Antwort",
		"automated/outlook-de-abwesenheitsnotiz.eml":            "Abwesenheitsnotiz",
		"automated/outlook-es-respuesta-automatica.eml":         "Respuesta automática",
		"automated/outlook-es-fuera-de-la-oficina.eml":          "Fuera de la oficina",
		"automated/outlook-it-risposta-automatica.eml":          "Risposta automatica",
		"automated/outlook-it-fuori-ufficio.eml":                "Fuori ufficio",
		"automated/outlook-nl-automatisch-antwoord.eml":         "Automatisch antwoord",
		"automated/outlook-nl-afwezigheidsbericht.eml":          "Afwezigheidsbericht",
		"automated/outlook-en-out-of-office-autoreply.eml":      "Out of Office",
		"automated/outlook-en-automatic-reply-external-tag.eml": "Automatic reply",
		"automated/pt-resposta-automatica.eml":                  "Resposta automática",
		"automated/sieve-vacation-precedence-auto-reply.eml":    "Precedence: auto_reply",
		"automated/x-autoresponder-header.eml":                  "X-Autoresponder",
		"automated/exchange-ndr-unzustellbar.eml":               "Unzustellbar",
		"automated/zimbra-fr-vacation-body-answers-ours.eml":    "avis d'absence",
		"automated/outlook-fr-body-only-answers-ours.eml":       "avis d'absence",
		"automated/gmail-en-vacation-body-answers-ours.eml":     "avis d'absence",
		"automated/de-body-only-answers-ours.eml":               "avis d'absence",
		"automated/fr-absent-subject-answers-ours.eml":          "Absent",
		"automated/exchange-inbox-rule-answers-ours.eml":        "X-MS-Exchange-Inbox-Rules-Loop",
		"automated/newsletter-sendgrid-verp.eml":                "X-Sg-Eid, Return-Path bounces+",
		"automated/newsletter-mailjet-campaign.eml":             "envoi en nombre (X-Csa-Complaints)",
		"automated/newsletter-brevo-mailin.eml":                 "envoi en nombre (X-Mailin-Campaign)",
		"automated/newsletter-mailchimp-no-list.eml":            "envoi en nombre (X-Mc-User)",
		"automated/promo-ses-noreply.eml":                       "Feedback-Id, Return-Path",
		"automated/promo-mailgun-verp.eml":                      "X-Mailgun-",
		"automated/newsletter-de-csa.eml":                       "X-Csa-Complaints",
		"automated/bulk-fr-html-only-no-list.eml":               "texte : version en ligne, désinscription",
		"automated/bulk-en-view-in-browser.eml":                 "texte : version en ligne, désinscription, raison de l'envoi",
		"automated/bulk-de-abbestellen.eml":                     "texte : version en ligne, désinscription",
		"automated/bulk-es-darse-de-baja.eml":                   "texte : version en ligne, désinscription",
		"automated/bulk-it-cancella-iscrizione.eml":             "texte : version en ligne, désinscription",
		"automated/bulk-nl-afmelden.eml":                        "texte : version en ligne, lien de désinscription, raison de l'envoi",
		"automated/bulk-fr-newsletter-sender-one-mark.eml":      "From newsletter@, texte : désinscription",
		"automated/spam-x-spam-flag.eml":                        "X-Spam-Flag: YES",
		"automated/spam-rspamd-x-spam.eml":                      "X-Spam: Yes",
		"automated/spam-subject-tag-brackets.eml":               "« [SPAM] »",

		"human/absent-demain-question.eml":              "",
		"human/desinscription-lien-casse-fr.eml":        "",
		"human/lien-de-desinscription-en-panne-fr.eml":  "",
		"human/newsletter-abmelden-bitte-de.eml":        "",
		"human/absence-de-connexion-vpn.eml":            "",
		"human/reponse-automatique-non-recue.eml":       "",
		"human/out-of-office-comment-configurer.eml":    "",
		"human/message-absence-ne-fonctionne-plus.eml":  "",
		"human/reponse-automatique-activer.eml":         "",
		"human/absent-jusqu-au-colleague.eml":           "",
		"human/conges-mise-a-jour-planning.eml":         "",
		"human/auto-entrepreneur-facture.eml":           "",
		"human/auto-voiture-de-service.eml":             "",
		"human/reply-absent-with-question.eml":          "",
		"human/reply-absent-no-notice.eml":              "",
		"human/fw-out-of-office-from-colleague.eml":     "",
		"human/vacances-poste-a-preparer.eml":           "",
		"human/newsletter-interne-erreur.eml":           "",
		"human/bounce-question.eml":                     "",
		"human/webmail-srs-forwarded.eml":               "",
		"human/workmail-ses-person.eml":                 "",
		"human/tr-newsletter-question-fr.eml":           "",
		"human/fwd-newsletter-gmail-en.eml":             "",
		"human/fwd-newsletter-no-comment.eml":           "",
		"human/desinscription-demande.eml":              "",
		"human/unsubscribe-request-en.eml":              "",
		"human/abmelden-pasted-footer-de.eml":           "",
		"human/signature-utm-newsletter-link.eml":       "",
		"human/html-only-version-en-ligne-question.eml": "",
		"human/spam-word-subject.eml":                   "",
		"human/reply-flagged-spam-answers-ours.eml":     "",
		"human/probably-spam-tag-question.eml":          "",
		"human/contact-form-noreply-receipt.eml":        "",
		"human/signature-rgpd-optout.eml":               "",
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, path := range files {
		name := filepath.ToSlash(strings.TrimPrefix(path, "testdata"+string(filepath.Separator)))
		w, ok := want[name]
		if !ok {
			t.Errorf("%s has no expectation in TestLoopReasonTestdata", name)
			continue
		}
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			got := LoopReason(fileIncoming(t, path), ours)
			switch {
			case w == "" && got != "":
				t.Errorf("LoopReason = %q, want none (a person's request)", got)
			case w != "" && !strings.Contains(got, w):
				t.Errorf("LoopReason = %q, want a reason naming %q", got, w)
			}
		})
	}
	for name := range want {
		if !seen[name] {
			t.Errorf("%s is expected but missing from testdata", name)
		}
	}
}

func TestAbsenceText(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		notice     bool
	}{
		{"French notice", "Bonjour,\n\nJe suis actuellement absente du bureau jusqu'au 14 avril.\nPour toute urgence, contactez le 01 23 45 67 89.", true},
		{"English notice", "Thank you for your email. I am out of the office until 6 April.", true},
		{"German notice", "Vielen Dank für Ihre Nachricht. Ich bin bis zum 10.04. nicht im Büro.", true},
		{"Spanish notice", "Gracias por su mensaje. Estoy fuera de la oficina hasta el 23 de marzo.", true},
		{"Italian notice", "Grazie per il suo messaggio. Sono fuori ufficio fino al 18 marzo.", true},
		{"Dutch notice", "Bedankt voor uw bericht. Ik ben afwezig tot en met 20 maart.", true},
		{"says it is automatic", "Ceci est un message automatique, merci de ne pas y répondre.", true},
		{"names the feature", "Mon message d'absence ne s'active plus depuis lundi.", false},
		{"a question", "Je suis absent jusqu'au 3 avril, pouvez-vous traiter ma demande avec Marc ?", false},
		{"absence and return only", "Je serai absent jusqu'au 20 mars, merci de voir avec Mme Roux.", false},
		{"notice words only in the quotation", "D'accord, merci.\n\nLe 10 mars 2026, Support a écrit :\n> Merci pour votre message. Je suis absent jusqu'au 3.", false},
		{"empty", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := absenceText(tc.body); (got != "") != tc.notice {
				t.Errorf("absenceText(%q) = %q, want a notice: %v", tc.body, got, tc.notice)
			}
		})
	}
}

// atWordStart reports whether w occurs in p where a word starts, as
// markWords finds it: after a byte that is neither a letter a to z nor part
// of a multi-byte letter.
func atWordStart(p, w string) bool {
	for i := 0; ; {
		j := strings.Index(p[i:], w)
		if j < 0 {
			return false
		}
		j += i
		if j == 0 || !(p[j-1] >= 'a' && p[j-1] <= 'z' || p[j-1] >= 0x80) {
			return true
		}
		i = j + 1
	}
}

// TestBulkMarkGroups: bulkText reads a group's phrases only when a word of
// the text starts with the group's word, so a phrase without it at the
// start of one of its words would never be found.
func TestBulkMarkGroups(t *testing.T) {
	if len(bulkMarks) > maxMarks {
		t.Errorf("%d marks, more than maxMarks", len(bulkMarks))
	}
	for _, m := range bulkMarks {
		if len(m.groups) > maxGroups {
			t.Errorf("%s: %d groups, more than maxGroups", m.label, len(m.groups))
		}
		for _, g := range m.groups {
			if letterPair(g.word) < 0 {
				t.Errorf("%s: word %q does not start with two letters a to z", m.label, g.word)
			}
			for _, p := range g.phrases {
				if !atWordStart(p, g.word) {
					t.Errorf("%s: phrase %q does not hold %q at the start of a word", m.label, p, g.word)
				}
				if p != foldText(p) {
					t.Errorf("%s: phrase %q is not folded", m.label, p)
				}
			}
		}
	}
}

// TestFoldText compares foldText with the plain composition it replaces.
func TestFoldText(t *testing.T) {
	accents := strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "ä", "a",
		"á", "a", "ù", "u", "û", "u", "ü", "u", "ú", "u", "ô", "o", "ö", "o", "ó", "o", "ò", "o", "î", "i",
		"ï", "i", "í", "i", "ì", "i", "ç", "c", "ñ", "n", "ß", "ss", "’", "'", "\u00a0", " ")
	for _, s := range []string{"", "  Déjà VU\t\n  À   bientôt ", "Straße ÉTÉ\u00a0ÇA’S", "ÑANDÚ Ünïcödé\r\n",
		"bad \xff\xfe bytes É", "\u2003em space\u0085nel", "ẞ capital", "Ελληνικά ΣΟΦΙΑ"} {
		want := strings.Join(strings.Fields(accents.Replace(strings.ToLower(s))), " ")
		if got := foldText(s); got != want {
			t.Errorf("foldText(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestBounceAddress(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		bounce bool
	}{
		{"bounce-mc.us14_65794145.395229-dpinnix=coastbank.example@mail90.suw15.mcsv.net", true},
		{"bounces+2741963-9f3e-support=aide.example.org@em4821.shop.example", true},
		{"linux-can+bounces-7632-lists+linux-can=lfdr.de@vger.kernel.org", true},
		{"010201e7a1b2c3d4-000000@eu-west-1.amazonses.com", true},
		{"cg3kq0.2rlm5qz7b1@bnc3.mailjet.com", true},
		{"news-123@bounce.shop.example", true},
		{"awa.diop@example.org", false},
		{"awa+factures@example.org", false},
		{"srs0=ab12=kx=example.org=awa@relay.example", false},
		{"prvs=1234abcd=awa@example.org", false},
		{"bernard.bouncel@example.org", false},
		{"bouncer.jones@example.org", false},
		{"", false},
	} {
		if got := bounceAddress(tc.addr); got != tc.bounce {
			t.Errorf("bounceAddress(%q) = %v, want %v", tc.addr, got, tc.bounce)
		}
	}
}

// FuzzLoopReason checks that LoopReason never panics and that the text of a
// message that does not answer our mail gives it no reason but a mass
// mailing's or a spam test's: otherwise it can only take one away (the veto
// on a person's question).
func FuzzLoopReason(f *testing.F) {
	f.Add("Réponse automatique : [Ticket#1] Plateforme", "Je suis absent jusqu'au 3. En cas d'urgence, Marc.", "X-Sg-Eid", "u001", "bounces+1-a=b.example@em.example", false)
	f.Add("AUTO: Awa is out of the office (returning 3/4)", "", "Feedback-Id", "1:2", "awa@example.org", false)
	f.Add("Absent : Re: Plateforme", "Merci pour votre message. Absent jusqu'au 3.", "X-Loop", "yes", "awa@example.org", true)
	f.Add("Out of office : comment ?", "Pouvez-vous m'aider ?", "X-Mailer", "Outlook", "", false)
	f.Add("Offre", "Voir la version en ligne\nSe désinscrire ( https://x.example/unsubscribe?u=1 )", "X-Spam-Status", "No, score=1", "news@x.example", false)
	f.Add("[SPAM] Gagnant", "", "X-Spam-Flag", "YES", "a@x.example", false)
	f.Fuzz(func(t *testing.T, subject, body, key, value, mailFrom string, answers bool) {
		in := Incoming{From: "awa.diop@example.org", MailFrom: mailFrom, Subject: subject, Body: body,
			AnswersOurMail: answers, Header: map[string][]string{}}
		if key != "" {
			in.Header[key] = []string{value}
		}
		got := LoopReason(in, ours)
		if again := LoopReason(in, ours); again != got {
			t.Fatalf("LoopReason not deterministic: %q then %q", got, again)
		}
		if !answers && got != "" {
			in.Body = ""
			if LoopReason(in, ours) == "" && !strings.HasPrefix(got, "envoi en nombre (") && !strings.Contains(got, "GTUBE") {
				t.Fatalf("text %q gave a reason (%q) to a message that does not answer ours", body, got)
			}
		}
	})
}

// BenchmarkLoopReasonCorpus measures LoopReason per message over the real
// corpus: it runs for every message the pipeline takes in.
func BenchmarkLoopReasonCorpus(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.eml"))
	if err != nil || len(files) == 0 {
		b.Skipf("real corpus absent: %v", err)
	}
	ins := make([]Incoming, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		ins = append(ins, parsedIncoming(raw))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		LoopReason(ins[i%len(ins)], ours)
	}
}

// TestLoopReasonAgent: a proved agent's message is judged only by what
// marks a machine's message; a spam filter's tag or a mailing's wording
// passed on by the agent leaves it an answer whose commands are obeyed.
func TestLoopReasonAgent(t *testing.T) {
	base := Incoming{From: "agent@aide.example.org", MailFrom: "agent@aide.example.org", Subject: "[Ticket#2026-000042] Lien",
		ContentType: "text/plain", FromAgent: true,
		Body: "Bonjour,\nSi vous ne souhaitez plus recevoir la lettre, consultez sa version en ligne : https://lettre.example.org/unsubscribe?u=1\n#résolu"}
	cases := []struct {
		name   string
		header map[string][]string
		want   bool
	}{
		{"mailing wording", nil, false},
		{"tagged as spam", map[string][]string{"X-Spam-Flag": {"YES"}}, false},
		{"an automatic reply", map[string][]string{"Auto-Submitted": {"auto-replied"}}, true},
	}
	for _, c := range cases {
		in := base
		in.Header = c.header
		if got := LoopReason(in, nil); (got != "") != c.want {
			t.Errorf("%s: LoopReason = %q, want a reason: %v", c.name, got, c.want)
		}
		in.FromAgent = false
		if got := LoopReason(in, nil); got == "" {
			t.Errorf("%s: from anyone else, LoopReason = \"\", want a reason", c.name)
		}
	}
}

// TestLoopReasons: one reading of the message gives, for each list of our
// addresses, what LoopReason gives for it alone.
func TestLoopReasons(t *testing.T) {
	ours, alerts := []string{"support@centre.example"}, []string{"support@centre.example", "alertes@centre.example"}
	for _, in := range []Incoming{
		{From: "awa@example.org", MailFrom: "awa@example.org", Subject: "Imprimante"},
		{From: "alertes@centre.example", MailFrom: "alertes@centre.example", Subject: "Imprimante"},
		{From: "awa@example.org", MailFrom: "awa@example.org", Subject: "Réponse automatique : absent"},
		{From: "awa@example.org", MailFrom: "", Subject: "Imprimante"},
		{From: "awa@example.org", MailFrom: "awa@example.org", Subject: "x", Header: map[string][]string{"Auto-Submitted": {"auto-replied"}}},
	} {
		got := LoopReasons(in, ours, alerts)
		want := []string{LoopReason(in, ours), LoopReason(in, alerts)}
		if !slices.Equal(got, want) {
			t.Errorf("LoopReasons(%+v) = %q, want %q", in, got, want)
		}
	}
	if got := LoopReasons(Incoming{From: "alertes@centre.example", MailFrom: "alertes@centre.example"}, ours, alerts); got[0] != "" || got[1] == "" {
		t.Errorf("mail from an address of the second list only: %q, want a verdict for that list alone", got)
	}
}
