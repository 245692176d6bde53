package smtp

import (
	"bytes"
	"errors"
	"io"
	"math/rand"
	"testing"
)

// byteLineLimitReader is lineLimitReader as upstream v0.25.1 wrote it,
// one byte at a time: the reference the patched reader must match.
type byteLineLimitReader struct {
	R         io.Reader
	LineLimit int

	curLineLength int
}

func (r *byteLineLimitReader) Read(b []byte) (int, error) {
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

// lineLimitStep is one Read's result, and the line count after it.
type lineLimitStep struct {
	n     int
	data  string
	err   error
	count int
}

// runLineLimit reads input in chunks of the sizes given (cycled) through
// read, and records every step.
func runLineLimit(sizes []int, reads int, read func([]byte) (int, error), count func() int) []lineLimitStep {
	var steps []lineLimitStep
	for k := 0; k < reads; k++ {
		b := make([]byte, sizes[k%len(sizes)])
		n, err := read(b)
		steps = append(steps, lineLimitStep{n: n, data: string(b[:n]), err: err, count: count()})
		if errors.Is(err, io.EOF) {
			break
		}
	}
	return steps
}

// stutterReader returns nothing, and no error, on every other Read, as a
// connection may.
type stutterReader struct {
	r     io.Reader
	calls int
}

func (s *stutterReader) Read(b []byte) (int, error) {
	s.calls++
	if s.calls%2 == 1 {
		return 0, nil
	}
	return s.r.Read(b)
}

func compareLineLimit(t *testing.T, input []byte, limit int, sizes []int) {
	t.Helper()
	compareLineLimitFrom(t, input, limit, sizes, func() io.Reader { return bytes.NewReader(input) })
	compareLineLimitFrom(t, input, limit, sizes, func() io.Reader { return &stutterReader{r: bytes.NewReader(input)} })
}

func compareLineLimitFrom(t *testing.T, input []byte, limit int, sizes []int, src func() io.Reader) {
	t.Helper()
	old := &byteLineLimitReader{R: src(), LineLimit: limit}
	cur := &lineLimitReader{R: src(), LineLimit: limit}
	reads := 2*len(input) + 6
	want := runLineLimit(sizes, reads, old.Read, func() int { return old.curLineLength })
	got := runLineLimit(sizes, reads, cur.Read, func() int { return cur.curLineLength })
	if len(got) != len(want) {
		t.Fatalf("input %q limit %d sizes %v: %d reads, want %d", input, limit, sizes, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("input %q limit %d sizes %v: read %d gave %+v, want %+v", input, limit, sizes, i, got[i], want[i])
		}
	}
}

func TestLineLimitReaderSameAsByteReader(t *testing.T) {
	for _, tt := range []struct {
		input string
		limit int
	}{
		{"", 3},
		{"abc\r\n", 5},
		{"abcd\r\n", 5},
		{"abcde\r\n", 5},
		{"\n\n\n", 1},
		{"a\nb", 1},
		{"ab\n", 1},
		{"abc", 0},
		{"line one\r\nline two is longer\r\n", 12},
	} {
		for _, size := range []int{1, 2, 3, 7, 64} {
			compareLineLimit(t, []byte(tt.input), tt.limit, []int{size})
		}
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		input := make([]byte, rng.Intn(200))
		for k := range input {
			switch rng.Intn(6) {
			case 0:
				input[k] = '\n'
			case 1:
				input[k] = '\r'
			default:
				input[k] = byte('a' + rng.Intn(26))
			}
		}
		sizes := []int{1 + rng.Intn(40), 1 + rng.Intn(40), 1 + rng.Intn(40)}
		compareLineLimit(t, input, rng.Intn(32)-2, sizes)
	}
}

func FuzzLineLimitReader(f *testing.F) {
	f.Add([]byte("abc\r\ndef\r\n"), uint8(4), uint8(3))
	f.Add([]byte("\n\n"), uint8(1), uint8(1))
	f.Fuzz(func(t *testing.T, input []byte, limit, size uint8) {
		compareLineLimit(t, input, int(limit%66)-2, []int{1 + int(size%64), 1 + int(size/4)})
	})
}
