package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"guichet/classify"
	"guichet/config"
	"guichet/store"
	"guichet/ticketref"
	"guichet/view"
)

// readOnly loads the configuration and opens the store read-only for a
// command that only looks: it creates nothing and migrates nothing, so a
// mistyped setting never leaves an empty database behind, and its output
// holds no migration notices.
func readOnly(ctx context.Context, name, synopsis string, args []string, e env, extra func(*flag.FlagSet)) (*config.Config, store.Store, []string, int) {
	return existingArgs(ctx, name, synopsis, args, e, extra, nil, true)
}

// existing is readOnly for the commands that write (forget, purge): the
// database must exist already with a current schema, and is opened for
// writing.
func existing(ctx context.Context, name, synopsis string, args []string, e env, extra func(*flag.FlagSet)) (*config.Config, store.Store, []string, int) {
	return existingArgs(ctx, name, synopsis, args, e, extra, nil, false)
}

// readOnlyArgs is readOnly whose check, when not nil, looks at the
// positional arguments before the database is opened and returns an exit
// code to stop with, or -1.
func readOnlyArgs(ctx context.Context, name, synopsis string, args []string, e env, extra func(*flag.FlagSet), check func([]string) int) (*config.Config, store.Store, []string, int) {
	return existingArgs(ctx, name, synopsis, args, e, extra, check, true)
}

func existingArgs(ctx context.Context, name, synopsis string, args []string, e env, extra func(*flag.FlagSet), check func([]string) int, readOnly bool) (*config.Config, store.Store, []string, int) {
	fs := flags(name, synopsis, e)
	if extra != nil {
		extra(fs)
	}
	config.Register(fs)
	if code := parse(fs, args); code >= 0 {
		return nil, nil, nil, code
	}
	if check != nil {
		if code := check(fs.Args()); code >= 0 {
			return nil, nil, nil, code
		}
	}
	c, code := loadConfig(fs, e, name)
	if code >= 0 {
		return nil, nil, nil, code
	}
	st, err := openExisting(ctx, c, readOnly)
	if err != nil {
		return nil, nil, nil, fail(e, name, err)
	}
	return c, st, fs.Args(), -1
}

// openExisting opens the database that serve or migrate made, without
// migrating it; readOnly where the driver allows.
func openExisting(ctx context.Context, c *config.Config, readOnly bool) (store.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return store.Open(ctx, store.Options{DatabaseURL: c.DatabaseURL, DataDir: c.DataDir, Existing: true, ReadOnly: readOnly})
}

// statusWords are the words --status takes: the French ones the text
// output prints (with or without accents) and the English ones of JSON.
var statusWords = map[string]store.Status{
	"open": store.StatusOpen, "ouverte": store.StatusOpen, "ouvert": store.StatusOpen,
	"answered": store.StatusAnswered, "repondue": store.StatusAnswered, "reponse-envoyee": store.StatusAnswered, "en-attente": store.StatusAnswered,
	"resolved": store.StatusResolved, "resolue": store.StatusResolved,
	"closed": store.StatusClosed, "close": store.StatusClosed, "fermee": store.StatusClosed,
}

// parseStatus reads a --status word; "" is every status.
func parseStatus(w string) (store.Status, bool) {
	if w == "" {
		return "", true
	}
	k := strings.NewReplacer("é", "e", "É", "e", "è", "e", " ", "-", "_", "-").Replace(strings.ToLower(strings.TrimSpace(w)))
	st, ok := statusWords[k]
	return st, ok
}

func runTickets(ctx context.Context, args []string, e env) int {
	var asJSON *bool
	var status, category, assignee, team *string
	c, st, _, code := readOnly(ctx, "tickets", "[--json] [--status S] [--category C] [--assignee ADDR|none] [--team NAME]", args, e, func(fs *flag.FlagSet) {
		assignee = fs.String("assignee", "", "only tickets assigned to this agent's address; none: only unassigned tickets")
		team = fs.String("team", "", "only tickets of this team (config [[teams]])")
		asJSON = fs.Bool("json", false, "print a JSON array")
		status = fs.String("status", "", "only tickets with this `STATUS`: ouverte, répondue, résolue, close (or open, answered, resolved, closed)")
		category = fs.String("category", "", "only tickets of this category code, e.g. 1.7")
	})
	if code >= 0 {
		return code
	}
	defer st.Close()
	want, ok := parseStatus(*status)
	if !ok {
		fmt.Fprintf(e.stderr, "guichet tickets: unknown status %q (ouverte, répondue, résolue, close, or open, answered, resolved, closed)\n", *status)
		return exitUsage
	}
	f := store.TicketFilter{Status: want, Category: *category, Assignee: *assignee, Team: *team}
	if strings.EqualFold(*assignee, "none") {
		f.Assignee, f.Unassigned = "", true
	}
	ts, err := st.Tickets(ctx, f)
	if err != nil {
		return fail(e, "tickets", err)
	}
	if !*asJSON {
		if err := view.TicketList(e.stdout, ts, c.Location); err != nil {
			return fail(e, "tickets", err)
		}
		return exitOK
	}
	cat, err := classify.Default()
	if err != nil {
		return fail(e, "tickets", err)
	}
	out := make([]view.Ticket, 0, len(ts))
	for _, t := range ts {
		out = append(out, view.FromTicket(t, labels{cat}))
	}
	if err := view.JSON(e.stdout, out); err != nil {
		return fail(e, "tickets", err)
	}
	return exitOK
}

func runTicket(ctx context.Context, args []string, e env) int {
	var asJSON *bool
	var number string
	c, st, _, code := readOnlyArgs(ctx, "ticket", "NUMBER [--json]", args, e, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print one JSON object")
	}, func(rest []string) int {
		// A subject tag pasted from a mail ("[Ticket#2026-000042]") is as good.
		var ok bool
		if len(rest) == 1 {
			if number, ok = rest[0], ticketref.Valid(rest[0]); !ok {
				number, ok = ticketref.Find(rest[0])
			}
		}
		if !ok {
			fmt.Fprintf(e.stderr, "guichet ticket: expected one ticket number such as 2026-000042, got %q (guichet ticket --help)\n", strings.Join(rest, " "))
			return exitUsage
		}
		return -1
	})
	if code >= 0 {
		return code
	}
	defer st.Close()
	d, err := st.Ticket(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintf(e.stderr, "guichet ticket: no ticket %s\n", number)
		return exitFailure
	}
	if err != nil {
		return fail(e, "ticket", err)
	}
	cat, err := classify.Default()
	if err != nil {
		return fail(e, "ticket", err)
	}
	if *asJSON {
		err = view.JSON(e.stdout, view.FromDetail(d, labels{cat}))
	} else {
		err = view.TicketText(e.stdout, d, labels{cat}, c.Location)
	}
	if err != nil {
		return fail(e, "ticket", err)
	}
	return exitOK
}

func runOutbox(ctx context.Context, args []string, e env) int {
	var asJSON *bool
	var retry int64
	c, st, _, code := readOnlyArgs(ctx, "outbox", "[--json] | retry ID", args, e, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print a JSON array")
	}, func(rest []string) int {
		if len(rest) == 0 {
			return -1
		}
		if rest[0] != "retry" || len(rest) != 2 {
			fmt.Fprintln(e.stderr, "guichet outbox: usage: guichet outbox [--json] | guichet outbox retry ID")
			return exitUsage
		}
		id, err := strconv.ParseInt(rest[1], 10, 64)
		if err != nil || id <= 0 {
			fmt.Fprintf(e.stderr, "guichet outbox: not a message id: %q\n", rest[1])
			return exitUsage
		}
		retry = id
		return -1
	})
	if code >= 0 {
		return code
	}
	if retry > 0 {
		// The one write of these commands: the database must exist and be
		// current, as for reading, but opened for writing.
		st.Close()
		return requeue(ctx, c, e, retry)
	}
	defer st.Close()
	os, err := st.Outbox(ctx)
	if err != nil {
		return fail(e, "outbox", err)
	}
	if *asJSON {
		out := make([]view.Outbound, 0, len(os))
		for _, o := range os {
			out = append(out, view.FromOutbound(o))
		}
		err = view.JSON(e.stdout, out)
	} else {
		err = view.OutboxList(e.stdout, os)
	}
	if err != nil {
		return fail(e, "outbox", err)
	}
	return exitOK
}

func requeue(ctx context.Context, c *config.Config, e env, id int64) int {
	st, err := openExisting(ctx, c, false)
	if err != nil {
		return fail(e, "outbox", err)
	}
	defer st.Close()
	if err := st.Requeue(ctx, id, time.Now().UTC()); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			fmt.Fprintf(e.stderr, "guichet outbox: no failed message %d\n", id)
			return exitFailure
		}
		return fail(e, "outbox", err)
	}
	fmt.Fprintf(e.stdout, "%d queued\n", id)
	return exitOK
}

func runCategories(ctx context.Context, args []string, e env) int {
	fs := flags("categories", "", e)
	config.Register(fs) // accepted as everywhere, unused: the catalogue is built in
	if code := parse(fs, args); code >= 0 {
		return code
	}
	cat, err := classify.Default()
	if err != nil {
		return fail(e, "categories", err)
	}
	for _, g := range cat.Groups() {
		fmt.Fprintf(e.stdout, "%d- %s\n", g.Number, g.Label)
		for _, c := range g.Categories {
			fmt.Fprintf(e.stdout, "  %-5s %s\n", c.Code, c.Label)
		}
	}
	return exitOK
}

func runMigrate(ctx context.Context, args []string, e env) int {
	fs := flags("migrate", "", e)
	config.Register(fs)
	if code := parse(fs, args); code >= 0 {
		return code
	}
	c, code := loadConfig(fs, e, "migrate")
	if code >= 0 {
		return code
	}
	applied, err := store.Migrate(ctx, store.Options{DatabaseURL: c.DatabaseURL, DataDir: c.DataDir, Logger: logger(e, c)})
	if err != nil {
		return fail(e, "migrate", err)
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "schema up to date")
	}
	for _, m := range applied {
		fmt.Fprintf(e.stdout, "applied %s\n", m)
	}
	return exitOK
}
