package mailparse

import (
	"sort"
	"strconv"
	"strings"

	"github.com/jhillyerd/enmime/v2"
)

// partFilename reads a part's file name from the raw Content-Disposition
// "filename" or Content-Type "name" parameter. It is done here rather than
// through mime.ParseMediaType because real mail needs more: RFC 2231
// extended values in any charset (Go accepts only UTF-8 and US-ASCII) and
// continuations, RFC 2047 words inside quoted values (Outlook, against
// RFC 2047 section 5), and raw 8-bit Latin-1 bytes.
func partFilename(p *enmime.Part) string {
	if v, ok := paramValue(p.Header.Get("Content-Disposition"), "filename"); ok {
		return v
	}
	if v, ok := paramValue(p.Header.Get("Content-Type"), "name"); ok {
		return v
	}
	return p.FileName
}

// paramValue returns the decoded value of parameter name in a structured
// header value (RFC 2045 section 5.1, RFC 2231 sections 3 and 4).
func paramValue(header, name string) (string, bool) {
	if header == "" {
		return "", false
	}
	var plain, ext string
	hasPlain, hasExt := false, false
	type piece struct {
		n       int
		encoded bool
		v       string
	}
	var pieces []piece
	for _, p := range splitParams(header) {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = unquote(strings.TrimSpace(v))
		switch {
		case k == name:
			plain, hasPlain = v, true
		case k == name+"*":
			ext, hasExt = v, true
		case strings.HasPrefix(k, name+"*"):
			rest := strings.TrimPrefix(k, name+"*")
			enc := strings.HasSuffix(rest, "*")
			n, err := strconv.Atoi(strings.TrimSuffix(rest, "*"))
			if err == nil && n >= 0 && n < 1000 {
				pieces = append(pieces, piece{n, enc, v})
			}
		}
	}
	switch {
	case hasExt:
		charset, rest := splitCharset(ext)
		return cleanParam(decodeBytes(percentDecode(rest), charset)), true
	case len(pieces) > 0:
		sort.Slice(pieces, func(i, j int) bool { return pieces[i].n < pieces[j].n })
		charset := ""
		var buf []byte
		for i, pc := range pieces {
			v := pc.v
			if pc.encoded {
				if i == 0 {
					charset, v = splitCharset(v)
				}
				buf = append(buf, percentDecode(v)...)
			} else {
				buf = append(buf, v...)
			}
		}
		return cleanParam(decodeBytes(buf, charset)), true
	case hasPlain:
		return cleanParam(plain), true
	}
	return "", false
}

// cleanParam decodes RFC 2047 words, repairs raw 8-bit bytes and strips
// control characters.
func cleanParam(v string) string {
	s, _ := sanitizeHeader(v)
	return s
}

// splitParams splits the parameters of a structured value on the ';' that
// are outside quoted strings; the media type itself is dropped.
func splitParams(s string) []string {
	var out []string
	quoted, esc := false, false
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case esc:
			esc = false
		case c == '\\' && quoted:
			esc = true
		case c == '"':
			quoted = !quoted
		case c == ';' && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	out = append(out, s[start:])
	if len(out) > 0 {
		out = out[1:]
	}
	return out
}

func unquote(v string) string {
	if len(v) < 2 || v[0] != '"' {
		return strings.Trim(v, `"`)
	}
	v = strings.TrimSuffix(v[1:], `"`)
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '\\' && i+1 < len(v) {
			i++
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

// splitCharset splits an RFC 2231 extended value "charset'lang'value".
func splitCharset(v string) (charset, rest string) {
	parts := strings.SplitN(v, "'", 3)
	if len(parts) != 3 {
		return "", v
	}
	return parts[0], parts[2]
}

func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s)+0 && isHex(s[i+1]) && isHex(s[i+2]) {
			h, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			out = append(out, byte(h))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}
