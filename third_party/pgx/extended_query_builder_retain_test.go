package pgx

import (
	"testing"
	"unsafe"

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
	// The second Build writes into the buffer the first one left, whatever
	// else the process allocates meanwhile.
	kept := unsafe.SliceData(eqb.paramValueBytes)
	if err := eqb.Build(m, sd, args); err != nil {
		t.Fatal(err)
	}
	if unsafe.SliceData(eqb.paramValueBytes) != kept {
		t.Error("the second Build of the same large query grew a new buffer, want the first one reused")
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
