package mailparse

import (
	"fmt"
	"io"
	"mime"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cention-sany/utf7"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
)

// cp1252High maps the bytes 0x80–0x9F to what Windows-1252 makes of them
// (the five bytes Windows-1252 leaves undefined stay C1 controls, to be
// stripped).
var cp1252High = [32]rune{
	'\u20AC', '\u0081', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
	'\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008D', '\u017D', '\u008F',
	'\u0090', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
	'\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\u009D', '\u017E', '\u0178',
}

// cp1252Rune decodes one byte as Windows-1252.
func cp1252Rune(b byte) rune {
	if b >= 0x80 && b < 0xA0 {
		return cp1252High[b-0x80]
	}
	return rune(b)
}

// repairUTF8 returns s as valid UTF-8: valid sequences are kept and each
// byte of an invalid sequence is decoded as Windows-1252 (raw 8-bit headers
// and bodies with a wrong or missing label are Latin-1/Windows-1252 far
// more often than anything else). repaired reports whether anything was
// changed.
func repairUTF8(s string) (out string, repaired bool) {
	if utf8.ValidString(s) {
		return s, false
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			b.WriteByte(c)
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(cp1252Rune(c))
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String(), true
}

// lookupCharset finds a decoder for a MIME charset label. Labels are resolved
// as the WHATWG Encoding standard does, which reads iso-8859-1, latin1 and
// us-ascii as windows-1252; UTF-7 (still sent by old Exchange servers, RFC
// 2152) is added.
func lookupCharset(label string) (encoding.Encoding, error) {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	switch l {
	case "utf-7", "utf7", "unicode-1-1-utf-7", "csunicode11utf7", "x-unicode-2-0-utf-7":
		return utf7.UTF7, nil
	case "", "utf-8", "utf8", "unicode-1-1-utf-8":
		return encoding.Nop, nil
	}
	e, err := htmlindex.Get(l)
	if err != nil {
		return nil, fmt.Errorf("unknown charset %q: %w", label, err)
	}
	return e, nil
}

// wordDecoder decodes RFC 2047 encoded words with lookupCharset. Invalid
// UTF-8 in the result is repaired later, by sanitizeHeader.
var wordDecoder = &mime.WordDecoder{
	CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
		e, err := lookupCharset(charset)
		if err != nil {
			return nil, err
		}
		return e.NewDecoder().Reader(input), nil
	},
}

var latin1WordRE = regexp.MustCompile(`(?i)=\?(iso-8859-1|iso8859-1|iso_8859-1|us-ascii|latin1)([*?])`)

// mayHaveLatin1Word reports whether latin1WordRE can match v, from the two
// bytes after each "=?": the first two letters of one of its labels in
// either case, or a non-ASCII byte, as (?i) folds ſ onto s.
func mayHaveLatin1Word(v string) bool {
	for {
		i := strings.Index(v, "=?")
		if i < 0 || i+4 > len(v) {
			return false
		}
		c0, c1 := v[i+2], v[i+3]
		if c0 >= utf8.RuneSelf || c1 >= utf8.RuneSelf {
			return true
		}
		switch string([]byte{c0 | 0x20, c1 | 0x20}) {
		case "is", "us", "la":
			return true
		}
		v = v[i+2:]
	}
}

// decodeWords decodes the RFC 2047 encoded words of a header value. An
// encoded word the decoder rejects (unknown charset, bad encoding) is left
// as written rather than losing the whole value.
func decodeWords(v string) string {
	if !strings.Contains(v, "=?") {
		return v
	}
	// mime.WordDecoder decodes iso-8859-1 and us-ascii itself, literally;
	// relabel them so that lookupCharset reads them as Windows-1252.
	if mayHaveLatin1Word(v) {
		v = latin1WordRE.ReplaceAllString(v, "=?windows-1252$2")
	}
	if d, err := wordDecoder.DecodeHeader(v); err == nil {
		return d
	}
	// Decode word by word, keeping the ones that fail as they are.
	var b strings.Builder
	fields := strings.Fields(v)
	prevEncoded := false
	for i, f := range fields {
		d, err := wordDecoder.Decode(f)
		encoded := err == nil
		if !encoded {
			d = f
		}
		// RFC 2047 section 6.2: white space between adjacent encoded words
		// is ignored.
		if i > 0 && !(encoded && prevEncoded) {
			b.WriteByte(' ')
		}
		b.WriteString(d)
		prevEncoded = encoded
	}
	return b.String()
}

// sanitizeHeader turns a raw header value into display text: RFC 2047
// decoded, valid UTF-8, control characters removed and white space folded
// to single spaces (RFC 5322 section 2.2.3 unfolding, and a decoded
// "=0D=0A" must not smuggle a line break into a subject).
func sanitizeHeader(v string) (string, bool) {
	v, repaired := repairUTF8(v) // raw 8-bit bytes before decoding words
	v = decodeWords(v)
	v, r2 := repairUTF8(v)
	return foldSpace(v), repaired || r2
}

// foldSpace removes control characters, turns runs of white space into one
// space and trims the ends.
func foldSpace(s string) string {
	if isFolded(s) {
		return s
	}
	return foldSpaceCopy(s)
}

// foldSpaceCopy is foldSpace without the check that spares the copy.
func foldSpaceCopy(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case isControl(r):
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isFolded reports whether foldSpace would return s unchanged: no control
// character, no white space but single spaces between other characters,
// valid UTF-8. Most header values are, and need no copy.
func isFolded(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7F || c == ' ' && s[i+1] == ' ' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isControl(r) || unicode.IsSpace(r) {
			return false
		}
		i += n
	}
	return true
}

// isControl reports C0 and C1 control characters, DEL, and the Unicode
// line and paragraph separators and BOM that upset line-based consumers.
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7F && r < 0xA0) || r == 0x2028 || r == 0x2029 || r == 0xFEFF || r == utf8.RuneError
}

// cleanBody returns body text as valid UTF-8 with \n line ends, keeping
// tabs and newlines and dropping every other control character.
func cleanBody(s string) (string, bool) {
	s, repaired := repairUTF8(s)
	if !needsClean(s) {
		return s, repaired
	}
	var b strings.Builder
	b.Grow(len(s))
	// Runs of bytes that cleanLead does not mark are copied whole: a body
	// is mostly such runs with a CR at each line end, and going rune by
	// rune through all of it cost more than the rest of the cleaning.
	run := 0 // the start of the bytes kept but not yet written
	for i := 0; i < len(s); {
		if !cleanLead[s[i]] {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\r':
			// CRLF and lone CR both end a line.
			b.WriteString(s[run:i])
			if i+1 >= len(s) || s[i+1] != '\n' {
				b.WriteByte('\n')
			}
			i++
			run = i
		case isControl(r) || r == 0x2028 || r == 0x2029: // cleanLead leaves out LF and tab
			b.WriteString(s[run:i])
			i += n
			run = i
		default:
			i += n
		}
	}
	b.WriteString(s[run:])
	return b.String(), repaired
}

// cleanLead marks the bytes needsClean looks further at.
var cleanLead = func() (t [256]bool) {
	for c := 0; c < 0x20; c++ {
		t[c] = c != '\n' && c != '\t'
	}
	t[0x7F], t[0xC2], t[0xE2], t[0xEF] = true, true, true, true
	return t
}()

// needsClean reports whether valid UTF-8 s holds what cleanBody changes: a
// CR, a control character other than LF and tab, U+2028, U+2029, a BOM or
// U+FFFD. It looks at the encoded bytes so that French text, full of
// "’" and "«", is not decoded rune by rune for nothing.
func needsClean(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !cleanLead[c] {
			continue
		}
		switch {
		case c < 0x20: // cleanLead leaves out LF and TAB
			return true
		case c == 0x7F:
			return true
		case c == 0xC2: // U+0080–U+009F: C2 80–C2 9F
			if i+1 < len(s) && s[i+1] < 0xA0 {
				return true
			}
		case c == 0xE2: // U+2028, U+2029: E2 80 A8, E2 80 A9
			if i+2 < len(s) && s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9) {
				return true
			}
		case c == 0xEF: // U+FEFF: EF BB BF; U+FFFD: EF BF BD
			if i+2 < len(s) && (s[i+1] == 0xBB && s[i+2] == 0xBF || s[i+1] == 0xBF && s[i+2] == 0xBD) {
				return true
			}
		}
	}
	return false
}

// decodeBytes decodes b from charset into valid UTF-8.
func decodeBytes(b []byte, charset string) string {
	e, err := lookupCharset(charset)
	if err == nil && e != encoding.Nop {
		if out, err := e.NewDecoder().Bytes(b); err == nil {
			b = out
		}
	}
	s, _ := repairUTF8(string(b))
	return s
}
