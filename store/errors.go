package store

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrSchemaTooNew: the database was migrated by a newer Guichet; this binary
// refuses to touch it rather than misread it.
var ErrSchemaTooNew = errors.New("store: database schema is newer than this program")

// ErrSchemaTooOld: the database lacks migrations this program needs, and
// the caller asked not to apply them (Options.Existing); guichet migrate
// applies them.
var ErrSchemaTooOld = errors.New("database schema is older than this program")

// ErrNoDatabase: Options.Existing was asked and there is no database.
var ErrNoDatabase = errors.New("no database")

// wrap maps a driver error once: "no rows" becomes ErrNotFound, a passing
// failure wraps ErrUnavailable, anything else is wrapped with op as is.
func wrap(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, pgx.ErrNoRows), errors.Is(err, sql.ErrNoRows):
		return under(op, ErrNotFound)
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrDuplicate),
		errors.Is(err, ErrUnavailable), errors.Is(err, ErrSchemaTooNew), errors.Is(err, ErrSchemaTooOld):
		return under(op, err)
	case temporary(err):
		return under(op, ErrUnavailable, err)
	default:
		return under(op, err)
	}
}

// opError is errs under an operation's name, printed on one line with the
// package's "store: " prefix once: "store: commit: database unavailable:
// …", not "store: commit: store: database unavailable: …". A driver's
// message may span lines (pgx lists each address it tried); they are
// joined with "; ".
type opError struct {
	msg  string
	errs []error
}

func (e *opError) Error() string   { return e.msg }
func (e *opError) Unwrap() []error { return e.errs }

func under(op string, errs ...error) error {
	parts := []string{op}
	for _, err := range errs {
		parts = append(parts, strings.TrimPrefix(err.Error(), "store: "))
	}
	return &opError{msg: oneLine(strings.Join(parts, ": ")), errs: errs}
}

// oneLine joins the lines of a message: after a colon with a space, else
// with "; ".
func oneLine(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if b.Len() > 0 {
			if strings.HasSuffix(b.String(), ":") {
				b.WriteString(" ")
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// temporary reports whether err may pass by itself: the edges then answer
// SMTP 451 / exit 75 (EX_TEMPFAIL) so that the sender retries later.
func temporary(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		code := pgErr.Code
		switch {
		case strings.HasPrefix(code, "08"): // connection exception
			return true
		case strings.HasPrefix(code, "53"): // insufficient resources (disk full, too many connections)
			return true
		case code == "57P01", code == "57P02", code == "57P03": // admin/crash shutdown, cannot connect now
			return true
		case code == "40001", code == "40P01": // serialization failure, deadlock
			return true
		case code == "3D000", strings.HasPrefix(code, "28"):
			// A missing database or refused credentials: the operator's
			// to fix, never the sender's, so the mail waits for the fix
			// instead of bouncing.
			return true
		}
		return false
	}
	var sqlErr *sqlite.Error
	if errors.As(err, &sqlErr) {
		switch sqlErr.Code() & 0xff { // primary result code of an extended one
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return true
		case sqlite3.SQLITE_FULL: // disk full: like PostgreSQL's 53100
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return true
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	return false
}
