package pgx

import (
	"runtime"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// TestExtendedQueryBuilderRetainsBuffer: a query with large parameters
// leaves its buffer for the next one, which then encodes without growing
// it again; a buffer past retainedBufferMax is given back.
func TestExtendedQueryBuilderRetainsBuffer(t *testing.T) {
	m := pgtype.NewMap()
	sd := &pgconn.StatementDescription{ParamOIDs: []uint32{pgtype.ByteaArrayOID, pgtype.TextOID}}
	rows := make([][]byte, 8)
	for i := range rows {
		rows[i] = make([]byte, 6000)
	}
	args := []any{rows, "texte"}

	var eqb ExtendedQueryBuilder
	if err := eqb.Build(m, sd, args); err != nil {
		t.Fatal(err)
	}
	if got := eqb.ParamValues[0]; len(got) < 8*6000 {
		t.Fatalf("encoded %d bytes, want the array of %d", len(got), 8*6000)
	}
	// Bytes, not allocations: the encoding plans' own few small
	// allocations remain. Without the retained buffer, growing it to 48 KB
	// by doubling allocated about twice that per Build.
	if b := bytesPerRun(20, func() {
		if err := eqb.Build(m, sd, args); err != nil {
			t.Fatal(err)
		}
	}); b > 4096 {
		t.Errorf("%d bytes allocated per Build of the same large query, want the buffer reused", b)
	}

	big := []any{[][]byte{make([]byte, retainedBufferMax+1)}, "texte"}
	if err := eqb.Build(m, sd, big); err != nil {
		t.Fatal(err)
	}
	eqb.reset()
	if c := cap(eqb.paramValueBytes); c > retainedBufferMax {
		t.Errorf("a %d-byte buffer kept after a query past the limit, want it given back", c)
	}
}

// bytesPerRun is the heap bytes f allocates per call, on average over n.
func bytesPerRun(n int, f func()) uint64 {
	f()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range n {
		f()
	}
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) / uint64(n)
}
