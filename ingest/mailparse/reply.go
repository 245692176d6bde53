package mailparse

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Patterns of the lines where quoted history or a signature begins, as
// French, English and German mail clients write them. Each is matched
// against one trimmed line (RE2: linear time).
var (
	// "-----Original Message-----", "-----Message d'origine-----", Apple
	// Mail's and Gmail's forward headers.
	separatorRE = regexp.MustCompile(`(?i)^(-{2,}|_{2,})\s*(original message|message d'origine|message d’origine|ursprüngliche nachricht|original nachricht|forwarded message|message transféré|message transfere|mensaje original|messaggio originale)\s*(-{2,}|_{2,})?$`)
	forwardRE   = regexp.MustCompile(`(?i)^(début du message réexpédié|debut du message reexpedie|begin forwarded message|anfang der weitergeleiteten nachricht)\s*:?$`)
	// Mobile and webmail signatures added below the writer's text.
	mobileRE = regexp.MustCompile(`(?i)^(envoy[ée] (de|depuis) (mon|ma|l['’]) ?\S.*|sent from my \S.*|sent from (outlook|mail|yahoo mail)\b.*|get outlook for \S.*|obtenir outlook pour \S.*|t[ée]l[ée]charge[zr] outlook pour \S.*|von meinem \S.* gesendet)$`)
	// Outlook's header block: "De : X", "Envoyé : ...", "À : ...", "Objet : ...".
	headerFromRE    = regexp.MustCompile(`(?i)^\*?(de|from|von|van|expéditeur)\s*:\*?\s*\S`)
	headerSentRE    = regexp.MustCompile(`(?i)^\*?(envoyé|envoye|sent|date d['’]envoi|date|gesendet|datum)\s*:\*?`)
	headerToRE      = regexp.MustCompile(`(?i)^\*?(à|a|to|an|pour|cc)\s*:\*?`)
	headerSubjectRE = regexp.MustCompile(`(?i)^\*?(objet|subject|betreff|sujet)\s*:\*?`)
	// The same block flattened on one line (HTML converted to text).
	headerLineRE = regexp.MustCompile(`(?i)^\*?(de|from|von)\s*:.*\s(envoyé|sent|date d['’]envoi|date|datum|gesendet)\s*:.*\s(objet|subject|betreff)\b`)
	underlineRE  = regexp.MustCompile(`^_{5,}$`)
	// Attribution lines: "Le 3 nov. 2025 à 10:12, X <x@y> a écrit :",
	// "On Mon, Nov 3, 2025 at 10:12 AM X wrote:", "Am 03.11.2025 um 10:12
	// schrieb X:". A digit is required so that a sentence of the writer's
	// is not taken for one.
	attributionRE = regexp.MustCompile(`(?i)^(-{2})?\s*(le|on|am|el|il|op)\s.*\d.*(a [ée]crit|wrote|schrieb.*|escribió|ha scritto|schreef)\s*:$`)
	// Looser: the last line before a trailing quote block that ends with ":"
	// and names a date or an address ("2016-06-08 14:03 GMT+02:00 <x@y>:").
	leadInRE = regexp.MustCompile(`(?i)(a [ée]crit|wrote|schrieb|@|\d).*:$`)
)

// StripReply returns the new text a writer added to a message: it cuts at
// the first quoted-history header (Outlook's "De : … Envoyé : … À : …
// Objet :" block, "-----Message d'origine-----", "Le … a écrit :", "On …
// wrote:", "Am … schrieb …:"), at the signature delimiter ("-- ", RFC 3676
// section 4.3) and at mobile signatures ("Envoyé de mon iPhone"), and drops
// a trailing block of ">" quotes. Replies written between quotes are kept.
// When nothing would be left (a forward without a comment), the whole text
// is returned.
func StripReply(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	trimmed := make([]string, len(lines))
	quote := make([]bool, len(lines))
	lastContent := -1
	for i, l := range lines {
		// Outlook and OWA write "De\u00a0:"; RE2's \s does not match the
		// no-break spaces, so they become plain spaces before matching.
		trimmed[i] = strings.Trim(strings.TrimSpace(replaceNBSP(l)), "*")
		trimmed[i] = strings.TrimSpace(trimmed[i])
		quote[i] = strings.HasPrefix(strings.TrimLeft(l, " \t"), ">")
		if !quote[i] && trimmed[i] != "" {
			lastContent = i
		}
	}
	// nextQuote[i]: the first quoted line at or after i.
	nextQuote := make([]int, len(lines)+1)
	nextQuote[len(lines)] = len(lines)
	for i := len(lines) - 1; i >= 0; i-- {
		nextQuote[i] = nextQuote[i+1]
		if quote[i] {
			nextQuote[i] = i
		}
	}

	drop := make([]bool, len(lines))
	cut := len(lines)
	for i := 0; i < len(lines) && cut == len(lines); i++ {
		if quote[i] {
			continue
		}
		t := trimmed[i]
		switch {
		case lines[i] == "-- " || lines[i] == "--" || t == "--" && strings.TrimRight(lines[i], " \t") == "--":
			cut = i
		case len(t) < 100 && mayOpenHistory(t) && (separatorRE.MatchString(t) || forwardRE.MatchString(t) || mobileRE.MatchString(t)):
			cut = i
		case strings.HasPrefix(t, "_____") && underlineRE.MatchString(t) && headerFollows(trimmed, i+1):
			cut = i
		case mayOpenHeader(t) && (headerFromRE.MatchString(t) && headerBlock(trimmed, i) || headerLineRE.MatchString(t)):
			cut = i
		default:
			if end, ok := attribution(trimmed, i); ok {
				// Inline replies: quotes after the attribution with the
				// writer's text between them. Keep them.
				q := nextQuote[end+1]
				if lastContent > end && q < lastContent {
					c := q
					for c < len(lines) && (quote[c] || trimmed[c] == "") {
						c++
					}
					if nextQuote[c] >= lastContent {
						// Bottom-posting: one quote block, then the
						// writer's text. Drop the attribution and the
						// quotes.
						for k := i; k < c; k++ {
							drop[k] = true
						}
					}
					// Otherwise inline replies between quotes: keep them.
					i = end
					continue
				}
				cut = i
			}
		}
	}
	kept := make([]string, 0, cut)
	keptQuote := make([]bool, 0, cut)
	keptTrim := make([]string, 0, cut)
	for k := 0; k < cut; k++ {
		if !drop[k] {
			kept = append(kept, lines[k])
			keptQuote = append(keptQuote, quote[k])
			keptTrim = append(keptTrim, trimmed[k])
		}
	}
	quote, trimmed = keptQuote, keptTrim
	kept, quote, trimmed = dropQuoteBeforeSignOff(kept, quote, trimmed)
	// Drop the trailing quote block and its lead-in line.
	end := len(kept)
	for end > 0 && (strings.TrimSpace(kept[end-1]) == "" || quote[end-1]) {
		end--
	}
	if end < len(kept) && hasQuote(quote[end:]) && end > 0 {
		if t := trimmed[end-1]; leadInRE.MatchString(t) && len(t) < 300 {
			end--
			for end > 0 && strings.TrimSpace(kept[end-1]) == "" {
				end--
			}
		}
	}
	kept = kept[:end]
	start := 0
	for start < len(kept) && strings.TrimSpace(kept[start]) == "" {
		start++
	}
	out := strings.TrimRight(strings.Join(kept[start:], "\n"), " \t\n")
	if strings.TrimSpace(out) == "" {
		return strings.Trim(text, " \t\n")
	}
	return out
}

// headerFollows reports an Outlook header block starting at the first
// non-blank line from i (after a "_____" line).
func headerFollows(trimmed []string, i int) bool {
	for ; i < len(trimmed) && trimmed[i] == ""; i++ {
	}
	return i < len(trimmed) && headerFromRE.MatchString(trimmed[i]) && headerBlock(trimmed, i)
}

// headerBlock reports whether the "De :"/"From:" line at i opens a quoted
// header block: within the next lines, a subject field and a date or
// recipient field.
func headerBlock(trimmed []string, i int) bool {
	sent, to, subject := false, false, false
	for j := i + 1; j < len(trimmed) && j <= i+8; j++ {
		t := trimmed[j]
		switch {
		case headerSentRE.MatchString(t):
			sent = true
		case headerToRE.MatchString(t):
			to = true
		case headerSubjectRE.MatchString(t):
			subject = true
		}
	}
	return subject && (sent || to) || sent && to
}

// attribution reports an attribution line at i, possibly wrapped over up to
// three lines, and the index of its last line.
func attribution(trimmed []string, i int) (int, bool) {
	t := trimmed[i]
	if t == "" || len(t) > 300 || !attributionStart(t) {
		return 0, false
	}
	joined := t
	for j := i; j < len(trimmed) && j < i+3; j++ {
		if j > i {
			if trimmed[j] == "" {
				break
			}
			joined += " " + trimmed[j]
		}
		// The regular expression costs about a tenth of a message's parse
		// when run on every line; an attribution always ends with ":".
		if strings.HasSuffix(strings.TrimRight(joined, " \t"), ":") && attributionRE.MatchString(joined) {
			return j, true
		}
	}
	return 0, false
}

// attributionStart is attributionRE's opening, "--" then one of its
// leading words, checked without the regular expression.
func attributionStart(t string) bool {
	t = strings.TrimLeft(strings.TrimPrefix(t, "--"), " \t")
	end := strings.IndexAny(t, " \t")
	if end < 0 {
		return false
	}
	w := t[:end]
	if w[0] < utf8.RuneSelf {
		// Every leading word is two ASCII letters, and no non-ASCII
		// letter lowers to one of their second letters: only a word of two
		// ASCII bytes can be one, compared without strings.ToLower's copy.
		if len(w) != 2 || w[1] >= utf8.RuneSelf {
			return false
		}
		w = string([]byte{asciiLower(w[0]), asciiLower(w[1])})
	} else {
		w = strings.ToLower(w)
	}
	switch w {
	case "le", "on", "am", "el", "il", "op":
		return true
	}
	return false
}

func asciiLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

var nbsp = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2007", " ")

// replaceNBSP is nbsp.Replace without its cost on the lines, nearly all,
// that hold no no-break space: the generic Replacer copies every line.
func replaceNBSP(l string) string {
	if strings.Contains(l, "\u00a0") || strings.Contains(l, "\u202f") || strings.Contains(l, "\u2007") {
		return nbsp.Replace(l)
	}
	return l
}

// mayOpenHistory reports whether t can match separatorRE, forwardRE or
// mobileRE, from its first three bytes: "--" or "__", or the first three
// letters of one of their phrases in either case. Non-ASCII bytes are let
// through, as (?i) also folds some non-ASCII letters onto ASCII ones (ſ onto
// s) and "début" or "t[ée]l" have one early.
func mayOpenHistory(t string) bool {
	if len(t) < 2 {
		return false
	}
	if c := t[0]; c == '-' || c == '_' {
		return true
	}
	if len(t) < 3 {
		return false
	}
	c0, c1, c2 := t[0], t[1], t[2]
	if c0 >= utf8.RuneSelf || c1 >= utf8.RuneSelf || c2 >= utf8.RuneSelf {
		return true
	}
	switch string([]byte{c0 | 0x20, c1 | 0x20, c2 | 0x20}) {
	case "deb", "beg", "anf", "env", "sen", "get", "obt", "tel", "von":
		return true
	}
	return false
}

// mayOpenHeader reports whether t can match headerFromRE or headerLineRE:
// an optional "*", then one of their field names in any case up to the
// first ":" and the white space before it. strings.EqualFold folds as (?i)
// does.
func mayOpenHeader(t string) bool {
	t = strings.TrimPrefix(t, "*")
	i := strings.IndexByte(t, ':')
	if i < 0 {
		return false
	}
	name := strings.TrimRight(t[:i], " \t\n\f\r")
	for _, w := range [...]string{"de", "from", "von", "van", "expéditeur"} {
		if strings.EqualFold(name, w) {
			return true
		}
	}
	return false
}

// dropQuoteBeforeSignOff removes a quote block that only a short sign-off
// ("Aminata", "Cordialement, Awa") follows: the writer top-posted, then
// signed below the history. Inline replies (longer text after the quote)
// are kept.
func dropQuoteBeforeSignOff(lines []string, quote []bool, trimmed []string) ([]string, []bool, []string) {
	last := -1
	for i := len(lines) - 1; i >= 0; i-- {
		if quote[i] {
			last = i
			break
		}
	}
	if last < 0 {
		return lines, quote, trimmed
	}
	after := 0
	for i := last + 1; i < len(lines); i++ {
		if trimmed[i] == "" {
			continue
		}
		after++
		if after > 2 || len([]rune(trimmed[i])) > 40 {
			return lines, quote, trimmed
		}
	}
	if after == 0 {
		return lines, quote, trimmed // a trailing block: handled by the caller
	}
	first := last
	for first > 0 && (quote[first-1] || trimmed[first-1] == "") {
		first--
	}
	if first == 0 {
		return lines, quote, trimmed // nothing of the writer's above it
	}
	if t := trimmed[first-1]; leadInRE.MatchString(t) && len(t) < 300 {
		first--
	}
	cut := func(s []string) []string { return append(append([]string{}, s[:first]...), s[last+1:]...) }
	q := append(append([]bool{}, quote[:first]...), quote[last+1:]...)
	return cut(lines), q, cut(trimmed)
}

func hasQuote(q []bool) bool {
	for _, b := range q {
		if b {
			return true
		}
	}
	return false
}

// PlainBody is what a parsed message gives of a plain-text body: the
// whole text, cleaned as a parsed body is (line ends, control characters)
// and trimmed, and the new text in it (StripReply). For text that arrives
// without MIME (the agents' API).
func PlainBody(s string) (full, text string) {
	full, _ = cleanBody(strings.TrimSpace(s))
	full = strings.TrimRight(full, " \t\n")
	return full, StripReply(full)
}
