package templates

import (
	"bytes"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	tparse "text/template/parse"
	"unicode/utf8"
)

// A program executes a template's parse tree without text/template's
// interpreter, for the part of the language the messages use: text, fields
// of the data ({{.Subject}}, {{.Category.Code}}) printed when they are
// strings or ints, if/else on a field or on eq or ne of two strings
// (fields or quoted), range over a slice field; in HTML, values go through
// the escapers html/template put in the tree, here copies of its own for
// plain strings. text/template finds every field by name and calls every
// escaper through reflection, for each action of each message: that was
// most of the cost of composing an acknowledgment.
//
// A template using anything else (variables, functions, with, a method, a
// map…) gets no program, and data a program cannot print (a nil pointer on
// the way, another kind than a string…) makes it give up: both are then
// rendered by text/template or html/template, whose output a program's is
// byte for byte (TestProgramsMatchTemplates, FuzzProgramAck, run against
// the standard library in use). Templates stay the files they are; editing
// one never needs a change here.
type program []instr

type op uint8

const (
	opText op = iota
	opPrint
	opIf
	opIfEq // if eq a b
	opIfNe // if ne a b
	opRange
)

type instr struct {
	op     op
	text   []byte
	field  []*step               // the chain of fields from dot; empty for dot
	escape []func(string) string // html/template's escapers, in order
	cmp    [2]operand            // opIfEq, opIfNe
	list   program               // if: then; range: body
	els    program               // if, range: else
}

// escapers are html/template's escapers for a plain string (not one of its
// typed contents, which a program never prints), by the names it gives
// them in the escaped tree.
var escapers = map[string]func(string) string{
	"_html_template_htmlescaper":   htmlEscape,
	"_html_template_rcdataescaper": htmlEscape,
	"_html_template_attrescaper":   htmlEscape,
	"_html_template_urlfilter":     urlFilter,
	"_html_template_urlnormalizer": urlNormalize,
}

// compile gives the program of list, or ok false when it uses more than a
// program does. In HTML (escaped), every value printed must go through an
// escaper: a tree html/template has not escaped gets no program.
func compile(list *tparse.ListNode, escaped bool) (p program, ok bool) {
	if list == nil {
		return nil, true
	}
	for _, n := range list.Nodes {
		switch n := n.(type) {
		case *tparse.TextNode:
			p = append(p, instr{op: opText, text: n.Text})
		case *tparse.CommentNode:
		case *tparse.ActionNode:
			in, ok := compilePrint(n.Pipe, escaped)
			if !ok {
				return nil, false
			}
			p = append(p, in)
		case *tparse.IfNode:
			in, ok := compileBranch(opIf, &n.BranchNode, escaped)
			if !ok {
				return nil, false
			}
			p = append(p, in)
		case *tparse.RangeNode:
			in, ok := compileBranch(opRange, &n.BranchNode, escaped)
			if !ok {
				return nil, false
			}
			p = append(p, in)
		default:
			return nil, false
		}
	}
	return p, true
}

// fieldOf is the field chain of a pipeline made of one field or dot and
// nothing else.
func fieldOf(pipe *tparse.PipeNode) ([]*step, bool) {
	if pipe == nil || len(pipe.Decl) > 0 || len(pipe.Cmds) == 0 || len(pipe.Cmds[0].Args) != 1 {
		return nil, false
	}
	switch a := pipe.Cmds[0].Args[0].(type) {
	case *tparse.FieldNode:
		steps := make([]*step, len(a.Ident))
		for i, name := range a.Ident {
			steps[i] = &step{name: name}
		}
		return steps, true
	case *tparse.DotNode:
		return nil, true
	}
	return nil, false
}

func compilePrint(pipe *tparse.PipeNode, escaped bool) (instr, bool) {
	field, ok := fieldOf(pipe)
	if !ok {
		return instr{}, false
	}
	in := instr{op: opPrint, field: field}
	for _, c := range pipe.Cmds[1:] {
		if len(c.Args) != 1 {
			return instr{}, false
		}
		id, ok := c.Args[0].(*tparse.IdentifierNode)
		if !ok || !escaped {
			return instr{}, false
		}
		f, ok := escapers[id.Ident]
		if !ok {
			return instr{}, false
		}
		in.escape = append(in.escape, f)
	}
	return in, !escaped || len(in.escape) > 0
}

func compileBranch(o op, b *tparse.BranchNode, escaped bool) (instr, bool) {
	in := instr{op: o}
	var ok bool
	if in.field, ok = fieldOf(b.Pipe); !ok && o == opIf {
		in.op, in.cmp, ok = opCompare(b.Pipe)
	}
	if !ok || len(b.Pipe.Cmds) != 1 {
		return instr{}, false
	}
	if in.list, ok = compile(b.List, escaped); !ok {
		return instr{}, false
	}
	if in.els, ok = compile(b.ElseList, escaped); !ok {
		return instr{}, false
	}
	return in, true
}

// opCompare compiles "eq x y" and "ne x y", x and y fields or strings.
func opCompare(pipe *tparse.PipeNode) (op, [2]operand, bool) {
	var cmp [2]operand
	if pipe == nil || len(pipe.Decl) > 0 || len(pipe.Cmds) != 1 || len(pipe.Cmds[0].Args) != 3 {
		return 0, cmp, false
	}
	args := pipe.Cmds[0].Args
	id, ok := args[0].(*tparse.IdentifierNode)
	if !ok || id.Ident != "eq" && id.Ident != "ne" {
		return 0, cmp, false
	}
	for i, a := range args[1:] {
		switch a := a.(type) {
		case *tparse.StringNode:
			cmp[i] = operand{lit: a.Text, isLit: true}
		case *tparse.FieldNode, *tparse.DotNode:
			if cmp[i].field, ok = fieldOf(&tparse.PipeNode{Cmds: []*tparse.CommandNode{{Args: []tparse.Node{a}}}}); !ok {
				return 0, cmp, false
			}
		default:
			return 0, cmp, false
		}
	}
	if id.Ident == "eq" {
		return opIfEq, cmp, true
	}
	return opIfNe, cmp, true
}

// operand is a side of eq or ne: a string or a field.
type operand struct {
	field []*step
	lit   string
	isLit bool
}

// value is the string o stands for with dot; false when it is not a plain
// string (text/template's comparison of other kinds is its business).
func (o *operand) value(dot reflect.Value) (string, bool) {
	if o.isLit {
		return o.lit, true
	}
	v, ok := fieldValue(dot, o.field)
	if !ok || !v.IsValid() || v.Type() != stringType {
		return "", false
	}
	return v.String(), true
}

var (
	stringType = reflect.TypeFor[string]()
	intType    = reflect.TypeFor[int]()
)

// executor is what text/template and html/template templates share.
type executor interface {
	ExecuteTemplate(w io.Writer, name string, data any) error
}

// compiled is a template's program, once the template has been executed
// (and so, in HTML, escaped): ok false when it has none.
type compiled struct {
	p  program
	ok bool
}

// programs holds the compiled of each template by set and name: a text
// template and an HTML one of the same name must never share a program
// (the text one escapes nothing).
var programs sync.Map

// programKey names a template in programs.
type programKey struct {
	escaped bool
	name    string
}

// execute writes template name of e with data to w: by its program when
// it has one that can print data, else by e.
func execute(w *bytes.Buffer, e executor, tree func(name string) *tparse.Tree, escaped bool, name string, data any) error {
	key := programKey{escaped, name}
	c, known := programs.Load(key)
	if known && c.(compiled).ok {
		n := w.Len()
		if c.(compiled).p.safeRun(w, reflect.ValueOf(data)) {
			return nil
		}
		// A template is given the same type of data each time: what a
		// program cannot print once, it will not the next time.
		w.Truncate(n)
		programs.Store(key, compiled{})
	}
	if err := e.ExecuteTemplate(w, name, data); err != nil {
		return err
	}
	if !known {
		var c compiled
		if t := tree(name); t != nil {
			c.p, c.ok = compile(t.Root, escaped)
		}
		programs.Store(key, c)
	}
	return nil
}

// safeRun is run, a panic (a bug here, or reflect refusing what a check
// let through) making it decline rather than fail the message.
func (p program) safeRun(w *bytes.Buffer, dot reflect.Value) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return p.run(w, dot)
}

// run writes p with dot to w; false when the data is more than a program
// prints (w then holds part of the message: the caller drops it).
func (p program) run(w *bytes.Buffer, dot reflect.Value) bool {
	for i := range p {
		in := &p[i]
		switch in.op {
		case opText:
			w.Write(in.text)
		case opPrint:
			v, ok := fieldValue(dot, in.field)
			if !ok || !v.IsValid() {
				return false
			}
			var s string
			switch v.Type() {
			case stringType:
				s = v.String()
			case intType:
				s = strconv.FormatInt(v.Int(), 10) // as fmt prints an int
			default:
				return false
			}
			for _, f := range in.escape {
				s = f(s)
			}
			w.WriteString(s)
		case opIf, opIfEq, opIfNe:
			var t bool
			if in.op == opIf {
				v, ok := fieldValue(dot, in.field)
				if !ok {
					return false
				}
				if t, ok = truth(v); !ok {
					return false
				}
			} else {
				a, ok := in.cmp[0].value(dot)
				if !ok {
					return false
				}
				b, ok := in.cmp[1].value(dot)
				if !ok {
					return false
				}
				t = (a == b) == (in.op == opIfEq)
			}
			branch := in.els
			if t {
				branch = in.list
			}
			if !branch.run(w, dot) {
				return false
			}
		case opRange:
			v, ok := fieldValue(dot, in.field)
			if !ok {
				return false
			}
			v, _ = indirect(v)
			if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
				return false
			}
			if v.Len() == 0 {
				if !in.els.run(w, dot) {
					return false
				}
				continue
			}
			for j := range v.Len() {
				if !in.list.run(w, v.Index(j)) {
					return false
				}
			}
		}
	}
	return true
}

// indirect is text/template's: through pointers and interfaces, stopping
// at a nil one.
func indirect(v reflect.Value) (reflect.Value, bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
	}
	return v, false
}

// truth is text/template's truth of a value for if, for the kinds a
// program handles.
func truth(v reflect.Value) (bool, bool) {
	switch v.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.String:
		return v.Len() > 0, true
	case reflect.Bool:
		return v.Bool(), true
	case reflect.Pointer:
		return !v.IsNil(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() != 0, true
	case reflect.Struct:
		return true, true
	}
	return false, false
}

// fieldValue follows the chain of fields from dot as text/template does
// for fields of structs; false for anything else on the way (a nil
// pointer, a map, a method of that name: text/template's business).
func fieldValue(v reflect.Value, steps []*step) (reflect.Value, bool) {
	for _, st := range steps {
		var isNil bool
		if v, isNil = indirect(v); isNil || v.Kind() != reflect.Struct {
			return reflect.Value{}, false
		}
		i, ok := st.index(v.Type())
		if !ok {
			return reflect.Value{}, false
		}
		v = v.Field(i)
	}
	return v, true
}

// step is one field name of a chain, with the index it had in the last
// type it was looked up in (the same each time but in a range over mixed
// types, which the messages do not have).
type step struct {
	name string
	last atomic.Pointer[found]
}

type found struct {
	t reflect.Type
	i int // -1: none
}

// index is the index of t's exported, not embedded, field of that name,
// when neither t nor *t has a method of that name (text/template would
// call it).
func (st *step) index(t reflect.Type) (int, bool) {
	if f := st.last.Load(); f != nil && f.t == t {
		return f.i, f.i >= 0
	}
	i := -1
	if _, isMethod := reflect.PointerTo(t).MethodByName(st.name); !isMethod {
		if f, ok := t.FieldByName(st.name); ok && f.IsExported() && len(f.Index) == 1 && !f.Anonymous {
			i = f.Index[0]
		}
	}
	st.last.Store(&found{t, i})
	return i, i >= 0
}

// htmlEscape is html/template's htmlEscaper (and rcdataEscaper,
// attrEscaper) for a plain string: its htmlReplacer with
// htmlReplacementTable, bad runes let through.
func htmlEscape(s string) string {
	var b strings.Builder
	written := 0
	for i, w := 0, 0; i < len(s); i += w {
		var r rune
		if r, w = rune(s[i]), 1; r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[i:])
		}
		var repl string
		switch r {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		b.WriteString(repl)
		written = i + w
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

// urlFilter is html/template's urlFilter for a plain string: a URL with a
// scheme other than http, https and mailto becomes "#ZgotmplZ".
func urlFilter(s string) string {
	if protocol, _, ok := strings.Cut(s, ":"); ok && !strings.Contains(protocol, "/") {
		if !strings.EqualFold(protocol, "http") && !strings.EqualFold(protocol, "https") && !strings.EqualFold(protocol, "mailto") {
			return "#ZgotmplZ"
		}
	}
	return s
}

// urlNormalize is html/template's urlNormalizer for a plain string: bytes
// a URL may not hold literally are percent-encoded, valid escapes kept.
func urlNormalize(s string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']', '-', '.', '_', '~':
			continue
		case '%':
			if i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
				continue
			}
		default:
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				continue
			}
		}
		if written == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[written:i])
		fmt.Fprintf(&b, "%%%02x", c)
		written = i + 1
	}
	if written == 0 {
		return s
	}
	b.WriteString(s[written:])
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
