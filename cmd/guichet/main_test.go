package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"guichet/internal/pgtest"
)

const request = "From: Awa Diop <awa.diop@example.org>\r\n" +
	"To: support@centre.example\r\n" +
	"Subject: [1.7] Plateforme inaccessible depuis ce matin\r\n" +
	"Message-ID: <req-1@example.org>\r\n" +
	"Date: Thu, 26 Nov 2026 09:14:00 +0000\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n" +
	"\r\n" +
	"Bonjour,\r\nLa plateforme ne répond plus depuis 8 h.\r\nAwa\r\n"

// harness runs the command in-process with its own environment.
type harness struct {
	t   *testing.T
	env map[string]string
}

func newHarness(t *testing.T, dbURL string) *harness {
	t.Helper()
	return &harness{t: t, env: map[string]string{
		"GUICHET_DATA_DIR":        t.TempDir(),
		"GUICHET_DATABASE_URL":    dbURL,
		"GUICHET_SUPPORT_ADDRESS": "support@centre.example",
		// Tests run in parallel: no fixed port.
		"GUICHET_METRICS_ADDR": "127.0.0.1:0",
	}}
}

func (h *harness) run(stdin string, args ...string) (code int, stdout, stderr string) {
	h.t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, env{
		stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return h.env[k] },
	})
	return code, out.String(), errb.String()
}

func TestIngestAndShow(t *testing.T) {
	for _, tc := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "" }},
		{"postgres", func(t *testing.T) string { return pgtest.URL(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.db(t))
			code, out, errs := h.run(request, "ingest")
			if code != exitOK || !regexp.MustCompile(`^\d{4}-\d{6} created\n$`).MatchString(out) {
				t.Fatalf("ingest = %d %q %q, want 0 and one line NUMBER created", code, out, errs)
			}
			number := strings.Fields(out)[0]

			code, out, _ = h.run(request, "ingest")
			if code != exitOK || out != number+" duplicate: already stored\n" {
				t.Errorf("second ingest = %d %q, want duplicate of %s", code, out, number)
			}

			code, out, errs = h.run("", "tickets", "--json")
			if code != exitOK {
				t.Fatalf("tickets --json = %d %s", code, errs)
			}
			var list []map[string]any
			if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 {
				t.Fatalf("tickets --json = %q (%v), want an array of one", out, err)
			}
			if _, has := list[0]["messages"]; has {
				t.Errorf("tickets --json has messages: %v", list[0])
			}
			want := map[string]any{"number": number, "status": "open", "category": "1.7",
				"category_label": "Plateforme inaccessible", "category_source": "tag",
				"requester": "awa.diop@example.org", "subject": "Plateforme inaccessible depuis ce matin"}
			for k, v := range want {
				if list[0][k] != v {
					t.Errorf("tickets --json %s = %v, want %v", k, list[0][k], v)
				}
			}

			code, out, errs = h.run("", "ticket", number, "--json")
			if code != exitOK {
				t.Fatalf("ticket --json = %d %s", code, errs)
			}
			var one struct {
				Number   string `json:"number"`
				Messages []struct {
					Direction, Kind, From, Text string
				} `json:"messages"`
			}
			if err := json.Unmarshal([]byte(out), &one); err != nil {
				t.Fatal(err)
			}
			if one.Number != number || len(one.Messages) != 2 {
				t.Fatalf("ticket --json = %s, want the request and its acknowledgment", out)
			}
			if m := one.Messages[0]; m.Kind != "request" || m.Direction != "in" || !strings.Contains(m.Text, "ne répond plus") {
				t.Errorf("first message = %+v", m)
			}
			if m := one.Messages[1]; m.Kind != "ack" || m.Direction != "out" {
				t.Errorf("second message = %+v, want the acknowledgment", m)
			}

			code, out, _ = h.run("", "outbox", "--json")
			var ob []map[string]any
			if code != exitOK || json.Unmarshal([]byte(out), &ob) != nil || len(ob) != 1 || ob[0]["state"] != "queued" {
				t.Errorf("outbox --json = %d %s, want one queued acknowledgment", code, out)
			}

			code, out, _ = h.run("", "ticket", "2026-999999")
			if code != exitFailure {
				t.Errorf("ticket of an unknown number = %d %q, want %d", code, out, exitFailure)
			}
		})
	}
}

func TestIngestExitCodes(t *testing.T) {
	h := newHarness(t, "")
	noFrom := "To: support@centre.example\r\nSubject: sans expéditeur\r\n\r\nBonjour\r\n"
	code, out, _ := h.run(noFrom, "ingest")
	if code != exitDataErr || !strings.HasPrefix(out, "- unticketed") {
		t.Errorf("ingest without From = %d %q, want %d and an unticketed line", code, out, exitDataErr)
	}
	code, _, _ = h.run("", "ingest")
	if code != exitDataErr {
		t.Errorf("ingest of empty input = %d, want %d", code, exitDataErr)
	}

	file := filepath.Join(t.TempDir(), "m.eml")
	if err := os.WriteFile(file, []byte(request), 0o600); err != nil {
		t.Fatal(err)
	}
	down := newHarness(t, "postgres://postgres@127.0.0.1:1/guichet?sslmode=disable&connect_timeout=2")
	code, out, errs := down.run("", "ingest", file)
	if code != exitTempFail {
		t.Errorf("ingest with PostgreSQL unreachable = %d %q %q, want %d", code, out, errs, exitTempFail)
	}
	if strings.Count(strings.TrimSpace(errs), "\n") != 0 || strings.Contains(errs, "goroutine") {
		t.Errorf("stderr should be one clear line, got %q", errs)
	}
}

func TestHelpAndCategories(t *testing.T) {
	h := newHarness(t, "")
	for _, c := range commands() {
		if c.name == "version" {
			continue // no options, its own help
		}
		code, out, errs := h.run("", c.name, "--help")
		if code != exitOK || !strings.HasPrefix(out, "Usage: guichet "+c.name) || errs != "" {
			t.Errorf("%s --help = %d %q %q", c.name, code, out, errs)
		}
		// Its own flags, then examples and exit codes; the settings only
		// with --help-all.
		if !strings.Contains(out, "Examples:\n  guichet "+c.name) || !strings.Contains(out, "Exit codes: 0 ") ||
			strings.Contains(out, "--database-url string") {
			t.Errorf("%s --help:\n%s", c.name, out)
		}
		if _, all, _ := h.run("", c.name, "--help-all"); !strings.Contains(all, "--database-url string") || !strings.Contains(all, "--log-level") {
			t.Errorf("%s --help-all lists no settings:\n%s", c.name, all)
		}
	}
	code, out, _ := h.run("", "categories")
	if code != exitOK || !strings.Contains(out, "1.7") || !strings.Contains(out, "8- Gestion d'accès physique") ||
		!strings.Contains(out, "Demande d'hébergement d'équipements physiques Data Center") {
		t.Errorf("categories = %d\n%s", code, out)
	}
	if code, _, _ := h.run("", "nonsense"); code != exitUsage {
		t.Errorf("unknown command = %d, want %d", code, exitUsage)
	}
}
