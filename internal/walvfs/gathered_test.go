package walvfs

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// file is the model: a file written in place, byte by byte.
type file []byte

func (f *file) write(off int64, p []byte) {
	if end := int(off) + len(p); end > len(*f) {
		*f = append(*f, make([]byte, end-len(*f))...)
	}
	copy((*f)[off:], p)
}

// replay writes ops to one file directly and to another through a run of
// gathered writes, handed over when add refuses one and at the end, and
// reports whether the two files differ. Each op is an offset and a length
// (of a write of its index's bytes).
func replay(t *testing.T, ops [][2]int) {
	t.Helper()
	var direct, through file
	var g gathered
	handOver := func() {
		if len(g.buf) > 0 {
			through.write(g.off, g.buf)
		}
		g.buf = g.buf[:0]
	}
	for i, op := range ops {
		p := bytes.Repeat([]byte{byte(i + 1)}, op[1])
		direct.write(int64(op[0]), p)
		if g.add(int64(op[0]), p) == refused {
			handOver()
			if g.add(int64(op[0]), p) == refused {
				through.write(int64(op[0]), p)
			}
		}
	}
	handOver()
	if !bytes.Equal(direct, through) {
		t.Fatalf("ops %v: the gathered writes left a different file", ops)
	}
}

func TestGatheredKeepsTheFile(t *testing.T) {
	const frame = 24 + 4096
	for _, tc := range []struct {
		name string
		ops  [][2]int
	}{
		{"frames in a row", [][2]int{{32, 24}, {56, 4096}, {32 + frame, 24}, {56 + frame, 4096}}},
		{"header then frames", [][2]int{{0, 32}, {32, 24}, {56, 4096}}},
		{"a frame rewritten while gathered", [][2]int{{32, 24}, {56, 4096}, {32 + frame, 24}, {56 + frame, 4096}, {56, 4096}}},
		{"a header rewritten", [][2]int{{32, 24}, {56, 4096}, {32, 24}}},
		{"back to the start", [][2]int{{5000, 100}, {0, 32}}},
		{"straddling the end", [][2]int{{0, 100}, {50, 100}}},
		{"before the start", [][2]int{{100, 100}, {50, 100}}},
		{"a gap", [][2]int{{0, 100}, {200, 100}}},
		{"more than fits", [][2]int{{0, maxPending - 10}, {maxPending - 10, 20}, {maxPending + 10, 5}}},
		{"one write larger than the buffer", [][2]int{{0, 10}, {10, maxPending + 1}, {5, 3}}},
	} {
		t.Run(tc.name, func(t *testing.T) { replay(t, tc.ops) })
	}
}

func TestGatheredAdds(t *testing.T) {
	var g gathered
	for i, tc := range []struct {
		off  int64
		n    int
		want added
	}{
		{32, 24, appended},
		{56, 4096, appended},
		{56, 4096, rewrote},
		{40, 8, rewrote},
		{4152, 24, appended},
		{4000, 200, refused}, // runs past the end
		{10, 5, refused},     // before the start
		{5000, 5, refused},   // a gap
	} {
		if got := g.add(tc.off, make([]byte, tc.n)); got != tc.want {
			t.Fatalf("write %d (%d bytes at %d): %d, want %d", i, tc.n, tc.off, got, tc.want)
		}
	}
}

// FuzzGathered replays random writes: each 4 bytes of the input are an
// offset (in 16-byte steps, so that writes meet and overlap) and a length.
func FuzzGathered(f *testing.F) {
	f.Add([]byte{0, 2, 0, 24, 0, 3, 1, 0, 0, 2, 0, 24})
	f.Fuzz(func(t *testing.T, in []byte) {
		var ops [][2]int
		for len(in) >= 4 && len(ops) < 64 {
			off := int(binary.BigEndian.Uint16(in)) * 16
			n := int(binary.BigEndian.Uint16(in[2:]))%5000 + 1
			ops = append(ops, [2]int{off, n})
			in = in[4:]
		}
		replay(t, ops)
	})
}
