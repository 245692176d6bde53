package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"guichet/config"
	"guichet/ingest"
	"guichet/outbound"
	"guichet/redact"
	"guichet/store"
)

// recipients is --rcpt: repeatable, and each value may list several
// addresses separated by commas.
type recipients []string

func (r *recipients) String() string { return strings.Join(*r, ",") }
func (r *recipients) Set(v string) error {
	*r = append(*r, splitAddresses(v)...)
	return nil
}

// splitAddresses splits a list of addresses on the commas outside double
// quotes: RFC 5321's Dot-string local part cannot hold a comma, only a
// Quoted-string can ("a,b"@example.org).
func splitAddresses(v string) []string {
	var out []string
	quoted, start := false, 0
	for i := 0; i <= len(v); i++ {
		switch {
		case i < len(v) && v[i] == '\\' && quoted:
			i++
		case i < len(v) && v[i] == '"':
			quoted = !quoted
		case i == len(v) || (v[i] == ',' && !quoted):
			if a := strings.TrimSpace(v[start:i]); a != "" {
				out = append(out, a)
			}
			start = i + 1
		}
	}
	return out
}

// runIngest is the MTA pipe: each FILE (or stdin) is one message.
// Exit 0: all stored; 65: a message was stored but cannot become a ticket
// (no usable sender, empty input); 75 for everything else. An MTA pipe
// bounces the message to its sender on any code but 0 and 75 (Postfix's
// pipe(8) reads sysexits.h codes), so every fault of the set-up (usage,
// configuration, permissions, a missing or unreachable database, a panic)
// is EX_TEMPFAIL: the message waits in the queue until the operator fixes
// it.
func runIngest(ctx context.Context, args []string, e env) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(e.stderr, "guichet ingest: internal error: %s; the mail system will retry\n", redact.Text(fmt.Sprint(r)))
			code = exitTempFail
		}
	}()
	fs := flags("ingest", "[--mailbox NAME] [--sender ADDR] [--rcpt ADDR ...] [FILE ...]", e)
	mailbox := fs.String("mailbox", "", "name of the mailbox the message came from (a monitoring mailbox makes it an alert)")
	sender := fs.String("sender", "", "envelope sender, as Postfix passes ${sender}")
	var rcpts recipients
	fs.Var(&rcpts, "rcpt", "envelope recipient, as Postfix passes ${recipient}: repeatable, comma-separated, or followed by more addresses")
	config.Register(fs)
	inputs, code := parseIngestArgs(fs, args, &rcpts, e)
	if code >= 0 {
		return code
	}
	c, code := loadConfig(fs, e, "ingest")
	if code >= 0 {
		return exitTempFail
	}
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	if c.DatabaseURL == "" && !filepath.IsAbs(c.DataDir) && slices.Contains(inputs, "-") && !interactive(e) {
		// Run by an MTA, a relative directory lands in the MTA's queue
		// directory (or fails there): refuse before creating anything.
		fmt.Fprintf(e.stderr, "guichet ingest: GUICHET_DATA_DIR is relative (%s) and guichet ingest runs from an MTA: set an absolute path\n", c.DataDir)
		return exitTempFail
	}
	log := logger(e, pipeLogLevel(c))
	st, err := openStore(ctx, c, log)
	if err != nil {
		return tempFail(e, err)
	}
	defer st.Close()
	pending := &outbound.Pending{}
	p, err := build(ctx, c, st, log, pending, nil)
	if err != nil {
		return tempFail(e, err)
	}
	// No sender runs here: each acknowledgment this command queued is
	// composed right after its commit, so that the ticket shows it when the
	// command returns. A failure leaves it queued for guichet serve's
	// sender, which composes what it finds without bytes.
	composeAck := func(r ingest.Result) {
		if r.Ticket == "" {
			return
		}
		if err := pending.Render(ctx, p.acker, st, r.Ticket); err != nil {
			log.Warn("acknowledgment left for the sender to compose", "ticket", r.Ticket, "err", err)
		}
	}

	envl := store.Envelope{Transport: "pipe", MailFrom: *sender, RcptTo: rcpts, Mailbox: *mailbox}
	if *sender == "<>" {
		envl.MailFrom = ""
	}
	worst := exitOK
	for _, name := range inputs {
		code := ingestOne(ctx, p.pipeline, name, envl, e, log, composeAck)
		if code == exitTempFail || (code != exitOK && worst == exitOK) {
			worst = code
		}
		if code == exitTempFail {
			break
		}
	}
	return worst
}

// ingestOne delivers one input; committed is called with the result of a
// delivery that committed.
func ingestOne(ctx context.Context, d ingest.Deliverer, name string, envl store.Envelope, e env, log *slog.Logger, committed func(ingest.Result)) int {
	var raw []byte
	var err error
	if name == "-" {
		raw, err = io.ReadAll(e.stdin)
	} else {
		raw, err = os.ReadFile(name)
	}
	if err != nil {
		// A missing or unreadable input is the caller's fault, not the
		// message's: nothing was read, so nothing may bounce.
		fmt.Fprintf(e.stderr, "guichet ingest: %v\n", err)
		return exitTempFail
	}
	if len(strings.TrimSpace(string(raw))) == 0 {
		fmt.Fprintf(e.stderr, "guichet ingest: %s: empty input, not a message\n", label(name))
		return exitDataErr
	}
	res, err := d.Deliver(ctx, raw, envl)
	if err != nil {
		// Nothing was stored: whatever went wrong, the MTA must keep the
		// message and retry (ingest.Deliverer's contract), so the answer is
		// always EX_TEMPFAIL, with a generic line (Postfix may quote stderr
		// in a bounce) and the detail in the log.
		log.Error("message not stored", "input", label(name), "err", err)
		fmt.Fprintf(e.stderr, "guichet ingest: %s: message not stored, temporary failure; the mail system will retry\n", label(name))
		return exitTempFail
	}
	committed(res)
	fmt.Fprintln(e.stdout, describe(res))
	if res.ParseError != "" {
		fmt.Fprintf(e.stderr, "guichet ingest: %s: stored raw; parse problem: %s\n", label(name), res.ParseError)
	}
	if res.Action == ingest.Unticketed && res.Reason == ingest.ReasonNoSender {
		// Stored, but not a usable request: the one EX_DATAERR case. Other
		// unticketed mail (read receipts, agents' out-of-office) is handled.
		return exitDataErr
	}
	return exitOK
}

// parseIngestArgs parses the flags and returns the input files, or the
// exit code when there is nothing to run. Postfix's pipe(8) expands an
// argument holding ${recipient} into one argument per recipient, so
// "--rcpt ${recipient}" arrives as "--rcpt a@x b@y": after a --rcpt, an
// argument that looks like an address and names no file is one more
// recipient, and the flags may go on after it.
func parseIngestArgs(fs *flag.FlagSet, args []string, rcpts *recipients, e env) ([]string, int) {
	for {
		if err := fs.Parse(args); err != nil {
			// A wrong master.cf line: the operator's to fix, in one line
			// (Postfix quotes it as the status text).
			fmt.Fprintf(e.stderr, "guichet ingest: %v (guichet ingest --help lists the options); the mail system will retry\n", err)
			return nil, exitTempFail
		}
		args = fs.Args()
		if len(args) == 0 || len(*rcpts) == 0 || !looksLikeRecipient(args[0]) {
			break
		}
		rcpts.Set(args[0])
		args = args[1:]
	}
	if h := fs.Lookup("help").Value.(helpFlag); *h.level > 0 {
		h.show(*h.level == 2)
		return nil, exitOK
	}
	return args, -1
}

// looksLikeRecipient: an address has an @ and no slash; a file of that
// name wins (write ./a@b.eml to be sure).
func looksLikeRecipient(arg string) bool {
	if !strings.Contains(arg, "@") || strings.ContainsRune(arg, '/') || strings.HasPrefix(arg, "-") {
		return false
	}
	_, err := os.Stat(arg)
	return err != nil
}

// interactive reports whether a person runs the command: stdin or stderr
// is a terminal (a character device other than /dev/null, which a daemon
// or cron job gets). An MTA gives pipes.
func interactive(e env) bool {
	devNull, _ := os.Stat(os.DevNull)
	for _, s := range []any{e.stdin, e.stderr} {
		f, ok := s.(*os.File)
		if !ok {
			continue
		}
		fi, err := f.Stat()
		if err == nil && fi.Mode()&os.ModeCharDevice != 0 && (devNull == nil || !os.SameFile(fi, devNull)) {
			return true
		}
	}
	return false
}

// tempFail prints err as one line and answers EX_TEMPFAIL: whatever went
// wrong before a message was read, the set-up is at fault, not the mail.
func tempFail(e env, err error) int {
	fmt.Fprintf(e.stderr, "guichet ingest: %s; the mail system will retry\n", redact.Text(err.Error()))
	return exitTempFail
}

// pipeLogLevel raises the log level to WARN unless GUICHET_LOG_LEVEL was
// given (flag, environment or file): Postfix's pipe(8) reports what the
// command wrote on stderr as the delivery's status text, in its log and in
// a bounce, so the line that matters must not be lost among INFO lines
// (the store's migrations, "message stored").
func pipeLogLevel(c *config.Config) *config.Config {
	for _, s := range c.Sources {
		if s.Env == "GUICHET_LOG_LEVEL" && s.From != "default" {
			return c
		}
	}
	q := *c
	q.LogLevel = max(c.LogLevel, slog.LevelWarn)
	return &q
}

func label(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// describe is the one line ingest prints per message: the ticket number
// first, then what happened.
func describe(r ingest.Result) string {
	num := r.Ticket
	if num == "" {
		num = "-"
	}
	s := num + " " + string(r.Action)
	if r.LinkedTo != "" {
		s += " (linked to " + r.LinkedTo + ")"
	}
	if r.Reason != "" {
		s += ": " + r.Reason
	}
	return s
}
