package smtpd

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
)

// memoryBudget bounds the message bytes this package holds in memory
// across all connections. Without it, MaxConns clients each sending
// MaxBytes would need MaxConns×MaxBytes (200×25 MiB) at once; with it, a
// message that does not fit gets a temporary 452 4.3.1 (RFC 3463
// "mail system full") and is sent again later, and the process never
// runs out of memory.
type memoryBudget struct {
	limit int64
	used  atomic.Int64

	// onIdle, when set, runs once nothing is in flight after more than a
	// quarter of the budget was in use: the runtime otherwise keeps the
	// freed buffers of a burst of large messages for a long while.
	onIdle  func()
	high    atomic.Bool // a quarter of the budget was in use since onIdle last ran
	running atomic.Bool // onIdle is running

	mu    sync.Mutex
	freed chan struct{} // closed at the next give, for takeWait
}

// take charges n bytes, reporting false (and charging nothing) when they
// do not fit. Two takes racing near the limit may both fail: the budget
// errs on the side of memory.
func (b *memoryBudget) take(n int64) bool {
	used := b.used.Add(n)
	if used > b.limit {
		b.used.Add(-n)
		return false
	}
	if used > b.limit/4 && b.onIdle != nil {
		b.high.Store(true)
	}
	return true
}

func (b *memoryBudget) give(n int64) {
	if n == 0 {
		return
	}
	// The bytes come back before the waiters wake: a waiter woken first
	// could find them still counted, wait again on a new channel, and miss
	// this give.
	left := b.used.Add(-n)
	b.mu.Lock()
	if b.freed != nil {
		close(b.freed)
		b.freed = nil
	}
	b.mu.Unlock()
	if left == 0 && b.high.Load() && b.running.CompareAndSwap(false, true) {
		b.high.Store(false)
		go func() {
			defer b.running.Store(false)
			b.onIdle()
		}()
	}
}

// takeWait charges n bytes once they fit, waiting for others to give
// theirs back; false when ctx ends first.
func (b *memoryBudget) takeWait(ctx context.Context, n int64) bool {
	for {
		b.mu.Lock()
		if b.freed == nil {
			b.freed = make(chan struct{})
		}
		freed := b.freed
		b.mu.Unlock()
		if b.take(n) {
			return true
		}
		select {
		case <-freed:
		case <-ctx.Done():
			return false
		}
	}
}

const (
	// firstChunk is the buffer a message starts with, as large as most
	// mail without a declared SIZE.
	firstChunk = 8 << 10
	// sizeSlack is added to a declared SIZE: the reader needs room to see
	// the end of the data without growing the buffer again.
	sizeSlack = 4 << 10
)

// messageBuffer reads one message into memory and charges the budget for
// each buffer before allocating it, so that the budget is counted while
// bytes arrive, not once the message is whole. Only bytes that arrived
// make it grow: a client cannot reserve memory it does not send. A
// message larger than spoolAbove goes to a spool file instead (spool.go).
type messageBuffer struct {
	budget  *memoryBudget
	max     int64 // the largest message: the buffer never needs more
	hint    int64 // the SIZE the client declared (RFC 1870), 0 if none
	buf     []byte
	charged int64

	spoolDir   string // where spool files go; "" is os.TempDir
	spoolAbove int64  // messages larger than this are spooled; <= 0 never
	spool      *spoolFile
}

// readFrom reads r to its end. It stops with errBusy when the next buffer
// would exceed the budget; the bytes read so far are returned either way,
// none once the message went to the spool.
func (m *messageBuffer) readFrom(r io.Reader) ([]byte, error) {
	if m.spoolAbove > 0 && m.hint > m.spoolAbove {
		// Announced as large: to the spool from the first byte.
		return nil, m.spoolRest(r)
	}
	for {
		if len(m.buf) == cap(m.buf) {
			if m.spoolAbove > 0 && int64(len(m.buf)) >= m.spoolAbove {
				return nil, m.spoolRest(r)
			}
			if !m.grow() {
				return m.buf, errBusy
			}
		}
		n, err := r.Read(m.buf[len(m.buf):cap(m.buf)])
		m.buf = m.buf[:len(m.buf)+n]
		if err == io.EOF {
			return m.buf, nil
		}
		if err != nil {
			return m.buf, err
		}
	}
}

// grow doubles the buffer, or makes it just large enough for the declared
// SIZE when that is smaller than doubling, so an honest client's message
// is held once at its own size rather than in a buffer up to twice as
// large. Old and new buffers are both charged while the bytes are copied.
// With a spool, the buffer stops at spoolAbove, where the spool takes over.
func (m *messageBuffer) grow() bool {
	newCap := max(2*int64(cap(m.buf)), firstChunk)
	if h := m.hint + sizeSlack; m.hint > 0 && h > int64(cap(m.buf)) && h < newCap {
		newCap = h
	}
	if lim := m.max + sizeSlack; newCap > lim && lim > int64(cap(m.buf)) {
		newCap = lim
	}
	if m.spoolAbove > 0 {
		newCap = min(newCap, m.spoolAbove)
	}
	if !m.budget.take(newCap) {
		return false
	}
	old := int64(cap(m.buf))
	nb := make([]byte, len(m.buf), newCap)
	copy(nb, m.buf)
	m.buf = nb
	m.charged += newCap - old
	m.budget.give(old)
	return true
}

// charge accounts for a copy made outside the buffer (bare LF normalised).
func (m *messageBuffer) charge(n int64) bool {
	if !m.budget.take(n) {
		return false
	}
	m.charged += n
	return true
}

// read is the number of bytes received so far, for logs.
func (m *messageBuffer) read() int64 {
	if m.spool != nil {
		return m.spool.size
	}
	return int64(len(m.buf))
}

// message returns the whole message, bare LF normalised, once readFrom
// succeeded: the buffer itself, or the spool read back into memory in one
// allocation of its exact size, after waiting (until ctx ends or
// spoolWait passes) for the budget to hold it.
func (m *messageBuffer) message(ctx context.Context) ([]byte, error) {
	if m.spool != nil {
		return m.spool.readBack(ctx, m)
	}
	raw := m.buf
	if norm := normalizeBareLF(raw); len(norm) != len(raw) {
		if !m.charge(int64(cap(norm))) {
			return nil, errBusy
		}
		raw = norm
	}
	return raw, nil
}

// free returns everything this message charged and removes its spool;
// its bytes must no longer be used.
func (m *messageBuffer) free() {
	m.budget.give(m.charged)
	m.charged = 0
	m.buf = nil
	m.spool.close()
	m.spool = nil
}
