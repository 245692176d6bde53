package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"guichet/classify"
	"guichet/store"
	"guichet/view"
)

// Export is the JSON document of `guichet export` (docs/personal-data.md):
// everything stored about one person, for the right of access. Field
// names are stable.
type Export struct {
	// Requester is the normalised address searched (lower case, no +detail).
	Requester   string `json:"requester"`
	GeneratedAt string `json:"generated_at"`
	// Tickets they opened or took part in, as `guichet ticket --json`.
	Tickets []view.Ticket `json:"tickets"`
	// UnticketedMessages are stored messages naming them outside any ticket.
	UnticketedMessages []view.Message `json:"unticketed_messages"`
	// Outbound is the mail queued or sent to them.
	Outbound []view.Outbound `json:"outbound"`
	// RateLimits are the rate-limit rows keyed by their address (« mes
	// demandes » mail).
	RateLimits []ExportRateLimit `json:"rate_limits"`
	// AttachmentFiles lists the files written by --with-attachments.
	AttachmentFiles []string `json:"attachment_files,omitempty"`
}

// ExportRateLimit is one rate-limit row.
type ExportRateLimit struct {
	Key       string `json:"key"`
	At        string `json:"at"`
	ExpiresAt string `json:"expires_at"`
}

func runExport(ctx context.Context, args []string, e env) int {
	var who, dir *string
	_, st, rest, code := readOnly(ctx, "export", "--requester ADDR [--with-attachments DIR]", args, e, func(fs *flag.FlagSet) {
		who = fs.String("requester", "", "the person's address (any letter case, any +detail)")
		dir = fs.String("with-attachments", "", "also write the attachments' contents into this directory")
	})
	if code >= 0 {
		return code
	}
	defer st.Close()
	if !validRequester(e, "export", *who, rest) {
		return exitUsage
	}
	pd, err := st.PersonalData(ctx, *who)
	if err != nil {
		return fail(e, "export", err)
	}
	cat, err := classify.Default()
	if err != nil {
		return fail(e, "export", err)
	}
	out := Export{
		Requester: pd.Key, GeneratedAt: time.Now().UTC().Format(time.RFC3339),
		Tickets: []view.Ticket{}, UnticketedMessages: []view.Message{}, Outbound: []view.Outbound{}, RateLimits: []ExportRateLimit{},
	}
	for _, d := range pd.Tickets {
		out.Tickets = append(out.Tickets, view.FromDetail(d, labels{cat}))
	}
	for _, m := range pd.Unticketed {
		out.UnticketedMessages = append(out.UnticketedMessages, view.FromMessage(m))
	}
	for _, o := range pd.Outbound {
		out.Outbound = append(out.Outbound, view.FromOutbound(o))
	}
	for _, r := range pd.RateSlots {
		out.RateLimits = append(out.RateLimits, ExportRateLimit{Key: r.Key,
			At: r.At.UTC().Format(time.RFC3339), ExpiresAt: r.ExpiresAt.UTC().Format(time.RFC3339)})
	}
	if *dir != "" {
		if out.AttachmentFiles, err = writeAttachments(ctx, st, *dir, pd); err != nil {
			return fail(e, "export", err)
		}
	}
	if err := view.JSON(e.stdout, out); err != nil {
		return fail(e, "export", err)
	}
	return exitOK
}

// validRequester checks the --requester flag of cmd, saying what is wrong.
func validRequester(e env, cmd, who string, rest []string) bool {
	if len(rest) > 0 || !strings.Contains(who, "@") {
		fmt.Fprintf(e.stderr, "guichet %s: expected --requester ADDR, e.g. --requester awa.diop@example.org\n", cmd)
		return false
	}
	return true
}

// writeAttachments writes each attachment of the exported messages once,
// named by its hash and its file name made safe, readable by the owner
// only: they are the person's data.
func writeAttachments(ctx context.Context, st store.Store, dir string, pd store.PersonalData) ([]string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("attachments directory: %w", err)
	}
	var msgs []store.Message
	for _, d := range pd.Tickets {
		msgs = append(msgs, d.Messages...)
	}
	msgs = append(msgs, pd.Unticketed...)
	written := map[string]bool{}
	files := []string{}
	for _, m := range msgs {
		for _, a := range m.Attachments {
			name := a.SHA256 + "-" + safeName(a.Filename)
			if written[name] {
				continue
			}
			written[name] = true
			data, err := st.AttachmentData(ctx, a.SHA256)
			if err != nil {
				return nil, err
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				return nil, fmt.Errorf("attachment: %w", err)
			}
			files = append(files, name)
		}
	}
	return files, nil
}

// safeName keeps letters, digits, '.', '-' and '_' of a sender-chosen file
// name, so that it cannot leave the directory nor surprise a shell; at
// most 100 runes.
func safeName(n string) string {
	var b strings.Builder
	count := 0
	for _, r := range n {
		if count == 100 {
			break
		}
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
		count++
	}
	s := strings.TrimLeft(b.String(), ".")
	if s == "" {
		return "attachment"
	}
	return s
}
