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
	"guichet/view"
)

// readOnly loads the configuration and opens the store for a command that
// takes only the database settings.
func readOnly(ctx context.Context, name, synopsis string, args []string, e env, extra func(*flag.FlagSet)) (*config.Config, store.Store, []string, int) {
	fs := flags(name, synopsis, e)
	if extra != nil {
		extra(fs)
	}
	config.Register(fs)
	if code := parse(fs, args); code >= 0 {
		return nil, nil, nil, code
	}
	c, code := loadConfig(fs, e, name)
	if code >= 0 {
		return nil, nil, nil, code
	}
	st, err := openStore(ctx, c, logger(e, c))
	if err != nil {
		return nil, nil, nil, fail(e, name, err)
	}
	return c, st, fs.Args(), -1
}

func runTickets(ctx context.Context, args []string, e env) int {
	var asJSON *bool
	var status, category, assignee, team *string
	c, st, _, code := readOnly(ctx, "tickets", "[--json] [--status S] [--category C] [--assignee ADDR|none] [--team NAME]", args, e, func(fs *flag.FlagSet) {
		assignee = fs.String("assignee", "", "only tickets assigned to this agent's address; none: only unassigned tickets")
		team = fs.String("team", "", "only tickets of this team (config [[teams]])")
		asJSON = fs.Bool("json", false, "print a JSON array")
		status = fs.String("status", "", "only tickets with this status (open, answered, resolved, closed)")
		category = fs.String("category", "", "only tickets of this category code, e.g. 1.7")
	})
	if code >= 0 {
		return code
	}
	defer st.Close()
	switch store.Status(*status) {
	case "", store.StatusOpen, store.StatusAnswered, store.StatusResolved, store.StatusClosed:
	default:
		fmt.Fprintf(e.stderr, "guichet tickets: unknown status %q (open, answered, resolved, closed)\n", *status)
		return exitUsage
	}
	f := store.TicketFilter{Status: store.Status(*status), Category: *category, Assignee: *assignee, Team: *team}
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
	c, st, rest, code := readOnly(ctx, "ticket", "NUMBER [--json]", reorder(args), e, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print one JSON object")
	})
	if code >= 0 {
		return code
	}
	defer st.Close()
	if len(rest) != 1 {
		fmt.Fprintln(e.stderr, "guichet ticket: expected one ticket number, e.g. guichet ticket 2026-000042")
		return exitUsage
	}
	d, err := st.Ticket(ctx, rest[0])
	if errors.Is(err, store.ErrNotFound) {
		fmt.Fprintf(e.stderr, "guichet ticket: no ticket %s\n", rest[0])
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

// reorder moves flags before positional arguments, so that both
// "ticket N --json" and "ticket --json N" work (package flag stops at the
// first positional argument).
func reorder(args []string) []string {
	var fl, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case len(a) > 1 && a[0] == '-':
			fl = append(fl, a)
		default:
			pos = append(pos, a)
		}
	}
	return append(fl, pos...)
}

func runOutbox(ctx context.Context, args []string, e env) int {
	var asJSON *bool
	_, st, rest, code := readOnly(ctx, "outbox", "[--json] | retry ID", reorder(args), e, func(fs *flag.FlagSet) {
		asJSON = fs.Bool("json", false, "print a JSON array")
	})
	if code >= 0 {
		return code
	}
	defer st.Close()
	if len(rest) > 0 {
		if rest[0] != "retry" || len(rest) != 2 {
			fmt.Fprintln(e.stderr, "guichet outbox: usage: guichet outbox [--json] | guichet outbox retry ID")
			return exitUsage
		}
		id, err := strconv.ParseInt(rest[1], 10, 64)
		if err != nil {
			fmt.Fprintf(e.stderr, "guichet outbox: not a message id: %q\n", rest[1])
			return exitUsage
		}
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

func runCategories(ctx context.Context, args []string, e env) int {
	fs := flags("categories", "", e)
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
