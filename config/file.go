package config

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// FileError is one mistake in the configuration file, at a line (0 when the
// line is not known).
type FileError struct {
	Path string
	Line int
	Msg  string
}

func (e *FileError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// fileValue is a setting the file gives, as the text the environment would.
type fileValue struct {
	text string
	line int
}

// fileConfig is what the configuration file may hold: settings by name,
// and the lists only the file can give.
type fileConfig struct {
	settings   map[string]fileValue
	agents     []Agent
	teams      []Team
	mailboxes  []Mailbox
	alertRules []AlertRule
	sla        []SLA
	calendar   *Calendar
}

// fileDecoder decodes one file's values and collects its mistakes.
type fileDecoder struct {
	path  string
	md    toml.MetaData
	lines []keyLine
	errs  []*FileError
}

func (d *fileDecoder) fail(line int, format string, args ...any) {
	d.errs = append(d.errs, &FileError{Path: d.path, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// readFile reads the TOML file at path. Every mistake is reported, each
// with its line, in the order of the file.
func readFile(path string, ss []setting) (*fileConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	var raw map[string]toml.Primitive
	md, err := toml.Decode(string(data), &raw)
	if err != nil {
		if pe, ok := errors.AsType[toml.ParseError](err); ok {
			return nil, &FileError{Path: path, Line: pe.Position.Line, Msg: pe.Message}
		}
		return nil, &FileError{Path: path, Msg: err.Error()}
	}
	d := &fileDecoder{path: path, md: md, lines: keyLines(string(data))}
	f := &fileConfig{settings: map[string]fileValue{}}
	byName := map[string]setting{}
	for _, s := range ss {
		byName[s.name()] = s
	}
	for name, p := range raw {
		line := lineOf(d.lines, []string{name}, -1, 0)
		switch {
		case name == "agents" && !isTables(md, name):
			d.setting(f, byName[name], p, line)
		case name == "agents":
			f.agents = decodeTables[Agent](d, name, p)
		case name == "teams":
			f.teams = decodeTables[Team](d, name, p)
		case name == "mailboxes":
			f.mailboxes = decodeTables[Mailbox](d, name, p)
		case name == "alert_rules":
			f.alertRules = decodeTables[AlertRule](d, name, p)
		case name == "sla":
			f.sla = d.sla(decodeTables[slaFile](d, name, p))
		case name == "calendar":
			f.calendar = d.calendar(p)
		case name == "config":
			d.fail(line, "config: the file cannot name another file (use --config or GUICHET_CONFIG)")
		default:
			// Decoding into Primitive marks top-level keys as decoded:
			// MetaData.Undecoded lists only the keys inside tables.
			if s, ok := byName[name]; ok {
				d.setting(f, s, p, line)
			} else {
				d.unknownKey(line, name, "", topKeys())
			}
		}
	}
	d.unknown()
	if len(d.errs) > 0 {
		slices.SortStableFunc(d.errs, func(a, b *FileError) int { return cmp.Compare(a.Line, b.Line) })
		errs := make([]error, len(d.errs))
		for i, e := range d.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	return f, nil
}

// isTables says whether agents are [[agents]] tables rather than a string
// or an array of strings, as GUICHET_AGENTS gives them.
func isTables(md toml.MetaData, key string) bool { return md.Type(key) == "ArrayHash" }

// setting converts a setting's TOML value to the text the environment
// would give, so that both are parsed and checked alike.
func (d *fileDecoder) setting(f *fileConfig, s setting, p toml.Primitive, line int) {
	var v any
	if err := d.md.PrimitiveDecode(p, &v); err != nil {
		d.fail(line, "%s: %v", s.name(), err)
		return
	}
	var text string
	switch x := v.(type) {
	case string:
		text = x
	case int64:
		if s.kind != kindInt {
			d.fail(line, "%s: want %s, not the number %d", s.name(), want(s.kind), x)
			return
		}
		text = strconv.FormatInt(x, 10)
	case []any:
		if s.kind != kindList {
			d.fail(line, "%s: want %s, not an array", s.name(), want(s.kind))
			return
		}
		items := make([]string, len(x))
		for i, it := range x {
			str, ok := it.(string)
			if !ok || strings.Contains(str, ",") {
				d.fail(line, "%s: want an array of strings without commas, not %v", s.name(), it)
				return
			}
			items[i] = str
		}
		text = strings.Join(items, ",")
	default:
		d.fail(line, "%s: want %s, not %s", s.name(), want(s.kind), strings.ToLower(d.md.Type(s.name())))
		return
	}
	// Checked here too, so that one run reports every mistake of the file.
	if err := s.set(&Config{}, text); err != nil {
		d.fail(line, "%s: %v", s.name(), err)
		return
	}
	f.settings[s.name()] = fileValue{text, line}
}

func want(k kind) string {
	switch k {
	case kindList:
		return "an array of strings or a comma-separated string"
	case kindInt:
		return "a whole number"
	case kindDuration:
		return `a duration string such as "90s" or "36h"`
	}
	return "a string"
}

// decodeTables decodes an array of tables element by element, so that a
// wrong type names the line of its own element.
func decodeTables[T any](d *fileDecoder, key string, p toml.Primitive) []T {
	var elems []toml.Primitive
	if err := d.md.PrimitiveDecode(p, &elems); err != nil {
		d.fail(lineOf(d.lines, []string{key}, -1, 0), "%s: %v (write [[%s]] tables)", key, typeError(err), key)
		return nil
	}
	out := make([]T, len(elems))
	for i, e := range elems {
		if err := d.md.PrimitiveDecode(e, &out[i]); err != nil {
			d.typeFail([]string{key}, i, err)
		}
	}
	return out
}

// tomlContext is how BurntSushi/toml's type errors name the key; the rest
// of the message is kept, the line is ours (toml gives the line of the key
// in the last element of an array of tables, not of the failing one).
var tomlContext = regexp.MustCompile(`^toml: (?:line \d+ )?\(last key "([^"]*)"\): `)

func (d *fileDecoder) typeFail(table []string, elem int, err error) {
	key := table
	if m := tomlContext.FindStringSubmatch(err.Error()); m != nil {
		key = strings.Split(m[1], ".")
	}
	d.fail(lineOf(d.lines, key, elem, 0), "%s: %s", strings.Join(key[len(table)-1:], "."), typeError(err))
}

// incompatible is BurntSushi/toml's message for a value of the wrong type;
// it names Go's kinds, which typeError turns into the file's words.
var incompatible = regexp.MustCompile(`^incompatible types: TOML value has type (\S+); destination has type (\S+)$`)

var typeWords = map[string]string{"string": "a string", "int64": "a number", "int": "a whole number",
	"float64": "a number", "bool": "true or false", "slice": "an array", "struct": "a table",
	"[]interface {}": "an array", "map[string]interface {}": "a table"}

func typeError(err error) string {
	msg := err.Error()
	if m := tomlContext.FindStringSubmatch(msg); m != nil {
		msg = msg[len(m[0]):]
	}
	if m := incompatible.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("want %s, not %s", cmp.Or(typeWords[m[2]], m[2]), cmp.Or(typeWords[m[1]], m[1]))
	}
	return msg
}

// tables are the keys each table of the file knows, from its toml tags.
var tables = map[string]reflect.Type{
	"agents":      reflect.TypeFor[Agent](),
	"teams":       reflect.TypeFor[Team](),
	"mailboxes":   reflect.TypeFor[Mailbox](),
	"alert_rules": reflect.TypeFor[AlertRule](),
	"sla":         reflect.TypeFor[slaFile](),
	"calendar":    reflect.TypeFor[calendarFile](),
}

// unknown reports each key nothing decoded: a misspelt key would otherwise
// silently leave its setting at the default (docs/configuration.md).
func (d *fileDecoder) unknown() {
	seen := map[string]int{}
	for _, k := range d.md.Undecoded() {
		n := seen[k.String()]
		seen[k.String()]++
		t, isTable := tables[k[0]]
		if !isTable || len(k) == 1 {
			continue // inside a top-level key already reported
		}
		line := lineOf(d.lines, k, -1, n)
		var known []string
		for f := range t.Fields() {
			known = append(known, strings.Split(f.Tag.Get("toml"), ",")[0])
		}
		in := fmt.Sprintf(" in [[%s]]", k[0])
		if k[0] == "calendar" {
			in = " in [calendar]"
		}
		d.unknownKey(line, k[1:].String(), in, known)
	}
}

func (d *fileDecoder) unknownKey(line int, key, in string, known []string) {
	msg := fmt.Sprintf("unknown key %q%s", key, in)
	if s := suggest(key, known); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	d.fail(line, "%s", msg)
}

// topKeys are the keys the file knows at its top level.
func topKeys() []string {
	var out []string
	for k := range tables {
		out = append(out, k)
	}
	for _, s := range settings() {
		if n := s.name(); n != "config" && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// suggest is the known key closest to k: the same once written as the
// file writes keys (a flag's "database-url", a variable's
// "GUICHET_DATABASE_URL"), or at most two edits away.
func suggest(k string, known []string) string {
	norm := strings.ReplaceAll(strings.TrimPrefix(strings.ToLower(k), "guichet_"), "-", "_")
	best, bestDist := "", 3
	for _, c := range known {
		if c == norm {
			return c
		}
		if dist := editDistance(norm, c); dist < bestDist {
			best, bestDist = c, dist
		}
	}
	return best
}

// editDistance is Levenshtein's distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, sub)
		}
		prev = cur
	}
	return prev[len(b)]
}
