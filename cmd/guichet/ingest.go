package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"guichet/config"
	"guichet/ingest"
	"guichet/outbound"
	"guichet/store"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// runIngest is the MTA pipe: each FILE (or stdin) is one message.
// Exit 0: all stored; 75: the store is unreachable or the configuration
// wrong (the MTA retries);
// 65: a message was stored but cannot become a ticket (no usable sender,
// empty input).
func runIngest(ctx context.Context, args []string, e env) int {
	fs := flags("ingest", "[--mailbox NAME] [--sender ADDR] [--rcpt ADDR ...] [FILE ...]", e)
	mailbox := fs.String("mailbox", "", "name of the mailbox the message came from (a monitoring mailbox makes it an alert)")
	sender := fs.String("sender", "", "envelope sender, as Postfix passes ${sender}")
	var rcpts multi
	fs.Var(&rcpts, "rcpt", "envelope recipient, as Postfix passes ${recipient} (repeatable)")
	config.Register(fs)
	if code := parse(fs, args); code >= 0 {
		return code
	}
	c, code := loadConfig(fs, e, "ingest")
	if code >= 0 {
		// An MTA pipe bounces on anything but 75: a configuration the
		// operator can fix must not cost the sender its message.
		return exitTempFail
	}
	log := logger(e, c)
	st, err := openStore(ctx, c, log)
	if err != nil {
		return fail(e, "ingest", err)
	}
	defer st.Close()
	pending := &outbound.Pending{}
	p, err := build(ctx, c, st, log, pending)
	if err != nil {
		return fail(e, "ingest", err)
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
	inputs := fs.Args()
	if len(inputs) == 0 {
		inputs = []string{"-"}
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
		fmt.Fprintf(e.stderr, "guichet ingest: %v\n", err)
		return exitDataErr
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
