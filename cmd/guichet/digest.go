package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"guichet/calendar"
	"guichet/config"
	"guichet/outbound"
	"guichet/store"
)

// The agents' daily queue digest (GUICHET_DIGEST_AT) and `guichet digest`.

// digestSlot keeps one digest per agent per day across nodes: the slot's
// key names the agent and the local date; it lasts long enough to cover
// the day whatever the clock changes.
const digestSlot = 26 * time.Hour

// digester sends the agents' digests.
type digester struct {
	st     store.Store
	mailer *outbound.Mailer
	agents []outbound.DigestAgent
	loc    *time.Location
	open   func(calendar.Date) bool // a business day
	kick   func()                   // tells the sender that mail is queued; may be nil
	log    *slog.Logger
}

// newDigester builds the digester of c: the declared agents with their
// names and teams, the business days of [calendar], or without one Monday
// to Friday less the French public holidays (a help desk's working week).
func newDigester(st store.Store, c *config.Config, p *parts, kick func(), log *slog.Logger) (*digester, error) {
	o := calendar.Options{Location: c.Location, Holidays: calendar.HolidaysFR}
	if c.Calendar != nil {
		o = c.Calendar.Options(c.Location)
	} else {
		week, err := calendar.ParseHours("lun-ven 00:00-24:00")
		if err != nil {
			return nil, err
		}
		o.Open = []calendar.Hours{week}
	}
	cal, err := calendar.New(o)
	if err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	names := agentNames(c)
	var agents []outbound.DigestAgent
	for _, addr := range c.AgentAddresses() {
		a := outbound.DigestAgent{Address: addr, Name: names[strings.ToLower(addr)]}
		for _, t := range teams(c) {
			for _, member := range t.Agents {
				if strings.EqualFold(member, addr) {
					a.Teams = append(a.Teams, t.Name)
				}
			}
		}
		agents = append(agents, a)
	}
	return &digester{st: st, mailer: p.mailer, agents: agents, loc: c.Location, open: cal.BusinessDay,
		kick: kick, log: log.With("part", "digest")}, nil
}

// run sends the digests at at on each business day until ctx ends.
func (d *digester) run(ctx context.Context, at config.DailyTime, clk retentionClock) error {
	for {
		next := at.Next(clk.Now(), d.loc)
		select {
		case <-ctx.Done():
			return nil
		case <-clk.After(next.Sub(clk.Now())):
		}
		now := clk.Now()
		if !d.open(calendar.DateOf(now.In(d.loc))) {
			continue
		}
		if _, err := d.send(ctx, now, "", false); err != nil {
			d.log.Error("digest: failed", "err", err)
		}
	}
}

// send queues the digest of each agent (only the one at only, when not
// ""), with something to tell, and returns how many were queued. Each
// agent's day slot is taken in the transaction that queues its digest, so
// that several nodes send it once; force sends even when the slot is
// taken (`guichet digest`: asked for, so sent).
func (d *digester) send(ctx context.Context, now time.Time, only string, force bool) (int, error) {
	queue, err := d.st.WorkQueue(ctx)
	if err != nil {
		return 0, err
	}
	day := now.In(d.loc).Format(time.DateOnly)
	sent := 0
	var errs []error
	for _, a := range d.agents {
		if only != "" && !strings.EqualFold(a.Address, only) {
			continue
		}
		mine, teams := outbound.DigestFor(a, queue)
		if len(mine)+len(teams) == 0 {
			continue
		}
		queued := false
		err := d.st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
			free, err := tx.TakeRateSlot(ctx, "digest:"+strings.ToLower(a.Address)+":"+day, now, digestSlot)
			if err != nil || (!free && !force) {
				queued = false
				return err
			}
			queued, err = d.mailer.Digest(ctx, tx, a, mine, teams)
			return err
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("digest of %s: %w", a.Address, err))
			continue
		}
		if queued {
			sent++
			d.log.Info("digest queued", "agent", a.Address, "assigned", len(mine), "team_unassigned", len(teams))
		}
	}
	if sent > 0 && d.kick != nil {
		d.kick()
	}
	return sent, errors.Join(errs...)
}

func runDigest(ctx context.Context, args []string, e env) int {
	var agent *string
	c, st, rest, code := existing(ctx, "digest", "[--agent ADDR]", args, e, func(fs *flag.FlagSet) {
		agent = fs.String("agent", "", "only this agent's digest")
	})
	if code >= 0 {
		return code
	}
	defer st.Close()
	if len(rest) > 0 {
		fmt.Fprintln(e.stderr, "guichet digest: takes no argument; --agent ADDR for one agent")
		return exitUsage
	}
	only := strings.ToLower(strings.TrimSpace(*agent))
	if only != "" && !isAgent(c, only) {
		fmt.Fprintf(e.stderr, "guichet digest: %s is not a declared agent (GUICHET_AGENTS, [[agents]])\n", only)
		return exitUsage
	}
	log := logger(e, c)
	p, err := build(ctx, c, st, log, nil, nil)
	if err != nil {
		return fail(e, "digest", err)
	}
	d, err := newDigester(st, c, p, nil, log)
	if err != nil {
		return fail(e, "digest", err)
	}
	// Queued in the outbox at once, composed: `guichet outbox` shows them,
	// and serve's sender (or the next one to run) delivers them.
	n, err := d.send(ctx, time.Now(), only, true)
	fmt.Fprintf(e.stdout, "%d digest(s) queued\n", n)
	if err != nil {
		return fail(e, "digest", err)
	}
	return exitOK
}

func isAgent(c *config.Config, addr string) bool {
	for _, a := range c.AgentAddresses() {
		if strings.EqualFold(a, addr) {
			return true
		}
	}
	return false
}
