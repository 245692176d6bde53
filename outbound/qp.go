package outbound

// appendQP appends s to b in quoted-printable, the bytes that
// mime/quotedprintable's Writer writes (text mode, one Write, then Close)
// for s with each "\n" made "\r\n" (and, with final, a line break added
// when s does not end with one) — what a message's part holds — without
// that copy of s nor the Writer's buffering: lines within 76 characters
// with "=" soft breaks, "=XX" for "=" and for bytes outside printable
// ASCII, a space or a tab before a line break encoded, a CR alone or a LF
// written CRLF.
func appendQP(b []byte, s string, final bool) []byte {
	q := qpWriter{b: b, start: len(b)}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case qpLiteral[c]:
			// A run of literal bytes is copied a line's room at a time.
			j := i + 1
			for j < len(s) && qpLiteral[s[j]] {
				j++
			}
			for i < j {
				room := qpLineMax - 1 - (len(q.b) - q.start)
				if room == 0 {
					q.softBreak()
					room = qpLineMax - 1
				}
				n := min(room, j-i)
				q.b = append(q.b, s[i:i+n]...)
				i += n
			}
			i--
		case c == '\r' || c == '\n':
			// The Writer breaks the line at a CR and skips the LF of a
			// CRLF; every LF here stands for a CRLF.
			q.lineBreak()
		default:
			q.encode(c)
		}
	}
	if final && (len(s) == 0 || s[len(s)-1] != '\n') {
		q.lineBreak()
	}
	q.lastByte()
	return q.b
}

// qpWriter is the state of appendQP: the line being written is b[start:].
type qpWriter struct {
	b     []byte
	start int
}

const (
	qpLineMax = 76
	upperhex  = "0123456789ABCDEF"
)

// qpLiteral tells the bytes written as they are: printable ASCII but "=",
// space and tab.
var qpLiteral = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = c != '='
	}
	t[' '], t['\t'] = true, true
	return t
}()

func (q *qpWriter) encode(c byte) {
	if qpLineMax-1-(len(q.b)-q.start) < 3 {
		q.softBreak()
	}
	q.b = append(q.b, '=', upperhex[c>>4], upperhex[c&0x0f])
}

func (q *qpWriter) softBreak() {
	q.b = append(q.b, "=\r\n"...)
	q.start = len(q.b)
}

// lastByte encodes a space or a tab that ends the line: RFC 2045 §6.7 (3),
// transport may strip it.
func (q *qpWriter) lastByte() {
	if n := len(q.b); n > q.start && (q.b[n-1] == ' ' || q.b[n-1] == '\t') {
		c := q.b[n-1]
		q.b = q.b[:n-1]
		q.encode(c)
	}
}

func (q *qpWriter) lineBreak() {
	q.lastByte()
	q.b = append(q.b, "\r\n"...)
	q.start = len(q.b)
}

// qpBound is at least the length of appendQP(nil, s, final), so that the
// message takes one allocation: each byte encoded takes 3, each line break
// 2 and a space or a tab before it 3, and a soft break of 3 comes at most
// every 72 bytes written.
func qpBound(s string) int {
	n := len(s) + 4
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\n' || c == '\r':
			n += 3
		case !qpLiteral[c]:
			n += 2
		}
	}
	return n + 3*(n/72+1)
}
