package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"mime/quotedprintable"
	"strings"
	"time"
)

// messageGen writes realistic French help-desk messages: a subject with a
// catalogue tag, a ticket reply, or neither; a quoted-printable UTF-8 text
// of a few KB; one small base64 attachment; a unique Message-ID.
type messageGen struct {
	runID string
	to    string
	size  int // approximate size of the text part in bytes
	rnd   *rand.Rand

	bodies [][]byte
}

var (
	senders = []string{"Awa Diop <awa.diop@example.net>", "Moussa Fall <moussa.fall@example.net>",
		"Aminata Ndiaye <aminata.ndiaye@example.com>", "Jean-Baptiste Sarr <jb.sarr@example.com>",
		"Fatou Sow <fatou.sow@example.org>", "Ibrahima Ba <ibrahima.ba@example.net>"}
	subjects = []string{
		"[1.7] Plateforme inaccessible depuis ce matin",
		"[1.5] Impossible de me connecter à mon espace",
		"[1.2] Paiement refusé lors de la télédéclaration",
		"(1.4) Erreur sur le bordereau de mars",
		"1.6 : Échec du téléversement de la pièce justificative",
		"Demande d'assistance : accès au service en ligne",
		"Question sur le délai de traitement de mon dossier",
	}
	paragraphs = []string{
		"Bonjour,\n\nDepuis ce matin, je n'arrive plus à accéder à la plateforme : la page reste blanche après l'identification, puis un message « Service indisponible » s'affiche. J'ai essayé avec deux navigateurs différents, sans succès.",
		"Pourriez-vous vérifier si un incident est en cours ? Je dois déposer ma déclaration avant la fin de la semaine et je crains de dépasser l'échéance. Vous trouverez ci-joint une capture d'écran du message d'erreur.",
		"Pour information, mon numéro de contribuable est le 0123456789 et j'utilise un ordinateur sous Windows 11, avec une connexion par fibre optique. Mes collègues rencontrent le même problème depuis leur poste.",
		"Je vous remercie par avance de votre aide et reste à votre disposition pour tout renseignement complémentaire. N'hésitez pas à me joindre par téléphone au 01 23 45 67 89 entre 9 h et 17 h.",
		"Lors de la dernière tentative, le paiement a été débité de mon compte bancaire, mais l'accusé de réception n'a jamais été généré. Je souhaiterais éviter un double prélèvement.",
		"Le téléversement du fichier PDF (1,2 Mo) échoue systématiquement à 80 % avec le code d'erreur E-4021. Le même fichier s'ouvre correctement sur mon poste.",
	}
)

func newMessageGen(runID, to string, size int, seed uint64) *messageGen {
	return &messageGen{runID: runID, to: to, size: size, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// next returns message number n of worker w, with CRLF line endings.
func (g *messageGen) next(w, n int, now time.Time) []byte {
	// A help desk hears from many people: one name of the list, at one
	// of requesterPool addresses, so that acknowledgments are composed and
	// queued as in real traffic instead of being cut by the per-address
	// hourly limit after the first few.
	name := senders[g.rnd.IntN(len(senders))]
	local, domain, _ := strings.Cut(name[strings.IndexByte(name, '<')+1:len(name)-1], "@")
	from := fmt.Sprintf("%s<%s.%d@%s>", name[:strings.IndexByte(name, '<')], local, g.rnd.IntN(requesterPool), domain)
	subject := subjects[g.rnd.IntN(len(subjects))]
	var inReplyTo string
	if g.rnd.IntN(3) == 0 { // a third are replies to an existing ticket
		ticket := fmt.Sprintf("2026-%06d", 1+g.rnd.IntN(999))
		subject = fmt.Sprintf("RE : [Ticket#%s] Accusé de réception : %s", ticket, subject)
		inReplyTo = fmt.Sprintf("<ack-%s@guichet.example.org>", ticket)
	}

	body, boundary := g.body(from)

	var b bytes.Buffer
	b.Grow(len(body) + 1024)
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("From", from)
	hdr("To", "Centre d'assistance <"+g.to+">")
	hdr("Subject", encodeWord(subject))
	hdr("Date", now.Format(time.RFC1123Z))
	hdr("Message-ID", fmt.Sprintf("<load-%s-%d-%d@guichet-load.example.net>", g.runID, w, n))
	if inReplyTo != "" {
		hdr("In-Reply-To", inReplyTo)
		hdr("References", inReplyTo)
	}
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", `multipart/mixed; boundary="`+boundary+`"`)
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// requesterPool is how many distinct addresses the messages come from.
const requesterPool = 10000

// bodyVariants is how many distinct MIME bodies each generator prepares:
// building the body (text, quoted-printable, base64) costs more than the
// server's parse of it, so the generator reuses them and keeps its own CPU
// out of the measurement; headers stay unique per message.
const bodyVariants = 16

// body returns one of the prepared bodies, signed by from, with its MIME
// boundary.
func (g *messageGen) body(from string) ([]byte, string) {
	i := g.rnd.IntN(bodyVariants)
	if g.bodies == nil {
		g.bodies = make([][]byte, bodyVariants)
	}
	boundary := fmt.Sprintf("=_guichet-load_%d", i)
	if g.bodies[i] != nil {
		return g.bodies[i], boundary
	}
	var text strings.Builder
	for text.Len() < g.size {
		text.WriteString(paragraphs[g.rnd.IntN(len(paragraphs))])
		text.WriteString("\n\n")
	}
	text.WriteString("Cordialement,\n-- \n" + strings.SplitN(from, " <", 2)[0] + "\n")

	attach := make([]byte, 1024+g.rnd.IntN(512))
	for i := range attach {
		attach[i] = byte(g.rnd.Uint32())
	}

	var b bytes.Buffer
	b.WriteString("--" + boundary + "\r\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	qp := quotedprintable.NewWriter(&b) // writes CRLF line breaks
	_, _ = qp.Write([]byte(text.String()))
	_ = qp.Close()
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: image/png\r\nContent-Disposition: attachment; filename=\"capture.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString(attach)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n--" + boundary + "--\r\n")
	g.bodies[i] = b.Bytes()
	return g.bodies[i], boundary
}

// encodeWord encodes a header value as an RFC 2047 encoded-word when it is
// not ASCII.
func encodeWord(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
		}
	}
	return s
}
