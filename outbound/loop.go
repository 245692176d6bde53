package outbound

import (
	"bufio"
	"bytes"
	"fmt"
	"net/mail"
	nettextproto "net/textproto"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	gomail "github.com/emersion/go-message/mail"
	"github.com/emersion/go-message/textproto"

	"guichet/store"
)

// Incoming is what the pipeline knows about the message being acknowledged.
type Incoming struct {
	From, FromName, Subject, MessageID string
	References                         []string
	// MailFrom is the envelope sender; "" is the null sender <>. A transport
	// that does not know the envelope (IMAP) passes the Return-Path or From.
	MailFrom string
	// Header is the top-level header with canonical keys, values decoded.
	Header map[string][]string
	// ContentType is the top-level media type ("multipart/report") and
	// ReportType its report-type parameter ("delivery-status").
	ContentType, ReportType string
	// Monitoring: the message arrived from a monitoring mailbox or at an
	// alert address.
	Monitoring bool
	// AnswersOurMail: In-Reply-To or References names a message Guichet
	// sent (an acknowledgment, an agent's answer, a notification). Only then
	// are the body and the looser subject words read for an absence notice:
	// a stranger's new request is never judged by its wording.
	AnswersOurMail bool
	// Loop, when not nil, is LoopReason of this message for the Acker's
	// addresses (Acker.Ours), worked out by the caller beforehand: PlanAcks,
	// which runs inside the caller's group commit, then takes it instead of
	// reading the message again there.
	Loop *string
	// Body is the text the writer added, quotations removed, HTML already
	// turned into text; "" when unknown. Read for an absence notice only
	// when AnswersOurMail; in a new message, only for the marks a mass
	// mailing writes in its own voice (bulkText), never for a person's
	// wording.
	Body string
	// FromAgent: the message is a proved agent's. Only what marks a
	// machine's message counts then (RFC 3834 fields, automatic-reply
	// subjects): a spam filter's tag or an unsubscribe link the agent
	// passes on must not make the agent's answer and commands inert.
	FromAgent bool
}

// Reasons LoopReason returns. They are stored as the ticket's NoAckReason and
// shown to agents, so they say what was seen, not just that something was.
const (
	ReasonNullSender  = "expéditeur nul (<>)"
	ReasonMonitoring  = "message de supervision"
	ReasonReport      = "rapport de remise (multipart/report)"
	ReasonOwnAddress  = "message de notre propre adresse"
	ReasonRateLimited = "limite d'accusés de réception par heure atteinte pour cette adresse"
)

// LoopReason says why no automatic answer may go to this message, "" when one
// may. It implements RFC 3834 §2 (when not to respond) and §3.1 (where to
// respond) as docs/threading.md ("Acknowledgments and loops") narrows them, then the
// heuristics help desks apply to mail that carries no standard marker
// (automatedReason). The order of the checks only decides which reason is
// recorded when several apply.
func LoopReason(in Incoming, ourAddresses []string) string {
	return LoopReasons(in, ourAddresses)[0]
}

// LoopReasons is LoopReason for each of several lists of our addresses,
// reading the message once: only the check of our addresses depends on
// the list.
func LoopReasons(in Incoming, ours ...[]string) []string {
	out := make([]string, len(ours))
	h := fields(in.Header)
	mailFrom := strings.TrimSpace(in.MailFrom)
	if r := markedReason(in, h, mailFrom); r != "" {
		for i := range out {
			out[i] = r
		}
		return out
	}
	var auto *string
	for i, list := range ours {
		if r := ownAddress(mailFrom, in.From, list); r != "" {
			out[i] = r
			continue
		}
		if auto == nil {
			r := automatedReason(in, h, mailFrom)
			auto = &r
		}
		out[i] = *auto
	}
	return out
}

// markedReason is LoopReason's verdict from what marks the message as
// automatic whatever our addresses: the envelope, the header fields, the
// media type.
func markedReason(in Incoming, h fields, mailFrom string) string {
	if in.Monitoring {
		return ReasonMonitoring
	}
	// RFC 3834 §2: never respond to the null sender; SMTP delivery reports
	// (RFC 3464) and many auto-responders use it. A Return-Path of <> in the
	// header says the same when the transport had no envelope.
	if mailFrom == "" || mailFrom == "<>" || strings.TrimSpace(h.Get("Return-Path")) == "<>" {
		return ReasonNullSender
	}
	// RFC 3834 §2: mail from MAILER-DAEMON, postmaster, owner-* and *-request
	// addresses comes from software or from list managers.
	for _, a := range []string{mailFrom, in.From} {
		if r := systemSender(a); r != "" {
			return r
		}
	}
	// RFC 3834 §5: Auto-Submitted with any value but "no" marks automatic mail.
	if v := strings.ToLower(strings.TrimSpace(h.Get("Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return "Auto-Submitted: " + firstWord(v)
	}
	// RFC 3834 §2 recommends not relying on Precedence, but senders that set
	// it to bulk, junk or list say they expect no answer; auto_reply is what
	// some responders write (Sisimai, FreeScout), and FreeScout reads
	// X-Precedence the same way.
	for _, k := range []string{"Precedence", "X-Precedence"} {
		switch v := strings.ToLower(strings.TrimSpace(h.Get(k))); v {
		case "bulk", "junk", "list", "auto_reply":
			return k + ": " + v
		}
	}
	// RFC 2919 List-Id, RFC 2369 List-* fields: mail distributed by a list.
	// List-Post alone is not enough: some clients copy it into new messages.
	for _, k := range []string{"List-Id", "List-Unsubscribe"} {
		if h.Has(k) {
			return k
		}
	}
	if r := responderHeader(h); r != "" {
		return r
	}
	// Microsoft's X-Auto-Response-Suppress asks us not to send the listed
	// kinds of automatic answer; Outlook sets "All" on its own automatic
	// replies, which carry no Auto-Submitted. Our acknowledgment is an
	// "AutoReply", so All and AutoReply suppress it; DR/NDR/RN/NRN/OOF alone
	// (which ordinary Exchange mail sometimes carries) do not.
	if v := h.Get("X-Auto-Response-Suppress"); v != "" {
		for _, f := range strings.FieldsFunc(strings.ToLower(v), func(r rune) bool { return r == ',' || r == ' ' }) {
			if f == "all" || f == "autoreply" {
				return "X-Auto-Response-Suppress: " + strings.TrimSpace(v)
			}
		}
	}
	// RFC 6522: delivery status and disposition notifications are reports.
	if strings.EqualFold(in.ContentType, "multipart/report") {
		return ReasonReport
	}
	return ""
}

// fields reads Incoming.Header, whose keys are canonical (as
// net/textproto.CanonicalMIMEHeaderKey writes them), so every key looked up
// here is written in that form.
type fields map[string][]string

// Get returns the first (topmost) value of the field k, "" when absent.
func (f fields) Get(k string) string {
	if v := f[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (f fields) Has(k string) bool { return len(f[k]) > 0 }

func firstWord(s string) string {
	if i := strings.IndexAny(s, " ;\t("); i > 0 {
		return s[:i]
	}
	return s
}

// addrSpec returns the bare lower-case address of s ("Name <a@b>" or "a@b").
func addrSpec(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, " \t\"(,:;") {
		// A bare address or one in angle brackets, as envelopes and
		// Return-Path hold them: nothing for the parser to do.
		return strings.ToLower(strings.Trim(s, "<>"))
	}
	if a, err := mail.ParseAddress(s); err == nil {
		return strings.ToLower(a.Address)
	}
	return strings.ToLower(strings.Trim(s, "<> "))
}

func systemSender(addr string) string {
	a := addrSpec(addr)
	if a == "" {
		return ""
	}
	local := a
	if i := strings.LastIndexByte(a, '@'); i >= 0 {
		local = a[:i]
	}
	switch {
	case local == "mailer-daemon", local == "postmaster":
		return "expéditeur automatique (" + local + ")"
	case strings.HasPrefix(local, "owner-"), strings.HasSuffix(local, "-request"), strings.HasSuffix(local, "-owner"):
		return "gestionnaire de liste (" + local + ")"
	}
	return ""
}

// ownAddress reports mail that comes from one of our addresses, including
// its sub-addresses (support+2026-000042.x@… is support@…): answering
// ourselves is the shortest loop there is.
func ownAddress(mailFrom, from string, ours []string) string {
	own := make(map[string]bool, len(ours))
	for _, o := range ours {
		if a := addrSpec(o); a != "" {
			own[a] = true
		}
	}
	for _, addr := range []string{mailFrom, from} {
		a := addrSpec(addr)
		if own[a] || own[baseAddress(a)] {
			return ReasonOwnAddress
		}
	}
	return ""
}

// baseAddress removes a "+detail" from the local part (RFC 5233), as the
// store's rate limits do.
func baseAddress(a string) string { return store.MailboxKey(a) }

// responderHeader finds the markers auto-responders write instead of
// Auto-Submitted. The list joins what the peers read: FreeScout's
// isAutoResponder (X-Autoreply, X-Autorespond, X-Autoresponder,
// Delivered-To: autoresponder), Zammad's AutoResponseCheck (X-Loop: yes),
// Request Tracker's CheckForAutoGenerated (X-FC-Machinegenerated: true) and
// Sisimai's RFC3834 detector (X-Apple-Action: vacation); Jira marks each
// notification it sends with X-JIRA-FingerPrint.
func responderHeader(h fields) string {
	for _, k := range []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Autogenerated", "X-Auto-Reply",
		"X-Vacation", "X-Jira-Fingerprint"} {
		if h.Has(k) {
			return k
		}
	}
	for _, m := range []struct{ key, values string }{
		{"X-Loop", "yes true"},
		{"X-Fc-Machinegenerated", "true"},
		{"X-Apple-Action", "vacation"},
	} {
		v := strings.ToLower(strings.TrimSpace(h.Get(m.key)))
		if v != "" && slices.Contains(strings.Fields(m.values), v) {
			return m.key + ": " + v
		}
	}
	for _, v := range h["Delivered-To"] {
		if strings.EqualFold(strings.TrimSpace(v), "autoresponder") {
			return "Delivered-To: autoresponder"
		}
	}
	return ""
}

// automatedReason recognises automated mail that carries no standard
// marker: mass mailings, out-of-office notices known by their subject and,
// for answers to our own mail only, by their text.
func automatedReason(in Incoming, h fields, mailFrom string) string {
	if r := spamReason(in, h); r != "" && !in.FromAgent {
		return r
	}
	if r := bulkReason(in, mailFrom); r != "" {
		return r
	}
	subject := normalSubject(in.Subject)
	if p := failureSubject(subject); p != "" {
		return fmt.Sprintf("objet d'un échec de remise (« %s »)", p)
	}
	if p := autoReplySubject(in, subject); p != "" {
		return fmt.Sprintf("objet de réponse automatique (« %s »)", p)
	}
	if !in.AnswersOurMail {
		return ""
	}
	// Exchange marks what an inbox rule generated; a rule's message in
	// answer to ours is its automatic reply (Zammad's OutOfOfficeCheck reads
	// the same field). A rule that forwards a person's new mail to us is
	// not an answer to our mail, so it is still acknowledged.
	if h.Has("X-Ms-Exchange-Inbox-Rules-Loop") {
		return "réponse d'une règle Exchange (X-MS-Exchange-Inbox-Rules-Loop)"
	}
	if p := absenceText(in.Body); p != "" {
		return fmt.Sprintf("avis d'absence en réponse à notre message (« %s »)", p)
	}
	return ""
}

// Mass mailers. A field from campaignFields is written only by marketing
// software and suffices alone. The others are sent by every message of an
// e-mail service provider, including a person's mail relayed by one (a
// contact form, Amazon WorkMail over SES), so bulkReason wants two kinds of
// evidence: a provider's field, a VERP or bounce return path, a no-reply
// sender.
var (
	// Substrings of a field name.
	campaignWords = []string{"campaign", "campagne", "newsletter", "unsubscribe", "x-mailchimp-"}
	// Whole field names.
	campaignFields = []string{"x-mc-user", "x-csa-complaints", "x-sfmc-stack"}
	// Newsletter software named in X-Mailer. CRM suites (HubSpot, Marketo,
	// ...) are left out: salespeople send one-to-one mail through them.
	bulkMailers = []string{"mailchimp", "sendinblue", "brevo", "mailjet", "phplist", "mailpoet", "sarbacane",
		"cleverreach", "newsletter", "campaign monitor", "createsend", "mailerlite", "getresponse", "klaviyo",
		"emarsys", "selligent", "splio", "dolist", "mailup", "acymailing",
		"sendy", "listmonk", "mautic", "constant contact", "mailkitchen", "message business", "actito", "emailvision"}
	// Provider fields: Amazon SES, Gmail's feedback loop header, SendGrid,
	// Mailgun, Mailjet, Brevo (Sendinblue), SparkPost, Mandrill, Postmark.
	providerFields = []string{"x-ses-outgoing", "feedback-id", "x-feedback-id", "x-sg-eid", "x-sg-id",
		"x-smtpapi", "x-msfbl", "x-mandrill-user", "x-pm-message-id", "x-complaints-to", "x-report-abuse",
		"x-report-abuse-to", "x-sib-id"}
	providerPrefixes = []string{"x-mailgun-", "x-mailjet-", "x-mailin-", "x-sendinblue", "x-sparkpost-"}
	// Return-path domains of bulk providers' bounce handling.
	bounceDomains = []string{"amazonses.com", "sendgrid.net", "mcsv.net", "rsgsv.net", "mcdlv.net", "mandrillapp.com",
		"sparkpostmail.com", "mktomail.com", "exacttarget.com", "sendinblue.com", "brevo.com", "mailjet.com"}
	bouncePrefixes = []string{"bounce-", "bounce+", "bounce.", "bounce_", "bounces-", "bounces+", "bounces.",
		"bounces_", "bnc-", "bnc+"}
	noReplyLocals = []string{"noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply",
		"newsletter", "newsletters", "news", "marketing", "mailing", "emailing", "promo", "promotions"}
)

func bulkReason(in Incoming, mailFrom string) string {
	var campaign, provider string
	for k := range in.Header {
		// Mailers' own fields start with "X-" (Microsoft's X-MS-* are
		// Exchange's, never a mailer's); Feedback-ID and the RFC 8058
		// List-Unsubscribe-Post are the others.
		if !strings.HasPrefix(k, "X-") && !strings.HasPrefix(k, "List-") && k != "Feedback-Id" || strings.HasPrefix(k, "X-Ms-") {
			continue
		}
		l := strings.ToLower(k)
		switch {
		case slices.Contains(campaignFields, l) || containsAny(l, campaignWords):
			campaign = firstOf(campaign, k)
		case slices.Contains(providerFields, l) || hasAnyPrefix(l, providerPrefixes):
			provider = firstOf(provider, k)
		}
	}
	if campaign != "" {
		return "envoi en nombre (" + campaign + ")"
	}
	for _, v := range in.Header["X-Mailer"] {
		if containsAny(strings.ToLower(v), bulkMailers) {
			return "envoi en nombre (X-Mailer: " + clip(v, 40) + ")"
		}
	}
	var evidence []string
	if provider != "" {
		evidence = append(evidence, provider)
	}
	for _, rp := range append([]string{mailFrom}, in.Header["Return-Path"]...) {
		if a := addrSpec(rp); bounceAddress(a) {
			evidence = append(evidence, "Return-Path "+clip(a, 40))
			break
		}
	}
	if local, _, _ := strings.Cut(addrSpec(in.From), "@"); slices.Contains(noReplyLocals, local) {
		evidence = append(evidence, "From "+local+"@")
	}
	if len(evidence) >= 2 {
		return "envoi en nombre (" + strings.Join(evidence, ", ") + ")"
	}
	// The text completes one kind of header evidence with a mailing's own
	// mark, or suffices with two kinds of marks of which one is a
	// mailing's own.
	if in.FromAgent {
		return ""
	}
	marks, own := bulkText(in)
	if own > 0 && len(marks)+len(evidence) >= 2 {
		return "envoi en nombre (" + strings.Join(append(evidence, "texte : "+strings.Join(marks, ", ")), ", ") + ")"
	}
	return ""
}

// Marks of a mass mailing in its text, folded as foldText writes them, in
// the six languages. Each kind is something a person may also write alone
// (« comment me désinscrire ? », a link pasted into a question), so
// bulkText counts kinds, not phrases. The phrases are in the mailer's voice
// (« si vous ne souhaitez plus recevoir », not « je ne souhaite plus
// recevoir »), as the peers' newsletter detectors and SpamAssassin's
// unsubscribe rules read them ("how to unsubscribe" is a person's, and
// Italian « cancellati » a person's "deleted" too). A mailing's own marks
// (own) are the browser line, the opt-out sentence and the unsubscribe
// link; why the reader receives the message and that replies are not read
// are also written by contact forms and by notifications that carry a
// person's request, so they never suffice with a sender's header evidence
// nor together.
var bulkMarks = []struct {
	label string
	own   bool
	// head: the mark is looked for at the top of the text, where the
	// browser line is; the others in its footer.
	head bool
	// The phrases, each under a word that starts a word of it: the words
	// are found in one pass over the text (bulkWordIndex), the phrases
	// looked for only where the text holds their word, which keeps the
	// cost of a message low, a person's and a mailing's alike.
	groups []phraseGroup
}{
	{"version en ligne", true, true, []phraseGroup{
		{"affiche", []string{"si ce message ne s'affiche pas", "si cet e-mail ne s'affiche pas",
			"si cet email ne s'affiche pas", "si ce mail ne s'affiche pas", "si ce courriel ne s'affiche pas",
			"afficher dans votre navigateur", "afficher dans le navigateur"}},
		{"lire ce", []string{"si vous n'arrivez pas a lire ce", "si vous ne parvenez pas a lire ce"}},
		{"visualis", []string{"si vous ne visualisez pas correctement", "visualiser dans votre navigateur"}},
		{"en ligne", []string{"consultez la version en ligne", "consultez sa version en ligne",
			"voir la version en ligne", "version en ligne de ce"}},
		{"navigateur", []string{"voir dans votre navigateur"}},
		{"browser", []string{"view this email in your browser", "view this e-mail in your browser", "view in browser",
			"view in your browser", "view it in your browser", "im browser anzeigen", "im browser ansehen",
			"im browser offnen", "open in browser", "open in your browser", "bekijk in je browser",
			"bekijk in uw browser", "bekijk deze e-mail in je browser", "bekijk deze e-mail in uw browser"}},
		{"online", []string{"view the online version", "view online version", "view this email online",
			"online-version anzeigen", "onlineversion anzeigen", "view online", "read online", "ver version online",
			"ver la version online", "bekijk de online versie"}},
		{"web", []string{"view as a web page", "view as a webpage", "view web version", "webversion anzeigen",
			"ver la version web", "bekijk de webversie"}},
		{"viewing", []string{"having trouble viewing this"}},
		{"see this", []string{"if you cannot see this email", "if you can't see this email"}},
		{"display", []string{"if this email does not display", "if this email is not displayed",
			"email not displaying correctly"}},
		{"angezeigt", []string{"nicht richtig angezeigt", "nicht korrekt angezeigt"}},
		{"dargestellt", []string{"nicht richtig dargestellt", "nicht korrekt dargestellt"}},
		{"newsletter nicht", []string{"wird dieser newsletter nicht"}},
		{"falls diese", []string{"falls diese e-mail nicht"}},
		{"navegador", []string{"ver en el navegador", "ver en tu navegador", "ver en su navegador"}},
		{"puede", []string{"si no puedes ver este correo", "si no puede ver este correo"}},
		{"visualiz", []string{"si no visualiza correctamente", "visualizza nel browser", "visualizza nel tuo browser",
			"visualizza la versione online", "visualizza la versione web", "se non visualizzi correttamente",
			"se non riesci a visualizzare"}},
		{"ves correct", []string{"si no ves correctamente"}},
		{"weergegeven", []string{"wordt deze e-mail niet goed weergegeven",
			"wordt deze e-mail niet correct weergegeven"}},
	}},
	{"désinscription", true, false, []phraseGroup{
		{"recevoir", []string{"si vous ne souhaitez plus recevoir", "si vous ne desirez plus recevoir",
			"si vous ne voulez plus recevoir", "pour ne plus recevoir"}},
		{"desinscri", []string{"pour vous desinscrire", "cliquez ici pour vous desinscrire",
			"si vous souhaitez vous desinscrire"}},
		{"desabonn", []string{"pour vous desabonner", "si vous souhaitez vous desabonner"}},
		{"preferences", []string{"gerer vos preferences", "gerer mes preferences", "modifier vos preferences",
			"update your preferences", "update subscription preferences", "manage your preferences",
			"manage email preferences", "email preferences"}},
		{"abonnement", []string{"gerer votre abonnement"}},
		{"unsubscribe", []string{"to unsubscribe,", "to unsubscribe:", "to unsubscribe.", "to unsubscribe click",
			"click here to unsubscribe", "unsubscribe from this list", "unsubscribe here", "unsubscribe instantly",
			"if you wish to unsubscribe", "if you would like to unsubscribe"}},
		{"wish to receive", []string{"if you no longer wish to receive", "if you do not wish to receive"}},
		{"want to receive", []string{"if you don't want to receive"}},
		{"subscription", []string{"manage your subscription"}},
		{"opt out", []string{"opt out of"}},
		{"opt-out", []string{"opt-out of"}},
		{"abbestell", []string{"newsletter abbestellen", "hier abbestellen"}},
		{"abmeld", []string{"konnen sie sich hier abmelden", "konnen sie sich jederzeit abmelden",
			"abmelden konnen sie sich"}},
		{"keine weiteren", []string{"wenn sie keine weiteren"}},
		{"nicht mehr", []string{"wenn sie diesen newsletter nicht mehr"}},
		{"verwalten", []string{"einstellungen verwalten"}},
		{"baja", []string{"darse de baja", "darte de baja", "date de baja", "dese de baja"}},
		{"recibir", []string{"si no desea recibir", "si no deseas recibir", "si ya no desea recibir",
			"si ya no deseas recibir"}},
		{"suscripcion", []string{"cancelar la suscripcion", "cancelar suscripcion", "anular la suscripcion"}},
		{"preferencias", []string{"gestionar preferencias"}},
		{"iscrizione", []string{"cancella iscrizione", "annulla l'iscrizione", "annulla iscrizione"}},
		{"disiscri", []string{"disiscriviti"}},
		{"ricevere", []string{"se non desideri piu ricevere", "se non vuoi piu ricevere"}},
		{"preferenze", []string{"gestisci le preferenze"}},
		{"afmeld", []string{"afmelden voor", "hier afmelden"}},
		{"af te melden", []string{"klik hier om af te melden"}},
		{"uitschrijv", []string{"uitschrijven"}},
		{"schrijf", []string{"schrijf je uit", "schrijf u uit"}},
		{"ontvangen", []string{"wil je geen e-mails meer ontvangen", "wilt u geen e-mails meer ontvangen"}},
		{"voorkeuren", []string{"voorkeuren beheren"}},
		{"descadastr", []string{"descadastr"}},
		{"inscricao", []string{"cancelar inscricao"}},
		{"receber", []string{"deixar de receber"}},
		{"leiratkoz", []string{"leiratkoz"}},
	}},
	{"raison de l'envoi", false, false, []phraseGroup{
		{"recevez", []string{"vous recevez ce message car", "vous recevez ce message parce",
			"vous recevez cet e-mail car", "vous recevez cet email car", "vous recevez cet e-mail parce",
			"vous recevez cet email parce", "vous recevez ce courriel car", "vous recevez cette newsletter",
			"vous recevez cette lettre"}},
		{"receiving", []string{"you are receiving this", "you're receiving this"}},
		{"receive this", []string{"you receive this email because", "you receive this e-mail because"}},
		{"received this", []string{"you received this email because", "you received this e-mail because"}},
		{"subscribed to", []string{"you are subscribed to", "you have subscribed to"}},
		{"erhalten", []string{"sie erhalten diese e-mail", "sie erhalten diesen newsletter",
			"sie erhalten diese nachricht, weil"}},
		{"recib", []string{"recibes este correo", "recibe este correo", "has recibido este correo",
			"ha recibido este correo"}},
		{"ricevi", []string{"ricevi questa email", "ricevi questa e-mail"}},
		{"ricevuto", []string{"hai ricevuto questa email", "hai ricevuto questa e-mail"}},
		{"ontvangt", []string{"je ontvangt deze e-mail", "u ontvangt deze e-mail", "je ontvangt deze nieuwsbrief",
			"u ontvangt deze nieuwsbrief"}},
	}},
	{"réponse non lue", false, false, []phraseGroup{
		{"repondre", []string{"merci de ne pas y repondre", "veuillez ne pas y repondre"}},
		{"automatique", []string{"ceci est un message automatique", "ceci est un e-mail automatique",
			"message envoye automatiquement"}},
		{"reply to this", []string{"please do not reply to this", "do not reply to this email",
			"do not reply to this e-mail", "do not reply to this message"}},
		{"not monitored", []string{"this mailbox is not monitored"}},
		{"antworten", []string{"bitte antworten sie nicht auf diese"}},
		{"automatisch", []string{"diese e-mail wurde automatisch"}},
		{"responda", []string{"no responda a este", "no respondas a este"}},
		{"rispondere", []string{"si prega di non rispondere", "non rispondere a questa"}},
		{"antwoorden", []string{"gelieve niet te antwoorden"}},
		{"beantwoorden", []string{"niet beantwoorden"}},
		{"automatikusan", []string{"automatikusan generalt"}},
	}},
}

// phraseGroup holds phrases that all hold word at the start of one of
// their words.
type phraseGroup struct {
	word    string
	phrases []string
}

// groupRef names bulkMarks[mark].groups[group].
type groupRef struct{ mark, group int }

// bulkWordIndex lists, for each pair of letters a to z, the groups of
// bulkMarks whose word starts with it. It is built on first use.
var bulkWordIndex = sync.OnceValue(func() *[26 * 26][]groupRef {
	var idx [26 * 26][]groupRef
	for m, mark := range bulkMarks {
		for g, group := range mark.groups {
			if k := letterPair(group.word); k >= 0 {
				idx[k] = append(idx[k], groupRef{m, g})
			}
		}
	}
	return &idx
})

// letterPair indexes the first two bytes of s when both are letters a to
// z, -1 otherwise.
func letterPair(s string) int {
	if len(s) < 2 || s[0] < 'a' || s[0] > 'z' || s[1] < 'a' || s[1] > 'z' {
		return -1
	}
	return int(s[0]-'a')*26 + int(s[1]-'a')
}

// maxMarks bounds bulkMarks and maxGroups a mark's groups, for the bit sets
// of markWords.
const (
	maxMarks  = 8
	maxGroups = 64
)

// markWords returns, per mark, the set of its groups whose word starts a
// word of t in the mark's place: before headEnd for a head mark, from
// tailAt for the others.
func markWords(t string, headEnd, tailAt int) (found [maxMarks]uint64) {
	idx := bulkWordIndex()
	for i := 0; i+1 < len(t); i++ {
		k := letterPair(t[i:])
		if k < 0 || i > 0 && (t[i-1] >= 'a' && t[i-1] <= 'z' || t[i-1] >= utf8.RuneSelf) {
			continue
		}
		for _, r := range idx[k] {
			m := &bulkMarks[r.mark]
			if m.head && i >= headEnd || !m.head && i < tailAt || found[r.mark]&(1<<r.group) != 0 {
				continue
			}
			if strings.HasPrefix(t[i:], m.groups[r.group].word) {
				found[r.mark] |= 1 << r.group
			}
		}
	}
	return found
}

// Words of an unsubscribe link or address (a mailing's own mark), and
// tracking parameters and mass mailers' link hosts (also in signatures and
// in the page address a contact form reports): read only inside a link or
// an address.
var (
	unsubscribeLinkWords = []string{"unsubscribe", "unsub", "desinscri", "desabonn", "optout", "opt-out", "opt_out",
		"abmeld", "abbestell", "baja", "disiscri", "cancellazione", "afmeld", "uitschrijv", "leiratkoz"}
	trackingLinkWords = []string{"utm_source=", "utm_medium=", "utm_campaign=", "list-manage.com", "mailchi.mp",
		"mjt.lu", "sendibt", "ct.sendgrid.net", "mlsend.com", "/newsletter", "//newsletter", "//click.", "//clicks.",
		"//links.", "//trk.", "//track.", "//email."}
)

// Phrases with which a person asks, beyond requestPhrases: written above
// pasted mailing text, they make it a person's message.
var askPhrases = []string{"je souhaite", "je voudrais", "j'aimerais", "merci de me", "i would like", "i'd like",
	"ich mochte", "ich wurde gerne", "quisiera", "me gustaria", "vorrei", "ik wil", "ik zou graag"}

// A writer speaking of themselves above mailing text is a person writing
// about it (« j'ai reçu ceci », "I keep getting your newsletter"); a
// mailing speaks to its reader. English "I" is read with a verb, as "i"
// alone is an Italian article.
var firstPerson = []string{" je ", " j'", " moi ", " me ", " mon ", " mes ", " i am ", " i'm ", " i have ", " i've ",
	" i keep ", " i get ", " i got ", " i received ", " i clicked ", " i tried ", " i want ", " i need ", " i can",
	" i do ", " i did ", " i was ", " i never ", " i would ", " i'd ", " my ", " ich ", " mein", " mich ", " mir ",
	" yo ", " mi ", " ik ", " mijn "}

// Bounds of the text bulkText reads: a mailing's browser line is at its
// top, its footer at its bottom. They keep the cost of a long message's
// text that of a short one's.
const (
	bulkHeadBytes = 1000
	bulkTailBytes = 3000
)

// bulkText returns the kinds of mass-mailing marks found in the writer's
// own text (a forwarded or quoted part does not count) and how many of
// them are a mailing's own, nil when the
// message is a person's: a reply or a forward by its subject or its
// references, or a request or a writer speaking of themselves above the
// first mark.
func bulkText(in Incoming) (marks []string, own int) {
	if in.Body == "" || len(in.References) > 0 || replyPrefixed(strings.ToLower(normalSubject(in.Subject))) {
		return nil, 0
	}
	// Folding shrinks text by a byte per accent and per extra space, so a
	// fifth more than the bounds is enough. The parser has already cut
	// what follows a writer's text, so a forward's header that ownText
	// looks for is at the top.
	body := in.Body
	if head, tail := bulkHeadBytes*6/5, bulkTailBytes*6/5; len(body) > head+tail {
		body = body[:utf8Start(body, head)] + "\n" + body[utf8Start(body, len(body)-tail):]
	}
	body = ownText(body)
	// A mailing offers its way out (RFC 2369's idea, the law's in most
	// countries) as a link or an address: text with neither is not one.
	if !strings.Contains(body, "://") && !strings.Contains(body, "www.") && !strings.Contains(body, "@") {
		return nil, 0
	}
	t := foldText(body)
	tailAt := max(0, len(t)-bulkTailBytes)
	head, tail := t[:min(len(t), bulkHeadBytes)], t[tailAt:]
	first := len(t)
	spans := links(t)
	words := markWords(t, len(head), tailAt)
	add := func(label string, mine bool, i int) {
		marks = append(marks, label)
		if mine {
			own++
		}
		first = min(first, i)
	}
	// A mailing's own marks first: without one the others do not count,
	// and most messages, people's, stop here.
	for _, mine := range []bool{true, false} {
		for k, m := range bulkMarks {
			if m.own != mine || words[k] == 0 {
				continue
			}
			w, at := tail, tailAt
			if m.head {
				w, at = head, 0
			}
			if i := groupIndex(w, m.groups, words[k]); i >= 0 {
				add(m.label, m.own, at+i)
			}
		}
		if mine {
			if i := linkWith(t, spans, unsubscribeLinkWords); i >= 0 {
				add("lien de désinscription", true, i)
			}
			if own == 0 {
				return nil, 0
			}
		} else if i := linkWith(t, spans, trackingLinkWords); i >= 0 {
			add("lien de suivi", false, i)
		}
	}
	above := " " + t[:first]
	if containsAny(above, requestPhrases) || containsAny(above, askPhrases) || containsAny(above, firstPerson) {
		return nil, 0
	}
	return marks, own
}

// groupIndex returns the offset in s of a phrase it holds of the groups
// in the set found, -1 when it holds none.
func groupIndex(s string, groups []phraseGroup, found uint64) int {
	for k, g := range groups {
		if found&(1<<k) == 0 {
			continue
		}
		for _, p := range g.phrases {
			if i := strings.Index(s, p); i >= 0 {
				return i
			}
		}
	}
	return -1
}

// links returns the links and addresses of t, each as its first and last
// offsets: the words around "://", "@" or "www.", up to a space, a
// bracket or a quote.
func links(t string) [][2]int {
	var spans [][2]int
	for _, m := range []string{"://", "@", "www."} {
		for off := 0; off < len(t); {
			i := strings.Index(t[off:], m)
			if i < 0 {
				break
			}
			i += off
			start, end := strings.LastIndexAny(t[:i], linkEnds)+1, len(t)
			if j := strings.IndexAny(t[i:], linkEnds); j >= 0 {
				end = i + j
			}
			if !slices.ContainsFunc(spans, func(sp [2]int) bool { return sp[0] == start }) {
				spans = append(spans, [2]int{start, end})
			}
			off = end
		}
	}
	return spans
}

// linkEnds are the bytes around a link or an address in text.
const linkEnds = " ()<>\"«»"

// linkWith returns the offset in t of the first of spans that holds one of
// words, -1 when none does.
func linkWith(t string, spans [][2]int, words []string) int {
	first := -1
	for _, sp := range spans {
		if (first < 0 || sp[0] < first) && containsAny(t[sp[0]:sp[1]], words) {
			first = sp[0]
		}
	}
	return first
}

// ownText keeps the text above a forwarded message or a quoted header
// block (see cutQuote). It goes on past a bare rule, which mailings draw
// above their footer, and past ">" lines, which they use as arrows
// (">> voir nos réalisations <<"): the parser has already removed a
// trailing quotation, and quotes left between a writer's lines are an
// inline reply's, which bulkText does not read.
func ownText(s string) string {
	off := 0
	for line := range strings.Lines(s) {
		// Only a line that starts as quoteStart's prefixes do (a rule, "De",
		// "From", "Von", "Sent", "Envoyé") or ends with ":" is lowered and
		// read: this runs over every message's text.
		l := strings.TrimSpace(line)
		if l == "" || l[0] != '-' && l[0] != '_' && strings.IndexByte("dfvse", l[0]|0x20) < 0 && !strings.HasSuffix(l, ":") {
			off += len(line)
			continue
		}
		l = strings.ToLower(l)
		if quoteStart(l) && strings.Trim(l, "-_=* ") != "" {
			return s[:off]
		}
		off += len(line)
	}
	return s
}

// utf8Start moves n back to the start of a UTF-8 sequence in s.
func utf8Start(s string, n int) int {
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// Spam an upstream filter has found: its sender is most often forged, so
// an acknowledgment would be backscatter to an innocent address (RFC 3834
// §2 lets a responder refuse when the content makes a response
// inappropriate). SpamAssassin and amavis write X-Spam-Flag and
// X-Spam-Status, Rspamd X-Spam, and they rewrite the subject ("[SPAM]",
// "*****SPAM*****"). A filter's guess is not a verdict: OVH's
// X-Probably-Spam-Tag and « *** PROBABLY SPAM *** » subject, "{Spam?}"
// and the like mark people's requests too (a sender without reverse DNS),
// so they are acknowledged.
var spamFields = []string{"X-Spam-Flag", "X-Spam-Status", "X-Spam"}

// gtube is SpamAssassin's test string: every filter classifies a message
// holding it as spam, so administrators send it to test the path.
const gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

// spamReason trusts no verdict on mail that answers ours: a spammer does not
// know our Message-IDs, and a filter's mistake on a requester's reply must
// still reach the agents.
func spamReason(in Incoming, h fields) string {
	if in.AnswersOurMail {
		return ""
	}
	for _, k := range spamFields {
		v := strings.TrimSpace(h.Get(k))
		if w := strings.ToLower(strings.TrimRight(firstWord(v), ",")); w == "yes" || w == "true" {
			return "pourriel signalé par le filtre amont (" + k + ": " + clip(v, 20) + ")"
		}
	}
	if tag := spamSubjectTag(in.Subject); tag != "" {
		return "pourriel signalé par le filtre amont (objet « " + tag + " »)"
	}
	if strings.Contains(in.Body, gtube) {
		return "message de test anti-pourriel (GTUBE)"
	}
	return ""
}

// spamSubjectTag returns the tag a filter put first in the subject
// ("[SPAM]", "*****SPAM*****"), "" when there is none.
func spamSubjectTag(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	var inner string
	end := -1
	switch s[0] {
	case '[', '{', '(':
		closer := map[byte]byte{'[': ']', '{': '}', '(': ')'}[s[0]]
		if i := strings.IndexByte(s, closer); i > 0 {
			inner, end = s[1:i], i+1
		}
	case '*':
		rest := strings.TrimLeft(s, "*")
		if i := strings.IndexByte(rest, '*'); i > 0 {
			inner = rest[:i]
			end = len(s) - len(rest) + i
			for end < len(s) && s[end] == '*' {
				end++
			}
		}
	}
	if end < 0 || end > maxTagBytes || !strings.EqualFold(strings.TrimSpace(inner), "spam") {
		return ""
	}
	return s[:end]
}

// bounceAddress reports a return path that routes bounces to a mass
// mailer's bounce processor: a VERP address (RFC 5321 leaves the local
// part to the sender; mailers encode the recipient as "user=domain") or a
// bounce mailbox. SRS (forwarding) and BATV (signing) addresses also hold
// "=", and ordinary mail carries them, so they do not count.
func bounceAddress(a string) bool {
	local, domain, ok := strings.Cut(a, "@")
	if !ok || local == "" {
		return false
	}
	for _, p := range []string{"srs0=", "srs1=", "prvs=", "btv1=", "msprvs1="} {
		if strings.HasPrefix(local, p) {
			return false
		}
	}
	if local == "bounce" || local == "bounces" || hasAnyPrefix(local, bouncePrefixes) ||
		strings.Contains(local, "+bounce") || strings.Contains(local, "-bounce") ||
		hasAnyPrefix(domain, []string{"bounce.", "bounces.", "bnc."}) {
		return true
	}
	for _, d := range bounceDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	if i := strings.LastIndexByte(local, '='); i >= 0 && strings.Contains(local[i+1:], ".") {
		return true
	}
	return false
}

// normalSubject folds white space and removes the tag a gateway or a list
// puts first ("[EXTERNAL] Automatic reply: …", "[OMPI users] AUTO: … is out
// of the office"): a short bracketed tag or a gateway's EXT/External marker.
func normalSubject(s string) string {
	if strings.ContainsAny(s, "\t\r\n") || strings.Contains(s, "  ") {
		s = strings.Join(strings.Fields(s), " ")
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") {
		if end := strings.IndexByte(s, ']'); end > 0 && end <= maxTagBytes {
			return strings.TrimSpace(s[end+1:])
		}
	}
	for _, tag := range []string{"*external*", "external:", "ext:"} {
		if len(s) >= len(tag) && strings.EqualFold(s[:len(tag)], tag) {
			return strings.TrimSpace(s[len(tag):])
		}
	}
	return s
}

// maxTagBytes bounds the leading bracketed tag normalSubject removes.
const maxTagBytes = 40

// Subjects of automatic replies that carry no header saying so, lower case,
// from Outlook/Exchange in each language, Lotus Notes, Zimbra, Gmail,
// Sieve vacation and the peers' lists (Sisimai's RFC3834 detector: "Auto:",
// "Auto Response:", "Automatic reply:", "Out of (the) Office:"). Each must
// be the very start of the subject and end there or before ":", "(", "-" or
// "[", so « Absence de Mme X le 12 » or « Réponse automatique non reçue »,
// written by people, are not taken.
var autoReplyPhrases = []string{
	// English
	"automatic reply", "auto reply", "auto-reply", "autoreply", "auto response", "auto-response", "autoresponse",
	"automated reply", "automated response", "automatic response", "out of office", "out of the office",
	"out-of-office", "out of office autoreply", "out of office auto reply", "out of office reply", "ooo",
	"vacation reply", "vacation response", "vacation autoreply", "away from the office", "away from office",
	// French
	"réponse automatique", "reponse automatique", "absence du bureau", "absent du bureau", "absente du bureau",
	"absent(e) du bureau", "message d'absence", "message d’absence", "notification d'absence", "avis d'absence",
	"réponse d'absence", "répondeur automatique", "message automatique", "hors du bureau",
	// German
	"automatische antwort", "abwesenheitsnotiz", "abwesenheitsmeldung", "abwesenheitsbenachrichtigung",
	"automatische abwesenheitsnotiz", "autoantwort", "auto-antwort", "außer haus", "ausser haus", "nicht im büro",
	// Spanish
	"respuesta automática", "respuesta automatica", "fuera de la oficina", "fuera de oficina",
	"respuesta de ausencia", "mensaje de ausencia", "autorespuesta",
	// Italian
	"risposta automatica", "fuori ufficio", "fuori sede", "risposta di assenza", "messaggio di assenza",
	"notifica di assenza",
	// Dutch
	"afwezigheidsbericht", "afwezigheidsmelding", "automatisch antwoord", "buiten kantoor", "niet op kantoor",
	// Portuguese, Nordic, Polish
	"resposta automática", "resposta automatica", "fora do escritório", "autosvar", "automatisk svar",
	"automatiskt svar", "automatyczna odpowiedź", "autorespons", "autoresponder", "auto responder",
}

// Subjects of responders that thank instead of saying what they are; a
// person may open a reply so, so they must be the whole subject, even in
// answer to our mail.
var thanksPhrases = []string{"thank you for your e-mail", "thank you for your email", "thank you for your message",
	"thanks for your email", "thanks for your message", "thank you for contacting us"}

// Subjects of delivery failures from MTAs that set no other marker (Exim,
// qmail, Postfix, Exchange in several languages). A failure report quotes
// the message that failed, so its text says nothing about who wrote it and
// is not read.
var failurePhrases = []string{
	"undeliverable", "undelivered mail returned to sender", "undelivered mail", "delivery status notification",
	"mail delivery failed", "mail delivery failure", "delivery failure", "failure notice", "returned mail",
	"delayed mail", "delivery delayed", "message delayed", "warning: message delayed",
	"non remis", "message non remis", "non distribuable", "notification d'état de remise",
	"notification d'état de distribution", "unzustellbar", "nicht zustellbar",
	"benachrichtigung zum übermittlungsstatus", "benachrichtung zum übermittlungsstatus",
	"non recapitabile", "notifica sullo stato di recapito", "no se puede entregar",
	"notificación de estado de entrega", "onbestelbaar", "niet bezorgd",
}

// Words that open an absence notice's subject but also a person's ("Absent
// : …", "Urlaub: …"): believed only in answer to our own mail.
var absenceWords = []string{"absence", "absent", "absente", "abwesend", "abwesenheit", "urlaub", "ausente",
	"ausencia", "assente", "assenza", "afwezig", "vacances", "congés", "conges", "vacation", "holiday", "away",
	"auto", "ferie", "vakantie"}

// Lotus Notes (Domino) writes "AUTO: Jean Dupont is out of the office
// (returning 03/12/2026)" in the language of the server; the words after
// "AUTO:" tell it from a subject about a car.
var lotusWords = []string{"out of the office", "out of office", "returning", "absent", "absente", "abwesend",
	"außer haus", "ausser haus", "rückkehr", "de retour", "retour le", "fuera de la oficina", "ausente",
	"fuori ufficio", "assente", "afwezig", "buiten kantoor", "ritorno", "regreso"}

func autoReplySubject(in Incoming, subject string) string {
	l := strings.ToLower(subject)
	// RFC 3834 §3.1.5 has responders put "Auto:" before the subject they
	// answer; "Auto: Re: …" or "Auto: [Ticket#…] …" is never a person's.
	if rest, ok := strings.CutPrefix(l, "auto"); ok {
		if rest, ok := strings.CutPrefix(strings.TrimLeft(rest, " "), ":"); ok {
			rest = strings.TrimLeft(rest, " ")
			if in.AnswersOurMail || containsAny(rest, lotusWords) || replyPrefixed(rest) || strings.HasPrefix(rest, "[") {
				return original(subject, l, "auto")
			}
		}
	}
	for _, p := range autoReplyPhrases {
		rest, ok := strings.CutPrefix(l, p)
		if !ok {
			continue
		}
		if in.AnswersOurMail || terminated(rest) && !personalRequest(in, rest) {
			return original(subject, l, p)
		}
	}
	for _, p := range thanksPhrases {
		if rest, ok := strings.CutPrefix(l, p); ok && strings.Trim(rest, " .!") == "" && !personalRequest(in, rest) {
			return original(subject, l, p)
		}
	}
	// Gmail's vacation responder writes "<name> - vacation response <the
	// subject answered>"; Zammad's OutOfOfficeCheck looks for the word too.
	if i := strings.Index(l, " - vacation response"); i > 0 {
		return original(subject, l, l[:i+len(" - vacation response")])
	}
	if in.AnswersOurMail {
		for _, p := range absenceWords {
			if rest, ok := strings.CutPrefix(l, p); ok && terminated(rest) {
				return original(subject, l, p)
			}
		}
	}
	return ""
}

func failureSubject(subject string) string {
	l := strings.ToLower(subject)
	for _, p := range failurePhrases {
		if rest, ok := strings.CutPrefix(l, p); ok && terminated(rest) {
			return original(subject, l, p)
		}
	}
	return ""
}

// requestPhrases are how people ask for help; absence notices do not.
var requestPhrases = []string{"pouvez-vous", "pourriez-vous", "pouvez vous", "je n'arrive pas", "n'arrive plus",
	"impossible de", "impossible d'",
	"ne fonctionne", "ne marche", "comment faire", "could you", "can you", "please help", "not working",
	"does not work", "doesn't work", "how do i", "how can i", "konnen sie", "funktioniert nicht",
	"puede ayudar", "no funciona", "potete", "non funziona", "kunt u", "werkt niet"}

// questionWords open a question in the six languages, folded.
var questionWords = []string{"comment", "pourquoi", "quand", "ou ", "qui ", "quel", "est-ce", "peut-on",
	"puis-je", "faut-il", "how", "why", "what", "when", "where", "who", "can ", "could", "is it", "wie",
	"warum", "wann", "was ", "kann", "como", "por que", "cuando", "come ", "perche", "quando", "hoe", "waarom",
	"wanneer", "kan "}

// personalRequest reports a message whose subject starts like an automatic
// reply's but which is a person asking about the feature itself
// (« Réponse automatique : comment l'activer ? »). The text decides when
// it says something: an absence notice (absenceText) is one; a question or
// a request for help is a person's; a stated absence is a notice. Without
// such text, a subject whose rest opens a question and quotes no reply or
// ticket is a person's.
func personalRequest(in Incoming, rest string) bool {
	body := in.Body
	if len(body) > absenceBytes {
		body = body[:absenceBytes]
	}
	if absenceText(body) != "" {
		return false
	}
	if t := foldText(cutQuote(body)); t != "" {
		if strings.Contains(t, "?") || containsAny(t, requestPhrases) {
			return true
		}
		if firstContained(t, absenceStated) != "" {
			return false
		}
	}
	q := foldText(strings.TrimLeft(rest, " :(-–—/|,"))
	return strings.Contains(q, "?") && hasAnyPrefix(q, questionWords) && len(in.References) == 0
}

// replyPrefixed reports a subject that starts with a reply or forward
// prefix in one of the usual languages.
func replyPrefixed(s string) bool {
	for _, p := range []string{"re", "aw", "tr", "fw", "fwd", "wg", "rv", "r", "sv", "antw", "rif", "ref"} {
		if rest, ok := strings.CutPrefix(s, p); ok && strings.HasPrefix(strings.TrimLeft(rest, " "), ":") {
			return true
		}
	}
	return false
}

// terminated reports whether what follows a phrase ends it.
func terminated(rest string) bool {
	rest = strings.TrimLeft(rest, " ")
	if rest == "" {
		return true
	}
	for _, t := range []string{":", "(", "-", "–", "—", "[", "/", "|", ","} {
		if strings.HasPrefix(rest, t) {
			return true
		}
	}
	return false
}

// original returns the prefix of s that the lower-case phrase p matched in
// l, as the sender wrote it.
func original(s, l, p string) string {
	if len(s) == len(l) {
		return s[:len(p)]
	}
	return p
}

// Absence notices, by their text, in the six languages. A notice states an
// absence, a date or time of return, and usually thanks, an alternative
// contact or limited access to mail; a person writing "Je suis absent
// demain, pouvez-vous…" gives one or two of these and asks something. The
// text is folded (lower case, no accents) before it is compared. Sisimai's
// Vacation reason reads the same English sentences.
var (
	// A notice that says what it is. The feature's names alone ("message
	// d'absence", "automatic reply") are not here: people asking about
	// the feature write them too.
	absenceAutomatic = []string{"ceci est un message automatique", "ceci est une reponse automatique",
		"ce message est automatique", "message envoye automatiquement", "ceci est un message d'absence",
		"this is an automated", "this is an automatic", "this is an auto-reply", "this is an autoreply",
		"dies ist eine automatische", "esta es una respuesta automatica", "este es un mensaje automatico",
		"mensaje generado automaticamente", "questa e una risposta automatica", "questo e un messaggio automatico",
		"messaggio generato automaticamente", "dit is een automatisch"}
	absenceStated = []string{"je suis absent", "je suis actuellement absent", "je serai absent", "absent du bureau",
		"absente du bureau", "absent(e)", "hors du bureau", "en conge", "en vacances", "en deplacement",
		"out of the office", "out of office", "i am away", "i'm away", "i am currently away", "i am on leave",
		"i am on annual leave", "on vacation", "on holiday", "ich bin abwesend", "abwesend", "ausser haus",
		"nicht im buro", "im urlaub", "estoy fuera", "fuera de la oficina", "ausente", "de vacaciones",
		"sono fuori", "fuori ufficio", "assente", "in ferie", "ik ben afwezig", "afwezig", "niet op kantoor",
		"met vakantie", "buiten kantoor", "n'est plus consultee", "n'est pas consultee", "plus en service",
		"ne fait plus partie", "is not monitored", "no longer monitored", "no longer in use", "no longer with",
		"wird nicht mehr gelesen", "nicht mehr besetzt", "ya no esta", "non e piu", "niet meer in gebruik"}
	absenceReturn = []string{"de retour le", "serai de retour", "retour prevu", "jusqu'au", "until", "back on",
		"back in the office", "will return", "return on", "returning on", "bis zum", "bis einschliesslich",
		"wieder im buro", "wieder erreichbar", "ab dem", "hasta el", "regresare", "volvere", "fino al",
		"rientrero", "saro di ritorno", "tot en met", " tot ", "weer aanwezig", "ben ik weer"}
	absenceNotice = []string{"merci pour votre message", "merci pour votre mail", "merci pour votre courriel",
		"merci de votre message", "thank you for your email", "thank you for your e-mail",
		"thank you for your message", "thanks for your email", "thanks for your message",
		"vielen dank fur ihre nachricht", "vielen dank fur ihre e-mail", "danke fur ihre nachricht",
		"gracias por su mensaje", "gracias por su correo", "grazie per il suo messaggio", "grazie per la sua email",
		"bedankt voor uw bericht", "dank voor uw bericht", "bedankt voor je bericht",
		"en cas d'urgence", "pour toute urgence", "for urgent", "in urgent cases", "in dringenden fallen",
		"en caso de urgencia", "per urgenze", "in caso di urgenza", "in dringende gevallen", "voor dringende",
		"acces limite", "pas acces a mes", "limited access", "no access to", "kein zugriff", "keinen zugriff",
		"acceso limitado", "accesso limitato", "beperkte toegang", "a mon retour", "des mon retour",
		"upon my return", "on my return", "nach meiner ruckkehr", "a mi regreso", "al mio rientro",
		"na mijn terugkeer", "bij terugkomst"}
)

// absenceBytes bounds the text read: a notice says what it is in its first
// lines, and a long message is a person's.
const absenceBytes = 3000

// absenceText returns the phrase that shows body to be an absence notice,
// "" when it is not one.
func absenceText(body string) string {
	if len(body) > absenceBytes {
		body = body[:absenceBytes]
	}
	t := foldText(cutQuote(body))
	if strings.Contains(t, "?") {
		return ""
	}
	if p := firstContained(t, absenceAutomatic); p != "" {
		return p
	}
	stated := firstContained(t, absenceStated)
	if stated != "" && firstContained(t, absenceReturn) != "" && firstContained(t, absenceNotice) != "" {
		return stated
	}
	return ""
}

// cutQuote keeps the text above the first quotation: a line starting with
// ">", a separator, the start of a quoted header block or an attribution
// line, as clients write them in the six languages.
func cutQuote(s string) string {
	off := 0
	for line := range strings.Lines(s) {
		if quoteStart(strings.ToLower(strings.TrimSpace(line))) {
			return s[:off]
		}
		off += len(line)
	}
	return s
}

func quoteStart(l string) bool {
	if hasAnyPrefix(l, []string{">", "-----", "_____", "de :", "de:", "from:", "von:", "van:", "da:", "sent:", "envoyé :"}) {
		return true
	}
	for _, end := range []string{"a écrit :", "a écrit:", "wrote:", "schrieb:", "escribió:", "ha scritto:", "schreef:"} {
		if strings.HasSuffix(l, end) {
			return true
		}
	}
	return false
}

// foldText lowers s, removes the accents of the six languages and folds
// white space (as strings.Fields sees it) to single spaces, so phrases
// compare without them. It is one pass and one allocation, as it runs over
// every message's text.
func foldText(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
			r = unicode.ToLower(r)
		} else if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		i += n
		if r == ' ' || '\t' <= r && r <= '\r' || r >= utf8.RuneSelf && unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if r < utf8.RuneSelf {
			b.WriteByte(byte(r))
			continue
		}
		switch r {
		case 'é', 'è', 'ê', 'ë':
			r = 'e'
		case 'à', 'â', 'ä', 'á':
			r = 'a'
		case 'ù', 'û', 'ü', 'ú':
			r = 'u'
		case 'ô', 'ö', 'ó', 'ò':
			r = 'o'
		case 'î', 'ï', 'í', 'ì':
			r = 'i'
		case 'ç':
			r = 'c'
		case 'ñ':
			r = 'n'
		case '’':
			r = '\''
		case 'ß':
			b.WriteString("ss")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func firstContained(s string, subs []string) string {
	for _, p := range subs {
		if strings.Contains(s, p) {
			return p
		}
	}
	return ""
}

func containsAny(s string, subs []string) bool { return firstContained(s, subs) != "" }

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// firstOf keeps the smaller of two field names, so the reason recorded does
// not depend on map order.
func firstOf(cur, k string) string {
	if cur == "" || k < cur {
		return k
	}
	return cur
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// ReadIncoming builds an Incoming from a raw message's header, for callers
// that have not parsed it otherwise (tools, tests). mailFrom is the envelope
// sender; pass the Return-Path (or From) when the transport had none.
func ReadIncoming(raw []byte, mailFrom string) (Incoming, error) {
	// An mbox "From " separator line is not a header field (RFC 4155).
	if bytes.HasPrefix(raw, []byte("From ")) {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			raw = raw[i+1:]
		}
	}
	h, err := textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return Incoming{}, fmt.Errorf("outbound: read header: %w", err)
	}
	mh := gomail.Header{Header: message.Header{Header: h}}
	in := Incoming{MailFrom: mailFrom, Header: map[string][]string{}}
	for f := mh.Fields(); f.Next(); {
		k := nettextproto.CanonicalMIMEHeaderKey(f.Key())
		v, err := f.Text()
		if err != nil {
			v = f.Value()
		}
		in.Header[k] = append(in.Header[k], v)
	}
	if l, err := mh.AddressList("From"); err == nil && len(l) > 0 {
		in.From, in.FromName = strings.ToLower(l[0].Address), l[0].Name
	}
	in.Subject, _ = mh.Text("Subject")
	if id, err := mh.MessageID(); err == nil && id != "" {
		in.MessageID = "<" + id + ">"
	}
	// References, then the In-Reply-To ids it lacks, as ingest gives them.
	for _, k := range []string{"References", "In-Reply-To"} {
		ids, err := mh.MsgIDList(k)
		if err != nil {
			continue
		}
		for _, id := range ids {
			if id = "<" + id + ">"; !slices.Contains(in.References, id) {
				in.References = append(in.References, id)
			}
		}
	}
	if t, params, err := mh.ContentType(); err == nil {
		in.ContentType, in.ReportType = t, params["report-type"]
	}
	return in, nil
}
