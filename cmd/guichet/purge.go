package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"guichet/config"
	"guichet/store"
	"guichet/view"
)

func runPurge(ctx context.Context, args []string, e env) int {
	var dry *bool
	var by *string
	c, st, rest, code := existing(ctx, "purge", "[--dry-run]", args, e, func(fs *flag.FlagSet) {
		dry = fs.Bool("dry-run", false, "count what would be erased, change nothing")
		by = fs.String("by", "", "who runs it, for the audit row (default: the system user)")
	})
	if code >= 0 {
		return code
	}
	defer st.Close()
	if len(rest) > 0 {
		fmt.Fprintln(e.stderr, "guichet purge: takes no argument; the period is GUICHET_RETENTION")
		return exitUsage
	}
	if !c.Retention.On() {
		fmt.Fprintln(e.stderr, "guichet purge: GUICHET_RETENTION is off: nothing to do")
		return exitUsage
	}
	r, err := purge(ctx, st, c.Retention, erasure(c, *by, *dry), time.Now(), logger(e, c))
	if err != nil {
		return fail(e, "purge", err)
	}
	if err := view.JSON(e.stdout, ErasureOutput{DryRun: *dry, Erased: r}); err != nil {
		return fail(e, "purge", err)
	}
	return exitOK
}

// purge erases the tickets closed longer than the retention period ago.
func purge(ctx context.Context, st store.Store, ret config.Retention, er store.Erasure, now time.Time, log *slog.Logger) (store.ErasureReport, error) {
	cut := ret.Cutoff(now)
	start := time.Now()
	r, err := st.PurgeClosed(ctx, cut, er)
	if err != nil {
		return r, err
	}
	log.Info("retention: closed tickets erased", "retention", ret.String(), "closed_before", cut.UTC().Format(time.RFC3339),
		"dry_run", er.DryRun, "tickets", r.Tickets, "messages", r.Messages, "attachments", r.Attachments, "outbox", r.Outbox,
		"took", time.Since(start).Round(time.Millisecond))
	return r, nil
}

// retentionHour and retentionMinute: the daily run happens at 03:30 in
// GUICHET_TIMEZONE, when a help desk receives least mail; the erasure
// holds one ticket's rows at a time, so mail arriving then only waits for
// that ticket.
const retentionHour, retentionMinute = 3, 30

// nextRun is the first 03:30 in loc strictly after now. On a day whose
// 03:30 does not exist (a clock change), time.Date normalises it.
func nextRun(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	t := time.Date(l.Year(), l.Month(), l.Day(), retentionHour, retentionMinute, 0, 0, loc)
	if !t.After(now) {
		t = time.Date(l.Year(), l.Month(), l.Day()+1, retentionHour, retentionMinute, 0, 0, loc)
	}
	return t
}

// retentionClock is what the daily job reads of time; tests pass a fake.
type retentionClock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type wallClock struct{}

func (wallClock) Now() time.Time                         { return time.Now() }
func (wallClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// retentionLease keeps two gateways on one database from erasing the same
// tickets at once (erasing twice would be harmless, only wasted).
const retentionLease = "retention"

// erasureCounter counts the daily runs for /metrics (web.Metrics).
type erasureCounter interface {
	Erased(reason string, r store.ErasureReport)
	ErasureFailed(reason string)
}

// retentionReason is the erasures audit table's reason for the daily run.
const retentionReason = "retention"

// runRetention applies the retention period every day at 03:30 until ctx
// ends. A failed run is logged, counted and tried again the next day.
func runRetention(ctx context.Context, st store.Store, c *config.Config, holder string, clk retentionClock, log *slog.Logger, m erasureCounter) error {
	for {
		next := nextRun(clk.Now(), c.Location)
		select {
		case <-ctx.Done():
			return nil
		case <-clk.After(next.Sub(clk.Now())):
		}
		now := clk.Now()
		ok, err := st.AcquireLease(ctx, retentionLease, holder, now, time.Hour)
		if err != nil || !ok {
			log.Info("retention: another gateway runs it", "err", err)
			continue
		}
		log.Info("retention: erasing closed tickets", "retention", c.Retention.String())
		if r, err := purge(ctx, st, c.Retention, erasure(c, "retention", false), now, log); err != nil {
			log.Error("retention: erasure failed", "err", err)
			m.ErasureFailed(retentionReason)
		} else {
			m.Erased(retentionReason, r)
		}
		if err := st.ReleaseLease(context.WithoutCancel(ctx), retentionLease, holder); err != nil {
			log.Warn("retention: release lease", "err", err)
		}
	}
}
