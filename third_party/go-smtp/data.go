package smtp

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

type EnhancedCode [3]int

// SMTPError specifies the error code, enhanced error code (if any) and
// message returned by the server.
type SMTPError struct {
	Code         int
	EnhancedCode EnhancedCode
	Message      string
}

// NoEnhancedCode is used to indicate that enhanced error code should not be
// included in response.
//
// Note that RFC 2034 requires an enhanced code to be included in all 2xx, 4xx
// and 5xx responses. This constant is exported for use by extensions, you
// should probably use EnhancedCodeNotSet instead.
var NoEnhancedCode = EnhancedCode{-1, -1, -1}

// EnhancedCodeNotSet is a nil value of EnhancedCode field in SMTPError, used
// to indicate that backend failed to provide enhanced status code. X.0.0 will
// be used (X is derived from error code).
var EnhancedCodeNotSet = EnhancedCode{0, 0, 0}

func (err *SMTPError) Error() string {
	s := fmt.Sprintf("SMTP error %03d", err.Code)
	if err.Message != "" {
		s += ": " + err.Message
	}
	return s
}

func (err *SMTPError) Temporary() bool {
	return err.Code/100 == 4
}

var ErrDataTooLarge = &SMTPError{
	Code:         552,
	EnhancedCode: EnhancedCode{5, 3, 4},
	Message:      "Maximum message size exceeded",
}

type dataReader struct {
	r     *bufio.Reader
	state int

	limited bool
	n       int64 // Maximum bytes remaining
}

func newDataReader(c *Conn) *dataReader {
	dr := &dataReader{
		r: c.text.R,
	}

	if c.server.MaxMessageBytes > 0 {
		dr.limited = true
		dr.n = int64(c.server.MaxMessageBytes)
	}

	return dr
}

// States of dataReader's state machine, which elides leading dots and
// detects the End-of-Data (<CR><LF>.<CR><LF>) line.
const (
	stateBeginLine = iota // beginning of line; initial state; must be zero
	stateDot              // read . at beginning of line
	stateDotCR            // read .\r at beginning of line
	stateCR               // read \r (possibly at end of line)
	stateData             // reading data in middle of line
	stateEOF              // reached .\r\n end marker line
)

func (r *dataReader) Read(b []byte) (n int, err error) {
	if r.limited {
		if r.n <= 0 {
			return 0, ErrDataTooLarge
		}
		if int64(len(b)) > r.n {
			b = b[0:r.n]
		}
	}

	// The state machine is taken from net/textproto with only one
	// modification to not rewrite CRLF -> LF. It runs over the bytes that
	// r.r already holds, and then discards those it consumed, instead of
	// calling ReadByte once per byte (see PATCHES.md). Bytes after the end
	// marker stay in r.r for the next command, and r.r reads from the
	// connection only when its buffer is empty, as with ReadByte, so the
	// reads beneath (lineLimitReader) are the same as before.
	for n < len(b) && r.state != stateEOF {
		if r.r.Buffered() == 0 {
			// Fills the buffer, or returns its error, exactly as ReadByte
			// would on an empty buffer.
			if _, err = r.r.Peek(1); err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				break
			}
		}
		buf, _ := r.r.Peek(r.r.Buffered())
		consumed, produced := r.scan(b[n:], buf)
		r.r.Discard(consumed)
		n += produced
	}
	if err == nil && r.state == stateEOF {
		err = io.EOF
	}

	if r.limited {
		r.n -= int64(n)
	}
	return
}

// scan runs the state machine over src, writing the data to dst. It stops
// when src is used up, when dst is full or at the end marker, and returns
// how many bytes of src it consumed and of dst it wrote. A consumed byte is
// either written or elided, so produced <= consumed; as with the byte-at-a-
// time loop, an elided byte that follows a full dst is left in src.
func (r *dataReader) scan(dst, src []byte) (consumed, produced int) {
	state := r.state
	i, n := 0, 0
	for i < len(src) && n < len(dst) && state != stateEOF {
		if state == stateData {
			// In the middle of a line only \r changes the state: copy the
			// run up to and including the next \r in one step.
			run := src[i:]
			if room := len(dst) - n; len(run) > room {
				run = run[:room]
			}
			if k := bytes.IndexByte(run, '\r'); k >= 0 {
				run = run[:k+1]
				state = stateCR
			}
			n += copy(dst[n:], run)
			i += len(run)
			continue
		}
		c := src[i]
		i++
		switch state {
		case stateBeginLine:
			if c == '.' {
				state = stateDot
				continue
			}
			if c == '\r' {
				state = stateCR
				break
			}
			state = stateData
		case stateDot:
			if c == '\r' {
				state = stateDotCR
				continue
			}
			state = stateData
		case stateDotCR:
			if c == '\n' {
				state = stateEOF
				continue
			}
			state = stateData
		case stateCR:
			if c == '\n' {
				state = stateBeginLine
				break
			}
			state = stateData
		}
		dst[n] = c
		n++
	}
	r.state = state
	return i, n
}
