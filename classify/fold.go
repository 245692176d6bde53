package classify

import (
	"unicode"
	"unicode/utf8"
)

// foldRune maps a non-ASCII rune to what the keyword matcher compares:
// French (and neighbouring Latin) letters lose their accents and case
// ("É" → "e", "œ" → "oe", "ç" → "c"), other letters are lowercased, and
// everything else (punctuation, typographic apostrophes, no-break spaces) is a
// word separator, reported as "" with sep true.
//
// A hand-written table rather than golang.org/x/text/unicode/norm plus
// runes.Remove(Mn): it covers the characters French mail uses, needs no
// allocation, and keeps Classify well under the time budget.
func foldRune(r rune) (s string, sep bool) {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'À', 'Á', 'Â', 'Ã', 'Ä', 'Å':
		return "a", false
	case 'ç', 'Ç':
		return "c", false
	case 'è', 'é', 'ê', 'ë', 'È', 'É', 'Ê', 'Ë':
		return "e", false
	case 'ì', 'í', 'î', 'ï', 'Ì', 'Í', 'Î', 'Ï':
		return "i", false
	case 'ñ', 'Ñ':
		return "n", false
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'Ò', 'Ó', 'Ô', 'Õ', 'Ö':
		return "o", false
	case 'ù', 'ú', 'û', 'ü', 'Ù', 'Ú', 'Û', 'Ü':
		return "u", false
	case 'ý', 'ÿ', 'Ý', 'Ÿ':
		return "y", false
	case 'œ', 'Œ':
		return "oe", false
	case 'æ', 'Æ':
		return "ae", false
	case 'ß':
		return "ss", false
	}
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return string(unicode.ToLower(r)), false
	}
	if unicode.Is(unicode.Mn, r) {
		// A combining accent after a base letter (decomposed "é" from macOS
		// clients): dropping it is exactly removing the accent.
		return "", false
	}
	return "", true
}

// tokenizer turns text into folded words, dropping French function words and
// a plural "s", and counts French and English function words so Classify can
// tell a French request from an English newsletter.
type tokenizer struct {
	buf     []byte
	toks    []span
	french  int
	english int
}

type span struct{ start, end int32 }

// wordClass says what a function word is.
type wordClass uint8

const (
	dropFrench wordClass = 1 << iota // French function word, dropped from the word stream
	countFrench
	countEnglish
)

// functionWords are matched on folded words, before the plural "s" is dropped.
var functionWords = map[string]wordClass{
	// Elided and short French words: dropped so that "demande d'informations",
	// "demande des informations" and "demande informations" read alike.
	"a": dropFrench, "au": dropFrench | countFrench, "aux": dropFrench | countFrench,
	"c": dropFrench, "ce": dropFrench | countFrench, "d": dropFrench, "de": dropFrench | countFrench,
	"des": dropFrench | countFrench, "du": dropFrench | countFrench, "en": dropFrench | countFrench,
	"et": dropFrench | countFrench, "j": dropFrench, "l": dropFrench, "la": dropFrench | countFrench,
	"le": dropFrench | countFrench, "les": dropFrench | countFrench, "m": dropFrench,
	"ma": dropFrench, "mes": dropFrench | countFrench, "mon": dropFrench | countFrench,
	"n": dropFrench, "qu": dropFrench, "s": dropFrench, "sa": dropFrench, "ses": dropFrench,
	"son": dropFrench, "t": dropFrench, "un": dropFrench | countFrench,
	"une": dropFrench | countFrench, "vos": dropFrench | countFrench,
	"votre": dropFrench | countFrench, "nos": dropFrench, "notre": dropFrench | countFrench,
	"dans": dropFrench | countFrench, "sur": dropFrench | countFrench, "par": dropFrench | countFrench,
	"y": dropFrench, "mais": dropFrench | countFrench, "ou": dropFrench | countFrench,
	// Kept (they carry meaning in phrases such as "ne répond plus") but counted.
	"vous": countFrench, "je": countFrench, "nous": countFrench, "est": countFrench,
	"pas": countFrench, "ne": countFrench, "pour": countFrench, "bonjour": countFrench,
	"merci": countFrench, "avec": countFrench, "que": countFrench, "qui": countFrench,
	"cordialement": countFrench, "il": countFrench,
	// English.
	"the": countEnglish, "and": countEnglish, "you": countEnglish, "your": countEnglish,
	"to": countEnglish, "of": countEnglish, "is": countEnglish, "are": countEnglish,
	"for": countEnglish, "with": countEnglish, "this": countEnglish, "that": countEnglish,
	"we": countEnglish, "our": countEnglish, "it": countEnglish, "be": countEnglish,
	"have": countEnglish, "please": countEnglish, "from": countEnglish, "will": countEnglish,
	"can": countEnglish, "hello": countEnglish, "dear": countEnglish, "thanks": countEnglish,
	"regards": countEnglish, "unsubscribe": countEnglish, "my": countEnglish,
}

// reset prepares the tokenizer for new text, keeping its buffers.
func (t *tokenizer) reset() {
	t.buf = t.buf[:0]
	t.toks = t.toks[:0]
	t.french, t.english = 0, 0
}

// add tokenizes s, appending its words (the tokens of one field).
func (t *tokenizer) add(s string) {
	start := -1
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			default:
				if start >= 0 {
					t.endWord(start)
					start = -1
				}
				continue
			}
			if start < 0 {
				start = len(t.buf)
			}
			t.buf = append(t.buf, c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		f, sep := foldRune(r)
		if sep {
			if start >= 0 {
				t.endWord(start)
				start = -1
			}
			continue
		}
		if f == "" {
			continue
		}
		if start < 0 {
			start = len(t.buf)
		}
		t.buf = append(t.buf, f...)
	}
	if start >= 0 {
		t.endWord(start)
	}
}

// endWord closes the word buf[start:].
func (t *tokenizer) endWord(start int) {
	w := t.buf[start:]
	if cl, ok := functionWords[string(w)]; ok {
		if cl&countFrench != 0 {
			t.french++
		}
		if cl&countEnglish != 0 {
			t.english++
		}
		if cl&dropFrench != 0 {
			t.buf = t.buf[:start]
			return
		}
	}
	// Plural and feminine-plural "s": "notifications" and "notification",
	// "reçues" and "reçue" compare equal. Keywords go through the same step.
	if len(w) > 3 && w[len(w)-1] == 's' {
		t.buf = t.buf[:len(t.buf)-1]
	}
	t.toks = append(t.toks, span{int32(start), int32(len(t.buf))})
}

func (t *tokenizer) word(i int) []byte {
	sp := t.toks[i]
	return t.buf[sp.start:sp.end]
}
