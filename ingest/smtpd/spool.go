package smtpd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// Spooling. A message larger than Options.SpoolAbove is written to a
// private file while it arrives instead of growing in memory: a slow
// transfer of a large message then costs disk, not the memory budget
// that every other connection needs. The whole message is needed in
// memory once, to parse and store it, so it is read back at the end of
// DATA in one allocation of its exact size, charged to the budget; that
// is the only copy after the socket's. (Mapping the file instead would
// save that copy but hand the pipeline memory that must not outlive the
// call, which nothing checks.)
//
// The file is created 0600 (os.CreateTemp) and unlinked at once, so that
// it disappears with the process, even killed, and no other user or later
// run sees it.

// DefaultSpoolAbove is the size past which a message is spooled.
const DefaultSpoolAbove = 1 << 20

// spoolWait bounds the wait for the budget to hold a spooled message read
// back at the end of DATA. The message is already received: waiting a
// little beats making the client send it again after a 452; the client
// waits 10 minutes for this reply (RFC 5321 §4.5.3.2.6).
const spoolWait = time.Minute

// spoolChunk is the write buffer of a spool file.
const spoolChunk = 64 << 10

type spoolFile struct {
	f      *os.File
	w      *bufio.Writer
	size   int64 // bytes written, bare LF normalised
	lastCR bool  // the last byte written was CR
}

// spoolRest moves what the buffer holds to a new spool file and copies the
// rest of r into it.
func (m *messageBuffer) spoolRest(r io.Reader) error {
	f, err := os.CreateTemp(m.spoolDir, "guichet-smtp-*.eml")
	if err != nil {
		return fmt.Errorf("smtpd: spool: %w", err)
	}
	// Unlinked while open: the data lives as long as the descriptor.
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return fmt.Errorf("smtpd: spool: %w", err)
	}
	m.spool = &spoolFile{f: f, w: bufio.NewWriterSize(f, spoolChunk)}
	if err := m.spool.write(m.buf); err != nil {
		return err
	}
	m.budget.give(m.charged)
	m.charged, m.buf = 0, nil
	chunk := make([]byte, spoolChunk)
	for {
		n, rerr := r.Read(chunk)
		if err := m.spool.write(chunk[:n]); err != nil {
			return err
		}
		if rerr == io.EOF {
			return m.spool.flush()
		}
		if rerr != nil {
			return rerr
		}
	}
}

// write appends p, with every LF not preceded by CR made CRLF, as
// normalizeBareLF does for a message in memory.
func (s *spoolFile) write(p []byte) error {
	start := 0
	for i, c := range p {
		if c != '\n' || i > 0 && p[i-1] == '\r' || i == 0 && s.lastCR {
			continue
		}
		if _, err := s.w.Write(p[start:i]); err != nil {
			return fmt.Errorf("smtpd: spool: %w", err)
		}
		if err := s.w.WriteByte('\r'); err != nil {
			return fmt.Errorf("smtpd: spool: %w", err)
		}
		s.size += int64(i-start) + 1
		start = i
	}
	if _, err := s.w.Write(p[start:]); err != nil {
		return fmt.Errorf("smtpd: spool: %w", err)
	}
	s.size += int64(len(p) - start)
	if len(p) > 0 {
		s.lastCR = p[len(p)-1] == '\r'
	}
	return nil
}

func (s *spoolFile) flush() error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("smtpd: spool: %w", err)
	}
	return nil
}

// readBack reads the whole spool into memory charged to m's budget.
func (s *spoolFile) readBack(ctx context.Context, m *messageBuffer) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, spoolWait)
	defer cancel()
	if !m.budget.takeWait(ctx, s.size) {
		return nil, errBusy
	}
	m.charged += s.size
	if m.budget.onIdle != nil {
		// A spooled message is large, and the pipeline holds several times
		// its size: give that back once idle, as after a burst, although
		// the budget alone may never reach its quarter.
		m.budget.high.Store(true)
	}
	raw := make([]byte, s.size)
	if n, err := s.f.ReadAt(raw, 0); n < len(raw) {
		return nil, fmt.Errorf("smtpd: spool: read back %d of %d bytes: %w", n, len(raw), err)
	}
	return raw, nil
}

func (s *spoolFile) close() {
	if s != nil {
		s.f.Close()
	}
}
