package mailparse

import (
	"bytes"
	"fmt"

	"strings"
)

// Default limits. Real mail rarely nests beyond five levels or carries more
// than a few dozen parts; the margins are wide.
const (
	DefaultMaxDepth = 50
	DefaultMaxParts = 1000
)

// Limits bound the MIME structure Parse hands to enmime, whose cost grows
// quadratically with nesting and part count.
type Limits struct {
	MaxDepth int // nested multipart levels; 0 means DefaultMaxDepth
	MaxParts int // MIME parts in all, containers included; 0 means DefaultMaxParts
}

func (l Limits) withDefaults() Limits {
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxParts <= 0 {
		l.MaxParts = DefaultMaxParts
	}
	return l
}

// textSpan locates the first text part of a message in its body.
type textSpan struct {
	found      bool
	start, end int
	mediaType  string
	charset    string
	encoding   string
}

// scan is what the pre-scan learnt about a message body.
type scan struct {
	depth, parts int
	over         string // why the message is over the limits, "" when it is not
	text         textSpan
}

// maxPartHeader bounds how much of one part's header the pre-scan keeps.
const maxPartHeader = 16 << 10

// prescan walks the body once, line by line, following the boundaries
// declared by multipart Content-Type fields (RFC 2046 section 5.1.1), and
// counts parts and nesting. It stops as soon as a limit is exceeded. Its
// cost is linear in the size of the body: each line is examined once and
// boundary lookups go through a map. mt and params are the top-level
// media type as mediaType reads it.
func prescan(body []byte, mt string, params map[string]string, lim Limits) scan {
	var s scan
	// Safety net under the structural scan below: enmime's nesting can
	// never exceed the number of boundary parameters declared, so a
	// message declaring few of them cannot be a nesting bomb, whatever
	// quirks make the scan and enmime disagree on delimiters.
	if n := countBoundaryParams(body, 4*lim.MaxDepth); n > 4*lim.MaxDepth {
		s.over = fmt.Sprintf("more than %d boundary parameters", 4*lim.MaxDepth)
		return s
	}
	if !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
		if mt == "" || strings.HasPrefix(mt, "text/") {
			s.text = textSpan{found: true, start: 0, end: len(body), mediaType: orPlain(mt), charset: params["charset"]}
		}
		return s
	}
	stack := []string{params["boundary"]}
	s.depth = 1
	inHeader := false
	collecting := false
	var hdr []byte
	for pos := 0; pos < len(body); {
		end, next := lineAt(body, pos)
		lineStart := pos
		line := bytes.TrimRight(body[pos:end], " \t\r")
		pos = next
		if inHeader {
			if len(line) > 0 {
				if len(hdr) < maxPartHeader {
					hdr = append(hdr, body[lineStart:next]...)
				}
				continue
			}
			inHeader = false
			fields, _ := splitHeader(append(hdr, '\n'), 0)
			pt, pp := mediaType(get(fields, "Content-Type"))
			// enmime treats any part with a boundary parameter as
			// multipart, whatever its type, unless it is text/plain or
			// text/html: count it the same way.
			if pp["boundary"] != "" && pt != "text/plain" && pt != "text/html" {
				stack = append(stack, pp["boundary"])
				if len(stack) > s.depth {
					s.depth = len(stack)
				}
				if s.depth > lim.MaxDepth {
					s.over = fmt.Sprintf("MIME nesting deeper than %d levels", lim.MaxDepth)
					return s
				}
				continue
			}
			disp, _ := mediaType(get(fields, "Content-Disposition"))
			if !s.text.found && (pt == "" || pt == "text/plain" || pt == "text/html") && disp != "attachment" {
				s.text = textSpan{found: true, start: pos, end: len(body), mediaType: orPlain(pt),
					charset: pp["charset"], encoding: strings.ToLower(get(fields, "Content-Transfer-Encoding"))}
				collecting = true
			}
			continue
		}
		if len(line) < 3 || line[0] != '-' || line[1] != '-' {
			continue
		}
		// enmime takes any line that starts with "--boundary" for a
		// delimiter, whatever follows; match the same way, innermost
		// boundary first. The stack never holds more than MaxDepth
		// boundaries, so this stays linear in the size of the body.
		i, closing := matchDelimiter(line[2:], stack)
		if i < 0 {
			continue
		}
		if collecting {
			// The delimiter's line break belongs to the delimiter
			// (RFC 2046 section 5.1.1).
			e := lineStart
			if e > 0 && body[e-1] == '\n' {
				e--
				if e > 0 && body[e-1] == '\r' {
					e--
				}
			}
			if e < s.text.start {
				e = s.text.start
			}
			s.text.end = e
			collecting = false
		}
		if closing {
			stack = stack[:i]
			continue
		}
		stack = stack[:i+1]
		s.parts++
		if s.parts > lim.MaxParts {
			s.over = fmt.Sprintf("more than %d MIME parts", lim.MaxParts)
			return s
		}
		inHeader = true
		hdr = hdr[:0]
	}
	return s
}

// mediaType parses a Content-Type or Content-Disposition value leniently:
// the media type lowercased and the parameters when they parse.
func mediaType(v string) (string, map[string]string) {
	if v == "" {
		return "", map[string]string{}
	}
	// enmime's own parser, so that both agree on boundaries.
	mt, params, _, err := parseMediaType(v)
	if err == nil {
		if params == nil {
			params = map[string]string{}
		}
		return strings.ToLower(mt), params
	}
	// Salvage what can be read: the type before the first ';' and a
	// boundary or charset parameter written loosely.
	t, rest, _ := strings.Cut(v, ";")
	params = map[string]string{}
	for _, p := range strings.Split(rest, ";") {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = strings.Trim(strings.TrimSpace(val), `"`)
		if k != "" && val != "" {
			params[k] = val
		}
	}
	return strings.ToLower(strings.TrimSpace(t)), params
}

func orPlain(mt string) string {
	if mt == "" {
		return "text/plain"
	}
	return mt
}

// matchDelimiter finds the innermost boundary of stack that line (without
// its leading "--") starts with, and whether it is the close delimiter.
func matchDelimiter(line []byte, stack []string) (int, bool) {
	for i := len(stack) - 1; i >= 0; i-- {
		b := stack[i]
		if len(line) >= len(b) && string(line[:len(b)]) == b {
			return i, bytes.HasPrefix(line[len(b):], []byte("--"))
		}
	}
	return -1, false
}

// countBoundaryParams counts "boundary=" in any letter case in b, stopping
// past max. One pass over the bytes.
func countBoundaryParams(b []byte, max int) int {
	n := 0
	// Each "=" ends at most one "boundary=": look at the eight bytes
	// before each instead of at every byte.
	for j := 8; j < len(b); j++ {
		k := bytes.IndexByte(b[j:], '=')
		if k < 0 {
			break
		}
		j += k
		i := j - 8
		if b[i]|0x20 != 'b' {
			continue
		}
		if bytes.EqualFold(b[i:i+9], []byte("boundary=")) {
			n++
			if n > max {
				return n
			}
		}
	}
	return n
}
