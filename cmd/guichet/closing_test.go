package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"guichet/classify"
	"guichet/config"
	"guichet/internal/testdb"
	"guichet/outbound"
	"guichet/replyaddr"
	"guichet/store"
)

func testMailer(t *testing.T, now func() time.Time) *outbound.Mailer {
	t.Helper()
	signer, err := replyaddr.New([]byte(strings.Repeat("k", 32)), "support@example.org")
	if err != nil {
		t.Fatal(err)
	}
	cat, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	m, err := outbound.NewMailer(outbound.MailerOptions{SupportAddress: "support@example.org", Signer: signer, Catalogue: cat,
		Clock: now, CloseAfter: "7\u00a0jours", ReopenDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// TestCloseResolved: a resolved ticket is closed once its period without
// news has passed, with one notice to its requester; an incident is closed
// without one; a ticket with news is left alone.
func TestCloseResolved(t *testing.T) {
	for _, b := range testdb.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			resolvedAt := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
			mk := func(nt store.NewTicket, status store.Status, at time.Time) string {
				var number string
				err := st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
					tk, err := testdb.CreateTicket(ctx, tx, nt)
					number = tk.Number
					if err != nil {
						return err
					}
					return tx.SetStatus(ctx, tk.ID, status, "resolved by agent", at)
				})
				if err != nil {
					t.Fatal(err)
				}
				return number
			}
			created := resolvedAt.Add(-time.Hour)
			plain := mk(store.NewTicket{Subject: "Portail en panne", Requester: "awa@example.org", CreatedAt: created}, store.StatusResolved, resolvedAt)
			incident := mk(store.NewTicket{Subject: "PROBLEM web01", Requester: "nagios@example.org", IncidentKey: "nagios/web01", CreatedAt: created}, store.StatusResolved, resolvedAt)
			later := mk(store.NewTicket{Subject: "Imprimante", Requester: "moussa@example.org", CreatedAt: created}, store.StatusResolved, resolvedAt.Add(2*24*time.Hour))

			var now time.Time
			c := &closer{st: st, after: config.Retention{Days: 7}, mailer: testMailer(t, func() time.Time { return now }),
				agents: map[string]bool{}, log: quietLog()}
			for _, step := range []struct {
				at         time.Time
				wantClosed int
			}{
				{resolvedAt.Add(7*24*time.Hour - time.Minute), 0},
				{resolvedAt.Add(7*24*time.Hour + time.Minute), 2},
				{resolvedAt.Add(7*24*time.Hour + 2*time.Minute), 0},
			} {
				now = step.at
				n, err := c.closeDue(ctx, now)
				if err != nil || n != step.wantClosed {
					t.Fatalf("closeDue(%s) = %d, %v; want %d", now, n, err, step.wantClosed)
				}
			}
			for number, want := range map[string]store.Status{plain: store.StatusClosed, incident: store.StatusClosed, later: store.StatusResolved} {
				d, err := st.Ticket(ctx, number)
				if err != nil {
					t.Fatal(err)
				}
				if d.Status != want {
					t.Errorf("%s status = %s, want %s", number, d.Status, want)
				}
				if want == store.StatusClosed {
					if h := d.History[len(d.History)-1]; h.Reason != "closed automatically after 7 days without news" {
						t.Errorf("%s history reason = %q", number, h.Reason)
					}
				}
			}
			out, err := st.Outbox(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != 1 || out[0].TicketNumber != plain || out[0].To[0] != "awa@example.org" {
				t.Fatalf("outbox = %+v, want one notice to awa@example.org", out)
			}
			raw := string(out[0].Raw)
			for _, w := range []string{"Demande close", "Auto-Submitted: auto-generated"} {
				if !strings.Contains(raw, w) {
					t.Errorf("notice lacks %q:\n%s", w, raw)
				}
			}
		})
	}
}

func TestDurationWords(t *testing.T) {
	for _, tt := range []struct {
		r      config.Retention
		fr, en string
	}{
		{config.Retention{Days: 7}, "7\u00a0jours", "7 days"},
		{config.Retention{Days: 1}, "1\u00a0jour", "1 day"},
		{config.Retention{Exact: 36 * time.Hour}, "36\u00a0heures", "36 hours"},
		{config.Retention{Exact: 48 * time.Hour}, "2\u00a0jours", "2 days"},
		{config.Retention{Exact: 90 * time.Second}, "90\u00a0secondes", "90 seconds"},
		{config.Retention{Months: 1}, "1\u00a0mois", "1 month"},
	} {
		if fr, en := durationWords(tt.r, true), durationWords(tt.r, false); fr != tt.fr || en != tt.en {
			t.Errorf("durationWords(%v) = %q, %q; want %q, %q", tt.r, fr, en, tt.fr, tt.en)
		}
	}
}
