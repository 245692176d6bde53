package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"guichet/classify"
	"guichet/config"
	"guichet/ingest"
	"guichet/ingest/mailparse"
	"guichet/ingest/replyaddr"
	"guichet/outbound"
	"guichet/store"
)

// flags makes a command's flag set with the configuration flags, and the
// usage text that --help prints.
func flags(name, synopsis string, e env) *flag.FlagSet {
	fs := flag.NewFlagSet("guichet "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: guichet %s %s\n\nOptions:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args; it returns -1 to go on, or the exit code.
func parse(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return exitOK
		}
		return exitUsage
	}
	return -1
}

func logger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

func openStore(ctx context.Context, c *config.Config, log *slog.Logger) (store.Store, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	return store.Open(ctx, store.Options{DatabaseURL: c.DatabaseURL, DataDir: c.DataDir, Logger: log})
}

// parts are the components that handle mail, built from the configuration.
type parts struct {
	catalogue *classify.Catalogue
	signer    *replyaddr.Signer
	acker     *outbound.Acker
	pipeline  *ingest.Pipeline
}

func build(ctx context.Context, c *config.Config, st store.Store, log *slog.Logger) (*parts, error) {
	cat, err := classify.Default()
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	secret := []byte(c.Secret)
	if len(secret) == 0 {
		if secret, err = st.Secret(ctx); err != nil {
			return nil, fmt.Errorf("secret: %w", err)
		}
	}
	signer, err := replyaddr.New(secret, c.SupportAddress)
	if err != nil {
		return nil, fmt.Errorf("reply addresses: %w", err)
	}
	acker, err := outbound.NewAcker(outbound.AckerOptions{
		CentreName:     c.CentreName,
		SupportAddress: c.SupportAddress,
		Signer:         signer,
		Catalogue:      cat,
		PublicURL:      c.PublicURL,
		PerHour:        c.AckPerHour,
		Hostname:       c.Hostname,
	})
	if err != nil {
		return nil, fmt.Errorf("acknowledgments: %w", err)
	}
	boxes, err := mailboxes(c)
	if err != nil {
		return nil, err
	}
	var alertBoxes []string
	for _, m := range boxes {
		if m.Kind == "alert" {
			alertBoxes = append(alertBoxes, m.Name)
		}
	}
	p := ingest.New(ingest.Options{
		SupportAddress:   c.SupportAddress,
		AlertAddresses:   c.AlertAddresses,
		AlertMailboxes:   alertBoxes,
		Agents:           c.AgentAddresses(),
		ReopenAfterClose: time.Duration(c.ReopenDays) * 24 * time.Hour,
		Limits:           mailparse.Limits{},
		Logger:           log,
	}, st, cat, signer, acker)
	return &parts{catalogue: cat, signer: signer, acker: acker, pipeline: p}, nil
}

// labels adapts the catalogue to view.Labeler.
type labels struct{ c *classify.Catalogue }

func (l labels) Label(code string) string {
	if cat, ok := l.c.Lookup(code); ok {
		return cat.Label
	}
	return ""
}
