package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"guichet/ticketref"
)

// Tag returns the category named by the first category tag in subject that
// names an existing code (docs/threading.md, "Categories"). Tags are
//
//	[N.M]  [N-M]  (N.M)  (N-M)  [ N.M ]          anywhere in the subject
//	N.M :  N.M:  N.M -  N.M –                    at the start, after reply/forward
//	                                              prefixes and our ticket tag
//
// The digits must fill the brackets ("[2.2.1]", "[v2.2]" and "[Ticket#…]" are
// not tags) and the start form must be followed by its colon or dash
// ("2.2.1 : notes", "1.7km" are not tags). "1.10" is its own code, not 1.1.
func (c *Catalogue) Tag(subject string) (Category, bool) {
	rest := ticketref.TrimPrefixes(subject)
	startPos := len(subject) - len(rest)
	startDone := false
	tryStart := func() (Category, bool) {
		startDone = true
		if code, _, ok := startTag(rest); ok {
			if cat, ok := c.Lookup(code); ok {
				return cat, true
			}
		}
		return Category{}, false
	}
	for i := 0; i < len(subject); i++ {
		b := subject[i]
		if b != '[' && b != '(' {
			continue
		}
		if !startDone && i >= startPos {
			if cat, ok := tryStart(); ok {
				return cat, true
			}
		}
		if code, _, ok := bracketTag(subject[i:]); ok {
			if cat, ok := c.Lookup(code); ok {
				return cat, true
			}
		}
	}
	if !startDone {
		return tryStart()
	}
	return Category{}, false
}

// bracketTag reads "[N.M]", "(N-M)" or "[ N.M ]" at the start of s and
// returns "N.M" and the index after the closing bracket.
func bracketTag(s string) (code string, end int, ok bool) {
	closing := byte(']')
	if s[0] == '(' {
		closing = ')'
	}
	i := skipBlank(s, 1)
	code, j, ok := codeAt(s, i)
	if !ok {
		return "", 0, false
	}
	j = skipBlank(s, j)
	if j >= len(s) || s[j] != closing {
		return "", 0, false
	}
	return code, j + 1, true
}

// startTag reads "N.M :", "N.M:", "N.M -" or "N.M –" at the start of s
// and returns "N.M" and the index after its colon or dash.
func startTag(s string) (code string, end int, ok bool) {
	if s == "" {
		return "", 0, false
	}
	code, j, ok := codeAt(s, 0)
	if !ok || strings.Contains(s[:j], "-") {
		// "N-M" only in brackets: "2026-11 : panne" is a date, not a tag.
		return "", 0, false
	}
	k := skipBlank(s, j)
	if k >= len(s) {
		return "", 0, false
	}
	sep, size := utf8.DecodeRuneInString(s[k:])
	switch sep {
	case ':', '：':
		return code, k + size, true
	case '-', '–', '—':
		// A dash must stand apart: "1.7-beta" is a version.
		after := s[k+size:]
		if after == "" || skipBlank(after, 0) > 0 {
			return code, k + size, true
		}
	}
	return "", 0, false
}

// StripTag returns subject without the first category tag that names
// code, read in Tag's order: the start form at its start (after the
// prefixes a caller has already removed), else the first in brackets; and
// without the blanks that followed it. The result is trimmed. A subject
// with no such tag is returned trimmed.
func StripTag(subject, code string) string {
	rest := subject[skipBlank(subject, 0):]
	if c, end, ok := startTag(rest); ok && c == code {
		return strings.TrimSpace(rest[skipBlank(rest, end):])
	}
	for i := 0; i < len(subject); i++ {
		if b := subject[i]; b != '[' && b != '(' {
			continue
		}
		if c, end, ok := bracketTag(subject[i:]); ok && c == code {
			return joinAround(subject[:i], subject[i+end:])
		}
	}
	return strings.TrimSpace(subject)
}

// joinAround joins what stood before and after a tag taken from a subject,
// leaving none of the punctuation that only set the tag apart: the
// separator after a leading tag ("[1.7] - Panne", "[1.7] : Panne"), the one
// before a trailing tag ("Panne - [1.7]"), and the blank before a comma or a
// full stop ("Panne [1.7], urgent" gives "Panne, urgent"), one of two
// separators around an inner tag ("Nagios - [2.3] - Disque plein"), and
// the blank an opening bracket or quote would get ("Panne ([1.7]
// imprimante)"). A colon after an inner tag stays, with its space:
// "Panne [1.7] : urgent" gives "Panne : urgent", as French typography
// writes it.
func joinAround(before, after string) string {
	// touched: no blank between what was before and the tag.
	touched := before == strings.TrimRightFunc(before, unicode.IsSpace)
	before, after = strings.TrimSpace(before), strings.TrimSpace(after)
	switch {
	case before == "":
		if r, size := utf8.DecodeRuneInString(after); isSeparator(r) && startsApart(after, size) {
			after = after[size:]
		}
		return strings.TrimSpace(after)
	case after == "":
		if r, size := utf8.DecodeLastRuneInString(before); isSeparator(r) && endsApart(before, size) {
			before = before[:len(before)-size]
		}
		return strings.TrimSpace(before)
	}
	if r, size := utf8.DecodeRuneInString(after); isSeparator(r) && startsApart(after, size) {
		if l, lsize := utf8.DecodeLastRuneInString(before); isSeparator(l) && endsApart(before, lsize) {
			// "Nagios - [2.3] - Disque plein": one separator is enough.
			if after = strings.TrimLeftFunc(after[size:], unicode.IsSpace); after == "" {
				return before
			}
			return before + " " + after
		}
	}
	switch r, size := utf8.DecodeRuneInString(after); r {
	case ')', ']':
		return before + after
	case ',', '.', '…':
		// A comma or a full stop, not a word that starts with one
		// (".pst", ".NET").
		if next, _ := utf8.DecodeRuneInString(after[size:]); size == len(after) || isBlank(next) {
			return before + after
		}
	}
	if touched {
		// An opening bracket or quote that the tag followed ('Demande
		// "[1.7] accès VPN"'); a quote that closed something ('Erreur
		// "Access denied" [1.7] sur SAP') had a blank after it.
		switch l, _ := utf8.DecodeLastRuneInString(before); l {
		case '(', '[', '"', '\'', '“':
			return before + after
		}
	}
	return before + " " + after
}

// startsApart reports whether the separator of size bytes that starts s
// stands apart from what follows it: a blank or the end follows, or, after
// a colon, anything but a digit, a colon or a slash ("[1.7]:Panne", but
// not ":443", "::1" or "://"). A dash must have a blank after it: "-5 °C"
// is a number.
func startsApart(s string, size int) bool {
	if next, _ := utf8.DecodeRuneInString(s[size:]); size == len(s) || isBlank(next) {
		return true
	}
	if r, _ := utf8.DecodeRuneInString(s); r == ':' || r == '：' {
		next := s[size]
		return !isDigit(next) && next != ':' && next != '/'
	}
	return false
}

// endsApart is startsApart for a separator of size bytes that ends s,
// which a blank or the start must precede: "Panne : [1.7]", but not "B-"
// or "Disque C:", where the mark belongs to the word.
func endsApart(s string, size int) bool {
	prev, _ := utf8.DecodeLastRuneInString(s[:len(s)-size])
	return size == len(s) || isBlank(prev)
}

// isSeparator reports whether r is one of the marks that set a start tag
// apart from the subject (startTag's colons and dashes).
func isSeparator(r rune) bool {
	switch r {
	case ':', '：', '-', '–', '—':
		return true
	}
	return false
}

// isBlank reports whether r is a blank: a space, a tab, or one of the
// no-break spaces of French typography (skipBlank).
func isBlank(r rune) bool {
	return r == ' ' || r == '\t' || r == '\u00a0' || r == '\u202f'
}

// codeAt reads digits, '.' or '-', digits at s[i:], at most three digits on
// each side, and returns the code with a dot and the index after it.
func codeAt(s string, i int) (code string, end int, ok bool) {
	g := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == g || i-g > 3 || i >= len(s) || (s[i] != '.' && s[i] != '-') {
		return "", 0, false
	}
	sep := i
	i++
	m := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == m || i-m > 3 {
		return "", 0, false
	}
	// Digits glued to more of a number ("2.2.1", "1.7.3-beta", "1.7a") are
	// a version, not a tag; callers check what follows, this checks '.'.
	if i < len(s) && (s[i] == '.' || s[i] == ',' || isLetter(s[i])) {
		return "", 0, false
	}
	return s[g:sep] + "." + s[m:i], i, true
}

func isDigit(b byte) bool  { return '0' <= b && b <= '9' }
func isLetter(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }

// skipBlank skips spaces, tabs and the no-break spaces (U+00A0, U+202F) that
// French typography puts before ":" and that Outlook sends.
func skipBlank(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isBlank(r) {
			return i
		}
		i += size
	}
	return i
}
