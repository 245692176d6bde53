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
		t.Errorf("a %d-byte buffer kept after a batch past the limit, want at most %d", c, retainedWriteMax)
	}
	// Past the limit by the room append left beyond the messages alone.
	f.wbuf = make([]byte, 0, retainedWriteMax+4096)
	send(bind)
	if c := cap(f.wbuf); c > retainedWriteMax {
		t.Errorf("a %d-byte buffer kept after a batch of %d bytes, want at most %d", c, 64<<10, retainedWriteMax)
	}

	// A batch that fails to encode is dropped, and so is a large buffer.
	f.SendBind(&Bind{PreparedStatement: "s", ParameterFormatCodes: []int16{1}, Parameters: [][]byte{make([]byte, 2*retainedWriteMax)}})
	f.SendBind(&Bind{PreparedStatement: "s", Parameters: make([][]byte, 70000)})
	if err := f.Flush(); err == nil {
		t.Fatal("a Bind of 70,000 parameters was flushed, want an encoding error")
	}
	if c := cap(f.wbuf); c > retainedWriteMax {
		t.Errorf("a %d-byte buffer kept after a batch that failed to encode, want at most %d", c, retainedWriteMax)
	}
}
