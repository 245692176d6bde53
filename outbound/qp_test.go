package outbound

import (
	"bytes"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
	"testing"
	"time"

	"guichet/store"
)

// stdQP is what Compose wrote before appendQP: s with CRLF line endings
// (and a final one when final) through mime/quotedprintable in one Write.
func stdQP(t testing.TB, s string, final bool) []byte {
	t.Helper()
	s = strings.ReplaceAll(s, "\n", "\r\n")
	if final && !strings.HasSuffix(s, "\r\n") {
		s += "\r\n"
	}
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func checkQP(t testing.TB, s string) {
	t.Helper()
	for _, final := range []bool{false, true} {
		want := stdQP(t, s, final)
		got := appendQP([]byte("prefix\r\n"), s, final)
		if !bytes.Equal(got[8:], want) {
			t.Fatalf("appendQP(%q, %v):\n got %q\nwant %q", s, final, got[8:], want)
		}
		if n := qpBound(s); len(want) > n {
			t.Fatalf("qpBound(%q) = %d < %d", s, n, len(want))
		}
	}
}

func TestAppendQPMatchesStdlib(t *testing.T) {
	long := strings.Repeat("abcdefghij", 20)
	for _, s := range []string{
		"", "a", "=", "\n", "\r", "\r\n", "\n\n", "\r\r\n", "a\rb", "a\r\nb\n",
		" ", "\t", "a ", "a\t", "a \n", "a\t\r\n", "a  \nb", " \n \n", "a \r", "é \r\n",
		"Bonjour Élodie Müller,\n\nNous avons bien reçu votre demande « Imprimante » et l'avons enregistrée.\n",
		long, long + "\n", long + " ", strings.Repeat("é", 100), strings.Repeat("=", 40),
		strings.Repeat("a", 74) + "é", strings.Repeat("a", 73) + "é", strings.Repeat("a", 72) + "é", strings.Repeat("a", 75) + "\n",
		strings.Repeat("a", 74) + " \n", strings.Repeat("a", 75) + " ", strings.Repeat("a", 73) + " \n", strings.Repeat("a", 75) + "\t",
		strings.Repeat("a", 76), strings.Repeat("a", 77), "\x00\x7f\x80\xff", "<a href=\"https://x/?a=b\">lien</a>\n",
		"a\r\xe9\nb", "\xe9\r\n", strings.Repeat("a ", 40) + "\n", strings.Repeat("a \n", 300), strings.Repeat(" \r", 300) + " ",
	} {
		checkQP(t, s)
	}
}

// FuzzQPMatchesStdlib: appendQP writes what mime/quotedprintable writes,
// whatever the text.
func FuzzQPMatchesStdlib(f *testing.F) {
	for _, s := range []string{"", "a \n", "é\r\n=", strings.Repeat("a", 75) + " \t\n", strings.Repeat("ç", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkQP(t, s) })
}

var boundaryRE = regexp.MustCompile(`boundary=([0-9a-f]{60})`)

// sameBoundaries names the multipart boundaries of raw by their order,
// the only bytes that differ from one composition to the next.
func sameBoundaries(raw []byte) []byte {
	for i, m := range boundaryRE.FindAllSubmatch(raw, -1) {
		raw = bytes.ReplaceAll(raw, m[1], []byte(strings.Repeat(string(rune('A'+i)), 60)))
	}
	return raw
}

func checkCompose(t testing.TB, m Mail) {
	t.Helper()
	want, wantErr := composeGoMessage(m)
	got, err := Compose(m)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("Compose error %v, go-message %v", err, wantErr)
	}
	if err != nil {
		return
	}
	if g, w := sameBoundaries(got), sameBoundaries(want); !bytes.Equal(g, w) {
		t.Fatalf("Compose differs from go-message:\n got %q\nwant %q", g, w)
	}
	var fs [16]field
	if n := sizeBound(headerFields(fs[:0], m), m); len(m.Attachments) == 0 && n < len(got) {
		t.Fatalf("sizeBound %d for %d bytes: the message was copied as it grew", n, len(got))
	}
}

func TestComposeMatchesGoMessage(t *testing.T) {
	pdf := store.Attachment{Filename: "relevé été.pdf", ContentType: "application/pdf", Data: bytes.Repeat([]byte("%PDF-1.4 "), 40)}
	base := Mail{
		From:    mail.Address{Name: "Centre d'assistance", Address: support},
		To:      []mail.Address{{Name: "Élodie Müller", Address: "elodie.muller@example.org"}},
		ReplyTo: &mail.Address{Name: "Centre d'assistance", Address: "support+2026-000042.dhintkgses4h@aide.example.org"},
		Subject: "[Ticket#2026-000042] Accusé de réception : Imprimante du 2ᵉ étage", MessageID: "<m@aide.example.org>",
		InReplyTo: "<p@example.org>", References: []string{"<o@example.org>", "<p@example.org>"},
		AutoSubmitted: "auto-replied", Date: time.Date(2026, 11, 26, 9, 14, 3, 0, time.FixedZone("CET", 3600)),
		Text: "Bonjour Élodie,\n\nune ligne \nfin", HTML: "<p>Bonjour « Élodie »</p>\n<a href=\"https://x/?a=b\">x</a>",
	}
	for _, tc := range []struct {
		name string
		mod  func(*Mail)
	}{
		{"alternative", func(*Mail) {}},
		{"text", func(m *Mail) { m.HTML = "" }},
		{"text ending with a line break", func(m *Mail) { m.HTML, m.Text = "", "ligne\n" }},
		{"empty bodies", func(m *Mail) { m.HTML, m.Text = "", "" }},
		{"mixed", func(m *Mail) { m.Attachments = []store.Attachment{pdf} }},
		{"mixed text", func(m *Mail) { m.HTML, m.Attachments = "", []store.Attachment{pdf, {Filename: "x", Data: []byte("y")}} }},
		{"person", func(m *Mail) { m.AutoSubmitted, m.InReplyTo, m.References, m.ReplyTo = "", "", nil, nil }},
		{"cc and many", func(m *Mail) {
			m.To = append(m.To, mail.Address{Address: "b@example.org"}, mail.Address{Name: "Zoé \"Z\" Dupont", Address: "z@example.org"})
			m.Cc = []mail.Address{{Address: "cc@example.org"}, {Name: "Jean-Pierre de La Fontaine-Saint-Exupéry", Address: "jean-pierre.de.la.fontaine@une-longue-adresse.example.org"}}
		}},
		{"no to", func(m *Mail) { m.To = nil }},
		{"no date", func(m *Mail) { m.Date = time.Time{} }},
		{"empty subject and id", func(m *Mail) { m.Subject, m.MessageID = "", "" }},
		{"control characters", func(m *Mail) {
			m.Subject = "Objet\r\nBcc: evil@example.org"
			m.From.Name = "Centre\r\nBcc: evil@example.org"
			m.To[0].Name = "a\u2028b\tc"
		}},
		{"huge subject", func(m *Mail) { m.Subject = strings.Repeat("réclamation urgente ", 60) }},
		{"ascii subject to fold", func(m *Mail) { m.Subject = strings.Repeat("word ", 30) + strings.Repeat("x", 100) }},
		{"folds at every other word", func(m *Mail) {
			m.Subject = strings.Repeat("a "+strings.Repeat("y", 66)+" ", 3)
			m.References = []string{strings.Repeat("a <"+strings.Repeat("y", 66)+"@x> ", 6)}
		}},
		{"long references", func(m *Mail) {
			for i := range 12 {
				m.References = append(m.References, "<"+strings.Repeat("r", 20+i*7)+"@mail.example.org>")
			}
		}},
		{"unfoldable id", func(m *Mail) { m.MessageID = "<" + strings.Repeat("x", 120) + "@aide.example.org>" }},
		{"CR in the text", func(m *Mail) { m.Text, m.HTML = "a\r\nb\rc \r\n", "x\r\n \r" }},
		{"CRLF in a Message-ID", func(m *Mail) { m.MessageID = "<a@b>\r\nBcc: evil@example.org" }},
		{"LF in In-Reply-To", func(m *Mail) { m.InReplyTo = "<a@b>\nX: y" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := base
			m.To = append([]mail.Address(nil), base.To...)
			m.References = append([]string(nil), base.References...)
			tc.mod(&m)
			checkCompose(t, m)
		})
	}
}

// FuzzComposeMatchesGoMessage: whatever the subject, names and bodies,
// Compose writes what go-message writes.
func FuzzComposeMatchesGoMessage(f *testing.F) {
	f.Add("Accusé de réception", "Élodie", "Bonjour\n", "<p>é</p>", "<a@b>", false)
	f.Add("", "", "", "", "", true)
	f.Fuzz(func(t *testing.T, subject, name, text, html, id string, person bool) {
		m := Mail{
			From: mail.Address{Name: "Centre", Address: support}, To: []mail.Address{{Name: name, Address: "x@example.org"}},
			Subject: subject, MessageID: id, InReplyTo: id, Date: fixedNow, Text: text, HTML: html, AutoSubmitted: "auto-replied",
		}
		if person {
			m.AutoSubmitted, m.References = "", []string{id, id}
		}
		checkCompose(t, m)
	})
}
