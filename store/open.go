package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // registers the "sqlite" driver (pure Go)

	"guichet/internal/walvfs"
)

// DefaultDataDir is the documented default of GUICHET_DATA_DIR.
const DefaultDataDir = "./guichet-data"

// Options selects and configures a backend.
type Options struct {
	// DatabaseURL selects PostgreSQL when it starts with postgres:// or
	// postgresql://; empty selects embedded SQLite in DataDir.
	DatabaseURL string
	// DataDir holds guichet.db for the embedded backend; created 0700.
	DataDir string
	// Logger receives migration and backend notices; nil discards them.
	Logger *slog.Logger
	// MaxConns bounds the PostgreSQL pool (0: pgx's default, at least 4).
	MaxConns int32
	// Now is the clock for times the caller does not pass (created_at of
	// participants, default message times); nil is time.Now.
	Now func() time.Time
	// Existing opens a database that must exist already with the schema
	// this program expects: nothing is created (no data directory, no
	// file) and no migration is applied. A missing database gives an error
	// wrapping ErrNoDatabase, an older schema ErrSchemaTooOld. For the
	// commands that only look, or change one row, and must not leave an
	// empty database behind where an operator mistyped a setting.
	Existing bool
	// ReadOnly (which implies Existing) also opens the database read-only
	// where the driver allows it: SQLite's mode=ro, PostgreSQL's
	// default_transaction_read_only.
	ReadOnly bool
}

// existing reports whether the database must be there already.
func (o Options) existing() bool { return o.Existing || o.ReadOnly }

// connectTimeout bounds the first connection when ctx has no deadline, so
// that an unreachable database turns into ErrUnavailable (exit 75) instead
// of a hang.
const connectTimeout = 15 * time.Second

func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func (o Options) clock() func() time.Time {
	if o.Now != nil {
		return o.Now
	}
	return time.Now
}

func (o Options) postgres() (bool, error) {
	u := o.DatabaseURL
	switch {
	case u == "":
		return false, nil
	case strings.HasPrefix(u, "postgres://"), strings.HasPrefix(u, "postgresql://"):
		return true, nil
	default:
		return false, fmt.Errorf("store: database URL must start with postgres:// or postgresql://")
	}
}

// Open connects to the selected backend and applies pending migrations.
// An unreachable database gives an error wrapping ErrUnavailable.
func Open(ctx context.Context, o Options) (Store, error) {
	s, _, err := open(ctx, o)
	return s, err
}

// Migrate applies pending migrations and returns the names of those it
// applied (empty when the schema was current), for `guichet migrate`.
func Migrate(ctx context.Context, o Options) (applied []string, err error) {
	s, applied, err := open(ctx, o)
	if err != nil {
		return nil, err
	}
	s.Close()
	return applied, nil
}

func open(ctx context.Context, o Options) (Store, []string, error) {
	pg, err := o.postgres()
	if err != nil {
		return nil, nil, err
	}
	// Return a nil interface on error, never a typed nil pointer.
	if pg {
		s, applied, err := openPostgres(ctx, o)
		if err != nil {
			return nil, nil, err
		}
		return s, applied, nil
	}
	s, applied, err := openSQLite(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	return s, applied, nil
}

// SQLitePath is where the embedded database of data directory dir lives,
// written as the operator wrote dir ("./guichet-data/guichet.db") so that
// a message naming it reads like their setting.
func SQLitePath(dir string) string {
	if dir == "" {
		dir = DefaultDataDir
	}
	return strings.TrimSuffix(dir, string(filepath.Separator)) + string(filepath.Separator) + "guichet.db"
}

// prepareSchema applies pending migrations, or, for Options.Existing,
// only checks that there are none.
func prepareSchema(ctx context.Context, o Options, backend string, s *core, begin func(context.Context) (txn, error)) ([]string, error) {
	if o.existing() {
		return nil, checkSchema(ctx, backend, s.read)
	}
	return migrate(ctx, backend, s, begin)
}

// pgStore is the PostgreSQL backend.
type pgStore struct {
	core
	pool *pgxpool.Pool
}

// pgTx implements Tx on a pgx transaction.
type pgTx struct {
	txCore
	tx *lazyTx
}

var (
	_ Store = (*pgStore)(nil)
	_ Tx    = (*pgTx)(nil)
)

// replan, passed first to a query, has PostgreSQL plan the statement for
// each call's own arguments instead of reusing a generic plan (pgx still
// caches its description, so it costs no extra round trip). pgx prepares
// every statement, and after five calls PostgreSQL may keep a generic
// plan, costed against the table sizes of that moment, until the next
// ANALYZE: on a young database that plan is a sequential scan, whose cost
// then grows with every message until autovacuum catches up. The rule:
// statements that take arrays of ids or search a growing table (the
// outbox claim, attaching a batch's messages to their tickets, the
// acknowledgment sources, the References look-up, recording a group's
// deliveries, storing composed acknowledgments) set stmt.replan; look-ups
// by one key keep their cached plans, which stay right as tables grow.
const replan = pgx.QueryExecModeCacheDescribe

func openPostgres(ctx context.Context, o Options) (*pgStore, []string, error) {
	cfg, err := pgxpool.ParseConfig(o.DatabaseURL)
	if err != nil {
		// The message of a parse error may quote the password; do not wrap it.
		return nil, nil, errors.New("store: invalid PostgreSQL URL")
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	// The statements planned per call (replan) need pgx's description
	// cache: without it (description_cache_capacity=0 in the URL) each of
	// them would fail. It holds descriptions only, and serves no other mode.
	if cfg.ConnConfig.DescriptionCacheCapacity <= 0 {
		cfg.ConnConfig.DescriptionCacheCapacity = 512
	}
	if o.ReadOnly {
		cfg.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	}
	if _, ok := ctx.Deadline(); !ok && cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, nil, wrap("store: connect to PostgreSQL", err)
	}
	s := &pgStore{pool: pool}
	s.core = core{write: pgConn{pool}, read: pgConn{pool}, begin: s.beginTx, snapshot: s.snapshotTx,
		log: o.logger(), now: o.clock()}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, nil, wrap("store: connect to PostgreSQL", err)
	}
	applied, err := prepareSchema(ctx, o, "postgres", &s.core, s.beginTx)
	if err != nil {
		pool.Close()
		return nil, nil, err
	}
	return s, applied, nil
}

// beginTx begins a transaction with its first statement (lazyTx): it
// cannot fail by itself.
func (s *pgStore) beginTx(ctx context.Context) (txn, error) {
	tx := &lazyTx{pool: s.pool}
	c := pgConn{tx}
	return txn{
		tx:       &pgTx{txCore: txCore{c: c, now: s.now}, tx: tx},
		c:        c,
		commit:   func() error { return wrap("store: commit", tx.Commit(ctx)) },
		rollback: func() { tx.Rollback(context.WithoutCancel(ctx)) }, //nolint:errcheck // the connection is reset on failure
	}, nil
}

func (s *pgStore) snapshotTx(ctx context.Context, fn func(conn) error) error {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return wrap("store: begin read", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx)) //nolint:errcheck // read-only
	return fn(pgConn{tx})
}

func (s *pgStore) Close() { s.pool.Close() }

func (s *pgStore) Ping(ctx context.Context) error {
	return wrap("store: ping", s.pool.Ping(ctx))
}

// sqliteStore is the embedded backend. One writer connection, opened with
// _txlock=immediate so that every write transaction takes the write lock at
// BEGIN (no deadlock-prone lock upgrade), and a small pool of readers that
// WAL lets run beside the writer.
type sqliteStore struct {
	core
	w, r  *sql.DB
	stmts *stmtCache
	// ckpt checkpoints the WAL beside the writer; nil when read-only.
	ckpt *checkpointer
	// ws makes the writer's commits durable (walsync.go); nil when
	// read-only.
	ws *walSync
	// lazyWrite is the writer outside a transaction for writes that only
	// the outbox sender waits for (MarkSent): durable lazily
	// (walSync.waitLazily).
	lazyWrite conn
}

// sqliteTx implements Tx on the writer's transaction.
type sqliteTx struct{ txCore }

var (
	_ Store = (*sqliteStore)(nil)
	_ Tx    = (*sqliteTx)(nil)
)

// sqliteRole is what a connection of the embedded backend is for.
type sqliteRole int

const (
	roleWriter       sqliteRole = iota // the one connection that writes
	roleReader                         // the readers' pool
	roleReadOnly                       // any connection of a ReadOnly store, and Backup's
	roleCheckpointer                   // the checkpointer's (checkpoint.go)
)

// sqliteDSN: WAL so readers never block the writer; the writer at
// synchronous=NORMAL, its commits synced once its connection is free and
// before their callers return (walsync.go), so that a commit is on disk
// before the caller acknowledges (SMTP 250 after commit); busy_timeout so
// that other processes' writes are waited for, not failed.
// The writer leaves checkpoints to the checkpointer (wal_autocheckpoint=0,
// checkpoint.go). A read-only connection (mode=ro) leaves the journal mode
// alone: setting it is a write.
//
// The page size stays SQLite's 4 KB. Measured with the committer's batches
// (BenchmarkCommitSQLite), 8 and 16 KB pages halve the WAL's writes but
// double or triple the bytes a commit writes and checksums (the random-key
// indexes change a different leaf for each message), and cost the
// committer as much CPU per message or more: 16 KB, +7 % committer CPU,
// +14 % for the process, with temp_store=MEMORY to keep the savepoints'
// journals, which pass their 64 KB spill with 16 KB pages, off the disk.
func sqliteDSN(path string, role sqliteRole) string {
	q := url.Values{}
	switch role {
	case roleCheckpointer:
		q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", idleBusyTimeout.Milliseconds()))
	default:
		q.Add("_pragma", "busy_timeout(10000)")
	}
	if role == roleReadOnly {
		q.Set("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		if role == roleWriter {
			// The writer's commits are synced after its connection is
			// free (walsync.go); callers still return after the sync.
			q.Add("_pragma", "synchronous(NORMAL)")
		} else {
			q.Add("_pragma", "synchronous(FULL)")
		}
	}
	q.Add("_pragma", "foreign_keys(1)")
	if role == roleWriter {
		q.Set("_txlock", "immediate")
		q.Add("_pragma", "wal_autocheckpoint(0)")
		// The writer's log writes are gathered into one write per commit
		// (internal/walvfs).
		q.Set("vfs", walvfs.Name)
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

func openSQLite(ctx context.Context, o Options) (*sqliteStore, []string, error) {
	path := SQLitePath(o.DataDir)
	if o.existing() {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, nil, fmt.Errorf("%w at %s", ErrNoDatabase, path)
		}
	} else {
		if err := privateDir(filepath.Dir(path), o.logger()); err != nil {
			return nil, nil, err
		}
		if err := privateFile(path); err != nil {
			return nil, nil, err
		}
	}
	if err := walvfs.Register(); err != nil {
		return nil, nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	wRole, rRole := roleWriter, roleReader
	if o.ReadOnly {
		wRole, rRole = roleReadOnly, roleReadOnly
	}
	w, err := sql.Open("sqlite", sqliteDSN(path, wRole))
	if err != nil {
		return nil, nil, wrap("store: open "+path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err := sql.Open("sqlite", sqliteDSN(path, rRole))
	if err != nil {
		w.Close()
		return nil, nil, wrap("store: open "+path, err)
	}
	r.SetMaxOpenConns(4)
	s := &sqliteStore{w: w, r: r, stmts: newStmtCache()}
	if err := w.PingContext(ctx); err != nil {
		s.Close()
		return nil, nil, wrap("store: open "+path, err)
	}
	main := path
	var write conn = sqliteConn{w}
	s.lazyWrite = write
	if !o.ReadOnly {
		// The log is named after the database file SQLite opened, which
		// is not path when path is a symbolic link: SQLite follows it.
		if main, err = mainFile(ctx, w); err != nil {
			s.Close()
			return nil, nil, wrap("store: open "+path, err)
		}
		s.ws = newWALSync(main)
		write = syncedConn{sqliteConn{w}, s.ws, false}
		s.lazyWrite = syncedConn{sqliteConn{w}, s.ws, true}
	}
	s.core = core{write: write, read: sqliteConn{r}, begin: s.beginTx, snapshot: s.snapshotTx,
		log: o.logger(), now: o.clock()}
	// The WAL and its index exist once a connection opened the database;
	// SQLite gives them the database file's mode, but those left by an
	// older version may be wider.
	for _, side := range []string{main + "-wal", main + "-shm"} {
		if o.ReadOnly {
			break
		}
		if err := os.Chmod(side, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.Close()
			return nil, nil, fmt.Errorf("store: %w", err)
		}
	}
	if !o.ReadOnly {
		if s.ckpt, err = startCheckpointer(ctx, path, w, o.logger(), checkpointInterval, checkpointIdle); err != nil {
			s.Close()
			return nil, nil, err
		}
	}
	// Migrations bypass the statement cache: each runs once.
	applied, err := prepareSchema(ctx, o, "sqlite", &s.core, func(ctx context.Context) (txn, error) {
		return s.beginOn(ctx, func(tx *sql.Tx) sqlQuerier { return tx })
	})
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, applied, nil
}

// mainFile returns the name of the database file db's connection opened,
// as SQLite resolved it (symbolic links followed).
func mainFile(ctx context.Context, db *sql.DB) (string, error) {
	rs, err := db.QueryContext(ctx, `PRAGMA database_list`)
	if err != nil {
		return "", err
	}
	defer rs.Close()
	for rs.Next() {
		var seq int
		var name, file string
		if err := rs.Scan(&seq, &name, &file); err != nil {
			return "", err
		}
		if name == "main" {
			return file, nil
		}
	}
	if err := rs.Err(); err != nil {
		return "", err
	}
	return "", errors.New("no main database")
}

// beginTx opens a transaction on the writer (BEGIN IMMEDIATE: it holds the
// write lock until it ends) whose statements go through the cache; the
// statements it saw for the first time are prepared once it ended, when
// the writer's one connection is free again.
func (s *sqliteStore) beginTx(ctx context.Context) (txn, error) {
	t, err := s.beginOn(ctx, func(tx *sql.Tx) sqlQuerier { return cachedTx{tx, s.stmts} })
	if err != nil {
		return txn{}, err
	}
	prepare := func() { s.stmts.prepare(context.WithoutCancel(ctx), s.w) }
	commit, rollback := t.commit, t.rollback
	t.commit = func() error { defer prepare(); return commit() }
	t.rollback = func() { rollback(); prepare() }
	return t, nil
}

func (s *sqliteStore) beginOn(ctx context.Context, q func(*sql.Tx) sqlQuerier) (txn, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return txn{}, wrap("store: begin", err)
	}
	c := sqliteConn{q(tx)}
	// The sync that makes the commit durable is the first to begin after
	// it returned (walsync.go).
	var need uint64
	t := txn{
		tx: &sqliteTx{txCore{c: c, now: s.now}},
		c:  c,
		commit: func() error {
			if err := tx.Commit(); err != nil {
				return wrap("store: commit", err)
			}
			if s.ws != nil {
				need = s.ws.mark()
			}
			return nil
		},
		rollback: func() { tx.Rollback() }, //nolint:errcheck // no-op after commit
	}
	if s.ws != nil {
		t.durable = func() error { return s.ws.durableAfter(need, "store: commit") }
		t.lazilyDurable = func() error { return s.ws.lazilyDurableAfter(need, "store: commit") }
	}
	return t, nil
}

// snapshotTx: one read transaction is one WAL snapshot.
func (s *sqliteStore) snapshotTx(ctx context.Context, fn func(conn) error) error {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return wrap("store: begin read", err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	return fn(sqliteConn{tx})
}

func (s *sqliteStore) Close() {
	if s.ckpt != nil {
		s.ckpt.close()
	}
	s.stmts.close()
	s.r.Close()
	s.w.Close()
	if s.ws != nil {
		s.ws.close()
	}
}

func (s *sqliteStore) Ping(ctx context.Context) error {
	var one int
	return wrap("store: ping", s.r.QueryRowContext(ctx, `SELECT 1`).Scan(&one))
}
