package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"guichet/ingest"
	"guichet/store"
)

// TestRealCorpus runs every message of ../shared/corpus/real (mail written
// by others) through the pipeline on both backends: nothing crashes, every
// message is stored, and every stored text is valid UTF-8 (PostgreSQL
// refuses anything else).
func TestRealCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "real", "*.eml"))
	if len(files) == 0 {
		t.Skip("../shared/corpus/real is absent")
	}
	for _, be := range backends() {
		t.Run(be.Name, func(t *testing.T) {
			st := be.Open(t)
			p, _ := newPipeline(t, st, ingest.Options{})
			ctx := context.Background()
			stored := 0
			for _, f := range files {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				res, err := p.Deliver(ctx, raw, store.Envelope{Transport: "pipe"})
				if err != nil {
					t.Errorf("%s: Deliver: %v", filepath.Base(f), err)
					continue
				}
				stored++
				if res.Ticket == "" {
					continue
				}
				d, err := st.Ticket(ctx, res.Ticket)
				if err != nil {
					t.Fatalf("%s: Ticket: %v", filepath.Base(f), err)
				}
				for _, m := range d.Messages {
					for _, s := range append([]string{m.Text, m.Subject, m.FromName, d.Subject}, m.To...) {
						if !utf8.ValidString(s) {
							t.Errorf("%s: invalid UTF-8 %q", filepath.Base(f), s)
						}
					}
				}
			}
			if stored != len(files) {
				t.Errorf("stored %d of %d messages", stored, len(files))
			}
		})
	}
}
