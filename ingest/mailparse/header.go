package mailparse

import (
	"bytes"
	"net/textproto"
	"strings"
)

// field is one header field as written: name and unfolded raw value.
type field struct {
	name, value string
}

// splitHeader reads the header block at the start of raw leniently and in
// one pass: RFC 5322 section 2.2.3 unfolding, lines without a colon (an
// mbox "From " line, garbage) skipped, bare LF accepted. It returns the
// fields in order and the offset where the body starts.
func splitHeader(raw []byte, maxBytes int) (fields []field, bodyStart int) {
	pos := 0
	var cur *field
	for pos < len(raw) {
		end := bytes.IndexByte(raw[pos:], '\n')
		next := len(raw)
		if end >= 0 {
			end += pos
			next = end + 1
		} else {
			end = len(raw)
		}
		line := raw[pos:end]
		line = bytes.TrimSuffix(line, []byte{'\r'})
		pos = next
		if len(line) == 0 {
			return fields, pos
		}
		if maxBytes > 0 && pos > maxBytes {
			// A header this large is an attack or a broken message;
			// what follows is treated as body.
			return fields, pos
		}
		if line[0] == ' ' || line[0] == '\t' {
			if cur != nil {
				cur.value += " " + strings.TrimSpace(string(line))
			}
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			cur = nil
			continue
		}
		name := strings.TrimRight(string(line[:colon]), " \t")
		if name == "" || strings.ContainsAny(name, " \t") {
			cur = nil
			continue
		}
		fields = append(fields, field{name: name, value: strings.TrimSpace(string(line[colon+1:]))})
		cur = &fields[len(fields)-1]
	}
	return fields, len(raw)
}

// get returns the raw value of the first field called name.
func get(fields []field, name string) string {
	for _, f := range fields {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

// canonicalKey is textproto's canonical form, made safe for storage.
func canonicalKey(name string) string {
	k, _ := repairUTF8(name)
	return foldSpace(textproto.CanonicalMIMEHeaderKey(k))
}
