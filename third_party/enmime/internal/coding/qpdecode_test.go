package coding

import (
	"bytes"
	"io"
	"math/rand"
	"strings"
	"testing"
)

// qpChain decodes raw with the reader chain DecodeQuotedPrintable stands
// in for.
func qpChain(raw []byte) ([]byte, error) {
	return io.ReadAll(NewQPReader(bytes.NewReader(raw)))
}

// qpCleanerInserts reports whether QPCleaner inserts a soft line break of
// its own in raw. Its escapes never put a CR after "=", so every "=\r\n"
// it writes that raw did not have is one; a single Read into a buffer
// larger than its output keeps it from dropping bytes after a break.
func qpCleanerInserts(t *testing.T, raw []byte) bool {
	t.Helper()
	dest := make([]byte, 3*len(raw)+3*(len(raw)/MaxQPLineLen+1)+16)
	n, err := NewQPCleaner(bytes.NewReader(raw)).Read(dest)
	if err != nil && err != io.EOF {
		t.Fatalf("QPCleaner: %v", err)
	}
	if n == len(dest) {
		t.Fatal("QPCleaner filled the buffer: its output is not whole")
	}
	soft := []byte("=\r\n")
	return bytes.Count(dest[:n], soft) > bytes.Count(raw, soft)
}

// hasBareCR reports whether raw has a CR not followed by LF.
func hasBareCR(raw []byte) bool {
	for i, b := range raw {
		if b == '\r' && (i+1 == len(raw) || raw[i+1] != '\n') {
			return true
		}
	}
	return false
}

// endsNearEscape reports whether one of the last two bytes of raw is "=",
// where the chain's result depends on where its reads fall.
func endsNearEscape(raw []byte) bool {
	return bytes.IndexByte(raw[max(0, len(raw)-2):], '=') >= 0
}

// checkQPDecode compares DecodeQuotedPrintable with the reader chain on
// raw: when it decodes, the chain must succeed with the same bytes; it
// must decline exactly the content with a bare CR, where QPCleaner
// inserts a line break, or with "=" among its last two bytes. It returns
// whether it decoded.
func checkQPDecode(t *testing.T, raw []byte) bool {
	t.Helper()
	got, ok := DecodeQuotedPrintable(raw)
	want, err := qpChain(raw)
	if ok {
		if err != nil {
			t.Fatalf("DecodeQuotedPrintable(%q) decoded, the chain failed: %v", raw, err)
		}
		if got == nil {
			t.Fatalf("DecodeQuotedPrintable(%q) = nil, want a non-nil slice like io.ReadAll's", raw)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("DecodeQuotedPrintable(%q)\n got %q\nwant %q (chain)", raw, got, want)
		}
	}
	if wantOK := !hasBareCR(raw) && !qpCleanerInserts(t, raw) && !endsNearEscape(raw); ok != wantOK {
		t.Fatalf("DecodeQuotedPrintable(%q): ok = %v, want %v (chain error: %v)", raw, ok, wantOK, err)
	}
	return ok
}

func TestDecodeQuotedPrintable(t *testing.T) {
	long := func(n int, s string) string { return strings.Repeat(s, n) }
	tests := []struct {
		name   string
		raw    string
		want   string // when ok
		wantOK bool
	}{
		{"empty", "", "", true},
		{"plain", "Bonjour,\r\n", "Bonjour,\r\n", true},
		{"no final line break", "Bonjour", "Bonjour", true},
		{"escapes", "d=C3=A9j=C3=A0 =3D\r\n", "déjà =\r\n", true},
		{"lower-case hex", "d=c3=a9j=c3=a0\r\n", "déjà\r\n", true},
		{"mixed-case hex", "=c3=A9=C3=a9", "éé", true},
		{"soft break CRLF", "un =\r\ndeux\r\n", "un deux\r\n", true},
		{"soft break LF", "un =\ndeux\n", "un deux\n", true},
		{"soft break alone", "=\r\n=\n", "", false}, // "=" among the last two bytes: the chain
		{"soft break at end", "fin=\r\n", "fin", true},
		{"lone = at end", "fin=", "", false},
		{"= then one hex at end", "fin=4", "", false},
		{"= then hex at end", "fin=41", "finA", true},
		{"= then non-hex", "a=G1 b=\tc =zz\r\n", "a=G1 b=\tc =zz\r\n", true},
		{"= then one hex then line end", "a=4\r\nb=F\n", "a=4\r\nb=F\n", true},
		{"= then space then line end", "a= \r\nb=\t\n", "a=\r\nb=\n", true},
		{"== before soft break", "a==\r\nb", "a=b", true},
		{"=3D=", "=3D=\r\n=3D=", "", false},
		{"=3D= then a line", "=3D=\r\n=3D=\r\nfin", "==fin", true},
		{"soft break then one byte", "=\r\n=\na", "a", true},
		{"trailing whitespace CRLF", "a \t \r\nb\r\n", "a\r\nb\r\n", true},
		{"trailing whitespace LF", "a \t \nb\n", "a\nb\n", true},
		{"trailing whitespace at end", "a\r\nb \t", "a\r\nb", true},
		{"whitespace before soft break kept", "a \t=\r\nb", "a \tb", true},
		{"encoded trailing space kept", "a=20\r\n", "a \r\n", true},
		{"blank lines", "\r\n\r\n\n \r\n", "\r\n\r\n\n\r\n", true},
		{"bare LF", "a\nb\r\nc\n", "a\nb\r\nc\n", true},
		{"8-bit bytes", "d\xc3\xa9j\xe0 \xff\r\n", "d\xc3\xa9j\xe0 \xff\r\n", true},
		{"control bytes", "a\x00b\x01\x1f\x7f \x0b\r\n", "a\x00b\x01\x1f\x7f \x0b\r\n", true},
		{"NUL before line end", "a \x00\r\n", "a \x00\r\n", true},
		{"tab", "\ta\tb\t\r\n", "\ta\tb\r\n", true},
		{"line of 1023", long(1023, "a") + "\r\n", long(1023, "a") + "\r\n", true},
		{"line of 1024", long(1024, "a") + "\r\n", "", false},
		{"last line of 1024", long(1024, "a"), long(1024, "a"), true},
		{"last line of 1025", long(1025, "a"), "", false},
		{"escaped bytes near the limit", long(341, "\xe9") + "\r\n", long(341, "\xe9") + "\r\n", true},
		{"escaped bytes over the limit", long(342, "\xe9") + "\r\n", "", false},
		{"bare CR", "a\rb\r\n", "", false},
		{"CR at end", "a\r", "", false},
		{"= then CR", "a=\rb", "", false},
		{"CR CR LF", "a\r\r\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := DecodeQuotedPrintable([]byte(tt.raw))
			if ok != tt.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tt.wantOK)
			}
			if ok && string(got) != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			checkQPDecode(t, []byte(tt.raw))
		})
	}
}

// qpPieces are what random quoted-printable is made of: the escapes, line
// endings and bytes the decoders treat differently.
var qpPieces = []string{
	"a", "Z", " ", "\t", "=", "=\r\n", "=\n", "\r\n", "\n", "\r",
	"=3D", "=C3=A9", "=c3=a9", "=4", "=G", "=\t", "= ", "=\r", "0", "F", "f",
	"\xe9", "\x00", "\x7f", "\x0b", "Bonjour, ", "d=C3=A9j=C3=A0",
}

// randomQP writes random content from qpPieces, sometimes with a long run
// of one piece so that lines reach QPCleaner's limit.
func randomQP(rnd *rand.Rand) []byte {
	var b []byte
	for n := rnd.Intn(40); n >= 0; n-- {
		piece := qpPieces[rnd.Intn(len(qpPieces))]
		if rnd.Intn(20) == 0 {
			b = append(b, strings.Repeat(piece, 300+rnd.Intn(800))...)
			continue
		}
		b = append(b, piece...)
	}
	return b
}

func TestDecodeQuotedPrintableRandom(t *testing.T) {
	rnd := rand.New(rand.NewSource(1))
	decoded := 0
	const runs = 20000
	for range runs {
		if checkQPDecode(t, randomQP(rnd)) {
			decoded++
		}
	}
	// Both paths must be exercised.
	if decoded < runs/10 || decoded > runs*9/10 {
		t.Errorf("%d of %d random contents decoded in one pass", decoded, runs)
	}
}

// TestQPCleanerBreaksAtLimit walks lines across QPCleaner's limit, with an
// escape or an "=" at each position around it.
func TestQPCleanerBreaksAtLimit(t *testing.T) {
	for _, tail := range []string{"", "=", "==", "=41", "=4", "\xe9", "\xe9\xe9", "a\xe9", " ", "\t"} {
		for _, end := range []string{"", "\r\n", "\n", "=\r\n", "=\n"} {
			for n := MaxQPLineLen - 8; n <= MaxQPLineLen+2; n++ {
				raw := strings.Repeat("a", n) + tail + end + "b\r\n"
				checkQPDecode(t, []byte(raw))
			}
		}
	}
}

// TestQPEndsWithEscape: content of about 4 KB ending in "=" or a part of
// an escape, which the chain ends early or not depending on where its
// reads fall (at 4,095 bytes ending in "=", it gave "=3"; at 4,096, it
// dropped the "="), goes to the chain, so that it reads as it did.
func TestQPEndsWithEscape(t *testing.T) {
	line := strings.Repeat("y", 68) + "\r\n"
	for _, tail := range []string{"=", "=A", "=4", "=3D", "y="} {
		for size := 4088; size <= 4100; size++ {
			body := strings.Repeat(line, size/len(line))
			body += strings.Repeat("y", size-len(body)-len(tail)) + tail
			if checkQPDecode(t, []byte(body)) && strings.Contains(tail[max(0, len(tail)-2):], "=") {
				t.Fatalf("%d bytes ending in %q decoded in one pass", size, tail)
			}
		}
	}
}

func FuzzDecodeQuotedPrintable(f *testing.F) {
	for _, s := range []string{
		"", "Bonjour,\r\n", "d=C3=A9j=C3=A0 =\r\nfin=", "a= \r\nb=4\n=zz\t \r\n",
		"a\rb", "\x00\xff=\n=3d", strings.Repeat("=E9", 340) + "\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkQPDecode(t, raw)
	})
}

// qpBenchContent is about 2.5 KB of French text as mail clients encode
// it: UTF-8 escapes, soft line breaks at 76 columns, CRLF.
func qpBenchContent() []byte {
	line := "Depuis ce matin, la plateforme est inaccessible depuis les postes du deuxi=\r\n" +
		"=C3=A8me =C3=A9tage. Le message =C2=AB Erreur 503 =C2=BB s=E2=80=99affiche.\r\n"
	return []byte(strings.Repeat(line+"\r\n", 16))
}

func BenchmarkQPDecode(b *testing.B) {
	raw := qpBenchContent()
	b.Run("chain", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := qpChain(raw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one-pass", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := DecodeQuotedPrintable(raw); !ok {
				b.Fatal("declined")
			}
		}
	})
}
