package store

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"
)

// SQLite appends every commit to the WAL; a checkpoint copies the WAL's
// pages back into the database file, after which the next write starts
// the WAL over from its beginning. By default the connection whose commit
// takes the WAL past 1,000 pages runs the checkpoint itself, before its
// commit returns: here that is the ingest committer, the serial path every
// acknowledgment waits on. The writer connection therefore has
// wal_autocheckpoint=0, and a checkpointer of its own connection does the
// work beside it:
//
//   - under load, a PASSIVE checkpoint every interval, when a commit came
//     (data_version changed, whichever process committed): it copies
//     pages without taking any lock a writer or reader waits for;
//   - a PASSIVE checkpoint copies the pages of the commits before it only,
//     and the writer keeps appending while it runs, so under sustained
//     load the WAL would never be wholly copied and never start over. When
//     the WAL passes resetBytes, one PASSIVE checkpoint runs on the writer
//     connection, between two transactions, and the commit after it
//     starts the WAL over. It holds the group commit while it runs, and
//     it costs mostly its syncs, of the WAL and of the database file,
//     which the pages it copies lengthen: so the checkpointer's own passes
//     first catch up, beside the writer, with the pages committed during
//     the pass before, until few came (catchUp);
//   - once no commit came for idle, a TRUNCATE checkpoint empties the WAL
//     file, so that a burst does not leave it large. It holds writers off
//     while it waits for readers, so its busy timeout is short: a reader
//     still there after it (a backup) only turns it into a PASSIVE
//     checkpoint, retried at the next tick, and a commit arriving meanwhile
//     waits at most that long.
//
// Durability is unchanged: a commit is in the WAL, synced (walsync.go),
// before its caller hears of it, and a checkpoint syncs the WAL before it
// copies and the database file before the WAL may start over.
type checkpointer struct {
	db       *sql.DB // its own connection: data_version counts others' commits
	writer   *sql.DB
	log      *slog.Logger
	interval time.Duration
	idle     time.Duration
	// resetFrames is resetBytes in pages of this database.
	resetFrames int64
	cancel      context.CancelFunc
	done        sync.WaitGroup
}

const (
	checkpointInterval = 250 * time.Millisecond
	checkpointIdle     = 2 * time.Second
	// resetBytes bounds the WAL under sustained load: 16 MB is about half
	// a second of the committer's full rate (some 25 KB of WAL per
	// request). Measured, 64 MB cost the committer no less CPU, with a WAL
	// of 70 MB instead of 30.
	resetBytes = 16 << 20
	// catchUpFrames: the checkpointer's own passes go on while more frames
	// than this came during the pass before, at most maxCatchUp passes.
	// Under load (1,100 requests a second) the writer connection's
	// checkpoints held the group commit 26–30 ms each after no such pass,
	// 16–21 ms after one, 8–12 ms after three.
	catchUpFrames = 128
	maxCatchUp    = 4
	// idleBusyTimeout bounds how long the idle TRUNCATE checkpoint, which
	// holds writers off while it waits, waits for readers.
	idleBusyTimeout = 100 * time.Millisecond
)

// startCheckpointer opens the checkpointer's connection on the database at
// path and starts it; close ends it.
func startCheckpointer(ctx context.Context, path string, writer *sql.DB, log *slog.Logger, interval, idle time.Duration) (*checkpointer, error) {
	db, err := sql.Open("sqlite", sqliteDSN(path, roleCheckpointer))
	if err != nil {
		return nil, wrap("store: open "+path, err)
	}
	// One connection, kept: data_version compares against its own past.
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	var pageSize int64
	if err := db.QueryRowContext(ctx, `PRAGMA page_size`).Scan(&pageSize); err != nil {
		db.Close()
		return nil, wrap("store: open "+path, err)
	}
	run, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c := &checkpointer{db: db, writer: writer, log: log, interval: interval, idle: idle,
		resetFrames: resetBytes / pageSize, cancel: cancel}
	c.done.Add(1)
	go c.run(run)
	return c, nil
}

func (c *checkpointer) run(ctx context.Context) {
	defer c.done.Done()
	tick := time.NewTicker(c.interval)
	defer tick.Stop()
	var version int64
	lastWrite := time.Now()
	truncated := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		var v int64
		if err := c.db.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
			c.warn(ctx, "data_version", err)
			continue
		}
		if v != version {
			version, lastWrite, truncated = v, time.Now(), false
			frames := c.checkpoint(ctx, c.db, "PASSIVE")
			if frames >= c.resetFrames {
				catchUp(frames, func() int64 { return c.checkpoint(ctx, c.db, "PASSIVE") })
				c.checkpoint(ctx, c.writer, "PASSIVE")
			}
			continue
		}
		if !truncated && time.Since(lastWrite) >= c.idle {
			truncated = c.checkpoint(ctx, c.db, "TRUNCATE") == 0
		}
	}
}

// catchUp runs pass again while the frames it reports (those of the WAL
// when it began, -1 on error) grew by more than catchUpFrames since the
// pass before, which reported frames: those came during that pass, and a
// pass copies them beside the writer. At most maxCatchUp passes.
func catchUp(frames int64, pass func() int64) {
	for range maxCatchUp {
		next := pass()
		if next < 0 || next-frames <= catchUpFrames {
			return
		}
		frames = next
	}
}

// checkpoint runs a checkpoint of mode on db and returns how many frames
// the WAL still holds (-1 on error): 0 once a TRUNCATE emptied it.
func (c *checkpointer) checkpoint(ctx context.Context, db *sql.DB, mode string) int64 {
	_, frames, err := walCheckpoint(ctx, db, mode)
	if err != nil {
		c.warn(ctx, "wal_checkpoint("+mode+")", err)
		return -1
	}
	return frames
}

// walCheckpoint runs PRAGMA wal_checkpoint(mode) on db: busy is 1 when
// another checkpoint kept it from finishing, frames what the WAL holds.
func walCheckpoint(ctx context.Context, db *sql.DB, mode string) (busy, frames int64, err error) {
	var copied int64
	err = db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(`+mode+`)`).Scan(&busy, &frames, &copied)
	return busy, frames, err
}

func (c *checkpointer) warn(ctx context.Context, what string, err error) {
	if ctx.Err() == nil {
		c.log.Warn("sqlite checkpointer", "pragma", what, "err", err)
	}
}

// close stops the checkpointer and closes its connection; the writer stays
// open.
func (c *checkpointer) close() {
	c.cancel()
	c.done.Wait()
	c.db.Close()
}
