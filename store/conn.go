package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// stmt is one statement in both dialects, side by side: the SQL differs
// (placeholders, arrays against JSON, RETURNING, upserts), the Go around it
// is written once and runs it through a conn.
type stmt struct {
	// pg and sqlite are the statement's text in each dialect; an empty
	// text to exec means that dialect has nothing to do.
	pg, sqlite string
	// replan has PostgreSQL plan this statement for each call's arguments
	// (see replan); SQLite has no cached generic plans and ignores it.
	replan bool
}

// portable is a statement both dialects run as written but for the
// placeholders: PostgreSQL's $N is SQLite's ?N. Statements whose text
// differs otherwise spell out both.
func portable(pg string) stmt {
	b := []byte(pg)
	for i := 0; i+1 < len(b); i++ {
		if b[i] == '$' && '0' <= b[i+1] && b[i+1] <= '9' {
			b[i] = '?'
		}
	}
	return stmt{pg: pg, sqlite: string(b)}
}

// conn is what the shared code runs statements on: a PostgreSQL pool or
// transaction, or the SQLite writer, reader or transaction, each through
// its adapter. The adapters convert what the two drivers store
// differently, so that arguments and scan destinations are the same Go
// values on both: a time is a time.Time (SQLite: unix microseconds), a
// nullable time a *time.Time, a list a []string (SQLite: JSON text), ids a
// []int64 (SQLite: JSON text, read with json_each).
type conn interface {
	// exec runs s and returns the number of rows it changed.
	exec(ctx context.Context, s stmt, args ...any) (int64, error)
	query(ctx context.Context, s stmt, args ...any) (rows, error)
	queryRow(ctx context.Context, s stmt, args ...any) scanner
}

type scanner interface{ Scan(dest ...any) error }

// rows is a result set of either driver.
type rows interface {
	scanner
	Next() bool
	Err() error
	Close()
}

// collect scans every row with scan; never nil, so that an empty result
// is an empty list.
func collect[T any](rs rows, scan func(scanner) (T, error)) ([]T, error) {
	defer rs.Close()
	out := []T{}
	for rs.Next() {
		v, err := scan(rs)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rs.Err()
}

// exec1 runs s and reports ErrNotFound when it changed no row.
func exec1(ctx context.Context, c conn, op string, s stmt, args ...any) error {
	n, err := c.exec(ctx, s, args...)
	if err != nil {
		return wrap(op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, ErrNotFound)
	}
	return nil
}

// noRow reports whether err says a statement returned no row, which an
// upsert guarded by a WHERE uses to say "not taken".
func noRow(err error) bool { return errors.Is(err, pgx.ErrNoRows) || errors.Is(err, sql.ErrNoRows) }

// --- PostgreSQL ---

// pgQuerier is what both the pool and a transaction offer.
type pgQuerier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// pgConn runs statements through pgx, which encodes times, lists and id
// arrays natively.
type pgConn struct{ q pgQuerier }

func (c pgConn) args(s stmt, args []any) []any {
	if s.replan {
		return append([]any{replan}, args...)
	}
	return args
}

func (c pgConn) exec(ctx context.Context, s stmt, args ...any) (int64, error) {
	if s.pg == "" {
		return 0, nil
	}
	tag, err := c.q.Exec(ctx, s.pg, c.args(s, args)...)
	return tag.RowsAffected(), err
}

func (c pgConn) query(ctx context.Context, s stmt, args ...any) (rows, error) {
	return c.q.Query(ctx, s.pg, c.args(s, args)...)
}

func (c pgConn) queryRow(ctx context.Context, s stmt, args ...any) scanner {
	return c.q.QueryRow(ctx, s.pg, c.args(s, args)...)
}

// --- SQLite ---

type sqlQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// sqliteConn runs statements through database/sql, converting arguments
// and scan destinations to the stored forms (see conn).
type sqliteConn struct{ q sqlQuerier }

func (c sqliteConn) exec(ctx context.Context, s stmt, args ...any) (int64, error) {
	if s.sqlite == "" {
		return 0, nil
	}
	res, err := c.q.ExecContext(ctx, s.sqlite, sqliteArgs(args)...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (c sqliteConn) query(ctx context.Context, s stmt, args ...any) (rows, error) {
	rs, err := c.q.QueryContext(ctx, s.sqlite, sqliteArgs(args)...)
	if err != nil {
		return nil, err
	}
	return sqliteRows{rs}, nil
}

func (c sqliteConn) queryRow(ctx context.Context, s stmt, args ...any) scanner {
	return sqliteRow{c.q.QueryRowContext(ctx, s.sqlite, sqliteArgs(args)...)}
}

type sqliteRow struct{ r *sql.Row }

func (r sqliteRow) Scan(dest ...any) error { return sqliteScan(r.r, dest) }

type sqliteRows struct{ *sql.Rows }

func (r sqliteRows) Scan(dest ...any) error { return sqliteScan(r.Rows, dest) }
func (r sqliteRows) Close()                 { r.Rows.Close() } //nolint:errcheck // Err reports what went wrong

// us is the stored form of a time on SQLite: unix microseconds UTC.
func us(t time.Time) int64 { return ts(t).UnixMicro() }

func fromUS(n int64) time.Time { return time.UnixMicro(n).UTC() }

// sqliteArgs converts, in place, the arguments SQLite stores in another
// form: times, lists, id lists and booleans. Lists are cleaned by their
// callers, as PostgreSQL needs them to be.
func sqliteArgs(args []any) []any {
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = us(v)
		case []string:
			args[i] = jsonText(v)
		case []int64:
			args[i] = jsonText(v)
		case bool:
			if v {
				args[i] = 1
			} else {
				args[i] = 0
			}
		}
	}
	return args
}

func jsonText[T any](v []T) string {
	b, _ := json.Marshal(v) // lists of strings and integers always marshal
	return string(b)
}

// sqliteScan scans into dest, reading times and lists from their stored
// forms.
func sqliteScan(sc scanner, dest []any) error {
	tmp, converted := dest, false
	for i, d := range dest {
		var stored any
		switch d.(type) {
		case *time.Time, **time.Time:
			stored = new(sql.NullInt64)
		case *[]string:
			stored = new(string)
		default:
			continue
		}
		if !converted {
			tmp, converted = slices.Clone(dest), true
		}
		tmp[i] = stored
	}
	if err := sc.Scan(tmp...); err != nil || !converted {
		return err
	}
	for i, d := range dest {
		switch d := d.(type) {
		case *time.Time:
			if n := tmp[i].(*sql.NullInt64); n.Valid {
				*d = fromUS(n.Int64)
			} else {
				*d = time.Time{}
			}
		case **time.Time:
			*d = nil
			if n := tmp[i].(*sql.NullInt64); n.Valid {
				t := fromUS(n.Int64)
				*d = &t
			}
		case *[]string:
			s := *tmp[i].(*string)
			*d = []string{}
			if err := json.Unmarshal([]byte(s), d); err != nil {
				return fmt.Errorf("list %q: %w", s, err)
			}
		}
	}
	return nil
}
