package mailparse

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
)

// The fast paths must agree with what they stand for on every input; each
// check below compares one with its reference.

func needsCleanReference(s string) bool {
	for _, r := range s {
		if r == '\r' || (r != '\n' && r != '\t' && isControl(r)) {
			return true
		}
	}
	return false
}

func countBoundaryReference(b []byte, max int) int {
	n := 0
	for i := 0; i+9 <= len(b); i++ {
		if bytes.EqualFold(b[i:i+9], []byte("boundary=")) {
			n++
			if n > max {
				return n
			}
		}
	}
	return n
}

func attributionStartReference(t string) bool {
	t = strings.TrimLeft(strings.TrimPrefix(t, "--"), " \t")
	end := strings.IndexAny(t, " \t")
	if end < 0 {
		return false
	}
	switch strings.ToLower(t[:end]) {
	case "le", "on", "am", "el", "il", "op":
		return true
	}
	return false
}

func checkFastPaths(t *testing.T, s string) {
	t.Helper()
	if got, want := foldSpace(s), foldSpaceCopy(s); got != want {
		t.Errorf("foldSpace(%q) = %q, want %q", s, got, want)
	}
	if v, _ := repairUTF8(s); needsClean(v) != needsCleanReference(v) {
		t.Errorf("needsClean(%q) = %v, want %v", v, needsClean(v), !needsClean(v))
	}
	if got, want := countBoundaryParams([]byte(s), 3), countBoundaryReference([]byte(s), 3); got != want {
		t.Errorf("countBoundaryParams(%q) = %d, want %d", s, got, want)
	}
	if !mayOpenHistory(s) && (separatorRE.MatchString(s) || forwardRE.MatchString(s) || mobileRE.MatchString(s)) {
		t.Errorf("mayOpenHistory(%q) = false, but a history pattern matches", s)
	}
	if !mayOpenHeader(s) && (headerFromRE.MatchString(s) || headerLineRE.MatchString(s)) {
		t.Errorf("mayOpenHeader(%q) = false, but a header pattern matches", s)
	}
	if got, want := attributionStart(s), attributionStartReference(s); got != want {
		t.Errorf("attributionStart(%q) = %v, want %v", s, got, want)
	}
	if !mayHaveLatin1Word(s) && latin1WordRE.MatchString(s) {
		t.Errorf("mayHaveLatin1Word(%q) = false, but latin1WordRE matches", s)
	}
	d := foldSpace(s)
	got, gerr := parseDate(d)
	want, werr := mail.ParseDate(d)
	if (gerr == nil) != (werr == nil) || !got.Equal(want) || got.Location().String() != want.Location().String() {
		t.Errorf("parseDate(%q) = %v, %v; mail.ParseDate: %v, %v", d, got, gerr, want, werr)
	}
}

var fastPathCases = []string{
	"", " ", "a", "a  b", " a", "a ", "a\tb", "a\u00a0b", "a\u2028b", "\ufeffa", "é  ü", "ok\x85", "x\xffy",
	"a\r\nb", "\u0085", "e\u0301",
	"Fri, 5 Dec 2026 02:00:00 +0100", "Fri, 05 Dec 2026 02:00:00 -0000", "5 Dec 2026 02:00:00 +0100",
	"Fri, 5 Dec 26 02:00 +0100", "Fri, 5 Dec 2026 02:00:00 +0100 (CET)", "Fri, 5 Dec 2026 02:00:00 GMT",
	"Fri, 31 Feb 2026 02:00:00 +0100", "Xyz, 5 Dec 2026 02:00:00 +0100", "Fri, 5-Dec-2026 02:00:00 +0100",
	"-- Original Message --", "__ Message d'origine __", "----- Message transféré -----",
	"Début du message réexpédié :", "debut du message reexpedie", "BEGIN FORWARDED MESSAGE:", "Anfang der weitergeleiteten Nachricht:",
	"Envoyé de mon iPhone", "ENVOYE DEPUIS MON MOBILE", "ſent from my phone", "Sent from Outlook",
	"Get Outlook for iOS", "Obtenir Outlook pour Android", "Téléchargez Outlook pour iOS",
	"TÉLÉCHARGER outlook pour x", "telecharger outlook pour x", "Von meinem iPhone gesendet",
	"De : Awa", "*From:* Awa", "Von: X", "van: y", "Expéditeur : Z", "EXPÉDITEUR : Z", "De\t: x", "from :", "**De: x", "Dex: y", "*Van:x", "De: a: b",
	"Le 3 nov. 2025 à 10:12, X a écrit :", "LE 3 nov, X a écrit :", "İl 3 x ha scritto:", "On 3 Nov wrote:", "-- Am 3 schrieb X:",
	"De : A Envoyé : lundi Objet : test", "From: a Sent: b Subject: c",
	"=?iso-8859-1?q?=E9?=", "=?ISO8859-1*fr?q?x?=", "=?us-ascii?q?x?=", "=?Latin1?b?x?=", "=?iſo-8859-1?q?x?=",
	"=?utf-8?q?x?= =?iso_8859-1?q?y?=", "=?", "=?i", "=?is",
	"Content-Type: multipart/mixed; BOUNDARY=x boundary= Boundary=\"y\" boundary=", "=boundary=", "xboundary",
}

func TestFastPaths(t *testing.T) {
	for _, s := range fastPathCases {
		checkFastPaths(t, s)
	}
}

func FuzzFastPaths(f *testing.F) {
	for _, s := range fastPathCases {
		f.Add(s)
	}
	f.Fuzz(checkFastPaths)
}

// splitHeaderReference is splitHeader as it was, two strings per field.
func splitHeaderReference(raw []byte, maxBytes int) (fields []field, bodyStart int) {
	pos := 0
	var cur *field
	for pos < len(raw) {
		end := bytes.IndexByte(raw[pos:], '\n')
		next := len(raw)
		if end >= 0 {
			end += pos
			next = end + 1
		} else {
			end = len(raw)
		}
		line := raw[pos:end]
		line = bytes.TrimSuffix(line, []byte{'\r'})
		pos = next
		if len(line) == 0 {
			return fields, pos
		}
		if maxBytes > 0 && pos > maxBytes {
			return fields, pos
		}
		if line[0] == ' ' || line[0] == '\t' {
			if cur != nil {
				cur.value += " " + strings.TrimSpace(string(line))
			}
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			cur = nil
			continue
		}
		name := strings.TrimRight(string(line[:colon]), " \t")
		if name == "" || strings.ContainsAny(name, " \t") {
			cur = nil
			continue
		}
		fields = append(fields, field{name: name, value: strings.TrimSpace(string(line[colon+1:]))})
		cur = &fields[len(fields)-1]
	}
	return fields, len(raw)
}

func TestSplitHeaderAsBefore(t *testing.T) {
	inputs := append([]string{}, fastPathCases...)
	inputs = append(inputs,
		"From: a\r\nTo: b\r\n c\r\n\r\nbody", "From: a\nX: "+strings.Repeat("y", 60)+"\nZ: z\n\nbody",
		" lead\nA: b\n\tc\nno colon\n: empty\nB : d\n\n", "A: b", "A: b\r\n", "\r\nbody", "A: b\r\n\r")
	for _, name := range []string{"bench-fr.eml", "attachments.eml", "html-only.eml", "outlook-fr-cp1252.eml"} {
		inputs = append(inputs, string(readFixture(t, name)))
	}
	for _, s := range inputs {
		for _, max := range []int{0, 1, 20, 64, 1 << 20} {
			gf, gs := splitHeader([]byte(s), max)
			wf, ws := splitHeaderReference([]byte(s), max)
			if !equal(gf, wf) || gs != ws {
				t.Errorf("splitHeader(%q, %d) = %q, %d; want %q, %d", s, max, gf, gs, wf, ws)
			}
		}
	}
}
