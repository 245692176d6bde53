package main

import (
	"bytes"
	"errors"
	"guichet/config"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const goodSecret = "a-secret-of-the-tests-0123456789abcdef"

func TestSecretSettings(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, short := file("good", goodSecret+"\n"), file("short", "abc\n")
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		code    int
		stderr  string // a part of stderr
		notSeen string // what stderr must not show
	}{
		{"short secret: serve", map[string]string{"GUICHET_SECRET": "abc"}, []string{"serve"}, exitUsage, "GUICHET_SECRET: the secret is too short: at least 32 bytes", "abc"},
		{"short secret: ingest", map[string]string{"GUICHET_SECRET": "abc"}, []string{"ingest"}, exitTempFail, "at least 32 bytes", "abc"},
		{"short secret file", map[string]string{"GUICHET_SECRET_FILE": short}, []string{"ingest"}, exitTempFail, "GUICHET_SECRET_FILE: the secret is too short", "abc"},
		{"secret file", map[string]string{"GUICHET_SECRET_FILE": good}, []string{"ingest"}, exitOK, "", goodSecret},
		{"secret as a flag: warned", nil, []string{"ingest", "--secret", goodSecret}, exitOK, "--secret given as a flag", goodSecret},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "")
			h.env["GUICHET_SMTP_ADDR"], h.env["GUICHET_HTTP_ADDR"], h.env["GUICHET_METRICS_ADDR"] = "off", "off", "off"
			for k, v := range tc.env {
				h.env[k] = v
			}
			code, _, stderr := h.run(request, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("%v = %d %q, want %d and %q", tc.args, code, stderr, tc.code, tc.stderr)
			}
			if strings.Contains(stderr, tc.notSeen) {
				t.Errorf("stderr shows the secret: %q", stderr)
			}
			if tc.code != exitOK && strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("stderr is not one line: %q", stderr)
			}
		})
	}
}

// TestRelayPasswordNotShown: a relay URL that stops the start never shows
// its password.
func TestRelayPasswordNotShown(t *testing.T) {
	for _, tc := range []struct{ name, relay string }{
		{"bad port", "smtp+starttls://guichet:Pa55-w0rd@relay.example:notaport"},
		{"space in the password", "smtps://guichet:Pa55 w0rd@relay.example:465"},
		{"AUTH without TLS", "smtp://guichet:Pa55-w0rd@relay.example:25"},
		{"unknown scheme", "ftp://guichet:Pa55-w0rd@relay.example"},
	} {
		// The subtest's name is in its temporary directory's path: it
		// must not hold the password either.
		relay := tc.relay
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "")
			h.env["GUICHET_SMTP_ADDR"], h.env["GUICHET_HTTP_ADDR"], h.env["GUICHET_METRICS_ADDR"] = "off", "off", "off"
			h.env["GUICHET_RELAY_URL"] = relay
			code, _, stderr := h.run("", "serve")
			if code == exitOK || !strings.Contains(stderr, "relay") {
				t.Fatalf("serve = %d %q, want a failure naming the relay", code, stderr)
			}
			if strings.Contains(stderr, "Pa55") {
				t.Errorf("stderr shows the password: %q", stderr)
			}
		})
	}
}

// TestLogRedaction: whichever part logs them, signed reply addresses lose
// their signature (the number stays), URLs their password.
func TestLogRedaction(t *testing.T) {
	var buf bytes.Buffer
	log := logger(env{stderr: &buf}, &config.Config{})
	signed := "support+2026-000042.agent.abcdefgh2345@centre.example"
	log.With("part", "smtp").Info("smtpd: message accepted", "rcpt", []string{"support@centre.example", signed},
		"to", signed, "err", errors.New("dial smtp://u:Pa55@relay.example:25: refused"))
	out := buf.String()
	for _, secret := range []string{"abcdefgh2345", "Pa55"} {
		if strings.Contains(out, secret) {
			t.Errorf("log shows %q: %s", secret, out)
		}
	}
	for _, want := range []string{"support+2026-000042.agent.xxxxx@centre.example", "support@centre.example", "smtp://u:xxxxx@relay.example:25"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q: %s", want, out)
		}
	}
}

// TestServeRedactsSignedAddress: a requester's answer to the signed
// address of the acknowledgment is logged with the ticket number only.
func TestServeRedactsSignedAddress(t *testing.T) {
	rl := startRelay(t)
	h := newHarness(t, "")
	h.env["GUICHET_SMTP_ADDR"], h.env["GUICHET_HTTP_ADDR"] = "127.0.0.1:0", "off"
	h.env["GUICHET_RELAY_URL"] = "smtp://" + rl.addr
	srv := startServe(t, h)
	if code, _ := send(t, srv.smtpAddr, "awa.diop@example.org", "support@centre.example", []byte(request)); code != 250 {
		t.Fatalf("request: SMTP %d, want 250", code)
	}
	waitFor(t, "the acknowledgment", func() bool { return len(rl.messages()) == 1 })
	m := regexp.MustCompile(`support\+(\d{4}-\d{6})\.([a-z2-7]{12})@centre\.example`).FindStringSubmatch(string(rl.messages()[0].data))
	if m == nil {
		t.Fatalf("no signed address in the acknowledgment:\n%s", rl.messages()[0].data)
	}
	reply := strings.Replace(request, "Message-ID: <req-1@", "Message-ID: <req-2@", 1)
	if code, _ := send(t, srv.smtpAddr, "awa.diop@example.org", m[0], []byte(reply)); code != 250 {
		t.Fatalf("reply: SMTP %d, want 250", code)
	}
	srv.stop()
	logs := srv.logs.String()
	if strings.Contains(logs, m[2]) {
		t.Errorf("the log shows the signature %s:\n%s", m[2], logs)
	}
	if !strings.Contains(logs, "support+"+m[1]+".xxxxx@centre.example") {
		t.Errorf("the log lacks the redacted address of %s:\n%s", m[1], logs)
	}
}

// TestServeMetricsListener: /metrics and the profiler answer on
// GUICHET_METRICS_ADDR only.
func TestServeMetricsListener(t *testing.T) {
	h := newHarness(t, "")
	h.env["GUICHET_SMTP_ADDR"], h.env["GUICHET_HTTP_ADDR"] = "off", "127.0.0.1:0"
	srv := startServeOnly(t, h)
	addr := func(name string) string {
		m := regexp.MustCompile(` ` + name + `=(127\.0\.0\.1:\d+)`).FindStringSubmatch(srv.logs.String())
		if m == nil {
			t.Fatalf("no %s address in the ready line:\n%s", name, srv.logs.String())
		}
		return m[1]
	}
	get := func(url string) (int, string) {
		t.Helper()
		r, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	for _, path := range []string{"/metrics", "/debug/pprof/", "/debug/pprof/goroutine"} {
		if code, _ := get("http://" + addr("http") + path); code != http.StatusNotFound {
			t.Errorf("public %s = %d, want 404", path, code)
		}
	}
	if code, body := get("http://" + addr("metrics") + "/debug/pprof/goroutine?debug=1"); code != 200 || !strings.Contains(body, "goroutine profile") {
		t.Errorf("metrics listener's /debug/pprof/goroutine = %d:\n%.300s", code, body)
	}
	code, body := get("http://" + addr("metrics") + "/metrics")
	if code != 200 || !strings.Contains(body, "guichet_store_up 1") || !strings.Contains(body, `guichet_outbox_messages{state="queued"} 0`) {
		t.Errorf("metrics listener = %d:\n%s", code, body)
	}
	if want := `guichet_build_info{commit="`; !strings.Contains(body, want) || !strings.Contains(body, `goversion="go1.`) {
		t.Errorf("metrics listener has no guichet_build_info with a commit and a Go version:\n%s", body)
	}
}
