package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"guichet/config"
	"guichet/redact"
)

// runConfig prints the effective configuration, one setting a line in the
// form of an environment file, each with where its value came from. The
// secret and the API token are masked, and so is the password of any URL.
func runConfig(_ context.Context, args []string, e env) int {
	fs := flags("config", "[options]", e)
	config.Register(fs)
	if code := parse(fs, args); code >= 0 {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(e.stderr, "guichet config: unexpected argument %q (guichet config --help)\n", fs.Arg(0))
		return exitUsage
	}
	c, code := loadConfig(fs, e, "config")
	if code >= 0 {
		return code
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, s := range c.Sources {
		fmt.Fprintf(tw, "%s=%q\t# %s\n", s.Env, shown(s), s.From)
	}
	if err := tw.Flush(); err != nil {
		return fail(e, "config", err)
	}
	return exitOK
}

// shown is a setting's value as guichet config prints it.
func shown(s config.Source) string {
	if s.Secret && s.Value != "" {
		return redact.Mask
	}
	return redact.URL(s.Value)
}
