package ingest

import (
	"context"
	"sync"

	"guichet/store"
)

// sharedContentMax bounds the attachments stored ahead of their message:
// the content is sent to the store twice (its message's insert stores
// what is missing), which is worth it for the small files that many
// messages share (signature logos), not for large ones.
const sharedContentMax = 1 << 20

// putContent stores the attachments' content before the message enters
// the committer's shared transaction, so that the transaction never waits
// for another process inserting the same content (store.PutContent).
// Content this process stored a moment ago is committed already and is
// not sent again: the logo of a signature costs one statement, not one per
// message. A failure only loses that: the message's own insert stores the
// content.
func (p *Pipeline) putContent(ctx context.Context, as []store.Attachment) {
	var size int64
	for _, a := range as {
		size += a.Size
	}
	if len(as) == 0 || size > sharedContentMax {
		return
	}
	todo := p.content.missing(as)
	if len(todo) == 0 {
		return
	}
	if err := p.st.PutContent(ctx, todo); err != nil {
		p.log.Debug("attachments not stored ahead of their message", "err", err)
		return
	}
	p.content.add(todo)
}

// storedContent remembers the hashes of the last max contents this
// process stored. A content erased since (a person's data forgotten) is
// stored again by its message's own insert.
type storedContent struct {
	mu   sync.Mutex
	max  int
	seen map[string]bool
	ring []string // in the order they were added; the oldest is forgotten first
	next int
}

func newStoredContent(max int) *storedContent {
	return &storedContent{max: max, seen: make(map[string]bool, max)}
}

// missing returns the attachments of as whose content is not known stored.
func (c *storedContent) missing(as []store.Attachment) []store.Attachment {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []store.Attachment
	for _, a := range as {
		if !c.seen[a.SHA256] {
			out = append(out, a)
		}
	}
	return out
}

// add records the contents of as as stored.
func (c *storedContent) add(as []store.Attachment) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, a := range as {
		if c.seen[a.SHA256] {
			continue
		}
		if len(c.ring) < c.max {
			c.ring = append(c.ring, a.SHA256)
		} else {
			delete(c.seen, c.ring[c.next])
			c.ring[c.next] = a.SHA256
			c.next = (c.next + 1) % c.max
		}
		c.seen[a.SHA256] = true
	}
}
