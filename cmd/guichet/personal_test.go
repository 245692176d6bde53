package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"guichet/config"
	"guichet/internal/pgtest"
	"guichet/store"
	"guichet/web"
)

const withAttachment = "From: Awa Diop <Awa.Diop+x@Example.org>\r\n" +
	"To: support@centre.example\r\n" +
	"Subject: [1.7] Pièce jointe\r\n" +
	"Message-ID: <req-att@example.org>\r\n" +
	"Date: Thu, 26 Nov 2026 09:20:00 +0000\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=b\r\n" +
	"\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici le document tournesol-77.\r\n" +
	"--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\n%PDF-unique\r\n--b--\r\n"

func TestExportForgetPurge(t *testing.T) {
	for _, tc := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "" }},
		{"postgres", func(t *testing.T) string { return pgtest.URL(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.db(t))
			for _, m := range []string{request, withAttachment} {
				if code, _, errs := h.run(m, "ingest"); code != exitOK {
					t.Fatalf("ingest = %d %s", code, errs)
				}
			}
			if code, _, _ := h.run("", "export"); code != exitUsage {
				t.Errorf("export without --requester = %d, want %d", code, exitUsage)
			}
			dir := filepath.Join(t.TempDir(), "pj")
			code, out, errs := h.run("", "export", "--requester", "AWA.DIOP@example.org", "--with-attachments", dir)
			if code != exitOK {
				t.Fatalf("export = %d %s", code, errs)
			}
			var ex struct {
				Requester string            `json:"requester"`
				Tickets   []json.RawMessage `json:"tickets"`
				Files     []string          `json:"attachment_files"`
			}
			if err := json.Unmarshal([]byte(out), &ex); err != nil || ex.Requester != "awa.diop@example.org" || len(ex.Tickets) != 2 {
				t.Fatalf("export = %s (%v), want 2 tickets of awa.diop@example.org", out, err)
			}
			if len(ex.Files) != 1 || strings.Contains(ex.Files[0], "/") {
				t.Fatalf("attachment files = %v", ex.Files)
			}
			if fi, err := os.Stat(filepath.Join(dir, ex.Files[0])); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("attachment file: %v %v", fi, err)
			}

			code, out, errs = h.run("", "forget", "--requester", "awa.diop@example.org", "--dry-run")
			if code != exitOK || !strings.Contains(out, `"dry_run": true`) || !strings.Contains(out, `"messages": 4`) {
				t.Errorf("forget --dry-run = %d %s %s", code, out, errs)
			}
			code, out, errs = h.run("", "forget", "--requester", "awa.diop@example.org", "--by", "dpo")
			if code != exitOK || !strings.Contains(out, `"messages": 4`) {
				t.Errorf("forget = %d %s %s", code, out, errs)
			}
			code, out, _ = h.run("", "forget", "--requester", "awa.diop@example.org")
			if code != exitOK || !strings.Contains(out, `"tickets": 0`) {
				t.Errorf("second forget = %d %s, want nothing erased", code, out)
			}
			code, out, _ = h.run("", "tickets", "--json")
			if code != exitOK || strings.Contains(strings.ToLower(out), "awa") || strings.Count(out, `"number"`) != 2 {
				t.Errorf("tickets after forget = %s", out)
			}
			if code, _, _ := h.run("", "purge"); code != exitUsage {
				t.Errorf("purge with retention off = %d, want %d", code, exitUsage)
			}
			h.env["GUICHET_RETENTION"] = "3y"
			if code, out, errs := h.run("", "purge", "--dry-run"); code != exitOK || !strings.Contains(out, `"tickets": 0`) {
				t.Errorf("purge = %d %s %s, want nothing (no ticket closed)", code, out, errs)
			}
		})
	}
}

// fakeClock jumps to each deadline it is waited for.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits int
	stop  func()
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits++
	if c.waits > 2 {
		c.stop()
	}
	c.now = c.now.Add(d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func TestRetentionDaily(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	if got := nextRun(time.Date(2026, 3, 29, 1, 0, 0, 0, paris), paris); got.Hour() != 3 || got.Minute() != 30 || got.Day() != 29 {
		t.Errorf("nextRun on the spring change = %v", got)
	}
	if got := nextRun(time.Date(2026, 3, 29, 4, 0, 0, 0, paris), paris); got.Day() != 30 {
		t.Errorf("nextRun after 03:30 = %v, want the next day", got)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := tempStore(t)
	created := time.Date(2020, 1, 6, 10, 0, 0, 0, time.UTC)
	var number string
	err = st.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		ts, err := tx.CreateTickets(ctx, []store.NewTicket{{Subject: "vieux", Requester: "awa@example.org", CreatedAt: created}})
		if err != nil {
			return err
		}
		number = ts[0].Number
		return tx.SetStatus(ctx, ts[0].ID, store.StatusClosed, "", created)
	})
	if err != nil {
		t.Fatal(err)
	}
	c := &config.Config{Location: paris, Retention: config.Retention{Years: 3}}
	clk := &fakeClock{now: time.Date(2023, 1, 5, 12, 0, 0, 0, time.UTC), stop: cancel}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	m := web.NewMetrics(st)
	if err := runRetention(ctx, st, c, "test", clk, log, m); err != nil {
		t.Fatal(err)
	}
	exposition := scrape(t, m)
	for _, want := range []string{
		`guichet_erasures_total{reason="retention"} 1`,
		`guichet_erased_tickets_total{reason="retention"} 1`,
		`guichet_erasure_failures_total{reason="retention"} 0`,
		`guichet_erasure_last_run_timestamp_seconds{reason="retention"}`,
	} {
		if !strings.Contains(exposition, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	d, err := st.Ticket(context.Background(), number)
	if err != nil {
		t.Fatal(err)
	}
	// 2023-01-06 03:30 Paris is within 3 years of closing; 2023-01-07's run erases it.
	if !strings.HasPrefix(d.Requester, "anonyme-") {
		t.Errorf("requester after the daily runs = %q, want a pseudonym", d.Requester)
	}
}

// failingPurge is a store whose retention erasure always fails.
type failingPurge struct{ store.Store }

func (failingPurge) PurgeClosed(context.Context, time.Time, store.Erasure) (store.ErasureReport, error) {
	return store.ErasureReport{}, errors.New("disk full")
}

// TestRetentionCountsFailures: a failed daily run shows in /metrics, and
// counts no erasure.
func TestRetentionCountsFailures(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st := tempStore(t)
	c := &config.Config{Location: time.UTC, Retention: config.Retention{Years: 3}}
	clk := &fakeClock{now: time.Date(2023, 1, 5, 12, 0, 0, 0, time.UTC), stop: cancel}
	m := web.NewMetrics(st)
	if err := runRetention(ctx, failingPurge{st}, c, "test", clk, slog.New(slog.NewTextHandler(io.Discard, nil)), m); err != nil {
		t.Fatal(err)
	}
	exposition := scrape(t, m)
	for _, want := range []string{`guichet_erasures_total{reason="retention"} 0`, `guichet_erasure_failures_total{reason="retention"} `} {
		if !strings.Contains(exposition, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(exposition, `guichet_erasure_failures_total{reason="retention"} 0`) {
		t.Error("a failed run is not counted")
	}
}

// tempStore is an embedded store in a directory of its own.
func tempStore(t *testing.T) store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), store.Options{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// scrape is m's exposition, as Prometheus reads it.
func scrape(t *testing.T, m *web.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}
