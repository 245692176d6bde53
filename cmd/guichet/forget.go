package main

import (
	"context"
	"flag"
	"os/user"

	"guichet/config"
	"guichet/store"
	"guichet/view"
)

// ErasureOutput is what `guichet forget` and `guichet purge` print: the
// counts of what was erased (or would be, with --dry-run), never whose.
type ErasureOutput struct {
	DryRun bool                `json:"dry_run"`
	Erased store.ErasureReport `json:"erased"`
}

func runForget(ctx context.Context, args []string, e env) int {
	var who, by *string
	var dry *bool
	c, st, rest, code := existing(ctx, "forget", "--requester ADDR [--dry-run] [--by NAME]", args, e, func(fs *flag.FlagSet) {
		who = fs.String("requester", "", "the person's address (any letter case, any +detail)")
		dry = fs.Bool("dry-run", false, "count what would be erased, change nothing")
		by = fs.String("by", "", "who asked for the erasure, for the audit row (default: the system user)")
	})
	if code >= 0 {
		return code
	}
	defer st.Close()
	if !validRequester(e, "forget", *who, rest) {
		return exitUsage
	}
	r, err := st.Forget(ctx, *who, erasure(c, *by, *dry))
	if err != nil {
		return fail(e, "forget", err)
	}
	logger(e, c).Info("forget: personal data erased", "dry_run", *dry, "tickets", r.Tickets, "messages", r.Messages,
		"rewritten", r.Rewritten, "attachments", r.Attachments, "outbox", r.Outbox)
	if err := view.JSON(e.stdout, ErasureOutput{DryRun: *dry, Erased: r}); err != nil {
		return fail(e, "forget", err)
	}
	return exitOK
}

// erasure is how the commands erase: with the configured secret when one
// is set (else the store's, as for reply addresses), in the name of by or
// of the system user.
func erasure(c *config.Config, by string, dry bool) store.Erasure {
	if by == "" {
		if u, err := user.Current(); err == nil {
			by = u.Username
		}
	}
	return store.Erasure{Secret: []byte(c.Secret), By: by, DryRun: dry}
}
