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
	// One string for the whole block: names and values are substrings of
	// it instead of two allocations per field.
	stop, bodyStart := headerEnd(raw, maxBytes)
	block := string(raw[:stop])
	pos := 0
	var cur *field
	for pos < len(block) {
		end, next := lineAt(raw[:stop], pos)
		line := block[pos:end]
		line = strings.TrimSuffix(line, "\r")
		pos = next
		if len(line) == 0 {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			if cur != nil {
				cur.value += " " + strings.TrimSpace(line)
			}
			continue
		}
		colon := strings.IndexByte(line, ':')
		if colon <= 0 {
			cur = nil
			continue
		}
		name := strings.TrimRight(line[:colon], " \t")
		if name == "" || strings.ContainsAny(name, " \t") {
			cur = nil
			continue
		}
		fields = append(fields, field{name: name, value: strings.TrimSpace(line[colon+1:])})
		cur = &fields[len(fields)-1]
	}
	return fields, bodyStart
}

// headerEnd returns where the lines to read as fields stop in raw and
// where the body begins: at and after the first empty line, at and after
// the line that crosses maxBytes when it is positive, or len(raw).
func headerEnd(raw []byte, maxBytes int) (stop, bodyStart int) {
	pos := 0
	for pos < len(raw) {
		lineStart := pos
		end, next := lineAt(raw, pos)
		line := bytes.TrimSuffix(raw[pos:end], []byte{'\r'})
		pos = next
		if len(line) == 0 {
			return lineStart, pos
		}
		if maxBytes > 0 && pos > maxBytes {
			// A header this large is an attack or a broken message;
			// what follows is treated as body.
			return lineStart, pos
		}
	}
	return len(raw), len(raw)
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

// lineAt returns where the line that starts at pos in b ends (at its LF,
// or at the end of b) and where the next line starts.
func lineAt(b []byte, pos int) (end, next int) {
	i := bytes.IndexByte(b[pos:], '\n')
	if i < 0 {
		return len(b), len(b)
	}
	return pos + i, pos + i + 1
}
