package coding

import (
	"bytes"
	"io"
	"mime/quotedprintable"
)

// NewQPReader returns the quoted-printable decoding chain: QPCleaner, then
// mime/quotedprintable.Reader. DecodeQuotedPrintable yields the same bytes
// in one pass when it can.
func NewQPReader(r io.Reader) io.Reader {
	return quotedprintable.NewReader(NewQPCleaner(r))
}

// DecodeQuotedPrintable decodes the whole of raw exactly as NewQPReader
// over it would, in one pass into one buffer, for the content that chain
// reads without an error and that QPCleaner does not wrap; ok is false for
// anything else, and the caller then uses NewQPReader.
//
// Line by line, the chain yields the following, which is what this
// function does:
//   - A line ending in "=" directly before its LF or CRLF is a soft line
//     break: the line is decoded, "=" and line ending dropped, and its
//     trailing spaces and tabs kept.
//   - Any other line loses its trailing spaces and tabs and keeps its line
//     ending (LF or CRLF, as it was); the last line may have none.
//   - "=" and two hex digits, either case, is the byte they encode; any
//     other "=" is a literal "=" (QPCleaner escapes it as "=3D"); every
//     other byte, 8-bit and control bytes included, is itself (QPCleaner
//     escapes those, the reader decodes them back).
//
// ok is false, and raw needs the chain, when it has a CR that is not
// followed by LF (the reader's line buffer could fill up and fail), or a
// line long enough for QPCleaner to insert a soft line break at
// MaxQPLineLen: where the break falls changes which trailing whitespace
// is kept, and QPCleaner can drop the byte that follows a break depending
// on the size of the reader's reads. ok is also false when one of the
// last two bytes of raw is "=": QPCleaner peeks two bytes past an "=",
// and the end of the content it meets there can end its read, and the
// content, early when that read fills its buffer (parts of 4 KB or more,
// depending on where the reads fall); the chain keeps doing so.
func DecodeQuotedPrintable(raw []byte) (out []byte, ok bool) {
	if bytes.IndexByte(raw[max(0, len(raw)-2):], '=') >= 0 {
		return nil, false
	}
	// The content never grows: every byte of out comes from at least one
	// byte of raw. Non-nil even when empty, as io.ReadAll's result is.
	out = make([]byte, 0, len(raw))
	for len(raw) > 0 {
		line := raw
		eol := 0 // length of the line ending: 0 (end of content), 1 (LF), 2 (CRLF)
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
			eol = 1
			if len(line) > 0 && line[len(line)-1] == '\r' {
				line = line[:len(line)-1]
				eol = 2
			}
		} else {
			raw = nil
		}
		if bytes.IndexByte(line, '\r') >= 0 {
			return nil, false
		}
		// QPCleaner writes at most 3 bytes for each byte of the line, so
		// only lines of more than MaxQPLineLen/3 bytes need counting.
		if 3*len(line) >= MaxQPLineLen && qpCleanerBreaks(line, eol) {
			return nil, false
		}
		if eol > 0 && len(line) > 0 && line[len(line)-1] == '=' {
			// Soft line break.
			out = appendQPDecoded(out, line[:len(line)-1])
			continue
		}
		out = appendQPDecoded(out, bytes.TrimRight(line, " \t"))
		switch eol {
		case 1:
			out = append(out, '\n')
		case 2:
			out = append(out, '\r', '\n')
		}
	}
	return out, true
}

// appendQPDecoded appends s to out with every "=" and two hex digits
// replaced by the byte they encode.
func appendQPDecoded(out, s []byte) []byte {
	for {
		i := bytes.IndexByte(s, '=')
		if i < 0 {
			return append(out, s...)
		}
		out = append(out, s[:i]...)
		s = s[i:]
		if len(s) >= 3 {
			if hi, lo := hexValue[s[1]], hexValue[s[2]]; hi|lo < 16 {
				out = append(out, hi<<4|lo)
				s = s[3:]
				continue
			}
		}
		out = append(out, '=')
		s = s[1:]
	}
}

// hexValue is the value of a hex digit of either case, 0xff for other
// bytes: the digits that QPCleaner and quotedprintable.Reader accept.
var hexValue = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c - '0'
	}
	for c := byte('a'); c <= 'f'; c++ {
		t[c] = c - 'a' + 10
		t[c-'a'+'A'] = c - 'a' + 10
	}
	return t
}()

// qpCleanerBreaks reports whether QPCleaner inserts a soft line break
// while it cleans line (without CR), which ends with LF (eol 1), CRLF
// (eol 2) or the end of the content (eol 0). It counts the line as
// QPCleaner.Read does: 3 for a byte it escapes, 1 for the others, a break
// before any byte once the count reaches MaxQPLineLen, and before an
// escape or "=" already when 2 more bytes would reach it.
func qpCleanerBreaks(line []byte, eol int) bool {
	n := 0
	for i, b := range line {
		if n >= MaxQPLineLen {
			return true
		}
		switch {
		case b == '=':
			if n+2 >= MaxQPLineLen {
				return true
			}
			if qpCleanerKeepsEquals(line[i+1:], eol) {
				n++
			} else {
				n += 3
			}
		case b == '\t':
			n++
		case b < ' ' || '~' < b:
			if n+2 >= MaxQPLineLen {
				return true
			}
			n += 3
		default:
			n++
		}
	}
	// The line ending's first byte is checked like any other.
	return eol > 0 && n >= MaxQPLineLen
}

// qpCleanerKeepsEquals reports whether QPCleaner keeps an "=" followed by
// rest and then the line ending eol, instead of escaping it as "=3D": it
// keeps it before two hex digits and before a line ending.
func qpCleanerKeepsEquals(rest []byte, eol int) bool {
	if len(rest) == 0 {
		return eol > 0
	}
	return len(rest) >= 2 && hexValue[rest[0]]|hexValue[rest[1]] < 16
}
