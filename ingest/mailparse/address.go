package mailparse

import (
	"net/mail"
	"strings"
)

// Address is a mailbox: the display name and the address.
type Address struct {
	Name string // decoded display name, "" when none
	Addr string // local@domain with the domain lowercased; "" when not usable
}

// addressParser decodes RFC 2047 display names with every charset
// lookupCharset knows.
var addressParser = &mail.AddressParser{WordDecoder: wordDecoder}

// parseAddressList reads an address header. Groups are flattened
// (RFC 5322 section 3.4); when the list does not parse as a whole, each
// comma-separated piece is tried on its own so that one bad entry does not
// lose the others. Entries whose address is not usable keep their name with
// Addr "".
func parseAddressList(raw string) []Address {
	raw, _ = repairUTF8(raw)
	raw = strings.Map(func(r rune) rune {
		if isControl(r) {
			return ' '
		}
		return r
	}, raw)
	if strings.TrimSpace(raw) == "" {
		return nil
	}
	if list, err := addressParser.ParseList(raw); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			out = append(out, makeAddress(a.Name, a.Address))
		}
		return out
	}
	var out []Address
	for _, piece := range splitAddresses(raw) {
		if a, err := addressParser.Parse(piece); err == nil {
			out = append(out, makeAddress(a.Name, a.Address))
			continue
		}
		out = append(out, looseAddress(piece))
	}
	return out
}

// splitAddresses splits on commas outside quotes and angle brackets, and
// drops group syntax ("name:" ... ";").
func splitAddresses(s string) []string {
	var out []string
	depth, quoted := 0, false
	start := 0
	flush := func(end int) {
		p := strings.TrimSpace(s[start:end])
		if p != "" {
			out = append(out, p)
		}
		start = end + 1
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '=' && !quoted && i+1 < len(s) && s[i+1] == '?':
			// An RFC 2047 encoded word is one atom, whatever it holds.
			i = skipEncodedWord(s, i)
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '<':
			depth++
		case c == '>':
			if depth > 0 {
				depth--
			}
		case depth == 0 && (c == ',' || c == ';'):
			flush(i)
		case depth == 0 && c == ':':
			// group name: drop it.
			start = i + 1
		}
	}
	flush(len(s))
	return out
}

// looseAddress salvages a name and an address from an entry net/mail
// refused (unquoted specials or raw 8-bit bytes in the name, a missing
// closing bracket...).
func looseAddress(s string) Address {
	name, addr := s, ""
	if i := strings.LastIndexByte(s, '<'); i >= 0 {
		addr = s[i+1:]
		if j := strings.IndexByte(addr, '>'); j >= 0 {
			addr = addr[:j]
		}
		name = s[:i]
	} else if strings.Contains(s, "@") && !strings.ContainsAny(strings.TrimSpace(s), " \t") {
		addr, name = s, ""
	}
	name = strings.Trim(strings.TrimSpace(name), `"'<>@ `)
	name = strings.ReplaceAll(name, `\"`, `"`)
	return makeAddress(decodeWords(name), strings.TrimSpace(addr))
}

// makeAddress cleans a display name and keeps the address only when it is
// usable.
func makeAddress(name, addr string) Address {
	n, _ := repairUTF8(name)
	n = strings.Trim(foldSpace(n), `"' `)
	a := usableAddr(addr)
	if n == a {
		n = ""
	}
	return Address{Name: n, Addr: a}
}

// usableAddr returns addr with its domain lowercased when it is an address
// mail can be sent to: a non-empty local part without white space or
// control characters, and a domain of dot-separated labels holding at least
// one dot, or "localhost". Domain literals ("[192.0.2.1]") and anything else
// give "".
func usableAddr(addr string) string {
	addr = strings.TrimSpace(addr)
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 || len(addr) > 254 {
		return ""
	}
	local, domain := addr[:at], strings.ToLower(addr[at+1:])
	if len(local) > 64 && !strings.HasPrefix(local, `"`) {
		return ""
	}
	for _, r := range local {
		if r <= ' ' || r == 0x7F || isControl(r) || r == '<' || r == '>' || r == ',' || r == ';' {
			return ""
		}
	}
	if strings.Contains(local, "@") && !strings.HasPrefix(local, `"`) {
		return ""
	}
	if domain != "localhost" && !strings.Contains(domain, ".") {
		return ""
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return ""
		}
		for _, r := range label {
			ok := r == '-' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r >= 0x80 && !isControl(r) && r != 0xA0
			if !ok {
				return ""
			}
		}
	}
	return local + "@" + domain
}

// skipEncodedWord returns the index of the last byte of the encoded word
// "=?charset?enc?text?=" starting at i, or i when there is none.
func skipEncodedWord(s string, i int) int {
	j := i + 2
	for q := 0; q < 2; q++ {
		k := strings.IndexByte(s[j:], '?')
		if k < 0 {
			return i
		}
		j += k + 1
	}
	k := strings.Index(s[j:], "?=")
	if k < 0 {
		return i
	}
	return j + k + 1
}
