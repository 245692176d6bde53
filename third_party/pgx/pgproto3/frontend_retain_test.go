package pgproto3

import (
	"bytes"
	"io"
	"testing"
)

// TestFrontendRetainsWriteBuffer: a flushed batch with large messages
// leaves its buffer for the next one, which then encodes without growing
// it again; a buffer past retainedWriteMax is given back.
func TestFrontendRetainsWriteBuffer(t *testing.T) {
	f := NewFrontend(bytes.NewReader(nil), io.Discard)
	bind := &Bind{PreparedStatement: "s", ParameterFormatCodes: []int16{1}, Parameters: [][]byte{make([]byte, 64<<10)}}
	send := func(b *Bind) {
		f.SendBind(b)
		f.SendExecute(&Execute{})
		f.SendSync(&Sync{})
		if err := f.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	send(bind)
	if allocs := testing.AllocsPerRun(20, func() { send(bind) }); allocs != 0 {
		t.Errorf("%.0f allocations per batch of the same size, want the buffer reused", allocs)
	}

	send(&Bind{PreparedStatement: "s", ParameterFormatCodes: []int16{1}, Parameters: [][]byte{make([]byte, retainedWriteMax+1)}})
	if c := cap(f.wbuf); c > retainedWriteMax {
		t.Errorf("a %d-byte buffer kept after a batch past the limit, want it given back", c)
	}
}
