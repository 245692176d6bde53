package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"guichet/internal/pgtest"
	"guichet/store"
)

// TestRealCorpusRawRoundTrip stores every real-world message of the shared
// corpus raw, with its headers' bytes as (possibly invalid) text fields, and
// reads the raw bytes back byte-identical, on both backends.
func TestRealCorpusRawRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "corpus", "real", "*.eml"))
	if len(files) == 0 {
		t.Skip("no real corpus at ../shared/corpus/real")
	}
	cases := []struct {
		name string
		opts func(t *testing.T) store.Options
	}{
		{"sqlite", func(t *testing.T) store.Options { return store.Options{DataDir: t.TempDir()} }},
		{"postgres", func(t *testing.T) store.Options { return store.Options{DatabaseURL: pgtest.URL(t)} }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			s, err := store.Open(ctx, c.opts(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(s.Close)
			ids := map[string]int64{}
			err = s.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
				for _, f := range files {
					raw, err := os.ReadFile(f)
					if err != nil {
						return err
					}
					head, _, _ := bytes.Cut(raw, []byte("\n\n"))
					m := store.Message{
						Direction: store.DirIn, Kind: store.KindRequest, Raw: raw,
						Subject: string(head), Text: string(raw), DedupeKey: "file:" + filepath.Base(f),
						Attachments: []store.Attachment{{Filename: filepath.Base(f), Data: raw}},
					}
					if ids[f], err = tx.InsertMessage(ctx, &m); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatalf("storing the corpus: %v", err)
			}
			for _, f := range files {
				want, _ := os.ReadFile(f)
				got, err := s.RawMessage(ctx, ids[f])
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s: raw not byte-identical (%d bytes back, %v)", filepath.Base(f), len(got), err)
				}
			}
			msgs, err := s.Unticketed(ctx)
			if err != nil || len(msgs) != len(files) {
				t.Fatalf("Unticketed = %d, %v; want %d", len(msgs), err, len(files))
			}
			for _, m := range msgs {
				if strings.ContainsRune(m.Text, 0) {
					t.Errorf("%s: text holds NUL", m.DedupeKey)
				}
			}
		})
	}
}
