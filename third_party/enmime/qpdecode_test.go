package enmime

import (
	"bytes"
	stderrors "errors"
	"fmt"
	"io"
	"net/textproto"
	"reflect"
	"strings"
	"testing"

	"github.com/pkg/errors"
)

// These tests compare decodeContent's single-pass quoted-printable decoding
// with the reader chain it replaces (Parser.qpReaderChain): content, errors,
// warnings, charset fields and the ReadPartErrorPolicy's calls must be the
// same, whether the one-pass decoder decodes, declines, or reading fails.

var errQPTestRead = stderrors.New("qp test: read failed")

// failingReader returns content and then, from byte failAt on, err; with
// joined, the error comes with the last bytes instead of after them.
type failingReader struct {
	content []byte
	failAt  int
	joined  bool
	err     error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.failAt <= 0 {
		return 0, r.err
	}
	n := copy(p, r.content[:min(r.failAt, len(r.content))])
	r.content, r.failAt = r.content[n:], r.failAt-n
	if r.failAt <= 0 && r.joined {
		return n, r.err
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// qpCase is one decodeContent call: a quoted-printable body, the part's
// type and charset, how its reader fails, and the policy's answer.
type qpCase struct {
	body        []byte
	contentType string
	charset     string
	detect      bool
	failAt      int  // -1: no failure
	joined      bool // the error comes with the last bytes
	policy      int  // 0: nil, 1: true, 2: false, 3: AllowCorruptTextPartErrorPolicy
}

// qpResult is everything decodeContent leaves behind.
type qpResult struct {
	err         string
	errCause    string
	content     []byte
	contentNil  bool
	errors      []Error
	charset     string
	origCharset string
	policyCalls []string
}

func runQPCase(c qpCase, chain bool) qpResult {
	parser := NewParser(DisableCharacterDetection(!c.detect))
	parser.qpReaderChain = chain
	p := &Part{
		PartID:      "1",
		parser:      parser,
		Header:      textproto.MIMEHeader{"Content-Transfer-Encoding": {"quoted-printable"}},
		ContentType: c.contentType,
		Charset:     c.charset,
	}
	var res qpResult
	var policy ReadPartErrorPolicy
	if c.policy != 0 {
		policy = func(p *Part, err error) bool {
			res.policyCalls = append(res.policyCalls, fmt.Sprintf("%T %v", errors.Cause(err), err))
			switch c.policy {
			case 1:
				return true
			case 2:
				return false
			}
			return AllowCorruptTextPartErrorPolicy(p, err)
		}
	}
	var r io.Reader = bytes.NewReader(c.body)
	if c.failAt >= 0 {
		r = &failingReader{content: c.body, failAt: c.failAt, joined: c.joined, err: errQPTestRead}
	}
	if err := p.decodeContent(r, policy); err != nil {
		res.err = err.Error()
		res.errCause = fmt.Sprintf("%T", errors.Cause(err))
		if errors.Cause(err) == errQPTestRead {
			res.errCause = "errQPTestRead"
		}
	}
	res.content, res.contentNil = p.Content, p.Content == nil
	for _, e := range p.Errors {
		res.errors = append(res.errors, *e)
	}
	res.charset, res.origCharset = p.Charset, p.OrigCharset
	return res
}

func checkQPCase(t *testing.T, c qpCase) {
	t.Helper()
	want := runQPCase(c, true)
	got := runQPCase(c, false)
	if !bytes.Equal(got.content, want.content) {
		t.Fatalf("%+v: content\n got %q\nwant %q", c, got.content, want.content)
	}
	got.content, want.content = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%+v:\n got %+v\nwant %+v", c, got, want)
	}
}

// qpBodies are quoted-printable bodies that take each path: decoded in one
// pass, declined (bare CR, lines QPCleaner breaks, lines the reader cannot
// hold), and read errors at any point.
var qpBodies = []string{
	"",
	"Bonjour,\r\n\r\nd=C3=A9j=C3=A0 vu =E2=80=99 ok=\r\nsuite \r\nfin=",
	"caf=E9 cr=E8me\r\n", // Latin-1 escapes
	"<p>caf=C3=A9</p>\r\n",
	"a=\rb\rc = \r\n",
	strings.Repeat("x", 1030) + "=\r\n" + strings.Repeat("y \t", 400) + "\r\n",
	strings.Repeat("x\r", 3000) + "=", // a 6 KB line without LF: the reader's buffer fills
	strings.Repeat(strings.Repeat("z", 200)+"\r", 30) + "\r\n",
	"\x00\xff\x7f=\n=3d=zz\t \n",
}

func TestDecodeContentQuotedPrintable(t *testing.T) {
	types := []struct{ contentType, charset string }{
		{"text/plain", "utf-8"},
		{"text/plain", "iso-8859-1"},
		{"text/plain", ""},
		{"text/html", "utf-8"},
		{"text/plain", "no-such-charset"},
		{"application/octet-stream", ""},
	}
	for _, body := range qpBodies {
		for _, ty := range types {
			for _, detect := range []bool{false, true} {
				for policy := range 4 {
					for _, failAt := range []int{-1, 0, 1, len(body) / 2, len(body) - 1, len(body)} {
						for _, joined := range []bool{false, true} {
							checkQPCase(t, qpCase{
								body: []byte(body), contentType: ty.contentType, charset: ty.charset,
								detect: detect, failAt: failAt, joined: joined, policy: policy,
							})
						}
					}
				}
			}
		}
	}
}

// qpMessage wraps body as the quoted-printable text part of a multipart
// message with a second, binary, quoted-printable part.
func qpMessage(body []byte) []byte {
	var b bytes.Buffer
	b.WriteString("From: a@example.org\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	b.Write(body)
	b.WriteString("\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: Quoted-Printable\r\n\r\n")
	b.Write(body)
	b.WriteString("\r\n--b1--\r\n")
	return b.Bytes()
}

// checkQPParts parses raw with and without the one-pass decoder and
// compares the part trees.
func checkQPParts(t *testing.T, raw []byte, opts ...Option) {
	t.Helper()
	parse := func(chain bool) (*Part, error) {
		p := NewParser(opts...)
		p.qpReaderChain = chain
		return p.ReadParts(bytes.NewReader(raw))
	}
	want, wantErr := parse(true)
	got, gotErr := parse(false)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		t.Fatalf("ReadParts(%q): error %v, want %v", raw, gotErr, wantErr)
	}
	var compare func(got, want *Part)
	compare = func(got, want *Part) {
		if (got == nil) != (want == nil) {
			t.Fatalf("ReadParts(%q): part %v, want %v", raw, got, want)
		}
		if got == nil {
			return
		}
		if !bytes.Equal(got.Content, want.Content) || (got.Content == nil) != (want.Content == nil) ||
			!bytes.Equal(got.Epilogue, want.Epilogue) ||
			!reflect.DeepEqual(got.Errors, want.Errors) ||
			got.PartID != want.PartID || got.ContentType != want.ContentType ||
			got.Charset != want.Charset || got.OrigCharset != want.OrigCharset {
			t.Fatalf("ReadParts(%q): part %s\n got %+v\nwant %+v", raw, want.PartID, got, want)
		}
		compare(got.FirstChild, want.FirstChild)
		compare(got.NextSibling, want.NextSibling)
	}
	compare(got, want)
}

func TestReadPartsQuotedPrintable(t *testing.T) {
	optionSets := [][]Option{
		nil,
		{SkipMalformedParts(true), SetReadPartErrorPolicy(AllowCorruptTextPartErrorPolicy), DisableCharacterDetection(true)},
		{SetReadPartErrorPolicy(func(*Part, error) bool { return true })},
	}
	for _, body := range qpBodies {
		for _, opts := range optionSets {
			checkQPParts(t, qpMessage([]byte(body)), opts...)
			single := "From: a@example.org\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + body
			checkQPParts(t, []byte(single), opts...)
		}
	}
}

func FuzzDecodeContentQuotedPrintable(f *testing.F) {
	for _, body := range qpBodies {
		f.Add([]byte(body), uint8(0), int16(-1), uint8(0))
	}
	f.Add([]byte("caf=E9\r\n"), uint8(1), int16(3), uint8(1))
	f.Fuzz(func(t *testing.T, body []byte, ty uint8, failAt int16, mode uint8) {
		types := []struct{ contentType, charset string }{
			{"text/plain", "utf-8"}, {"text/plain", "iso-8859-1"}, {"text/html", ""},
			{"application/octet-stream", ""},
		}
		c := qpCase{
			body:        body,
			contentType: types[int(ty)%len(types)].contentType,
			charset:     types[int(ty)%len(types)].charset,
			detect:      ty&0x80 != 0,
			failAt:      max(int(failAt), -1),
			joined:      mode&4 != 0,
			policy:      int(mode % 4),
		}
		checkQPCase(t, c)
		if mode&8 != 0 {
			checkQPParts(t, qpMessage(body), SkipMalformedParts(true),
				SetReadPartErrorPolicy(AllowCorruptTextPartErrorPolicy), DisableCharacterDetection(true))
		}
	})
}

func BenchmarkDecodeContentQuotedPrintable(b *testing.B) {
	line := "Depuis ce matin, la plateforme est inaccessible depuis les postes du deuxi=\r\n" +
		"=C3=A8me =C3=A9tage. Le message =C2=AB Erreur 503 =C2=BB s=E2=80=99affiche.\r\n"
	body := []byte(strings.Repeat(line+"\r\n", 16))
	for _, chain := range []bool{true, false} {
		name := "one-pass"
		if chain {
			name = "chain"
		}
		b.Run(name, func(b *testing.B) {
			parser := NewParser(DisableCharacterDetection(true))
			parser.qpReaderChain = chain
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				p := &Part{
					parser:      parser,
					Header:      textproto.MIMEHeader{"Content-Transfer-Encoding": {"quoted-printable"}},
					ContentType: "text/plain",
					Charset:     "utf-8",
				}
				if err := p.decodeContent(bytes.NewReader(body), nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
