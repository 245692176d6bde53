package ticketref

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Format returns the subject tag for a ticket number: "[Ticket#2026-000042]".
func Format(number string) string {
	return "[Ticket#" + number + "]"
}

// Valid reports whether number has the shape of a ticket number, YYYY-NNNNNN
// (docs/threading.md, "Tickets": the year, a hyphen, a sequence of at least six digits).
func Valid(number string) bool {
	if len(number) < 11 || number[4] != '-' {
		return false
	}
	for i := 0; i < len(number); i++ {
		if i != 4 && !isDigit(number[i]) {
			return false
		}
	}
	return true
}

// Find returns the number in the first tag of ours in subject, normalised to
// "2026-000042" (brackets, spaces and letter case dropped), and whether there
// was one. The tag may stand anywhere: behind reply/forward prefixes, or
// where a client or an auto-responder moved it ("vacation response RE: … [Ticket#…]").
func Find(subject string) (number string, ok bool) {
	_, _, number, ok = find(subject, 0)
	return number, ok
}

// find looks for our tag at or after byte offset from. It returns the span of
// the tag (including brackets when both are present) and the number.
func find(s string, from int) (start, end int, number string, ok bool) {
	for i := from; i+len("ticket") <= len(s); i++ {
		if s[i]|0x20 != 't' {
			continue
		}
		j, number, ok := matchAt(s, i)
		if !ok {
			continue
		}
		start, end = i, j
		// Take the brackets with the tag when it is written "[Ticket#…]", so
		// that Clean leaves no empty "[]" behind.
		if k := skipSpaces(s, j); i > 0 && s[i-1] == '[' && k < len(s) && s[k] == ']' {
			start, end = i-1, k+1
		}
		return start, end, number, true
	}
	return 0, 0, "", false
}

// matchAt reports whether a tag of ours starts exactly at s[i] ("ticket",
// spaces, "#", spaces, YYYY-NNNNNN) and returns where it ends and its number.
// It looks at no more of s than the tag and the characters around it.
func matchAt(s string, i int) (end int, number string, ok bool) {
	if !hasPrefixFold(s[i:], "ticket") || (i > 0 && wordCharBefore(s[:i])) {
		return 0, "", false
	}
	j := skipSpaces(s, i+len("ticket"))
	if j >= len(s) || s[j] != '#' {
		return 0, "", false
	}
	j = skipSpaces(s, j+1)
	numStart := j
	j = skipDigits(s, j)
	if j-numStart != 4 || j >= len(s) || s[j] != '-' {
		return 0, "", false
	}
	seqStart := j + 1
	j = skipDigits(s, seqStart)
	if j-seqStart < 6 || (j < len(s) && wordCharAfter(s[j:])) {
		return 0, "", false
	}
	return j, s[numStart:j], true
}

// tagAtStart returns the length of a tag of ours at the very start of s,
// brackets included ("[ Ticket#2026-000042 ]"), or 0.
func tagAtStart(s string) int {
	if strings.HasPrefix(s, "[") {
		j := skipSpaces(s, 1)
		end, _, ok := matchAt(s, j)
		if !ok {
			return 0
		}
		if k := skipSpaces(s, end); k < len(s) && s[k] == ']' {
			return k + 1
		}
		return end
	}
	end, _, _ := matchAt(s, 0)
	return end
}

// Subject returns subject carrying the tag of ticket number: unchanged when
// the first tag of ours in it already names that ticket, otherwise the tag
// followed by the subject.
func Subject(number, subject string) string {
	if n, ok := Find(subject); ok && n == number {
		return subject
	}
	subject = strings.TrimSpace(subject)
	if subject == "" {
		return Format(number)
	}
	return Format(number) + " " + subject
}

// Clean returns subject without reply/forward prefixes, without any tag of
// ours and with runs of white space collapsed to one space: the subject a
// person wrote, for display and for a new ticket.
func Clean(subject string) string {
	s := TrimPrefixes(subject)
	// Remove our tags elsewhere too (a client may have moved it to the end).
	// Removing a tag can join its neighbours into a new one
	// ("Ticket#[Ticket#2026-000001]2026-000042"): a second pass removes
	// those, and whatever such nesting still remains after it is defused by
	// blanking its "#" (no tag without one), so the work stays linear.
	for pass := 0; pass < 2; pass++ {
		s = TrimPrefixes(removeTags(s))
	}
	if _, _, _, ok := find(s, 0); ok {
		// Blanking a "#" changes nothing at or after the tag's end, so
		// the scan can go on over s itself.
		b := []byte(s)
		for from := 0; ; {
			start, end, _, ok := find(s, from)
			if !ok {
				break
			}
			for k := start; k < end; k++ {
				if b[k] == '#' {
					b[k] = ' '
				}
			}
			from = end
		}
		s = string(b)
	}
	return strings.Join(strings.Fields(s), " ")
}

// removeTags replaces each tag of ours found in one left-to-right scan by a
// space.
func removeTags(s string) string {
	start, end, _, ok := find(s, 0)
	if !ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	from := 0
	for ok {
		b.WriteString(s[from:start])
		b.WriteByte(' ')
		from = end
		start, end, _, ok = find(s, from)
	}
	b.WriteString(s[from:])
	return b.String()
}

// TrimPrefixes returns the end of subject that follows any run of reply and
// forward prefixes and tags of ours ("RE : TR: [Ticket#2026-000042] RE:"),
// with leading white space removed. The result is a suffix of subject, so
// len(subject)-len(result) is where the person's text starts.
func TrimPrefixes(subject string) string {
	s := subject
	for {
		t := trimLeftSpace(s)
		if n := prefixLen(t); n > 0 {
			s = t[n:]
			continue
		}
		if n := tagAtStart(t); n > 0 {
			s = t[n:]
			continue
		}
		return t
	}
}

// prefixes are the reply and forward markers that mail clients put before a
// subject, lower case, in the languages our requesters' clients use. They are
// recognised only when followed by an optional counter ("[2]", "(2)"),
// optional white space and a colon, so "Re" inside words never matches.
var prefixes = []string{
	"re", "tr", "fw", "fwd", "ref", "réf", "ref.", "réf.", "rép", "rep", // French/English
	"aw", "wg", "antwort", "antw", "wtr", // German, Dutch
	"rv", "res", "enc", "rif", "r", "i", // Spanish, Portuguese, Italian
	"sv", "vs", "vb", "vl", // Scandinavian, Finnish
	"odp", "pd", // Polish
}

// prefixLen returns the length of one reply/forward prefix at the start of s,
// colon and following white space included, or 0.
func prefixLen(s string) int {
	// The longest prefix word is "antwort": look at the letters (and dot)
	// before the counter or colon.
	end := 0
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if !unicode.IsLetter(r) && r != '.' {
			break
		}
		end += size
		if end > len("antwort")+1 {
			return 0
		}
	}
	if end == 0 || !isPrefixWord(s[:end]) {
		return 0
	}
	j := end
	// Counters: "RE[2]:", "Re(3):", "RE^2:".
	if j < len(s) && (s[j] == '[' || s[j] == '(' || s[j] == '^') {
		var closing byte
		switch s[j] {
		case '[':
			closing = ']'
		case '(':
			closing = ')'
		}
		k := skipDigits(s, j+1)
		if k == j+1 {
			return 0
		}
		if closing != 0 {
			if k >= len(s) || s[k] != closing {
				return 0
			}
			k++
		}
		j = k
	}
	j = skipSpaces(s, j)
	if j >= len(s) || (s[j] != ':' && !strings.HasPrefix(s[j:], "：")) {
		return 0
	}
	if s[j] == ':' {
		j++
	} else {
		j += len("：")
	}
	return j
}

func isPrefixWord(w string) bool {
	for _, p := range prefixes {
		if strings.EqualFold(w, p) {
			return true
		}
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i]|0x20 != prefix[i] {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func skipDigits(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// skipSpaces skips white space: any Unicode space (unicode.IsSpace, so the
// no-break space French typography puts before "#" and ":", and the CR/LF of
// a folded header) and the narrow no-break space U+202F. Accepting the same
// set strings.Fields splits on keeps Clean's final whitespace collapse from
// turning a non-tag ("Ticket#\r…" was one already) into a tag.
func skipSpaces(s string, i int) int {
	for i < len(s) {
		if s[i] == ' ' || s[i] == '\t' {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) && r != '\u202f' {
			return i
		}
		i += size
	}
	return i
}

func trimLeftSpace(s string) string {
	return strings.TrimLeftFunc(s, unicode.IsSpace)
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func wordCharBefore(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return isWordRune(r)
}

func wordCharAfter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isWordRune(r)
}
