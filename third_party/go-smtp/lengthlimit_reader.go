package smtp

import (
	"bytes"
	"errors"
	"io"
)

var ErrTooLongLine = errors.New("smtp: too long a line in input stream")

// lineLimitReader reads from the underlying Reader but restricts
// line length of lines in input stream to a certain length.
//
// If line length exceeds the limit - Read returns ErrTooLongLine
type lineLimitReader struct {
	R         io.Reader
	LineLimit int

	curLineLength int
}

func (r *lineLimitReader) Read(b []byte) (int, error) {
	if r.curLineLength > r.LineLimit && r.LineLimit > 0 {
		return 0, ErrTooLongLine
	}

	n, err := r.R.Read(b)
	if err != nil {
		return n, err
	}

	if r.LineLimit == 0 {
		return n, nil
	}
	if r.LineLimit < 0 {
		// Every byte is too many; upstream's loop, kept for the count it
		// leaves, which the line-by-line one below would not match.
		for _, chr := range b[:n] {
			if chr == '\n' {
				r.curLineLength = 0
			}
			r.curLineLength++
			if r.curLineLength > r.LineLimit {
				return 0, ErrTooLongLine
			}
		}
		return n, nil
	}

	// Line by line rather than byte by byte (see PATCHES.md), with the
	// count the byte loop kept: a line break counts as the first byte of
	// the line it starts, and on a line too long the count stops at
	// LineLimit+1, where that loop stopped.
	rest := b[:n]
	for {
		i := bytes.IndexByte(rest, '\n')
		seg := rest
		if i >= 0 {
			seg = rest[:i]
		}
		if len(seg) > r.LineLimit-r.curLineLength {
			r.curLineLength = r.LineLimit + 1
			return 0, ErrTooLongLine
		}
		r.curLineLength += len(seg)
		if i < 0 {
			return n, nil
		}
		r.curLineLength = 1
		if r.curLineLength > r.LineLimit {
			return 0, ErrTooLongLine
		}
		rest = rest[i+1:]
	}
}
