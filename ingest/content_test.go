package ingest

import (
	"fmt"
	"testing"

	"guichet/store"
)

func TestStoredContentForgetsOldest(t *testing.T) {
	c := newStoredContent(3)
	att := func(i int) store.Attachment { return store.Attachment{SHA256: fmt.Sprintf("h%d", i)} }
	c.add([]store.Attachment{att(1), att(2), att(2), att(3)})
	if got := c.missing([]store.Attachment{att(1), att(2), att(3), att(4)}); len(got) != 1 || got[0].SHA256 != "h4" {
		t.Fatalf("missing = %v, want h4 only", got)
	}
	c.add([]store.Attachment{att(4)}) // forgets h1, the oldest
	if got := c.missing([]store.Attachment{att(1), att(2), att(4)}); len(got) != 1 || got[0].SHA256 != "h1" {
		t.Fatalf("missing after eviction = %v, want h1 only", got)
	}
	c.add([]store.Attachment{att(5), att(6)}) // forgets h2 and h3
	if got := c.missing([]store.Attachment{att(2), att(3), att(4), att(5), att(6)}); len(got) != 2 {
		t.Fatalf("missing = %v, want h2 and h3", got)
	}
}
