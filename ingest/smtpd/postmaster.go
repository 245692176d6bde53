package smtpd

import (
	"bytes"
	"strconv"
	"strings"
)

// RFC 5321 §4.1.1.3 and §4.5.1: "RCPT TO:<Postmaster>", without a domain
// and in any case, MUST be accepted. go-smtp (v0.25) requires an '@' in
// every path and answers 501 before the session sees the command, and has
// no option to change that. Forking go-smtp for one branch of its parser
// would leave us a copy to maintain; instead postmasterRewriter, under
// go-smtp's reader, completes exactly that command line into
// "RCPT TO:<postmaster@first-domain>", which the recipient policy accepts
// as the role mailbox of a served domain. Nothing else is changed.
//
// It must never touch message content, so it follows go-smtp's own
// framing: after a DATA line it copies bytes until go-smtp's end-of-data
// state machine (copied from data.go) ends, after "BDAT n" it copies n
// bytes, as go-smtp consumes them whether it accepts the chunk or not.
// Whenever it is unsure (a DATA that go-smtp refused, a BDAT line go-smtp
// would parse differently), it errs towards copying: a bare postmaster
// then gets go-smtp's 501 again, never a changed message. After STARTTLS
// the stream is encrypted under go-smtp's TLS layer, so the rewrite stops
// for the rest of the connection: inside STARTTLS, "<Postmaster>" still
// gets 501 (the domain form is accepted everywhere).
//
// Pipelined commands are handled line by line; only the first bytes of a
// command line are held (at most holdMax), never a whole long line, and
// the added domain is a few bytes under go-smtp's line limit of 64 KiB.
type postmasterRewriter struct {
	at   []byte // "@domain", inserted before the '>'
	mode rewriteMode

	line     []byte      // the start of the current command line, held until classified
	passLine bool        // the rest of the current command line is copied as is
	after    rewriteMode // the mode once the passed line ends
	dataSt   int         // go-smtp's DATA reader state, in modeData
	bdatLeft uint64      // chunk bytes still to copy, in modeBDAT

	out     []byte // rewritten bytes, returned from pos on
	pos     int
	scratch []byte
	err     error // the read error to return once out is empty
}

type rewriteMode int

const (
	modeCommand rewriteMode = iota
	modeData
	modeBDAT
	modeOff // after STARTTLS, or framing we cannot follow
)

// holdMax bounds the held start of a command line: enough for
// "RCPT TO:<postmaster>" with generous spacing and any BDAT line.
const holdMax = 256

func newPostmasterRewriter(domain string) *postmasterRewriter {
	return &postmasterRewriter{at: []byte("@" + domain), scratch: make([]byte, 4096)}
}

// read fills p from raw, rewritten. It reads raw again while everything
// read so far is held, so that it never returns 0 bytes without an error.
func (r *postmasterRewriter) read(p []byte, raw func([]byte) (int, error)) (int, error) {
	for r.pos == len(r.out) && r.err == nil {
		n, err := raw(r.scratch)
		r.process(r.scratch[:n])
		if err != nil {
			r.flushHeld()
			r.err = err
		}
	}
	if r.pos == len(r.out) {
		err := r.err
		r.err = nil // a timeout is not final: go-smtp may read again
		return 0, err
	}
	n := copy(p, r.out[r.pos:])
	if r.pos += n; r.pos == len(r.out) {
		r.out, r.pos = r.out[:0], 0 // the buffer is reused for the next read
	}
	return n, nil
}

func (r *postmasterRewriter) process(b []byte) {
	for len(b) > 0 {
		switch r.mode {
		case modeOff:
			r.out = append(r.out, b...)
			return
		case modeBDAT:
			k := min(r.bdatLeft, uint64(len(b)))
			r.out = append(r.out, b[:k]...)
			b = b[k:]
			if r.bdatLeft -= k; r.bdatLeft == 0 {
				r.mode = modeCommand
			}
		case modeData:
			b = r.data(b)
		case modeCommand:
			if r.passLine {
				i := bytes.IndexByte(b, '\n')
				if i < 0 {
					r.out = append(r.out, b...)
					return
				}
				r.out = append(r.out, b[:i+1]...)
				b = b[i+1:]
				r.passLine = false
				r.enter(r.after)
				continue
			}
			i := bytes.IndexByte(b, '\n')
			end := len(b)
			if i >= 0 {
				end = i + 1
			}
			take := min(end, holdMax-len(r.line))
			r.line = append(r.line, b[:take]...)
			b = b[take:]
			switch {
			case r.line[len(r.line)-1] == '\n':
				r.endLine()
			case len(r.line) >= holdMax:
				r.flushHeld()
			}
		}
	}
}

// Copied from go-smtp's dataReader: the same states, so that DATA ends
// here exactly where it ends for go-smtp.
const (
	stBeginLine = iota
	stDot
	stDotCR
	stCR
	stData
)

// data copies message bytes until go-smtp's end of data and returns the
// rest.
func (r *postmasterRewriter) data(b []byte) []byte {
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch r.dataSt {
		case stBeginLine:
			switch c {
			case '.':
				r.dataSt = stDot
			case '\r':
				r.dataSt = stCR
			default:
				r.dataSt = stData
			}
		case stDot:
			if c == '\r' {
				r.dataSt = stDotCR
			} else {
				r.dataSt = stData
			}
		case stDotCR:
			if c == '\n' {
				r.out = append(r.out, b[:i+1]...)
				r.mode = modeCommand
				return b[i+1:]
			}
			r.dataSt = stData
		case stCR:
			if c == '\n' {
				r.dataSt = stBeginLine
			} else {
				r.dataSt = stData
			}
		case stData:
			// The common case: skip to the next CR at once.
			j := bytes.IndexByte(b[i:], '\r')
			if j < 0 {
				i = len(b)
				continue
			}
			i += j
			r.dataSt = stCR
		}
	}
	r.out = append(r.out, b...)
	return nil
}

// endLine classifies a whole held command line and emits it.
func (r *postmasterRewriter) endLine() {
	line := r.line
	r.line = r.line[:0]
	if r.rewrite(line) {
		return
	}
	r.out = append(r.out, line...)
	m := nextMode(line, true)
	if m == modeBDAT {
		n, ok := bdatSize(strings.TrimRight(string(line), "\r\n"))
		if !ok {
			// go-smtp reads no chunk, but the client may send one.
			m = modeOff
		}
		r.bdatLeft = n
	}
	r.enter(m)
}

// flushHeld emits a held line start that is too long (or cut by a read
// error) to wait for its end; the rest of the line is then copied.
func (r *postmasterRewriter) flushHeld() {
	if r.mode != modeCommand || len(r.line) == 0 {
		return
	}
	line := r.line
	r.line = r.line[:0]
	if !r.rewrite(line) {
		r.out = append(r.out, line...)
	}
	r.passLine = true
	r.after = nextMode(line, false)
}

// rewrite emits line with its bare postmaster made the first domain's,
// in the lower case RoleAddresses uses, and reports whether it did.
func (r *postmasterRewriter) rewrite(line []byte) bool {
	gt := postmasterAt(line)
	if gt < 0 {
		return false
	}
	r.out = append(r.out, line[:gt-len("postmaster")]...)
	r.out = append(r.out, "postmaster"...)
	r.out = append(r.out, r.at...)
	r.out = append(r.out, line[gt:]...)
	return true
}

func (r *postmasterRewriter) enter(m rewriteMode) {
	switch m {
	case modeData:
		r.dataSt = stBeginLine
	case modeBDAT:
		if r.bdatLeft == 0 {
			m = modeCommand
		}
	}
	r.mode = m
}

// nextMode is the framing after a command line, as go-smtp parses it
// (parseCmd, handleData, handleBdat); whole says the line is complete.
func nextMode(line []byte, whole bool) rewriteMode {
	text := strings.TrimRight(string(line), "\r\n")
	// go-smtp upper-cases with strings.ToUpper, under which a few
	// non-ASCII letters become S or I: the same test here.
	if strings.HasPrefix(strings.ToUpper(text), "STARTTLS") {
		return modeOff
	}
	if len(text) < 4 {
		return modeCommand
	}
	switch strings.ToUpper(text[:4]) {
	case "DATA":
		// go-smtp may refuse it (no recipient, arguments); then the lines
		// that follow are commands copied unchanged until a "." line.
		return modeData
	case "BDAT":
		if !whole {
			return modeOff
		}
		return modeBDAT
	}
	return modeCommand
}

// bdatSize is the chunk size go-smtp reads after a BDAT line, ok false
// when go-smtp would refuse the line without reading a chunk.
func bdatSize(text string) (uint64, bool) {
	if len(text) <= 5 || text[4] != ' ' {
		return 0, false
	}
	args := strings.Fields(strings.TrimSpace(text[5:]))
	if len(args) == 0 || len(args) > 2 || len(args) == 2 && !strings.EqualFold(args[1], "LAST") {
		return 0, false
	}
	n, err := strconv.ParseUint(args[0], 10, 32)
	return n, err == nil
}

// postmasterAt returns the index of the '>' in a line
// "RCPT TO:<postmaster>" (ASCII case-insensitive, spaces as go-smtp
// allows them, optional parameters after a space), or -1.
func postmasterAt(line []byte) int {
	const verb, to, box = "RCPT ", "TO:", "<postmaster>"
	i := len(verb)
	if len(line) < i || !strings.EqualFold(string(line[:i]), verb) {
		return -1
	}
	i = skipBlank(line, i)
	if len(line) < i+len(to) || !strings.EqualFold(string(line[i:i+len(to)]), to) {
		return -1
	}
	i = skipBlank(line, i+len(to))
	if len(line) <= i+len(box) || !asciiEqualFold(line[i:i+len(box)], box) {
		return -1
	}
	switch line[i+len(box)] {
	case ' ', '\t', '\r', '\n':
		return i + len(box) - 1
	}
	return -1
}

func skipBlank(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}

// asciiEqualFold compares ignoring ASCII case only: "poſtmaster" is not
// postmaster.
func asciiEqualFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c, d := b[i], s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}
