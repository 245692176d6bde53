package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "sink" {
		return runSinkCommand(ctx, args[1:], stdout, stderr)
	}
	cfg, err := parseLoadFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "guichet-load:", err)
		return 2
	}
	rep, err := runLoad(ctx, cfg)
	if err != nil {
		fmt.Fprintln(stderr, "guichet-load:", err)
		return 1
	}
	rep.print(stdout, cfg)
	if rep.Accepted == 0 {
		return 1
	}
	return 0
}

func parseLoadFlags(args []string, stderr io.Writer) (loadConfig, error) {
	var cfg loadConfig
	fs := flag.NewFlagSet("guichet-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: guichet-load [flags]          send load to an SMTP server")
		fmt.Fprintln(stderr, "       guichet-load sink [--addr A]  run an SMTP server that discards everything")
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:2525", "SMTP server `host:port`")
	fs.StringVar(&cfg.To, "to", "support@localhost", "envelope and header recipient")
	fs.StringVar(&cfg.From, "from", "charge@guichet-load.example.net", "envelope sender")
	fs.StringVar(&cfg.Helo, "helo", "guichet-load.example.net", "EHLO name")
	fs.IntVar(&cfg.Conns, "conns", 16, "concurrent SMTP connections")
	fs.IntVar(&cfg.Messages, "messages", 2000, "messages to send in all (0: no limit, with --duration)")
	fs.DurationVar(&cfg.Duration, "duration", 0, "stop after this long (0: when --messages are sent)")
	fs.IntVar(&cfg.Size, "size", 2500, "approximate size of the text part in bytes (quoted-printable and a ~1.8 KB base64 attachment make the message ~5 KB)")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "per-command network timeout")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	if cfg.Conns < 1 {
		return cfg, errors.New("--conns must be at least 1")
	}
	if cfg.Messages <= 0 && cfg.Duration <= 0 {
		return cfg, errors.New("give --messages or --duration")
	}
	var id [4]byte
	_, _ = rand.Read(id[:])
	cfg.RunID = hex.EncodeToString(id[:])
	return cfg, nil
}
