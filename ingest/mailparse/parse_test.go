package mailparse

import (
	"fmt"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// msg builds a small message from header lines and a body.
func msg(header []string, body string) []byte {
	return []byte(strings.Join(header, "\r\n") + "\r\n\r\n" + body)
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestParseSubject(t *testing.T) {
	tests := []struct {
		name, header, want string
	}{
		{"plain", "Subject: Imprimante en panne", "Imprimante en panne"},
		{"rfc2047 utf-8 q", "Subject: =?utf-8?q?Acc=C3=A8s_refus=C3=A9?=", "Accès refusé"},
		{"rfc2047 utf-8 b", "Subject: =?UTF-8?B?w4ljaGVjIGRlIGNvbm5leGlvbg==?=", "Échec de connexion"},
		{"iso-8859-1 read as windows-1252", "Subject: =?iso-8859-1?Q?l=92=E9cran_=96_c=9Cur_=80?=", "l’écran – cœur €"},
		{"latin1 label", "Subject: =?latin1?Q?caf=E9?=", "café"},
		{"raw 8-bit latin-1", "Subject: Probl\xe8me d\x92acc\xe8s", "Problème d’accès"},
		{"raw 8-bit utf-8", "Subject: Problème d’accès", "Problème d’accès"},
		{"crlf smuggled in encoded word", "Subject: =?utf-8?Q?Bonjour=0D=0ABcc:_x@evil.example?=", "Bonjour Bcc: x@evil.example"},
		{"nul and controls", "Subject: =?utf-8?Q?a=00b=07c=C2=9Fd?=", "abcd"},
		{"next line is a line break", "Subject: =?utf-8?Q?a=C2=85b?=", "a b"},
		{"folded", "Subject: une ligne\r\n\tpliée  en   deux", "une ligne pliée en deux"},
		{"adjacent words joined", "Subject: =?utf-8?q?Pi=C3=A8ce?= =?utf-8?q?_jointe?=", "Pièce jointe"},
		{"unknown charset kept", "Subject: =?x-unknown?q?abc?= suite", "=?x-unknown?q?abc?= suite"},
		{"utf-7", "Subject: =?unicode-1-1-utf-7?Q?Unzustellbar:_Gr+APwA3w-e?=", "Unzustellbar: Grüße"},
		{"absent", "X-Other: 1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Parse(msg([]string{"From: a@example.org", tt.header}, "x\r\n"), Limits{})
			assertClean(t, m)
			if m.Subject != tt.want {
				t.Errorf("Subject = %q, want %q", m.Subject, tt.want)
			}
		})
	}
}

func TestParseFrom(t *testing.T) {
	tests := []struct {
		name, header string
		want         Address
	}{
		{"name and address", `From: Awa Diop <awa.diop@example.org>`, Address{"Awa Diop", "awa.diop@example.org"}},
		{"domain lowercased, local kept", `From: <Awa.Diop@Example.ORG>`, Address{"", "Awa.Diop@example.org"}},
		{"bare address", `From: moussa@example.sn`, Address{"", "moussa@example.sn"}},
		{"quoted name with comma", `From: "Dupont, Jean" <jean@example.fr>`, Address{"Dupont, Jean", "jean@example.fr"}},
		{"rfc2047 name", `From: =?iso-8859-1?Q?Fran=E7oise_L=E9ger?= <fl@example.fr>`, Address{"Françoise Léger", "fl@example.fr"}},
		{"raw utf-8 name", "From: Rémi Ups <remi@example.com>", Address{"Rémi Ups", "remi@example.com"}},
		{"raw latin-1 name", "From: R\xe9mi Ups <remi@example.com>", Address{"Rémi Ups", "remi@example.com"}},
		{"comment in name dropped", "From: Jean (DSI) Dupont. <jd@example.fr>", Address{"Jean Dupont.", "jd@example.fr"}},
		{"first of several", `From: a@example.org, b@example.org`, Address{"", "a@example.org"}},
		{"localhost", `From: root@localhost`, Address{"", "root@localhost"}},
		{"no dot in domain", `From: Admin <admin@intranet>`, Address{"Admin", ""}},
		{"no at sign", `From: Service informatique`, Address{"Service informatique", ""}},
		{"garbage", "From: <<<@@@>>>", Address{}},
		{"empty group", `From: undisclosed-recipients:;`, Address{}},
		{"group", `From: Équipe: a@example.org, b@example.org;`, Address{"", "a@example.org"}},
		{"domain literal", `From: x@[192.0.2.1]`, Address{}},
		{"crlf in encoded name", `From: =?utf-8?Q?Eve=0D=0ABcc:_x?= <eve@example.org>`, Address{"Eve Bcc: x", "eve@example.org"}},
		{"absent", `Sender: x@example.org`, Address{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Parse(msg([]string{tt.header, "Subject: s"}, "x"), Limits{})
			assertClean(t, m)
			if m.From != tt.want {
				t.Errorf("From = %+v, want %+v", m.From, tt.want)
			}
		})
	}
}

func TestParseThreadingHeaders(t *testing.T) {
	tests := []struct {
		name       string
		header     []string
		wantID     string
		wantIRT    string
		wantRefs   []string
		wantDate   time.Time
		wantAddrTo []Address
	}{
		{
			name:     "normal",
			header:   []string{"Message-ID: <a1@example.org>", "In-Reply-To: <p@example.org>", "References: <r0@example.org>\r\n <p@example.org>", "Date: Mon, 3 Nov 2025 10:12:00 +0100"},
			wantID:   "<a1@example.org>",
			wantIRT:  "<p@example.org>",
			wantRefs: []string{"<r0@example.org>", "<p@example.org>"},
			wantDate: time.Date(2025, 11, 3, 9, 12, 0, 0, time.UTC),
		},
		{
			name:     "in-reply-to not in references is appended",
			header:   []string{"Message-ID:   < a2@example.org >", "In-Reply-To: <q@example.org> (Awa's message)", "References: <r0@example.org>"},
			wantID:   "<a2@example.org>",
			wantIRT:  "<q@example.org>",
			wantRefs: []string{"<r0@example.org>", "<q@example.org>"},
		},
		{
			name:   "id without brackets",
			header: []string{"Message-ID: 12345@mail.example.org", "Date: not a date"},
			wantID: "<12345@mail.example.org>",
		},
		{
			name:   "invalid id",
			header: []string{"Message-ID: nothing here"},
		},
		{
			name:       "to list with group and garbage",
			header:     []string{"To: support@example.org, Équipe: awa@example.org;, n'importe quoi"},
			wantAddrTo: []Address{{"", "support@example.org"}, {"", "awa@example.org"}, {"n'importe quoi", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Parse(msg(append([]string{"From: a@example.org"}, tt.header...), "x"), Limits{})
			assertClean(t, m)
			if m.MessageID != tt.wantID || m.InReplyTo != tt.wantIRT || !equal(m.References, tt.wantRefs) {
				t.Errorf("ids = %q %q %q, want %q %q %q", m.MessageID, m.InReplyTo, m.References, tt.wantID, tt.wantIRT, tt.wantRefs)
			}
			if !m.Date.Equal(tt.wantDate) {
				t.Errorf("Date = %v, want %v", m.Date, tt.wantDate)
			}
			if tt.wantAddrTo != nil && !equal(m.To, tt.wantAddrTo) {
				t.Errorf("To = %+v, want %+v", m.To, tt.wantAddrTo)
			}
		})
	}
}

func TestParseBody(t *testing.T) {
	tests := []struct {
		name     string
		raw      []byte
		wantFull string
		wantHTML bool
		wantCT   string
	}{
		{
			name:     "iso-8859-1 body read as windows-1252",
			raw:      msg([]string{"From: a@example.org", "Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable"}, "L=92=E9cran =96 c=9Cur =80=85"),
			wantFull: "L’écran – cœur €…",
			wantCT:   "text/plain",
		},
		{
			name:     "us-ascii declared, utf-8 sent",
			raw:      msg([]string{"From: a@example.org", "Content-Type: text/plain; charset=us-ascii", "Content-Transfer-Encoding: 8bit"}, "Déjà réglé"),
			wantFull: "Déjà réglé",
			wantCT:   "text/plain",
		},
		{
			name:     "us-ascii declared, latin-1 sent",
			raw:      msg([]string{"From: a@example.org", "Content-Type: text/plain; charset=us-ascii"}, "D\xe9j\xe0 r\xe9gl\xe9 \x80"),
			wantFull: "Déjà réglé €",
			wantCT:   "text/plain",
		},
		{
			name:     "utf-8 declared, invalid bytes repaired",
			raw:      msg([]string{"From: a@example.org", "Content-Type: text/plain; charset=utf-8"}, "caf\xe9 et thé"),
			wantFull: "café et thé",
			wantCT:   "text/plain",
		},
		{
			name:     "no MIME headers, raw utf-8",
			raw:      msg([]string{"From: a@example.org", "Subject: s"}, "Prénom : Rémi\r\nVille : Olèchena\r\n"),
			wantFull: "Prénom : Rémi\nVille : Olèchena",
			wantCT:   "text/plain",
		},
		{
			name:     "controls stripped, tabs and newlines kept",
			raw:      msg([]string{"From: a@example.org", "Content-Type: text/plain; charset=utf-8"}, "a\x00b\x1bc\td\r\ne\rf\u0085g"),
			wantFull: "abc\td\ne\nfg",
			wantCT:   "text/plain",
		},
		{
			name: "alternative picks the text part",
			raw: msg([]string{"From: a@example.org", `Content-Type: multipart/alternative; boundary="b"`},
				"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nTexte brut\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Texte <b>HTML</b></p>\r\n--b--\r\n"),
			wantFull: "Texte brut",
			wantHTML: true,
			wantCT:   "multipart/alternative",
		},
		{
			name:     "html only converted",
			raw:      readFixture(t, "html-only.eml"),
			wantFull: "Bonjour,\n\nLe portail ( https://intranet.example.org/portail ) est inaccessible.\n\n* premier point\n* second point\n\nMerci d'avance,\nAwa",
			wantHTML: true,
			wantCT:   "text/html",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Parse(tt.raw, Limits{})
			assertClean(t, m)
			if m.FullText != tt.wantFull {
				t.Errorf("FullText = %q, want %q", m.FullText, tt.wantFull)
			}
			if (m.HTML != "") != tt.wantHTML {
				t.Errorf("HTML = %q, want present=%v", m.HTML, tt.wantHTML)
			}
			if m.ContentType != tt.wantCT {
				t.Errorf("ContentType = %q, want %q", m.ContentType, tt.wantCT)
			}
			for _, leak := range []string{"color: red", "alert(", "xss-script", ".secret"} {
				if strings.Contains(m.FullText, leak) {
					t.Errorf("FullText = %q, leaks %q from <style>/<script>", m.FullText, leak)
				}
			}
		})
	}
}

func TestParseOutlookFrench(t *testing.T) {
	m := Parse(readFixture(t, "outlook-fr-cp1252.eml"), Limits{})
	assertClean(t, m)
	if want := "Problème d’imprimante – cœur €"; m.Subject != want {
		t.Errorf("Subject = %q, want %q", m.Subject, want)
	}
	if want := (Address{"Dupont, Jean", "jean.dupont@example.fr"}); m.From != want {
		t.Errorf("From = %+v, want %+v", m.From, want)
	}
	if want := "Bonjour,\n\nL’imprimante du 2e étage ne répond plus – coût : 5 €.\n\nCordialement\nJean"; m.Text != want {
		t.Errorf("Text = %q, want %q", m.Text, want)
	}
	if !strings.Contains(m.FullText, "Objet : Accusé de réception") {
		t.Errorf("FullText = %q, want the quoted history kept", m.FullText)
	}
}

func TestParseAttachments(t *testing.T) {
	m := Parse(readFixture(t, "attachments.eml"), Limits{})
	assertClean(t, m)
	type att struct {
		Filename, ContentType, ContentID string
		Inline                           bool
		Data                             string
	}
	want := []att{
		{"résumé été.pdf", "application/pdf", "", false, "%PDF-1.4\n"},
		{"année 2025.pdf", "application/pdf", "", false, "%PDF-1.4"},
		{"facture été.pdf", "application/pdf", "", false, "%PDF-1.4"},
		{"reçu.pdf", "application/pdf", "", false, "%PDF-1.4"},
		{"piece-jointe-5.pdf", "application/pdf", "", false, "%PDF-1.4"},
		{"piece-jointe-6.png", "image/png", "logo@example.org", true, "\x89PNG\r\n\x1a\n"},
	}
	var got []att
	for _, a := range m.Attachments {
		got = append(got, att{a.Filename, a.ContentType, a.ContentID, a.Inline, string(a.Data)})
	}
	// RFC 2231 with a combining accent: compare after composing é.
	if len(got) > 0 {
		got[0].Filename = strings.NewReplacer("e\u0301", "é").Replace(got[0].Filename)
	}
	if !equal(got, want) {
		t.Errorf("Attachments =\n%#v\nwant\n%#v", got, want)
	}
	if m.Text != "Voir les pièces jointes." {
		t.Errorf("Text = %q", m.Text)
	}
}

func TestSafeFilename(t *testing.T) {
	tests := []struct{ name, in, ct, want string }{
		{"unix path", "../../etc/passwd", "text/plain", "passwd"},
		{"windows path", `C:\Users\x\doc.pdf`, "application/pdf", "doc.pdf"},
		{"dots only", "..", "application/pdf", "piece-jointe-3.pdf"},
		{"empty", "", "image/jpeg", "piece-jointe-3.jpg"},
		{"control chars", "a\r\nb.txt", "text/plain", "a b.txt"},
		{"unknown type", "", "application/x-whatever", "piece-jointe-3.bin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := safeFilename(tt.in, tt.ct, 3); got != tt.want {
				t.Errorf("safeFilename(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// nestedBomb is depth levels of multipart/mixed, each inside the previous.
func nestedBomb(depth int) []byte {
	var b strings.Builder
	b.WriteString("From: bomb@example.org\r\nSubject: =?utf-8?q?Bombe_imbriqu=C3=A9e?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n")
	for i := 1; i <= depth; i++ {
		fmt.Fprintf(&b, "--b%d\r\nContent-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n", i-1, i)
	}
	fmt.Fprintf(&b, "--b%d\r\nContent-Type: text/plain\r\n\r\nau fond\r\n", depth)
	for i := depth; i >= 0; i-- {
		fmt.Fprintf(&b, "--b%d--\r\n", i)
	}
	return []byte(b.String())
}

// wideBomb is one multipart with n sibling parts, the first one text.
func wideBomb(n int) []byte {
	var b strings.Builder
	b.WriteString("From: bomb@example.org\r\nSubject: Bombe large\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"x\"\r\n\r\n")
	b.WriteString("--x\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nPremi=C3=A8re partie\r\n")
	for i := 1; i < n; i++ {
		b.WriteString("--x\r\nContent-Type: text/plain\r\n\r\na\r\n")
	}
	b.WriteString("--x--\r\n")
	return []byte(b.String())
}

func TestMIMEBombs(t *testing.T) {
	tests := []struct {
		name     string
		raw      []byte
		lim      Limits
		wantOver bool
		wantText string
	}{
		{"nested 10,000 levels", nestedBomb(10000), Limits{}, true, ""},
		{"wide 100,000 parts", wideBomb(100000), Limits{}, true, "Première partie"},
		{"nested at the limit", nestedBomb(49), Limits{}, false, "au fond"},
		{"nested over a custom limit", nestedBomb(6), Limits{MaxDepth: 5}, true, ""},
		{"wide at the limit", wideBomb(999), Limits{}, false, ""},
		{"wide over a custom limit", wideBomb(11), Limits{MaxParts: 10}, true, "Première partie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			m := Parse(tt.raw, tt.lim)
			elapsed := time.Since(start)
			t.Logf("%d bytes parsed in %v", len(tt.raw), elapsed)
			if elapsed > 500*time.Millisecond {
				t.Errorf("Parse took %v, want well under a second", elapsed)
			}
			assertClean(t, m)
			if m.OverLimits != tt.wantOver {
				t.Errorf("OverLimits = %v, want %v (problems %q)", m.OverLimits, tt.wantOver, m.Problems)
			}
			if tt.wantOver && (len(m.Problems) == 0 || !strings.Contains(m.Problems[0], "limits")) {
				t.Errorf("Problems = %q, want the reason", m.Problems)
			}
			if m.From.Addr != "bomb@example.org" || m.Subject == "" {
				t.Errorf("From, Subject = %+v, %q, want the top-level header read", m.From, m.Subject)
			}
			if tt.wantText != "" && !strings.HasPrefix(m.FullText, tt.wantText) {
				t.Errorf("FullText = %q, want prefix %q", clip(m.FullText, 80), tt.wantText)
			}
		})
	}
}

func TestParseReport(t *testing.T) {
	raw := msg([]string{"From: MAILER-DAEMON@mx.example.org", `Content-Type: Multipart/Report; report-type="Delivery-Status"; boundary="r"`},
		"--r\r\nContent-Type: text/plain\r\n\r\nNon remis\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--r--\r\n")
	m := Parse(raw, Limits{})
	assertClean(t, m)
	if m.ContentType != "multipart/report" || m.ReportType != "delivery-status" {
		t.Errorf("ContentType, ReportType = %q, %q", m.ContentType, m.ReportType)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].ContentType != "message/delivery-status" {
		t.Errorf("Attachments = %+v", m.Attachments)
	}
}

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name string
		raw  []byte
	}{
		{"empty", nil},
		{"header only", []byte("From: a@example.org")},
		{"no header", []byte("\r\n\r\njust a body")},
		{"binary", []byte{0, 1, 2, 0xff, 0xfe, '\n', '\n', 0x80}},
		{"leading continuation line", []byte(" Delivered-To: x@example.org\r\nFrom: a@example.org\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain\r\n\r\nbonjour\r\n--q--\r\n")},
		{"multipart without boundary", msg([]string{"From: a@example.org", "Content-Type: multipart/mixed"}, "texte")},
		{"unclosed boundary", msg([]string{"From: a@example.org", "Content-Type: multipart/mixed; boundary=z"}, "--z\r\nContent-Type: text/plain\r\n\r\ntexte")},
		{"bad base64", msg([]string{"From: a@example.org", "Content-Type: text/plain", "Content-Transfer-Encoding: base64"}, "!!!not base64@@@")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Parse(tt.raw, Limits{})
			assertClean(t, m)
		})
	}
	m := Parse(tests[4].raw, Limits{})
	if m.FullText != "bonjour" || len(m.Problems) == 0 {
		t.Errorf("leading continuation: FullText = %q, Problems = %q", m.FullText, m.Problems)
	}
}

func BenchmarkParse(b *testing.B) {
	raw := readFixture(b, "bench-fr.eml")
	m := Parse(raw, Limits{})
	if len(m.Attachments) != 1 || m.Text == "" {
		b.Fatalf("fixture parsed badly: %d attachments, problems %q", len(m.Attachments), m.Problems)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(raw, Limits{})
	}
}

// benchQPMessage is bench-fr.eml with its text part re-encoded as
// quoted-printable, CRLF line endings, as guichet-load sends and as most
// mail clients write French text: the path of enmime's quoted-printable
// decoder (third_party/enmime/PATCHES.md).
func benchQPMessage(tb testing.TB) []byte {
	tb.Helper()
	raw := string(readFixture(tb, "bench-fr.eml"))
	const cte = "Content-Transfer-Encoding: 8bit\r\n\r\n"
	start := strings.Index(raw, cte)
	if start < 0 {
		tb.Fatal("bench-fr.eml: text part not found")
	}
	n := strings.Index(raw[start:], "\r\n--b1\r\n")
	if n < 0 {
		tb.Fatal("bench-fr.eml: end of the text part not found")
	}
	end := start + n
	var qp strings.Builder
	w := quotedprintable.NewWriter(&qp)
	if _, err := w.Write([]byte(raw[start+len(cte) : end])); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return []byte(raw[:start] + "Content-Transfer-Encoding: quoted-printable\r\n\r\n" + qp.String() + raw[end:])
}

// TestParseQuotedPrintableLikeEightBit: the quoted-printable form of
// bench-fr.eml reads as the 8bit one (its line breaks become CRLF).
func TestParseQuotedPrintableLikeEightBit(t *testing.T) {
	m := Parse(benchQPMessage(t), Limits{})
	plain := Parse(readFixture(t, "bench-fr.eml"), Limits{})
	if len(m.Problems) != 0 {
		t.Errorf("problems %q, want none", m.Problems)
	}
	if got, want := strings.ReplaceAll(m.FullText, "\r\n", "\n"), plain.FullText; got != want {
		t.Errorf("FullText\n got %q\nwant %q", got, want)
	}
	if len(m.Attachments) != 1 || len(plain.Attachments) != 1 ||
		string(m.Attachments[0].Data) != string(plain.Attachments[0].Data) {
		t.Errorf("attachments differ: %d, want the 8bit message's %d", len(m.Attachments), len(plain.Attachments))
	}
}

func BenchmarkParseQP(b *testing.B) {
	raw := benchQPMessage(b)
	if m := Parse(raw, Limits{}); len(m.Attachments) != 1 || m.Text == "" || len(m.Problems) != 0 {
		b.Fatalf("message parsed badly: %d attachments, problems %q", len(m.Attachments), m.Problems)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(raw, Limits{})
	}
}

// TestBoundaryMidLine: a delimiter starts a line (RFC 2046 §5.1.1); the
// boundary string in the middle of a line of a part's first bytes neither
// ends the part nor loses what follows (third_party/enmime/PATCHES.md).
func TestBoundaryMidLine(t *testing.T) {
	raw := "From: a@example.org\r\nTo: support@example.org\r\nSubject: x\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Bonjour, la chaîne --b1 apparaît dans ma phrase.\r\nSuite du texte.\r\n" +
		"--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"a.pdf\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n"
	m := Parse([]byte(raw), Limits{})
	if !strings.Contains(m.Text, "apparaît dans ma phrase.") || !strings.Contains(m.Text, "Suite du texte.") {
		t.Errorf("text = %q, want the whole first part", m.Text)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].Filename != "a.pdf" {
		t.Errorf("attachments = %+v, want a.pdf", m.Attachments)
	}
}
