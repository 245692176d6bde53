package config

import (
	"slices"
	"strings"
)

// keyLine is where the file sets a key or opens a table: the key's full
// path (table path included), its line, and which element of an array of
// tables ([[agents]]) it belongs to, -1 outside one.
type keyLine struct {
	key  []string
	line int
	elem int
}

// keyLines finds the line of every key and table header of a TOML document
// that has already parsed: BurntSushi/toml knows positions but does not
// export them. It follows TOML v1.0's lexical rules far enough to skip
// comments, strings and values spanning lines; keys inside inline tables
// are not listed, and their errors point at the line of the enclosing key.
func keyLines(src string) []keyLine {
	var (
		out    []keyLine
		table  []string
		elem   = -1
		counts = map[string]int{}
		v      valueScanner
	)
	for n, line := range strings.Split(src, "\n") {
		if v.busy() {
			v.scan(line)
			continue
		}
		s := strings.TrimSpace(line)
		switch {
		case s == "" || s[0] == '#':
		case strings.HasPrefix(s, "[["):
			table, _ = parseKey(s[2:])
			id := strings.Join(table, "\x00")
			elem = counts[id]
			counts[id]++
			out = append(out, keyLine{table, n + 1, elem})
		case s[0] == '[':
			table, _ = parseKey(s[1:])
			elem = -1
			out = append(out, keyLine{table, n + 1, elem})
		default:
			k, rest := parseKey(s)
			out = append(out, keyLine{append(slices.Clip(table), k...), n + 1, elem})
			if rest, ok := strings.CutPrefix(rest, "="); ok {
				v.scan(rest)
			}
		}
	}
	return out
}

// parseKey reads a dotted key (bare or quoted parts, TOML v1.0 "Keys") at
// the start of s and returns its parts and what follows it.
func parseKey(s string) (parts []string, rest string) {
	for {
		s = strings.TrimLeft(s, " \t")
		var part string
		switch {
		case strings.HasPrefix(s, `"`):
			part, s = quoted(s[1:], '"')
		case strings.HasPrefix(s, "'"):
			part, s = quoted(s[1:], '\'')
		default:
			i := strings.IndexFunc(s, func(r rune) bool {
				return !(r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
			})
			if i < 0 {
				i = len(s)
			}
			part, s = s[:i], s[i:]
		}
		parts = append(parts, part)
		s = strings.TrimLeft(s, " \t")
		if !strings.HasPrefix(s, ".") {
			return parts, s
		}
		s = s[1:]
	}
}

// quoted reads a one-line string whose opening quote q is already consumed.
// Basic strings' escapes are skipped, not decoded: key names that need
// them are not names the program knows anyway.
func quoted(s string, q byte) (string, string) {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\' && q == '"':
			i++
		case s[i] == q:
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}

// valueScanner follows a value across lines: open arrays and inline tables
// and multi-line strings, so that their lines are not taken for keys.
type valueScanner struct {
	depth int
	ml    string // `"""` or `'''` inside a multi-line string
}

func (v *valueScanner) busy() bool { return v.depth > 0 || v.ml != "" }

func (v *valueScanner) scan(s string) {
	for len(s) > 0 {
		if v.ml != "" {
			i := strings.Index(s, v.ml)
			if i < 0 {
				return
			}
			s, v.ml = s[i+3:], ""
			continue
		}
		switch c := s[0]; {
		case c == '#':
			return
		case strings.HasPrefix(s, `"""`) || strings.HasPrefix(s, "'''"):
			v.ml, s = s[:3], s[3:]
		case c == '"' || c == '\'':
			_, s = quoted(s[1:], c)
		case c == '[' || c == '{':
			v.depth++
			s = s[1:]
		case c == ']' || c == '}':
			v.depth--
			s = s[1:]
		default:
			s = s[1:]
		}
	}
}

// lineOf is the line of the n-th time (from 0) the file sets key inside
// element elem of its array of tables (any element when elem is -1),
// falling back to the line of its nearest enclosing key or table; 0 when
// none is found.
func lineOf(lines []keyLine, key []string, elem, n int) int {
	for k := key; len(k) > 0; k = k[:len(k)-1] {
		seen := 0
		for _, l := range lines {
			if !slices.Equal(l.key, k) || elem >= 0 && l.elem != elem {
				continue
			}
			if seen == n || len(k) < len(key) {
				return l.line
			}
			seen++
		}
		n = 0
	}
	return 0
}
