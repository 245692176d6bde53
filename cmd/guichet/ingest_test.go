package main

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"guichet/internal/pgtest"
)

// TestIngestExitCodesForOperators: every fault an operator can fix exits 75,
// so that the MTA keeps the message; only a message that can never be used
// exits 65.
func TestIngestExitCodesForOperators(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	noFrom := "To: support@centre.example\r\nSubject: sans expéditeur\r\n\r\nBonjour\r\n"
	cases := []struct {
		name   string
		env    map[string]string // over the harness's
		args   []string
		stdin  string
		want   int
		stderr string // part of the one line on stderr
	}{
		{"stored", nil, nil, request, exitOK, ""},
		{"unknown flag in master.cf", nil, []string{"--recipient", "a@centre.example"}, request, exitTempFail, "-recipient"},
		{"configuration error", map[string]string{"GUICHET_SMTP_RATE": "many"}, nil, request, exitTempFail, "GUICHET_SMTP_RATE"},
		{"data directory under a file", map[string]string{"GUICHET_DATA_DIR": filepath.Join(notDir, "data")}, nil, request, exitTempFail, "not a directory"},
		{"relative data directory from a pipe", map[string]string{"GUICHET_DATA_DIR": "./guichet-data"}, nil, request, exitTempFail,
			"GUICHET_DATA_DIR is relative (./guichet-data) and guichet ingest runs from an MTA: set an absolute path"},
		{"missing input file", nil, []string{filepath.Join(t.TempDir(), "absent.eml")}, "", exitTempFail, "no such file"},
		{"unreachable database", map[string]string{"GUICHET_DATABASE_URL": "postgres://postgres@127.0.0.1:1/guichet?sslmode=disable&connect_timeout=2"}, nil, request, exitTempFail, ""},
		{"empty input", nil, nil, " \r\n", exitDataErr, "empty input"},
		{"no usable sender", nil, nil, noFrom, exitDataErr, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, "")
			for k, v := range c.env {
				h.env[k] = v
			}
			code, _, errs := h.run(c.stdin, append([]string{"ingest"}, c.args...)...)
			if code != c.want || !strings.Contains(errs, c.stderr) {
				t.Errorf("ingest = %d, stderr %q; want %d and %q", code, errs, c.want, c.stderr)
			}
			if c.want == exitTempFail && (strings.Count(errs, "guichet ingest:") != 1 || strings.Contains(errs, "goroutine")) {
				t.Errorf("stderr should be one clear line, got %q", errs)
			}
		})
	}
}

// TestIngestPostgresSetUpErrors: a misspelt database name or an unknown
// role is the operator's to fix: 75, not a bounce.
func TestIngestPostgresSetUpErrors(t *testing.T) {
	u, err := url.Parse(pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	missingDB := *u
	missingDB.Path = "/guichet_no_such_database"
	unknownRole := *u
	unknownRole.User = url.User("guichet_no_such_role")
	for name, dbURL := range map[string]string{
		"missing database": missingDB.String(),
		"unknown role":     unknownRole.String(),
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, dbURL)
			code, _, errs := h.run(request, "ingest")
			if code != exitTempFail || strings.Count(errs, "guichet ingest:") != 1 {
				t.Errorf("ingest = %d, stderr %q; want %d and one line", code, errs, exitTempFail)
			}
		})
	}
}

func TestIngestRecipientForms(t *testing.T) {
	file := filepath.Join(t.TempDir(), "m.eml")
	if err := os.WriteFile(file, []byte(request), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		args   []string
		rcpts  []string
		inputs []string
	}{
		{"one", []string{"--rcpt", "a@x.example"}, []string{"a@x.example"}, []string{}},
		{"equals", []string{"--rcpt=a@x.example"}, []string{"a@x.example"}, []string{}},
		{"repeated", []string{"--rcpt=a@x.example", "--rcpt=b@x.example"}, []string{"a@x.example", "b@x.example"}, []string{}},
		{"comma-separated", []string{"--rcpt=a@x.example, b@x.example"}, []string{"a@x.example", "b@x.example"}, []string{}},
		{"quoted comma", []string{`--rcpt="a,b"@x.example,c@x.example`}, []string{`"a,b"@x.example`, "c@x.example"}, []string{}},
		{"pipe(8) expansion", []string{"--sender", "s@y.example", "--rcpt", "a@x.example", "b@x.example"}, []string{"a@x.example", "b@x.example"}, []string{}},
		{"expansion then flags", []string{"--rcpt", "a@x.example", "b@x.example", "--mailbox", "m"}, []string{"a@x.example", "b@x.example"}, []string{}},
		{"expansion then a file", []string{"--rcpt", "a@x.example", "b@x.example", file}, []string{"a@x.example", "b@x.example"}, []string{file}},
		{"after --", []string{"--rcpt", "a@x.example", "--", "b@x.example"}, []string{"a@x.example", "b@x.example"}, []string{}},
		{"files only", []string{file, "-"}, nil, []string{file, "-"}},
		{"an address without --rcpt is a file name", []string{"a@x.example"}, nil, []string{"a@x.example"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rcpts recipients
			e := env{stderr: os.Stderr}
			fs := flags("ingest", "", e)
			fs.Var(&rcpts, "rcpt", "")
			fs.String("sender", "", "")
			fs.String("mailbox", "", "")
			inputs, code := parseIngestArgs(fs, c.args, &rcpts, e)
			if code != -1 || !slices.Equal([]string(rcpts), c.rcpts) || !slices.Equal(inputs, c.inputs) {
				t.Errorf("parse %q = rcpts %q inputs %q code %d; want %q %q", c.args, rcpts, inputs, code, c.rcpts, c.inputs)
			}
		})
	}

	// Two recipients of the domain, as pipe(8) passes them: one ticket.
	h := newHarness(t, "")
	code, out, errs := h.run(request, "ingest", "--sender", "awa.diop@example.org", "--rcpt", "support@centre.example", "alertes-non@centre.example")
	if code != exitOK || strings.Count(out, "\n") != 1 || !strings.Contains(out, " created") {
		t.Errorf("ingest with two recipients = %d %q %q; want 0 and one created ticket", code, out, errs)
	}
}

// TestInteractive: what an MTA, a daemon or a cron job gives is not a
// terminal, so a relative data directory is refused there.
func TestInteractive(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { devNull.Close() })
	for name, e := range map[string]env{
		"pipes (an MTA)":              {stdin: r, stderr: w},
		"/dev/null and a pipe (cron)": {stdin: devNull, stderr: w},
		"buffers":                     {stdin: strings.NewReader(""), stderr: &strings.Builder{}},
	} {
		if interactive(e) {
			t.Errorf("%s: interactive, want not", name)
		}
	}
}

// TestIngestLogsQuietUnlessAsked: a stored message gives the ticket line on
// stdout and nothing on stderr, which Postfix quotes as the status text;
// a level the operator gives brings the INFO lines back.
func TestIngestLogsQuietUnlessAsked(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		info bool // INFO lines expected on stderr
	}{
		{"default", nil, nil, false},
		{"environment", map[string]string{"GUICHET_LOG_LEVEL": "info"}, nil, true},
		{"flag", nil, []string{"--log-level", "info"}, true},
		{"explicit warn", map[string]string{"GUICHET_LOG_LEVEL": "warn"}, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, "")
			// A directory the store creates itself: a test's temporary
			// directory is readable by others, which is rightly warned about.
			h.env["GUICHET_DATA_DIR"] = filepath.Join(t.TempDir(), "data")
			for k, v := range c.env {
				h.env[k] = v
			}
			code, out, errs := h.run(request, append([]string{"ingest"}, c.args...)...)
			if code != exitOK || strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, " created\n") {
				t.Fatalf("ingest = %d, stdout %q; want 0 and the one ticket line", code, out)
			}
			if !c.info && errs != "" {
				t.Errorf("stderr = %q, want nothing", errs)
			}
			if c.info && (!strings.Contains(errs, "level=INFO msg=\"store: migration applied\"") || !strings.Contains(errs, "msg=\"message stored\"")) {
				t.Errorf("stderr = %q, want the migrations' and the delivery's INFO lines", errs)
			}
		})
	}
}
