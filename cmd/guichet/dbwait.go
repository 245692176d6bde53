package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"guichet/config"
	"guichet/store"
)

// Start-up backoff of serve while the database is unreachable: the first
// retry after firstWait, then doubling up to maxWait between tries.
const (
	firstWait = time.Second
	maxWait   = 30 * time.Second
)

// waitForStore opens the store, and while the database is unavailable (a
// PostgreSQL server still starting, a network not yet up) tries again with
// backoff for up to c.DBWait, saying so in the log each time: a gateway
// started before its database then comes up by itself, without a
// supervisor's restart loop. Errors that waiting cannot fix (a wrong
// password, a schema newer than the program) return at once.
func waitForStore(ctx context.Context, c *config.Config, log *slog.Logger) (store.Store, error) {
	giveUp := time.Now().Add(c.DBWait)
	delay := firstWait
	for {
		st, err := openStore(ctx, c, log)
		if err == nil || !isTemporary(err) {
			return st, err
		}
		left := time.Until(giveUp)
		if left <= 0 {
			if c.DBWait > 0 {
				return nil, fmt.Errorf("gave up after waiting %s (GUICHET_DB_WAIT): %w", c.DBWait, err)
			}
			return nil, err
		}
		wait := min(delay, left)
		log.Warn("database unavailable, will try again", "err", err, "retry_in", wait.Round(time.Millisecond),
			"gives_up_in", left.Round(time.Second))
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
		delay = min(2*delay, maxWait)
	}
}
