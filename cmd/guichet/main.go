package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"guichet/config"
	"guichet/redact"
	"guichet/store"
)

// Exit codes (sysexits.h), as a Postfix pipe transport reads them.
const (
	exitOK       = 0
	exitFailure  = 1
	exitUsage    = 64
	exitDataErr  = 65
	exitTempFail = 75
)

// env is what a command sees of the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv})
	stop()
	os.Exit(code)
}

type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, e env) int
}

func commands() []command {
	return []command{
		{"serve", "runs the SMTP receiver, IMAP pollers and outbox sender until SIGINT/SIGTERM", runServe},
		{"ingest", "processes messages from files or standard input as if they had arrived by mail", runIngest},
		{"migrate", "applies the schema migrations", runMigrate},
		{"tickets", "lists tickets, newest first", runTickets},
		{"ticket", "shows one ticket with its whole history", runTicket},
		{"outbox", "shows outbound messages and their delivery state; 'outbox retry ID' requeues a failed one", runOutbox},
		{"categories", "prints the category catalogue", runCategories},
		{"config", "prints the effective configuration, secrets masked, and where each value came from", runConfig},
		{"backup", "writes a consistent copy of the embedded database while serve runs (PostgreSQL: use pg_dump)", runBackup},
		{"export", "prints everything stored about one person as JSON (right of access)", runExport},
		{"forget", "erases one person's personal data, keeping the tickets for statistics (right to erasure)", runForget},
		{"digest", "sends the agents' queue digests now (serve sends them daily at GUICHET_DIGEST_AT)", runDigest},
		{"purge", "erases the personal data of tickets closed longer than GUICHET_RETENTION ago", runPurge},
		{"version", "prints the version, commit and Go version of this binary (also --version)", runVersion},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: guichet COMMAND [options]   (guichet COMMAND --help for its options)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
}

func run(ctx context.Context, args []string, e env) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage(e.stdout)
		return exitOK
	case "--version", "-version":
		return runVersion(ctx, args[1:], e)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], e)
		}
	}
	fmt.Fprintf(e.stderr, "guichet: unknown command %q\n", args[0])
	usage(e.stderr)
	return exitUsage
}

// fail prints one clear line, without a password or a token, and returns
// the exit code that fits err. The errors an operator fixes with another
// command say which.
func fail(e env, cmd string, err error) int {
	msg := oneLine(redact.Text(err.Error()))
	switch {
	case errors.Is(err, store.ErrNoDatabase):
		msg += " (run guichet serve or guichet migrate first)"
	case errors.Is(err, store.ErrSchemaTooOld):
		msg += " (run guichet migrate)"
	}
	fmt.Fprintf(e.stderr, "guichet %s: %s\n", cmd, msg)
	if isTemporary(err) {
		return exitTempFail
	}
	return exitFailure
}

func isTemporary(err error) bool {
	return errors.Is(err, store.ErrUnavailable)
}

// loadConfig reads the configuration of command cmd; on an error it prints
// one line and returns the exit code, else -1. Its warnings (a secret given
// as a flag) are logged.
func loadConfig(fs *flag.FlagSet, e env, cmd string) (*config.Config, int) {
	c, err := config.Load(fs, e.getenv)
	if err != nil {
		fmt.Fprintf(e.stderr, "guichet %s: %s\n", cmd, oneLine(redact.Text(err.Error())))
		return nil, exitUsage
	}
	if len(c.Warnings) > 0 {
		log := logger(e, c)
		for _, w := range c.Warnings {
			log.Warn(w)
		}
	}
	return c, -1
}

// oneLine joins the lines of a message (errors.Join writes one error a
// line; some drivers indent a list) with "; ".
func oneLine(s string) string {
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, "; ")
}
